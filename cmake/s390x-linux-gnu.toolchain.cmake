# Cross build for s390x Linux (64-bit big-endian), run under qemu-user:
#   cmake -S . -B build/s390x -DCMAKE_TOOLCHAIN_FILE=cmake/s390x-linux-gnu.toolchain.cmake
# Debian: gcc-s390x-linux-gnu, qemu-user.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(TCPSTATE_CROSS_TRIPLE s390x-linux-gnu)
set(TCPSTATE_CROSS_QEMU qemu-s390x)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
