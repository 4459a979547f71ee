#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A trailing BPF filter expression, as tcpdump takes it: "tcp port 1028"
# leaves only the 1028 connection, and frames keep their numbers in the file.
. "$(dirname "$0")/common.sh"

run filter-conn -q --conn -r "$SEED" tcp port 1028
[ "$(rc_of filter-conn)" = 0 ] || fail "exit status $(rc_of filter-conn): $(cat "$WORK/filter-conn.err")"
[ "$(grep -vc '^#' "$WORK/filter-conn.out")" -eq 1 ] || fail "expected exactly one row"
has filter-conn '^[0-9.]+	76\.88\.16\.104	1028	76\.88\.16\.16	21	SF	' "the row is the 1028 connection"

run filter-events -r "$SEED" 'tcp port 1028'
golden filter-events
if grep -q ':1038 ' "$WORK/filter-events.out"; then
    fail "the 1038 connection got through the filter"
fi
has filter-events '^ +17 .* FIN ' "frame 17 keeps its number"
has filter-events '^ +20 .* ACK ' "frame 20 keeps its number"

# -c counts the frames that passed the filter: here frames 17 and 18.
run filter-count -q --conn -c 2 -r "$SEED" tcp port 1028
has filter-count '	1028	76\.88\.16\.16	21	SHR	\^fA	CLOSE_WAIT	FIN_WAIT_2	1	1	' \
    "-c 2 with a filter reads the first two matching frames"

run filter-none -q --conn -r "$SEED" tcp port 9
[ "$(rc_of filter-none)" = 0 ] || fail "a filter matching nothing is not an error"
[ "$(grep -vc '^#' "$WORK/filter-none.out")" -eq 0 ] || fail "a filter matching nothing printed rows"
finish
