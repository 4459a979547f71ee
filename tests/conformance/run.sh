#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Zeek conformance: run tcpstate-pcap --conn over the traces of Zeek's own
# regression suite and compare conn_state and history with the conn.log rows
# Zeek wrote for them (../shared/corpus/zeek/expected.tsv).
#
#   run.sh PROGRAM ZEEK_CORPUS_DIR SERVER_PORTS_TSV KNOWN_DIFFERENCES_TSV WORK_DIR [REPORT]
#
# Every row of expected.tsv is scored (issue 8): no link type or encapsulation
# is left out. Each trace runs once per Zeek test that used it, with
# --verify-checksums unless Zeek ran with -C, and --server-ports as
# SERVER_PORTS_TSV says for that test.
#
# Our rows are matched to Zeek's by the unordered pair of endpoints, in order
# of first timestamp (the k-th connection of a pair with the k-th). Figures,
# each with its pass threshold (in hundredths of a percent, overridable from
# the environment):
#   all rows: conn_state agreement   >= ALL_CS  (CONF_ALL_CS, default 9950)
#             history agreement      >= ALL_H   (CONF_ALL_H,  default 9900)
#   rows whose encapsulation tcpstate decoded before issue 8 (plain, VLAN,
#   MPLS, PPPoE, FabricPath, null, sll; not FDDI):
#             conn_state agreement   >= 10000 (today: every row agrees)
#             history agreement      >= 9949
# History is compared without Zeek's reassembly-only letters G, g and X. The
# all-rows defaults are what this branch reaches before tunnels and FDDI are
# decoded; raise them (issue 8 ends at 99.5 % and 99 %) as those land.
# REPORT (default WORK_DIR/report.txt) lists every disagreement with its reason: a reason from
# KNOWN_DIFFERENCES_TSV (pcap, ts, reason), a pattern recognised here (a lone
# SYN-ACK's sender is our responder; a link type or tunnel not decoded yet),
# or "unexplained".
#
# Exit: 0 pass, 1 fail, 77 skipped (corpus absent).

set -u
prog=$1 corpus=$2 ports_tsv=$3 known_tsv=$4 work=$5 report=${6:-$5/report.txt}
expected=$corpus/expected.tsv

if [ ! -f "$expected" ]; then
    echo "SKIP: $expected not present (../shared/corpus is not checked out)"
    exit 77
fi
# The score is for the whole library: a build that leaves out part of what
# the traces need (docs/embedding.md's size options) skips. PROGRAM sits in
# the build's examples/ directory, beside which CMake keeps its cache.
cache=$(dirname "$prog")/../CMakeCache.txt
opts='ZEEK|IPV6|TUNNELS|REASSEMBLY|LINK_TYPES|STRINGS|SERVER_PORT_LIST'
left_out=$(grep -E "^TCPSTATE_NO_($opts):BOOL=(ON|TRUE|1)\$" "$cache" 2>/dev/null |
    cut -d: -f1 | tr '\n' ' ')
if [ -n "$left_out" ]; then
    echo "SKIP: built with $left_out(the traces need what they leave out)"
    exit 77
fi
rm -rf "$work"
mkdir -p "$work/out" || exit 1

all_cs=${CONF_ALL_CS:-9950}
all_h=${CONF_ALL_H:-9900}

# ---------------------------------------------------------------- rows
# exp.tsv: group pcap test ts orig_h orig_p resp_h resp_p conn_state history encap old_scope
# groups.tsv: group pcap test ignore_checksums zeek_mode
awk -F'\t' -v OFS='\t' -v exp_out="$work/exp.tsv" -v groups_out="$work/groups.tsv" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
        encap = $col["tcp_encap"]; pcap = $col["pcap"]
        old = pcap != "pcaps/llc.pcap" && (encap == "-" || encap == "-,cfp" || encap == "vlan" ||
              encap == "vlan:mpls" || encap == "mpls" || encap == "vlan:vlan:pppoes:ppp" ||
              encap == "null" || encap == "sll")
        g = pcap "|" $col["test_name"]
        if (!(g in gid)) {
            gid[g] = ++n
            print n, pcap, $col["test_name"], $col["ignore_checksums"], $col["zeek_mode"] > groups_out
        }
        print gid[g], pcap, $col["test_name"], $col["ts"], $col["orig_h"], $col["orig_p"],
              $col["resp_h"], $col["resp_p"], $col["conn_state"], $col["history"], encap,
              old > exp_out
    }' "$expected"

# ---------------------------------------------------------------- our rows
# ours.tsv: group ts orig_h orig_p resp_h resp_p conn_state history end_reason
: > "$work/ours.tsv"
: > "$work/failures.txt"
while IFS='	' read -r g pcap test nochk mode; do
    ports=$(awk -F'\t' -v test="$test" -v mode="$mode" '
        /^#/ || NF < 2 { next }
        ($1 == "mode:" mode) || (substr($1, 1, 5) != "mode:" && index(test, $1) == 1) {
            print $2; exit
        }' "$ports_tsv")
    if [ -z "$ports" ]; then
        echo "FAIL: no line of $ports_tsv matches test $test ($mode): add one"
        exit 1
    fi
    set -- -q --conn --server-ports "$ports"
    [ "$nochk" = no ] && set -- "$@" --verify-checksums
    echo "$prog $* -r $corpus/$pcap" > "$work/out/$g.cmd"
    if ! "$prog" "$@" -r "$corpus/$pcap" > "$work/out/$g.tsv" 2> "$work/out/$g.err"; then
        printf '%s\t%s\t%s\n' "$pcap" "$test" "$(head -n 1 "$work/out/$g.err")" >> "$work/failures.txt"
    fi
    awk -F'\t' -v OFS='\t' -v g="$g" '
        /^#fields/ { for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
        /^#/ || !("ts" in col) { next }
        { print g, $col["ts"], $col["orig_h"], $col["orig_p"], $col["resp_h"], $col["resp_p"],
                $col["conn_state"], $col["history"], $col["end_reason"] }' \
        "$work/out/$g.tsv" >> "$work/ours.tsv"
done < "$work/groups.tsv"

# ---------------------------------------------------------------- compare
awk -F'\t' -v OFS='\t' -v report="$report" -v known="$known_tsv" -v all_cs="$all_cs" \
    -v all_h="$all_h" -v failures="$work/failures.txt" '
    function pair(h1, p1, h2, p2,   a, b) {
        a = h1 " " p1; b = h2 " " p2
        return a < b ? a " | " b : b " | " a
    }
    # Timestamps as seconds.micro text: integer parts compare as numbers.
    function ts_lt(x, y,   xi, yi) {
        xi = x; sub(/\..*/, "", xi); yi = y; sub(/\..*/, "", yi)
        if (xi + 0 != yi + 0) return xi + 0 < yi + 0
        return x < y
    }
    function strip_zeek_only(h) { gsub(/[GgX]/, "", h); return h == "" ? "-" : h }
    function swapcase(s,   i, c, out) {
        out = ""
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            if (c ~ /[A-Z]/) c = tolower(c); else if (c ~ /[a-z]/) c = toupper(c)
            out = out c
        }
        return out
    }
    # Insertion sort of bucket b (list of row ids in arr) by timestamp.
    function sort_bucket(arr, cnt, b, tsof,   i, j, t) {
        for (i = 2; i <= cnt[b]; i++) {
            t = arr[b, i]
            for (j = i - 1; j >= 1 && ts_lt(tsof[t], tsof[arr[b, j]]); j--) arr[b, j + 1] = arr[b, j]
            arr[b, j + 1] = t
        }
    }
    FILENAME == known {
        if ($0 ~ /^#/ || NF < 3) next
        why[$1, $2] = $3
        next
    }
    FILENAME ~ /exp\.tsv$/ {
        n_exp++
        e_g[n_exp] = $1; e_pcap[n_exp] = $2; e_test[n_exp] = $3; e_ts[n_exp] = $4
        e_o[n_exp] = $5 ":" $6; e_r[n_exp] = $7 ":" $8
        e_cs[n_exp] = $9; e_h[n_exp] = $10; e_encap[n_exp] = $11; e_old[n_exp] = $12
        b = $1 SUBSEP pair($5, $6, $7, $8)
        if (!(b in ecnt)) eorder[++n_eb] = b
        ebk[b, ++ecnt[b]] = n_exp
        next
    }
    {
        n_our++
        o_ts[n_our] = $2; o_o[n_our] = $3 ":" $4; o_r[n_our] = $5 ":" $6
        o_cs[n_our] = $7; o_h[n_our] = $8; o_end[n_our] = $9
        b = $1 SUBSEP pair($3, $4, $5, $6)
        obk[b, ++ocnt[b]] = n_our
        o_g[n_our] = $1
    }
    END {
        for (k = 1; k <= n_eb; k++) {
            b = eorder[k]
            sort_bucket(ebk, ecnt, b, e_ts)
            if (b in ocnt) sort_bucket(obk, ocnt, b, o_ts)
            for (i = 1; i <= ecnt[b]; i++) {
                e = ebk[b, i]
                match_of[e] = (b in ocnt) && i <= ocnt[b] ? obk[b, i] : 0
                if (match_of[e]) used[match_of[e]] = 1
            }
        }
        print "Zeek conformance of tcpstate-pcap --conn" > report
        print "(every row of expected.tsv; history compared without G, g, X)\n" > report
        print "pcap", "ts", "zeek orig > resp", "field", "zeek", "ours", "reason" > report
        for (e = 1; e <= n_exp; e++) {
            o = match_of[e]
            eh = strip_zeek_only(e_h[e])
            if (e_h[e] ~ /[GgX]/) zeek_only++
            oh = o ? o_h[o] : ""
            cs_ok = o && o_cs[o] == e_cs[e]
            h_ok = o && oh == eh
            cs_agree += cs_ok; h_agree += h_ok
            if (e_old[e]) { n_old++; old_cs += cs_ok; old_h += h_ok }
            if (cs_ok && h_ok) continue
            reason = why[e_pcap[e], e_ts[e]]
            if (!o) {
                field = "row"; zv = e_cs[e] " " e_h[e]; ov = "(no row)"
                # Layers tcpstate does not decode yet (issue 8, branch i8a).
                if (reason == "" && e_encap[e] ~ /^fddi/)
                    reason = "pending: FDDI link type (10) not decoded yet (issue 8, i8a)"
                else if (reason == "" && e_encap[e] ~ /(gre|udp:|ip:ip|ipv6:|ayiya)/)
                    reason = "pending: tunnel " e_encap[e] " not decoded yet (issue 8, i8a)"
                if (reason ~ /^pending/) pending++
            } else {
                field = cs_ok ? "history" : h_ok ? "conn_state" : "both"
                zv = e_cs[e] " " e_h[e]; ov = o_cs[o] " " oh " (" o_o[o] " > " o_r[o] ")"
                if (reason == "" && cs_ok && substr(eh, 1, 1) == "H" && oh == "^" swapcase(eh))
                    reason = "accepted: a lone SYN-ACK'"'"'s sender is always our responder; Zeek kept it as originator (no likely server port in this mode), same conn_state"
            }
            if (reason == "") { reason = "unexplained: treat as our bug"; unexplained++ }
            print e_pcap[e], e_ts[e], e_o[e] " > " e_r[e], field, zv, ov, reason > report
        }
        extra = 0
        for (o = 1; o <= n_our; o++) if (!used[o]) extra++
        if (extra) {
            print "\nOur rows with no Zeek row (not counted; Zeek delimited or dropped these differently):" > report
            for (o = 1; o <= n_our; o++)
                if (!used[o]) print "  group " o_g[o], o_ts[o], o_o[o] " > " o_r[o], o_cs[o], o_h[o], o_end[o] > report
        }
        nfail = 0
        while ((getline l < failures) > 0) {
            if (!nfail++) print "\ntcpstate-pcap refused (rows counted as missing above):" > report
            print "  " l > report
        }
        cs_pct = n_exp ? 100 * cs_agree / n_exp : 0
        h_pct = n_exp ? 100 * h_agree / n_exp : 0
        line1 = sprintf("all rows   conn_state agreement: %d/%d (%.2f%%), threshold %.2f%%", cs_agree, n_exp, cs_pct, all_cs / 100)
        line2 = sprintf("all rows   history agreement:    %d/%d (%.2f%%), threshold %.2f%% (G, g, X ignored)", h_agree, n_exp, h_pct, all_h / 100)
        line3 = sprintf("pre-issue-8 encapsulations: conn_state %d/%d (%.2f%%), threshold 100%%; history %d/%d (%.2f%%), threshold 99.49%%",
                        old_cs, n_old, n_old ? 100 * old_cs / n_old : 0, old_h, n_old, n_old ? 100 * old_h / n_old : 0)
        line4 = sprintf("pending (layers not decoded yet): %d; unexplained disagreements: %d; our rows without a Zeek row: %d; Zeek histories with G/g/X: %d", pending, unexplained, extra, zeek_only)
        print "\n" line1 "\n" line2 "\n" line3 "\n" line4 > report
        print line1; print line2; print line3; print line4
        if (n_exp == 0 || cs_agree * 10000 < all_cs * n_exp || h_agree * 10000 < all_h * n_exp) exit 1
        if (n_old == 0 || old_cs < n_old || old_h * 10000 < 9949 * n_old) exit 1
    }' "$known_tsv" "$work/exp.tsv" "$work/ours.tsv"
status=$?

if [ -s "$work/failures.txt" ]; then
    # Scored above as missing rows; a refusal is only wrong for a link type we decode.
    echo "tcpstate-pcap refused:"
    sed 's/^/  /' "$work/failures.txt"
    if grep -v -q 'is not supported' "$work/failures.txt"; then
        status=1
    fi
fi
echo "report: $report"
exit $status
