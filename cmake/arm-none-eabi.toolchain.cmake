# Bare-metal Cortex-M4 (arm-none-eabi-gcc, newlib), as firmware builds it:
#   cmake -S . -B build/m4 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.toolchain.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel
# Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi. Only the static library
# is built (no shared library, tests or tcpstate-pcap: there is no OS).
# TCPSTATE_MCU_FLAGS selects another core, e.g. "-mcpu=cortex-m0plus -mthumb".
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_SIZE arm-none-eabi-size)
# Compiler checks link a program: a static library needs no startup code.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(TCPSTATE_MCU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=soft" CACHE STRING
    "Core selection for arm-none-eabi")
set(CMAKE_C_FLAGS_INIT "${TCPSTATE_MCU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-Os -DNDEBUG")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections --specs=nano.specs")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(TCPSTATE_BUILD_SHARED OFF CACHE BOOL "" FORCE)
set(TCPSTATE_BUILD_TESTS OFF CACHE BOOL "" FORCE)
set(TCPSTATE_BUILD_EXAMPLES OFF CACHE BOOL "" FORCE)
set(TCPSTATE_BUILD_DOCS OFF CACHE BOOL "" FORCE)
