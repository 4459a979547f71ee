#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --conn is a Zeek ASCII log: the header lines Zeek writes (#separator,
# #set_separator, #empty_field, #unset_field, #path, #open, #fields, #types,
# then #close after the rows), so zeek-cut reads it. Checked with zeek-cut
# itself when installed, and always with a small awk that does what zeek-cut
# does: find the columns by the #fields line, honour #separator.
. "$(dirname "$0")/common.sh"

run conn -q --conn -r "$SEED"
[ "$(rc_of conn)" = 0 ] || fail "exit status $(rc_of conn)"
for h in '#separator \\x09' '#set_separator	,' '#empty_field	\(empty\)' '#unset_field	-' \
    '#path	conn' '#open	2005-03-14-09-26-53' '#close	2005-03-14-09-27-05'; do
    has conn "^$h\$" "Zeek header line $h"
done
[ "$(sed -n 1p "$WORK/conn.out")" = '#separator \x09' ] || fail "the first line is not #separator"
[ "$(tail -n 1 "$WORK/conn.out")" = '#close	2005-03-14-09-27-05' ] || fail "the last line is not #close"
# One type per field.
nf=$(awk -F'\t' '/^#fields/ {print NF}' "$WORK/conn.out")
nt=$(awk -F'\t' '/^#types/ {print NF}' "$WORK/conn.out")
[ -n "$nf" ] && [ "$nf" = "$nt" ] || fail "#fields has $nf entries, #types $nt"
awk -F'\t' '/^#types/ {for (i = 2; i <= NF; i++) if ($i !~ /^(time|addr|port|count|interval|string)$/) exit 1}' \
    "$WORK/conn.out" || fail "a #types entry is not a Zeek type"

# zeek-cut's job, in awk: the named columns of every data row.
cut_cols() { # FILE COLUMNS...
    f=$1
    shift
    awk -v want="$*" '
        /^#separator/ { split($0, s, " "); sep = s[2]; gsub(/\\x09/, "\t", sep); FS = sep; next }
        /^#fields/ { n = split(want, w, " "); for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
        /^#/ { next }
        { $0 = $0; line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? "\t" : "") $(col[w[i]]); print line }
    ' "$f"
}
got=$(cut_cols "$WORK/conn.out" orig_p conn_state history)
want="1038	S1	ShAdD
1028	SF	^fAFa"
[ "$got" = "$want" ] || fail "columns by name: got '$got', want '$want'"
if command -v zeek-cut > /dev/null; then
    got=$(zeek-cut orig_p conn_state history < "$WORK/conn.out")
    [ "$got" = "$want" ] || fail "zeek-cut: got '$got', want '$want'"
else
    echo "note: zeek-cut not installed; checked with the awk equivalent only"
fi
finish
