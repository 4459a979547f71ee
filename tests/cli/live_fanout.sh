#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Live capture with --workers 2 (two AF_PACKET sockets in a PACKET_FANOUT_HASH
# group) against --workers 1 (libpcap) on the same interface at the same
# time: both must summarise the same connections identically (--conn rows,
# but for times: libpcap gives microseconds here, the sockets nanoseconds),
# and every connection must be SF (both directions reached one engine). The
# traffic: 40 TCP connections over a veth pair into a network namespace.
# Needs root, ip(8) with netns support and python3; skipped otherwise.
. "$(dirname "$0")/common.sh"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespace, AF_PACKET)"
command -v ip > /dev/null || skip "no ip(8)"
command -v python3 > /dev/null || skip "no python3"
ns=tsp$$
a=tspa$$
b=tspb$$
cleanup() {
    [ -n "${srv:-}" ] && kill "$srv" 2> /dev/null
    ip link del "$a" 2> /dev/null
    ip netns del "$ns" 2> /dev/null
}
trap cleanup EXIT
ip netns add "$ns" 2> /dev/null || skip "cannot create a network namespace here"
ip link add "$a" type veth peer name "$b" && ip link set "$b" netns "$ns" &&
    ip addr add 10.213.7.1/24 dev "$a" && ip link set "$a" up &&
    ip netns exec "$ns" ip addr add 10.213.7.2/24 dev "$b" &&
    ip netns exec "$ns" ip link set "$b" up || skip "cannot set up a veth pair"

ip netns exec "$ns" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.213.7.2", 8099)); s.listen(64)
while True:
    c, _ = s.accept(); c.recv(100); c.sendall(b"hello\n" * 50); c.close()
' &
srv=$!

# Start the traffic only once all three packet sockets exist (/proc/net/packet
# lists them), however slow the start (sanitizers, a loaded machine).
sockets() { wc -l < /proc/net/packet; }
before=$(sockets)
"$PROG" -q --conn --max-flows 4096 -i "$a" tcp port 8099 > "$WORK/one.out" 2> "$WORK/one.err" &
p1=$!
"$PROG" -q --conn --max-flows 4096 --workers 2 -i "$a" tcp port 8099 \
    > "$WORK/two.out" 2> "$WORK/two.err" &
p2=$!
tries=0
while [ "$(sockets)" -lt $((before + 3)) ] && [ "$tries" -lt 150 ]; do
    sleep 0.2
    tries=$((tries + 1))
done
[ "$tries" -lt 150 ] || fail "the capture sockets did not appear within 30 s"
sleep 0.5 # the filters are attached right after the sockets open
python3 -c '
import socket, time
for i in range(40):
    c = socket.create_connection(("10.213.7.2", 8099)); c.sendall(b"hi"); c.recv(1000)
    while c.recv(1000): pass
    c.close()
time.sleep(0.5)
' || fail "client failed"
kill -INT "$p1" "$p2"
wait "$p1" || fail "--workers 1 exit status $?: $(cat "$WORK/one.err")"
wait "$p2" || fail "--workers 2 exit status $?: $(cat "$WORK/two.err")"

rows() { grep -v '^#' "$1" | cut -f 2-11,13,14,17; } # not ts, duration, rtts
n=$(rows "$WORK/one.out" | wc -l)
[ "$n" -eq 40 ] || fail "--workers 1 saw $n connections, want 40"
rows "$WORK/one.out" > "$WORK/one.rows"
rows "$WORK/two.out" > "$WORK/two.rows"
cmp -s "$WORK/one.rows" "$WORK/two.rows" || {
    fail "--workers 2 (fanout) summarised differently from --workers 1 (libpcap)"
    diff "$WORK/one.rows" "$WORK/two.rows" | head -n 10
}
# SF: both directions of every connection reached the same engine.
[ "$(cut -f 5 "$WORK/two.rows" | sort -u)" = SF ] || fail "not every connection is SF"
finish
