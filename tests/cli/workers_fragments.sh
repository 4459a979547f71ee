#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --workers with IP fragments: 300 connections whose data+FIN datagrams come
# as three IPv4 fragments, interleaved, some last fragment first (written by
# gen_frags, the 5th argument). The engines reassemble them, so every
# fragment must reach its connection's engine: then every connection closes
# normally (SF, with its data) and --workers 2 and 3 print what 1 prints.
. "$(dirname "$0")/common.sh"
GEN=$5

"$GEN" "$WORK/frags.pcap" || { echo "FAIL: gen_frags"; exit 1; }
for n in 1 2 3; do
    "$PROG" --conn --workers "$n" -r "$WORK/frags.pcap" > "$WORK/w$n.out" 2> "$WORK/w$n.err" ||
        fail "--workers $n: exit status $?"
done
rows=$(grep -vc '^#' "$WORK/w1.out")
sf=$(awk -F'\t' '/^#fields/ {for (i = 2; i <= NF; i++) c[$i] = i - 1; next}
    /^#/ || !("conn_state" in c) {next}
    $c["conn_state"] == "SF" && $c["orig_bytes"] == 1400 {n++} END {print n + 0}' "$WORK/w1.out")
[ "$sf" = 300 ] || fail "$sf of the 300 connections closed with their 1400 bytes (fragments lost?)"
for n in 2 3; do
    cmp -s "$WORK/w1.out" "$WORK/w$n.out" || {
        fail "--workers $n differs from --workers 1"
        diff "$WORK/w1.out" "$WORK/w$n.out" | head -n 6
    }
done
echo "$rows lines"
finish
