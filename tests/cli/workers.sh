#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --workers N prints the same bytes as --workers 1: the default event lines
# and the --conn rows, with 2 and 3 workers, on every capture of both shared
# corpora and on a large generated trace (../shared/perf/gen-trace.c), where
# JSON events, ladders and rows are compared too.
# Skips when ../shared is absent.
. "$(dirname "$0")/common.sh"

if [ ! -d "$SHARED/corpus" ]; then
    echo "SKIP: $SHARED/corpus not present (../shared is not checked out)"
    exit 77
fi

# same FILE: compare every worker count and both outputs for one capture.
checked=0
same() {
    f=$1
    modes=${2:-events conn}
    for mode in $modes; do
        case $mode in
        conn) set -- -q --conn ;;
        all) set -- --json --ladder --conn ;;
        *) set -- ;;
        esac
        "$PROG" "$@" --workers 1 -r "$f" > "$WORK/w1.out" 2> "$WORK/w1.err"
        rc1=$?
        for n in 2 3; do
            "$PROG" "$@" --workers "$n" -r "$f" > "$WORK/wn.out" 2> "$WORK/wn.err"
            rcn=$?
            if [ "$rc1" != "$rcn" ] || ! cmp -s "$WORK/w1.out" "$WORK/wn.out"; then
                fail "$f ($mode): --workers $n differs from --workers 1 (exit $rcn vs $rc1)"
                diff "$WORK/w1.out" "$WORK/wn.out" | head -n 10
            fi
        done
    done
    checked=$((checked + 1))
}

for f in $(find "$SHARED/corpus/tcpdump" "$SHARED/corpus/zeek" -type f \
        \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.trace' \) | sort); do
    same "$f"
done
echo "corpora: $checked captures compared"
[ "$checked" -gt 100 ] || fail "only $checked captures found under $SHARED/corpus"

# A large trace: many concurrent connections, so that every worker has
# thousands, and expiry sweeps end flows in the middle (never-answered SYNs).
gen=$SHARED/perf/gen-trace.c
if [ -f "$gen" ] && command -v cc > /dev/null; then
    cc -O2 -o "$WORK/gen-trace" "$gen" || fail "cannot build $gen"
    "$WORK/gen-trace" -f 30000 -c 3000 -k 3 -6 0.2 -n 0.1 -r 0.1 -g 200 -s 11 \
        -o "$WORK/large.pcap" > /dev/null || fail "gen-trace failed"
    echo "large trace: $(wc -c < "$WORK/large.pcap") bytes"
    same "$WORK/large.pcap" "events conn all"
    # The sweeps did end flows mid-trace (otherwise this proves less).
    "$PROG" -r "$WORK/large.pcap" | grep -Eq '^ +- .* END +timeout' ||
        fail "no flow timed out in the middle of the large trace"
else
    echo "note: $gen or cc absent: large trace not checked"
fi
finish
