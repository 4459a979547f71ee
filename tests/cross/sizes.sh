#!/bin/sh
# .text of the library on Cortex-M4 (arm-none-eabi-gcc -Os, default
# -munaligned-access), for each size configuration: the sum over all objects
# (what the issue measures) and per object. Re-runnable after any merge:
#   sh tests/cross/sizes.sh [OUTDIR]
# Each configuration is a set of -D options for CMake; an option the tree
# does not know yet (e.g. TCPSTATE_NO_TUNNELS before tunnels exist) is
# simply ignored by CMake, so the table stays comparable across merges.
# MCU_FLAGS changes the core, e.g. MCU_FLAGS="-mcpu=cortex-m0 -mthumb".
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-"$top/build/cross/sizes"}
mcu=${MCU_FLAGS:-"-mcpu=cortex-m4 -mthumb -mfloat-abi=soft"}
mkdir -p "$out"

measure() { # name, then cmake -D options
    name=$1
    shift
    dir="$out/$name"
    cmake -S "$top" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/arm-none-eabi.toolchain.cmake" \
        -DCMAKE_BUILD_TYPE=MinSizeRel -DTCPSTATE_MCU_FLAGS="$mcu" "$@" >/dev/null
    cmake --build "$dir" -j "${JOBS:-2}" >/dev/null
    text=$(arm-none-eabi-size -t "$dir/libtcpstate.a" | tail -n 1 | awk '{print $1}')
    printf '%-28s %6s B .text\n' "$name" "$text"
}

printf 'Cortex-M4 -Os (%s), .text summed over all objects:\n' "$mcu"
measure full
measure no-zeek -DTCPSTATE_NO_ZEEK=ON
measure no-ipv6 -DTCPSTATE_NO_IPV6=ON
measure no-tunnels -DTCPSTATE_NO_TUNNELS=ON
measure no-reassembly -DTCPSTATE_NO_REASSEMBLY=ON
measure no-link-types -DTCPSTATE_NO_LINK_TYPES=ON
measure no-strings -DTCPSTATE_NO_STRINGS=ON
measure no-sharding -DTCPSTATE_NO_SHARDING=ON
measure no-create -DTCPSTATE_NO_CREATE=ON
measure no-server-port-list -DTCPSTATE_NO_SERVER_PORT_LIST=ON
measure minimal -DTCPSTATE_NO_ZEEK=ON -DTCPSTATE_NO_IPV6=ON -DTCPSTATE_NO_TUNNELS=ON \
    -DTCPSTATE_NO_REASSEMBLY=ON
# Every size option: the configuration for small targets (docs/embedding.md),
# which must stay within the 16 KiB issue 9 asks for.
small_limit=${SMALL_LIMIT:-16384}
measure small -DTCPSTATE_NO_ZEEK=ON -DTCPSTATE_NO_IPV6=ON -DTCPSTATE_NO_TUNNELS=ON \
    -DTCPSTATE_NO_REASSEMBLY=ON -DTCPSTATE_NO_LINK_TYPES=ON -DTCPSTATE_NO_STRINGS=ON \
    -DTCPSTATE_NO_SHARDING=ON -DTCPSTATE_NO_CREATE=ON -DTCPSTATE_NO_SERVER_PORT_LIST=ON
echo "per object (full):"
arm-none-eabi-size "$out/full/libtcpstate.a" | awk 'NR > 1 {printf "  %-16s %6s\n", $6, $1}'
echo "per object (small):"
arm-none-eabi-size "$out/small/libtcpstate.a" | awk 'NR > 1 {printf "  %-16s %6s\n", $6, $1}'
if [ "$text" -gt "$small_limit" ]; then
    echo "the small configuration is $text B of .text, above $small_limit B"
    exit 1
fi
