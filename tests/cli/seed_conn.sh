#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --conn on the seed capture: a Zeek log header (#fields among its lines), one
# row per connection in order of first packet: the 1038 FTP session
# (established, still open at the end) and the 1028 connection closed server
# first; then #close.
. "$(dirname "$0")/common.sh"

run seed-conn -q --conn -r "$SEED"
[ "$(rc_of seed-conn)" = 0 ] || fail "exit status $(rc_of seed-conn): $(cat "$WORK/seed-conn.err")"
golden seed-conn

[ "$(grep -vc '^#' "$WORK/seed-conn.out")" -eq 2 ] || fail "expected two rows"
grep '^#fields' "$WORK/seed-conn.out" | grep -q '^#fields	ts	orig_h	orig_p	resp_h	resp_p	conn_state	history	orig_state	resp_state	orig_pkts	resp_pkts	duration	orig_bytes	resp_bytes	rtt_syn_synack	rtt_synack_ack	end_reason$' ||
    fail "header line"
# Columns by name, so the checks survive added columns.
field() { # field ROW NAME
    awk -F'\t' -v row="$1" -v name="$2" '
        /^#fields/ { for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
        /^#/ { next }
        ++n == row { print $col[name] }' "$WORK/seed-conn.out"
}
check() { # check ROW NAME WANT
    got=$(field "$1" "$2")
    [ "$got" = "$3" ] || fail "row $1 $2: got '$got', want '$3'"
}
check 1 ts 1110792413.000000
check 1 orig_h 76.88.16.104
check 1 orig_p 1038
check 1 resp_p 21
check 1 conn_state S1
check 1 history ShAdD
check 1 orig_state ESTABLISHED
check 1 resp_state ESTABLISHED
check 1 orig_pkts 8
check 1 resp_pkts 8
check 1 rtt_syn_synack 0.000512
check 1 rtt_synack_ack 0.000128
check 1 end_reason finished
check 2 orig_p 1028
check 2 conn_state SF
check 2 history '^fAFa'
check 2 orig_state CLOSED
check 2 resp_state TIME_WAIT
check 2 orig_pkts 2
check 2 resp_pkts 2
check 2 rtt_syn_synack -
check 2 end_reason closed
finish
