#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# -r - reads the capture from standard input (a pipe): the same output as
# from the file, with one worker and with two.
. "$(dirname "$0")/common.sh"

"$PROG" --conn -r "$SEED" > "$WORK/file.out" 2>&1 || fail "from the file: exit $?"
cat "$SEED" | "$PROG" --conn -r - > "$WORK/pipe.out" 2> "$WORK/pipe.err" ||
    fail "from a pipe: exit $? ($(cat "$WORK/pipe.err"))"
cmp -s "$WORK/file.out" "$WORK/pipe.out" || fail "-r - differs from -r FILE"
cat "$SEED" | "$PROG" --workers 2 --conn -r - > "$WORK/pipe2.out" 2>&1 || fail "--workers 2 from a pipe"
cmp -s "$WORK/file.out" "$WORK/pipe2.out" || fail "--workers 2 -r - differs"
printf 'not a capture' | "$PROG" -r - > "$WORK/bad.out" 2> "$WORK/bad.err"
[ $? != 0 ] || fail "garbage on stdin was accepted"
finish
