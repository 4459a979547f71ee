#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Default output on the seed capture: one line per event, telling the article's
# story with its numbers. Frames 1-3: the handshake on client port 1038;
# frames 17-20: the server-first close on client port 1028, picked up midstream.
. "$(dirname "$0")/common.sh"

run seed-events -r "$SEED"
[ "$(rc_of seed-events)" = 0 ] || fail "exit status $(rc_of seed-events): $(cat "$WORK/seed-events.err")"
golden seed-events

# Packet events: frame, date, time, src > dst, event, [flags], seq, ack, states.
ep1038='76\.88\.16\.104:1038 +> 76\.88\.16\.16:21 '
ep1038r='76\.88\.16\.16:21 +> 76\.88\.16\.104:1038 '
ep1028='76\.88\.16\.104:1028 +> 76\.88\.16\.16:21 '
ep1028r='76\.88\.16\.16:21 +> 76\.88\.16\.104:1028 '
has seed-events "^ +1 2005-03-14 09:26:53\.000000 +$ep1038 +SYN +\[S\] +seq=1791872318 \(ISN\) ack=- client=SYN_SENT server=CLOSED new-flow$" \
    "frame 1: the client's SYN with ISN 1791872318"
has seed-events "^ +2 [-0-9: .]+ +$ep1038r +SYN-ACK +\[S\.\] +seq=3880988084 \(ISN\) ack=1791872319 \(ISN\+1\) client=ESTABLISHED server=SYN_RECEIVED$" \
    "frame 2: the server's SYN-ACK, ISN 3880988084, acknowledging ISN+1"
has seed-events "^ +3 [-0-9: .]+ +$ep1038 +ACK +\[\.\] +seq=1791872319 \(ISN\+1\) ack=3880988085 \(ISN\+1\) client=ESTABLISHED server=ESTABLISHED$" \
    "frame 3: the ACK completing the handshake"
has seed-events "^ +17 [-0-9: .]+ +$ep1028r +FIN +\[F\.\] +seq=1803774978 ack=846902939 client=CLOSE_WAIT server=FIN_WAIT_1 new-flow midstream$" \
    "frame 17: the server's FIN, picked up midstream"
has seed-events "^ +18 [-0-9: .]+ +$ep1028 +ACK +\[\.\] +seq=846902939 ack=1803774979 client=CLOSE_WAIT server=FIN_WAIT_2 midstream$" \
    "frame 18: the client acknowledges the FIN (1803774978 + 1)"
has seed-events "^ +19 [-0-9: .]+ +$ep1028 +FIN +\[F\.\] +seq=846902939 ack=1803774979 client=LAST_ACK server=TIME_WAIT midstream$" \
    "frame 19: the client's FIN"
has seed-events "^ +20 [-0-9: .]+ +$ep1028r +ACK +\[\.\] +seq=1803774979 ack=846902940 client=CLOSED server=TIME_WAIT midstream$" \
    "frame 20: the last ACK (846902939 + 1): server TIME_WAIT, client CLOSED"
has seed-events "^ +19 .* STATE +server FIN_WAIT_2 -> TIME_WAIT$" "frame 19 moves the server to TIME_WAIT"
has seed-events "^ +20 .* STATE +client LAST_ACK -> CLOSED$" "frame 20 closes the client"
has seed-events "^ +- .*$ep1028 +END +closed client=CLOSED server=TIME_WAIT conn_state=SF " \
    "the 1028 flow ends closed"
# Frames 4-16 (FTP commands on an established connection) change nothing.
if grep -Eq '^ +([4-9]|1[0-6]) ' "$WORK/seed-events.out"; then
    fail "frames 4-16 produced events"
fi
finish
