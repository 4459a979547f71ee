# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the tests/cli/*.sh scripts, which ctest runs as
#   sh NAME.sh PROGRAM SOURCE_DIR WORK_DIR SHARED_DIR
# A script exits 0 to pass, 77 to skip, anything else to fail.
# TCPSTATE_UPDATE_GOLDEN=1 makes golden() rewrite tests/cli/expected/ instead of comparing.

set -u
PROG=$1
SRC=$2
WORK=$3
SHARED=${4:-}
SEED=$SRC/examples/data/seed-ftp.pcap
EXPECTED=$SRC/tests/cli/expected
failures=0

# tcpstate-pcap writes Zeek's conn.log and asks for the history and Zeek
# lifetimes, which a build with TCPSTATE_NO_ZEEK refuses (docs/embedding.md):
# its tests skip there. PROGRAM sits in the build's examples/ directory,
# beside which CMake keeps its cache.
case $(basename "$PROG") in
tcpstate-pcap*)
    if grep -Eq '^TCPSTATE_NO_ZEEK:BOOL=(ON|TRUE|1)$' "$(dirname "$PROG")/../CMakeCache.txt" \
        2>/dev/null; then
        echo "SKIP: built with TCPSTATE_NO_ZEEK (tcpstate-pcap needs the Zeek emulation)"
        exit 77
    fi
    ;;
esac

rm -rf "$WORK"
mkdir -p "$WORK" || exit 1

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# run NAME ARGS...: run the program, keeping NAME.out, NAME.err and NAME.rc in WORK.
run() {
    name=$1
    shift
    "$PROG" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
    echo $? > "$WORK/$name.rc"
}

rc_of() { cat "$WORK/$1.rc"; }

# golden NAME: NAME.out must equal tests/cli/expected/NAME.txt.
golden() {
    if [ "${TCPSTATE_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$WORK/$1.out" "$EXPECTED/$1.txt"
        echo "updated $EXPECTED/$1.txt"
    elif ! diff -u "$EXPECTED/$1.txt" "$WORK/$1.out"; then
        fail "$1: output differs from tests/cli/expected/$1.txt (diff above)"
    fi
}

# has NAME REGEX WHAT: some line of NAME.out matches the extended REGEX.
has() {
    grep -Eq -- "$2" "$WORK/$1.out" || fail "$1: $3 (no line matches: $2)"
}

# line NAME N: line N of NAME.out on stdout.
line() { sed -n "$2p" "$WORK/$1.out"; }

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed; outputs in $WORK"
        exit 1
    fi
    echo "ok"
    exit 0
}
