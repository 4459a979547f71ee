#!/bin/sh
# 32-bit, big-endian and firmware checks (issue 9), called by tests/run-all.sh;
# also runs on its own: sh tests/cross/run.sh. Steps:
#
#   1. armhf and s390x: the whole Criterion suite (ctest) under qemu-user.
#      Debian 12 ships libcriterion-dev for neither, so the suites build
#      against tests/cross/criterion-shim (same API subset, one process per
#      test) with TCPSTATE_CRITERION_SHIM=ON.
#   2. Cortex-M4 (arm-none-eabi-gcc -Os, cmake/arm-none-eabi.toolchain.cmake),
#      -Werror: .text per configuration (tests/cross/sizes.sh), the helper
#      symbols the objects need (only memcpy/memset/memcmp allowed: fails
#      otherwise), and the worst-case stack from tcpstate_feed(),
#      tcpstate_feed_batch(), tcpstate_expire() and tcpstate_finish() to the
#      user's callback from
#      -fstack-usage/-fcallgraph-info (tests/cross/stack.py; fails above
#      STACK_LIMIT, 512 bytes).
#   3. examples/firmware_static.c linked for Cortex-M4 (examples/firmware/)
#      and run under qemu-system-arm -M mps2-an386 with unaligned accesses
#      trapping, engine and frames at odd addresses; prints the 64-flow RAM.
#   4. The size options: a host build with all of them (TCPSTATE_NO_ZEEK,
#      _NO_IPV6, _NO_REASSEMBLY, _NO_TUNNELS, _NO_LINK_TYPES, _NO_STRINGS,
#      _NO_SHARDING, _NO_CREATE, _NO_SERVER_PORT_LIST; gcc and clang, -Werror
#      -Wconversion) checks
#      that what was left out is refused (tests/cross/options_check.c); the
#      firmware runs against the first four ("minimal") and against all of
#      them ("small", the 16 KiB configuration) on Cortex-M4 too.
#
# JOBS=N sets the build parallelism.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/deps.sh"
need_cross_packages

jobs=${JOBS:-$(nproc)}
out="$top/build/cross"
stack_limit=${STACK_LIMIT:-512}
started=$(date +%s)
step() { printf '\n==== cross: %s\n' "$*"; }
mkdir -p "$out"

# ---------------------------------------------------------------- 1. qemu-user suites
# A failing suite fails the step at the end, after the other checks ran.
failed=""
for arch in arm-linux-gnueabihf s390x-linux-gnu; do
    step "$arch: build (-Werror) and the Criterion suite under qemu-user"
    cmake -S "$top" -B "$out/$arch" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/$arch.toolchain.cmake" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPSTATE_CRITERION_SHIM=ON -DTCPSTATE_BUILD_TESTS=ON \
        -DTCPSTATE_BUILD_EXAMPLES=OFF -DTCPSTATE_BUILD_DOCS=OFF -DTCPSTATE_INSTALL=OFF \
        -DTCPSTATE_SHARED_DIR="$top/../shared" >/dev/null
    cmake --build "$out/$arch" -j "$jobs" >/dev/null
    ok=1
    ctest --test-dir "$out/$arch" --output-on-failure -j "$jobs" >"$out/$arch.ctest.log" 2>&1 ||
        ok=0
    ran=$(grep -h 'Synthesis' "$out/$arch/Testing/Temporary/LastTest.log" 2>/dev/null |
        awk -F'Tested: ' '{split($2, f, " "); n += f[1]} END {print n + 0}')
    echo "$arch: $ran Criterion tests run under qemu-user"
    [ "$ran" -gt 0 ] || ok=0 # a build that skipped the suites must not pass
    if [ "$ok" = 0 ]; then
        grep -v '^\[PASS\]' "$out/$arch.ctest.log"
        failed="$failed $arch"
    else
        tail -n 3 "$out/$arch.ctest.log"
    fi
done

# ---------------------------------------------------------------- 2. Cortex-M4 library
step "Cortex-M4 -Os: .text per configuration"
sh "$top/tests/cross/sizes.sh" "$out/sizes"

m4="$out/cortex-m4"
m4_flags="-mcpu=cortex-m4 -mthumb -mfloat-abi=soft -mno-unaligned-access"
step "Cortex-M4: library with unaligned accesses off, stack usage and call graph"
cmake -S "$top" -B "$m4" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/arm-none-eabi.toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DTCPSTATE_MCU_FLAGS="$m4_flags -fstack-usage -fcallgraph-info=su" >/dev/null
cmake --build "$m4" -j "$jobs" >/dev/null

step "Cortex-M4: what the objects need from outside the library"
lib="$m4/libtcpstate.a"
arm-none-eabi-nm -g --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u >"$out/m4-defined.txt"
arm-none-eabi-nm -u "$lib" | awk 'NF == 2 {print $2}' | sort -u >"$out/m4-undefined.txt"
needs=$(comm -23 "$out/m4-undefined.txt" "$out/m4-defined.txt" | tr '\n' ' ')
echo "libtcpstate.a (Cortex-M4) needs: $needs"
extra=$(comm -23 "$out/m4-undefined.txt" "$out/m4-defined.txt" | grep -v -E '^(memcpy|memset|memcmp)$' || true)
if [ -n "$extra" ]; then
    echo "the Cortex-M4 objects need more than memcpy/memset/memcmp: $extra"
    exit 1
fi

step "Cortex-M4: worst-case stack to the user's callback (limit $stack_limit bytes)"
python3 "$top/tests/cross/stack.py" "$stack_limit" \
    tcpstate_feed,tcpstate_feed_batch,tcpstate_expire,tcpstate_finish \
    $(find "$m4" -name '*.ci' | sort)

# ---------------------------------------------------------------- 3. firmware under QEMU
fw="$out/firmware"
mkdir -p "$fw"
cflags="$m4_flags -Os -std=c11 -Wall -Wextra -Werror -ffunction-sections -fdata-sections"
arm-none-eabi-gcc $cflags -DTCPSTATE_FIRMWARE_BOARD -I"$top/include" \
    -c "$top/examples/firmware_static.c" -o "$fw/firmware_static.o"
arm-none-eabi-gcc $cflags -fno-tree-loop-distribute-patterns \
    -c "$top/examples/firmware/startup.c" -o "$fw/startup.o"
run_firmware() { # name, library
    step "firmware_static on Cortex-M4, $1 library (qemu-system-arm mps2-an386, unaligned accesses trap)"
    arm-none-eabi-gcc $m4_flags -nostartfiles --specs=nano.specs --specs=rdimon.specs \
        -T "$top/examples/firmware/mps2-an386.ld" -Wl,--gc-sections \
        "$fw/startup.o" "$fw/firmware_static.o" "$2" -o "$fw/firmware-$1.elf"
    arm-none-eabi-size "$fw/firmware-$1.elf"
    timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -kernel "$fw/firmware-$1.elf" |
        tee "$fw/run-$1.log"
    grep -q '^as expected$' "$fw/run-$1.log"
}
run_firmware full "$lib"

# ---------------------------------------------------------------- 4. size options
step "size options (all of them): host check, firmware"
for cc in gcc clang; do
    "$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -Wconversion -Wsign-conversion \
        -DTCPSTATE_NO_ZEEK -DTCPSTATE_NO_IPV6 -DTCPSTATE_NO_REASSEMBLY -DTCPSTATE_NO_TUNNELS \
        -DTCPSTATE_NO_LINK_TYPES -DTCPSTATE_NO_STRINGS -DTCPSTATE_NO_SHARDING -DTCPSTATE_NO_CREATE \
        -DTCPSTATE_NO_SERVER_PORT_LIST -I"$top/include" \
        "$top"/src/*.c \
        "$top/tests/cross/options_check.c" -o "$out/options_check-$cc"
    "$out/options_check-$cc"
done
cmake -S "$top" -B "$m4-minimal" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/arm-none-eabi.toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel -DTCPSTATE_MCU_FLAGS="$m4_flags" \
    -DTCPSTATE_NO_ZEEK=ON -DTCPSTATE_NO_IPV6=ON -DTCPSTATE_NO_REASSEMBLY=ON \
    -DTCPSTATE_NO_TUNNELS=ON >/dev/null
cmake --build "$m4-minimal" -j "$jobs" >/dev/null
run_firmware minimal "$m4-minimal/libtcpstate.a"
cmake -S "$top" -B "$m4-small" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/arm-none-eabi.toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel -DTCPSTATE_MCU_FLAGS="$m4_flags" \
    -DTCPSTATE_NO_ZEEK=ON -DTCPSTATE_NO_IPV6=ON -DTCPSTATE_NO_REASSEMBLY=ON \
    -DTCPSTATE_NO_TUNNELS=ON -DTCPSTATE_NO_LINK_TYPES=ON -DTCPSTATE_NO_STRINGS=ON \
    -DTCPSTATE_NO_SHARDING=ON -DTCPSTATE_NO_CREATE=ON -DTCPSTATE_NO_SERVER_PORT_LIST=ON >/dev/null
cmake --build "$m4-small" -j "$jobs" >/dev/null
run_firmware small "$m4-small/libtcpstate.a"

if [ -n "$failed" ]; then
    echo "cross: the Criterion suite failed on:$failed ($(($(date +%s) - started)) s)"
    exit 1
fi
step "cross: all passed in $(($(date +%s) - started)) s"
