#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Progress on stderr: --progress forces it (it otherwise shows only on a
# terminal after 2 s), one line per report: frames, MB/s, percent of the file.
# Without it, and with stderr not a terminal, nothing is written to stderr.
. "$(dirname "$0")/common.sh"

run quiet -q --conn -r "$SEED"
[ ! -s "$WORK/quiet.err" ] || fail "progress written to a non-terminal without --progress"
run forced -q --conn --progress -r "$SEED"
[ "$(rc_of forced)" = 0 ] || fail "exit status $(rc_of forced)"
grep -Eq '^tcpstate-pcap: 20 frames, [0-9]+\.[0-9] MB/s, 100%$' "$WORK/forced.err" ||
    fail "no final progress line: $(cat "$WORK/forced.err")"
cmp -s "$WORK/quiet.out" "$WORK/forced.out" || fail "--progress changed stdout"
# From a pipe the size is unknown: no percentage.
cat "$SEED" | "$PROG" -q --progress -r - > /dev/null 2> "$WORK/pipe.err"
grep -Eq '^tcpstate-pcap: 20 frames, [0-9]+\.[0-9] MB/s$' "$WORK/pipe.err" ||
    fail "pipe progress: $(cat "$WORK/pipe.err")"
# On a terminal (script(1) gives one) a short read prints nothing.
if command -v script > /dev/null; then
    script -qec "$PROG -q -r $SEED" /dev/null > "$WORK/tty.out" 2>&1
    ! grep -q 'frames,' "$WORK/tty.out" || fail "progress shown for a read under 2 s"
fi
finish
