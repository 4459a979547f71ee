#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The plain two-line build on a machine without Criterion, libpcap and
# Doxygen: configure must succeed, say in one line per skipped part what it
# skipped and which Debian package brings it, and build the library (and the
# examples that need nothing). Asking for a part explicitly (=ON) must then
# fail at configure time, naming the package.
#
# The packages are hidden rather than removed: find_program, find_library,
# find_path and find_package look only inside an empty "sysroot"
# (CMAKE_FIND_ROOT_PATH, mode ONLY), which hides pkg-config, doxygen and
# libpcap; the tools the build itself needs are passed by full path. A second
# configure keeps pkg-config but points it at an empty directory
# (PKG_CONFIG_LIBDIR), so that Criterion is missing while pkg-config works.
#
#   tests/consumers/no_deps.sh [WORK_DIR]     (default: build/no-deps)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$top/build/no-deps}
rm -rf "$work"
mkdir -p "$work/empty-root" "$work/empty-pc"
work=$(cd "$work" && pwd)

tools="-DCMAKE_C_COMPILER=$(command -v cc) -DCMAKE_MAKE_PROGRAM=$(command -v make)
       -DCMAKE_AR=$(command -v ar) -DCMAKE_RANLIB=$(command -v ranlib)"
hide="-DCMAKE_FIND_ROOT_PATH=$work/empty-root -DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=ONLY
      -DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY -DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY
      -DCMAKE_FIND_ROOT_PATH_MODE_PACKAGE=ONLY"
fail() { echo "no-deps: FAIL: $*"; exit 1; }

# expect LOG REGEX: exactly one line of LOG matches.
expect() {
    n=$(grep -cE -- "$2" "$1" || true)
    [ "$n" = 1 ] || fail "$n lines of $1 match '$2' (want 1):
$(grep 'tcpstate:' "$1")"
}

echo "-- everything hidden"
# shellcheck disable=SC2086
cmake -S "$top" -B "$work/all" $tools $hide > "$work/all.log" 2>&1 ||
    { cat "$work/all.log"; fail "configure failed"; }
grep 'tcpstate:' "$work/all.log"
expect "$work/all.log" 'tcpstate: skipping the test suites .*libcriterion-dev'
expect "$work/all.log" 'tcpstate: skipping tcpstate-pcap and pcap_minimal .*libpcap-dev'
expect "$work/all.log" "tcpstate: skipping the 'docs' target .*doxygen"
cmake --build "$work/all" -j "${JOBS:-2}" > "$work/all-build.log" 2>&1 ||
    { tail -n 30 "$work/all-build.log"; fail "build failed"; }
for f in libtcpstate.a libtcpstate.so examples/firmware_static; do
    [ -e "$work/all/$f" ] || fail "$f was not built"
done
[ ! -e "$work/all/examples/tcpstate-pcap" ] || fail "tcpstate-pcap built without libpcap?"
"$work/all/examples/firmware_static" > /dev/null || fail "firmware_static failed"

echo "-- pkg-config present, Criterion missing"
# shellcheck disable=SC2086
PKG_CONFIG_LIBDIR=$work/empty-pc PKG_CONFIG_PATH= cmake -S "$top" -B "$work/pc" \
    -DCMAKE_DISABLE_FIND_PACKAGE_Doxygen=ON > "$work/pc.log" 2>&1 ||
    { cat "$work/pc.log"; fail "configure failed"; }
expect "$work/pc.log" 'tcpstate: skipping the test suites \(Criterion not found\).*libcriterion-dev'

echo "-- explicit ON makes each dependency required"
for part in TESTS EXAMPLES DOCS; do
    # shellcheck disable=SC2086
    if cmake -S "$top" -B "$work/on-$part" $tools $hide -DTCPSTATE_BUILD_$part=ON \
        > "$work/on-$part.log" 2>&1; then
        fail "TCPSTATE_BUILD_$part=ON configured without its dependency"
    fi
    expect "$work/on-$part.log" "TCPSTATE_BUILD_$part=ON but"
done
echo "no-deps: ok"
