# Cross build for 32-bit ARM Linux (armhf), run under qemu-user:
#   cmake -S . -B build/armhf -DCMAKE_TOOLCHAIN_FILE=cmake/arm-linux-gnueabihf.toolchain.cmake
# Debian: gcc-arm-linux-gnueabihf, qemu-user. ctest runs the test programs
# through qemu-arm (CMAKE_CROSSCOMPILING_EMULATOR).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(TCPSTATE_CROSS_TRIPLE arm-linux-gnueabihf)
set(TCPSTATE_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
# 64-bit file offsets and inode numbers: without them readdir() fails with
# EOVERFLOW under qemu-user on hosts with 64-bit inodes (the fuzz replays).
set(CMAKE_C_FLAGS_INIT "-D_FILE_OFFSET_BITS=64")
