#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --json: every section as JSON lines, each a valid JSON object with a "type".
. "$(dirname "$0")/common.sh"

run seed-json --json --ladder --conn --stats -r "$SEED"
[ "$(rc_of seed-json)" = 0 ] || fail "exit status $(rc_of seed-json): $(cat "$WORK/seed-json.err")"
golden seed-json

out=$WORK/seed-json.out
[ "$(grep -c '^{"type":"event",' "$out")" -eq 19 ] || fail "expected 19 event objects (7 packet events, 10 state changes, 2 ends)"
[ "$(grep -c '^{"type":"ladder",' "$out")" -eq 2 ] || fail "expected 2 ladder objects"
[ "$(grep -c '^{"type":"conn",' "$out")" -eq 2 ] || fail "expected 2 conn objects"
[ "$(grep -c '^{"type":"stats",' "$out")" -eq 1 ] || fail "expected 1 stats object"
has seed-json '"event":"SYN-ACK","frame":2,.*"seq":3880988084,"seq_note":"ISN","ack":1791872319,"ack_note":"ISN\+1"' \
    "frame 2 SYN-ACK with its numbers"
has seed-json '"type":"conn",.*"orig_p":1028,.*"conn_state":"SF","history":"\^fAFa"' "the 1028 row"

if command -v python3 > /dev/null 2>&1; then
    python3 -c '
import json, sys
for n, text in enumerate(open(sys.argv[1]), 1):
    obj = json.loads(text)
    if not isinstance(obj, dict) or "type" not in obj:
        sys.exit("line %d: not an object with a type" % n)
' "$out" || fail "a line is not valid JSON"
else
    echo "note: python3 not found, JSON syntax not validated (the checks above still ran)"
fi
finish
