#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# examples/pcap_minimal.c on the seed capture: one line per callback, the
# article's handshake on port 1038 and the server-first close on port 1028.
. "$(dirname "$0")/common.sh"

run pcap-minimal "$SEED"
[ "$(rc_of pcap-minimal)" = 0 ] || fail "exit status $(rc_of pcap-minimal): $(cat "$WORK/pcap-minimal.err")"
golden pcap-minimal
has pcap-minimal '^frame 1 SYN +76\.88\.16\.104:1038 > 76\.88\.16\.16:21  client=SYN_SENT server=CLOSED$' \
    "the article's SYN"
has pcap-minimal '^frame 0 END +76\.88\.16\.104:1038 > 76\.88\.16\.16:21' "the open session ends at finish"
run pcap-minimal-usage
[ "$(rc_of pcap-minimal-usage)" = 2 ] || fail "no argument: exit status $(rc_of pcap-minimal-usage), want 2"
finish
