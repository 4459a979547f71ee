#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every capture of tcpdump's test suite (../shared/corpus/tcpdump: crafted,
# malformed, odd link types) runs through every output mode without a crash:
# exit 0, or 1 with a one-line message (an unsupported link type, say).
# JSON output is validated when python3 is present.
. "$(dirname "$0")/common.sh"

dir=$SHARED/corpus/tcpdump/pcaps
if [ ! -d "$dir" ]; then
    echo "SKIP: $dir not present (../shared/corpus is not checked out)"
    exit 77
fi
have_python=0
command -v python3 > /dev/null 2>&1 && have_python=1
[ "$have_python" = 1 ] || echo "note: python3 not found, JSON syntax not validated"

n=0
for f in "$dir"/*; do
    n=$((n + 1))
    for mode in text json; do
        if [ "$mode" = json ]; then
            set -- --json --ladder --conn --stats --verify-checksums
        else
            set -- --ladder --conn --stats
        fi
        "$PROG" "$@" -r "$f" > "$WORK/out" 2> "$WORK/err"
        rc=$?
        case $rc in
        0) ;;
        1) [ "$(wc -l < "$WORK/err")" -eq 1 ] ||
               fail "$f ($mode): exit 1 without a one-line message: $(cat "$WORK/err")" ;;
        *) fail "$f ($mode): exit status $rc: $(head -n 3 "$WORK/err")" ;;
        esac
        [ "$mode" = json ] && cp "$WORK/out" "$WORK/json-$n.jsonl"
    done
done
echo "$n captures"
# One interpreter for all the JSON outputs: starting one per file is slow.
if [ "$have_python" = 1 ]; then
    python3 -c '
import json, sys
bad = 0
for path in sys.argv[1:]:
    for n, text in enumerate(open(path, encoding="utf-8"), 1):
        try:
            json.loads(text)
        except ValueError as e:
            print("FAIL: %s line %d: invalid JSON: %s" % (path, n, e))
            bad += 1
sys.exit(1 if bad else 0)
' "$WORK"/json-*.jsonl || fail "invalid JSON output (above)"
fi
finish
