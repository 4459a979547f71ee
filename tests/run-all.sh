#!/bin/sh
# The whole test suite, exactly as CI runs it (.ci/run calls this script):
#
#   1. gcc build: every test (ctest), the Doxygen docs with warnings as errors,
#      the symbol checks (the static library needs only mem* from libc; the
#      shared one exports only tcpstate_* symbols); consumers of every kind
#      (tests/consumers/run.sh: pkg-config, find_package, C++, add_subdirectory,
#      FetchContent); the plain build with Criterion, libpcap and Doxygen
#      hidden (tests/consumers/no_deps.sh); src/ under clang -Weverything;
#      every test again with all nine size options ("small": what is left
#      out is reported as skipped);
#   2. clang build with AddressSanitizer + UndefinedBehaviorSanitizer
#      (-fno-sanitize-recover=all): every test again;
#   3. valgrind memcheck over every test binary of the gcc build;
#   4. libFuzzer: 60 s each of fuzz_decode and fuzz_feed (clang, ASan + UBSan);
#   5. tests/cross/run.sh: the suites on armhf and s390x under qemu-user, the
#      Cortex-M4 build (sizes, helper symbols, worst-case stack) and the
#      firmware example under qemu-system-arm.
#
# Tests that need ../shared (the public corpora) skip with a message when it
# is absent. Missing Debian/Ubuntu packages are installed first.
# FUZZ_SECONDS=N changes the fuzzing time; JOBS=N the build parallelism.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/deps.sh"
need_packages cmake make gcc g++ pkg-config libcriterion-dev libpcap-dev doxygen valgrind \
    binutils
need_clang_runtime

jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-60}
out="$top/build"
step() { printf '\n==== %s\n' "$*"; }
started=$(date +%s)

configure_and_test() { # name, then cmake options
    name=$1
    shift
    step "$name: build"
    cmake -S "$top" -B "$out/$name" -DTCPSTATE_SHARED_DIR="$top/../shared" "$@" >/dev/null
    cmake --build "$out/$name" -j "$jobs" >/dev/null
    step "$name: tests"
    ctest --test-dir "$out/$name" --output-on-failure -j "$jobs"
}

# ---------------------------------------------------------------- 0. test hygiene
# Criterion 2.4.1's gt() passes when its operands are equal (it is ge()), so
# gt(T, x, 0) checks nothing for an unsigned x: write ge(T, x, y + 1).
step "tests: no Criterion gt()"
if grep -rnE '\bgt\((sz|u8|u16|u32|u64|i8|i16|i32|i64|int|uint|long|ulong|flt|dbl),' \
    "$top/tests" --include='*.c' | grep -v '/criterion-shim/'; then
    echo "Criterion's gt() is ge() in the packaged version: use ge(T, a, b + 1) (lines above)"
    exit 1
fi

# ---------------------------------------------------------------- 1. gcc
configure_and_test gcc -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTCPSTATE_BUILD_DOCS=ON

step "gcc: docs (Doxygen, warnings are errors)"
cmake --build "$out/gcc" --target docs

step "gcc: symbols"
# What the archive needs from outside: its members' undefined symbols that no
# member defines.
lib="$out/gcc/libtcpstate.a"
nm -g --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u >"$out/defined.txt"
nm -u "$lib" | awk 'NF == 2 {print $2}' | sort -u >"$out/undefined.txt"
undefined=$(comm -23 "$out/undefined.txt" "$out/defined.txt" |
    grep -v -E '^(memcpy|memset|memcmp|memmove)$' |
    grep -v -E '^(__stack_chk_fail|__stack_chk_guard|_GLOBAL_OFFSET_TABLE_)$' || true)
if [ -n "$undefined" ]; then
    echo "libtcpstate.a needs more than mem* from libc:"
    echo "$undefined"
    exit 1
fi
echo "libtcpstate.a needs from outside: $(comm -23 "$out/undefined.txt" "$out/defined.txt" | tr '\n' ' ')"
exported=$(nm -D --defined-only "$out/gcc/libtcpstate.so" | awk '{print $NF}' |
    grep -v '^tcpstate_' || true)
if [ -n "$exported" ]; then
    echo "libtcpstate.so exports more than tcpstate_*:"
    echo "$exported"
    exit 1
fi
echo "libtcpstate.so: exports only tcpstate_* ($(nm -D --defined-only "$out/gcc/libtcpstate.so" | wc -l) symbols)"

step "clang -Weverything over src/ (only the two style classes off)"
# Issue 9's strictness review: declaration-after-statement (C99 style) and
# padded (the layouts are chosen by hand, see flowtable.h) are style; every
# other clang warning is an error. Warning classes newer clangs add to
# -Weverything that concern C++ or older C standards are off by name.
for f in "$top"/src/*.c; do
    clang -std=c11 -fsyntax-only -I"$top/include" -I"$top/src" -Weverything -Werror \
        -Wno-declaration-after-statement -Wno-padded -Wno-unknown-warning-option \
        -Wno-unsafe-buffer-usage -Wno-pre-c2x-compat -Wno-pre-c23-compat -Wno-switch-default \
        "$f"
done
echo "src/: clean under clang $(clang -dumpversion) -Weverything"

step "consumers: pkg-config, find_package (C, C++), add_subdirectory, FetchContent"
JOBS=$jobs sh "$top/tests/consumers/run.sh" "$out/consumers"

step "no Criterion, libpcap or Doxygen: the plain build still works"
JOBS=$jobs sh "$top/tests/consumers/no_deps.sh" "$out/no-deps"

step "small: every size option (docs/embedding.md), the suites skip what is left out"
# The skip paths of all nine options at once: each test of a part left out
# says so (tests/support/options.h), the rest must pass. Debug: quick to build.
configure_and_test small -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug \
    -DTCPSTATE_NO_ZEEK=ON -DTCPSTATE_NO_IPV6=ON -DTCPSTATE_NO_TUNNELS=ON \
    -DTCPSTATE_NO_REASSEMBLY=ON -DTCPSTATE_NO_LINK_TYPES=ON -DTCPSTATE_NO_STRINGS=ON \
    -DTCPSTATE_NO_SHARDING=ON -DTCPSTATE_NO_CREATE=ON -DTCPSTATE_NO_SERVER_PORT_LIST=ON

# ---------------------------------------------------------------- 2. sanitizers
configure_and_test asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTCPSTATE_SANITIZE="address;undefined" -DTCPSTATE_BUILD_DOCS=OFF

# ---------------------------------------------------------------- 3. valgrind
step "valgrind: memcheck over every test of the gcc build"
rm -rf "$out/valgrind"
mkdir -p "$out/valgrind"
find "$out/gcc/tests" -maxdepth 1 -type f -name 'test_*' -perm -u+x | sort |
    TCPSTATE_SHARED_DIR="$top/../shared" xargs -P "$jobs" -I{} sh -c '
        log="$1/$(basename "$2").log"
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            --trace-children=yes "$2" --jobs 1 >"$log" 2>&1
        echo "$?" >"$log.rc"' sh "$out/valgrind" {}
failed=0
for rc in "$out"/valgrind/*.rc; do
    log=${rc%.rc}
    printf '%s: %s\n' "$(basename "$log" .log)" "$(grep Synthesis "$log" | tail -n 1)"
    if [ "$(cat "$rc")" != 0 ]; then
        cat "$log"
        failed=1
    fi
done
[ "$failed" = 0 ] || { echo "valgrind found errors"; exit 1; }

# ---------------------------------------------------------------- 4. fuzzing
step "fuzz: build (clang, libFuzzer, ASan + UBSan)"
cmake -S "$top" -B "$out/fuzz" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTCPSTATE_FUZZ=ON -DTCPSTATE_SANITIZE="address;undefined" -DTCPSTATE_BUILD_TESTS=OFF \
    -DTCPSTATE_BUILD_EXAMPLES=OFF -DTCPSTATE_BUILD_DOCS=OFF >/dev/null
cmake --build "$out/fuzz" -j "$jobs" >/dev/null
for target in fuzz_decode fuzz_feed; do
    step "fuzz: $target for $fuzz_seconds s"
    work="$out/fuzz/work-$target"
    rm -rf "$work"
    mkdir -p "$work"
    (cd "$work" && "$out/fuzz/tests/$target" -max_total_time="$fuzz_seconds" -print_final_stats=1 \
        -dict="$top/tests/fuzz/dict/tcpstate.dict" "$work" "$out/fuzz/tests/fuzz-corpus/$target" \
        2>&1 | grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done|==.*ERROR|SUMMARY)' || true)
    if ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* >/dev/null 2>&1; then
        echo "$target found a failing input (saved in $work)"
        exit 1
    fi
done

# ---------------------------------------------------------------- 5. cross
# armhf and s390x suites under qemu-user, Cortex-M4 sizes, helpers, stack and
# the firmware example under qemu-system-arm (tests/cross/run.sh).
JOBS="$jobs" sh "$top/tests/cross/run.sh"

step "all passed in $(($(date +%s) - started)) s"
