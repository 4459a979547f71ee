# Shared part of the Linux cross toolchain files (included by them).
set(CMAKE_C_COMPILER ${TCPSTATE_CROSS_TRIPLE}-gcc)
# C++ only compiles the header check (tests/header/alone.cpp) for the target.
set(CMAKE_CXX_COMPILER ${TCPSTATE_CROSS_TRIPLE}-g++)
set(CMAKE_FIND_ROOT_PATH /usr/${TCPSTATE_CROSS_TRIPLE} /usr/lib/${TCPSTATE_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config must not hand the host's libraries (libpcap, Criterion) to the target.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${TCPSTATE_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
# Run target programs (ctest, build-time generators) under qemu-user.
set(CMAKE_CROSSCOMPILING_EMULATOR ${TCPSTATE_CROSS_QEMU} -L /usr/${TCPSTATE_CROSS_TRIPLE})
