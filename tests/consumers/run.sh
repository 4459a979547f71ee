#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every way a project takes in tcpstate, each building and running a tiny
# program (main.c, main.cpp here):
#   1. pkg-config, against an installed tcpstate;
#   2. find_package(tcpstate), installed; also the C++ consumer;
#   3. add_subdirectory() of the checkout;
#   4. FetchContent, from the checkout (SOURCE_DIR) and from a file:// tarball
#      of it (URL), with no network.
# For 3 and 4 it also checks that tcpstate, as a subproject, builds none of
# its tests, examples or docs and says nothing about skipping them, and that
# its warning flags (-Wpedantic -Werror ...) stay off the consumer's targets.
#
#   tests/consumers/run.sh [WORK_DIR]     (default: build/consumers)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${1:-$top/build/consumers}
mkdir -p "$work"
work=$(cd "$work" && pwd)
jobs=${JOBS:-2}
rm -rf "$work"
mkdir -p "$work"
say() { printf '\n---- consumers: %s\n' "$*"; }

# ---------------------------------------------------------------- installed
say "build and install the library alone"
cmake -S "$top" -B "$work/lib" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPSTATE_BUILD_TESTS=OFF \
    -DTCPSTATE_BUILD_EXAMPLES=OFF -DTCPSTATE_BUILD_DOCS=OFF > "$work/lib.log"
cmake --build "$work/lib" -j "$jobs" > /dev/null
cmake --install "$work/lib" --prefix "$work/prefix" > /dev/null

say "pkg-config"
libdir=$(ls -d "$work"/prefix/lib*/pkgconfig "$work"/prefix/lib/*/pkgconfig 2>/dev/null | tr '\n' ':')
PKG_CONFIG_PATH=$libdir sh -c '
    cc -std=c11 -Wall -Wextra -Werror "$1/main.c" -o "$2/by-pkgconfig" \
        $(pkg-config --cflags --libs tcpstate) -Wl,-rpath,"$(pkg-config --variable=libdir tcpstate)"
    cc -std=c11 -Wall -Wextra -Werror "$1/main.c" -o "$2/by-pkgconfig-static" \
        $(pkg-config --static --cflags tcpstate) "$(pkg-config --variable=libdir tcpstate)/libtcpstate.a"
' sh "$here" "$work"
"$work/by-pkgconfig"
"$work/by-pkgconfig-static"

say "find_package (C and C++)"
mkdir -p "$work/fp"
cp "$here/main.c" "$here/main.cpp" "$work/fp/"
cat > "$work/fp/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.21)
project(consumer C CXX)
find_package(tcpstate 0.1 REQUIRED)
add_executable(by-find-package main.c)
target_link_libraries(by-find-package PRIVATE tcpstate::tcpstate)
add_executable(by-find-package-static main.c)
target_link_libraries(by-find-package-static PRIVATE tcpstate::static)
add_executable(cxx-consumer main.cpp)
set_target_properties(cxx-consumer PROPERTIES CXX_STANDARD 11)
target_compile_options(cxx-consumer PRIVATE -Wall -Wextra -Wpedantic -Werror)
target_link_libraries(cxx-consumer PRIVATE tcpstate::tcpstate)
CMAKE
cmake -S "$work/fp" -B "$work/fp/build" -DCMAKE_PREFIX_PATH="$work/prefix" > /dev/null
cmake --build "$work/fp/build" -j "$jobs" > /dev/null
"$work/fp/build/by-find-package"
"$work/fp/build/by-find-package-static"
"$work/fp/build/cxx-consumer"

# ---------------------------------------------------------------- from the checkout
# subproject NAME CMAKE_LINES: a consumer project that gets tcpstate by CMAKE_LINES.
subproject() {
    name=$1
    dir="$work/$name"
    mkdir -p "$dir"
    cp "$here/main.c" "$dir/"
    {
        echo 'cmake_minimum_required(VERSION 3.21)'
        echo 'project(consumer C)'
        printf '%s\n' "$2"
        echo 'add_executable(consumer main.c)'
        echo 'target_link_libraries(consumer PRIVATE tcpstate::tcpstate)'
    } > "$dir/CMakeLists.txt"
    cmake -S "$dir" -B "$dir/build" -DTCPSTATE_DIR_FOR_TEST="$top" > "$dir/configure.log" 2>&1 ||
        { cat "$dir/configure.log"; exit 1; }
    if grep -q 'tcpstate: skipping' "$dir/configure.log"; then
        echo "$name: tcpstate as a subproject talked about skipping parts:"
        grep 'tcpstate:' "$dir/configure.log"
        exit 1
    fi
    cmake --build "$dir/build" -j "$jobs" -- VERBOSE=1 > "$dir/build.log" 2>&1 ||
        { cat "$dir/build.log"; exit 1; }
    # Our warnings stay on our targets: the consumer's compile line has none.
    if grep 'main\.c' "$dir/build.log" | grep -E -- '-Werror|-Wpedantic|-Wconversion'; then
        echo "$name: tcpstate's warning flags leaked into the consumer (line above)"
        exit 1
    fi
    # No tests, examples or docs of ours among the targets.
    if cmake --build "$dir/build" --target help | grep -E 'test_|tcpstate-pcap|firmware_static|docs|gen_corpus'; then
        echo "$name: tcpstate built more than the library as a subproject (targets above)"
        exit 1
    fi
    "$dir/build/consumer"
}

say "add_subdirectory"
subproject add-subdirectory \
    'add_subdirectory(${TCPSTATE_DIR_FOR_TEST} tcpstate EXCLUDE_FROM_ALL)'

say "FetchContent, SOURCE_DIR"
subproject fetch-source-dir 'include(FetchContent)
FetchContent_Declare(tcpstate SOURCE_DIR ${TCPSTATE_DIR_FOR_TEST})
FetchContent_MakeAvailable(tcpstate)'

say "FetchContent, URL file:// (a tarball of the checkout)"
tar -C "$top" --exclude=./build --exclude=./.git -czf "$work/tcpstate-src.tar.gz" .
subproject fetch-url "include(FetchContent)
FetchContent_Declare(tcpstate URL file://$work/tcpstate-src.tar.gz)
FetchContent_MakeAvailable(tcpstate)"

say "all consumers built and ran"
