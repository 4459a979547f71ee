#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The README's demo: events, a ladder per connection and the summary rows,
# in one run (tcpstate-pcap --ladder --conn -r examples/data/seed-ftp.pcap).
. "$(dirname "$0")/common.sh"

run seed-demo --ladder --conn -r "$SEED"
[ "$(rc_of seed-demo)" = 0 ] || fail "exit status $(rc_of seed-demo): $(cat "$WORK/seed-demo.err")"
golden seed-demo

run seed-ladder -q --ladder -r "$SEED"
out=$WORK/seed-ladder.out
# Two ladders, client on the left, server on the right, within 80 columns.
[ "$(grep -c '^=== ' "$out")" -eq 2 ] || fail "expected two ladders"
awk 'length($0) > 80 { exit 1 }' "$out" || fail "a ladder line is wider than 80 columns"
[ "$(grep '^=== ' "$out" | head -n 1)" = "=== 76.88.16.104:1038 > 76.88.16.16:21" ] ||
    fail "the 1038 ladder (first packet first) does not come first"
has seed-ladder '^ +1 +\+0\.000000 +SYN seq=1791872318 \(ISN\)$' "frame 1 label"
has seed-ladder '^ +SYN_SENT +-+> +CLOSED$' "frame 1 arrow, client to server"
has seed-ladder '^ +2 +\+0\.000512 +SYN,ACK seq=3880988084 \(ISN\) ack=1791872319 \(ISN\+1\)$' "frame 2 label"
has seed-ladder '^ +ESTABLISHED +<-+ +SYN_RECEIVED$' "frame 2 arrow, server to client"
has seed-ladder '^ +3 +\+0\.000640 +ACK seq=1791872319 \(ISN\+1\) ack=3880988085 \(ISN\+1\)$' "frame 3 label"
has seed-ladder '^ +ESTABLISHED +-+> +ESTABLISHED$' "frame 3 arrow"
has seed-ladder '^ +\(picked up midstream' "the 1028 ladder says it was picked up midstream"
has seed-ladder '^ +17 +\+0\.000000 +FIN,ACK seq=1803774978 ack=846902939$' "frame 17 label"
has seed-ladder '^ +CLOSE_WAIT +<-+ +FIN_WAIT_1$' "frame 17 arrow"
has seed-ladder '^ +LAST_ACK +-+> +TIME_WAIT$' "frame 19 arrow"
has seed-ladder '^ +CLOSED +<-+ +TIME_WAIT$' "frame 20 arrow: client CLOSED, server TIME_WAIT"
# The ladder keeps 64 arrows per connection: frame 1 (a SYN, a 16-byte record
# header and 62 bytes) written 70 times makes 70 SYNs, 69 of them retransmissions.
head -c 24 "$SEED" > "$WORK/syns.pcap"
dd if="$SEED" of="$WORK/syn.rec" bs=1 skip=24 count=78 2> /dev/null
i=0
while [ $i -lt 70 ]; do
    cat "$WORK/syn.rec" >> "$WORK/syns.pcap"
    i=$((i + 1))
done
run syns -q --ladder --conn -r "$WORK/syns.pcap"
[ "$(rc_of syns)" = 0 ] || fail "70 SYNs: exit status $(rc_of syns): $(cat "$WORK/syns.err")"
[ "$(grep -c -- '> *CLOSED$' "$WORK/syns.out")" -eq 64 ] || fail "70 SYNs: want 64 arrows drawn"
has syns '^ +\.\.\. 6 more segments not drawn$' "70 SYNs: the 6 arrows beyond 64 are counted"
grep -q '^ *65 ' "$WORK/syns.out" && fail "70 SYNs: the 65th was drawn"
has syns '^ +64 +\+0\.000000 +SYN seq=1791872318 \(ISN\) \[retransmission\]$' "70 SYNs: the 64th is drawn"
has syns '^ +SYN_SENT +(- )+> +CLOSED$' "a retransmission changes no state: dotted arrow"
has syns '	S0	S	SYN_SENT	CLOSED	70	0	' "70 SYNs make one S0 connection"
finish
