#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Error paths: each gives a non-zero exit status and one line on stderr.
. "$(dirname "$0")/common.sh"

# expect_error NAME STATUS REGEX: NAME exited STATUS with one stderr line matching REGEX.
expect_error() {
    rc=$(rc_of "$1")
    [ "$rc" = "$2" ] || fail "$1: exit status $rc, want $2"
    n=$(wc -l < "$WORK/$1.err")
    [ "$n" -eq 1 ] || fail "$1: $n lines on stderr, want 1: $(cat "$WORK/$1.err")"
    grep -Eq -- "$3" "$WORK/$1.err" || fail "$1: stderr '$(cat "$WORK/$1.err")' does not match '$3'"
}

# Files that cannot be read as captures.
run missing -r "$WORK/no-such-file.pcap"
expect_error missing 1 '^tcpstate-pcap: .*no-such-file\.pcap.*No such file'
run directory -r "$WORK"
expect_error directory 1 '^tcpstate-pcap: '
printf 'this is not a capture file\n' > "$WORK/text.pcap"
run not-a-capture -r "$WORK/text.pcap"
expect_error not-a-capture 1 '^tcpstate-pcap: .*(format|magic)'
cp "$SEED" "$WORK/unreadable.pcap"
chmod 000 "$WORK/unreadable.pcap"
if [ -r "$WORK/unreadable.pcap" ]; then
    echo "note: running as a user who reads mode-000 files (root): unreadable-file check skipped"
else
    run unreadable -r "$WORK/unreadable.pcap"
    expect_error unreadable 1 '^tcpstate-pcap: .*unreadable\.pcap.*[Pp]ermission'
fi
chmod 600 "$WORK/unreadable.pcap"

# A capture cut in the middle of a record (the seed file is 1801 bytes): what
# was read is summarised, then the error is reported.
head -c 1000 "$SEED" > "$WORK/truncated.pcap"
run truncated -q --conn -r "$WORK/truncated.pcap"
expect_error truncated 1 '^tcpstate-pcap: .*truncated\.pcap: .*truncated'
has truncated '^#fields	' "summaries are printed before the error"
has truncated '	76\.88\.16\.104	1038	' "the 1038 connection read so far is summarised"

# A link type the library does not decode: the seed with USER0 (147) patched
# into the file header's link type field (bytes 20-23, little-endian).
cp "$SEED" "$WORK/user0.pcap"
printf '\223\000\000\000' | dd of="$WORK/user0.pcap" bs=1 seek=20 conv=notrunc 2> /dev/null
run linktype -r "$WORK/user0.pcap"
# (libpcap has no name for 147; for the link types it names, the name follows in brackets.)
expect_error linktype 1 'user0\.pcap: link type 147( \(USER0\))? is not supported'
[ ! -s "$WORK/linktype.out" ] || fail "linktype: printed output"

# Filters and options.
run bad-filter -r "$SEED" tcp port
expect_error bad-filter 1 "^tcpstate-pcap: bad filter 'tcp port': "
run bad-option --bogus -r "$SEED"
expect_error bad-option 2 "unknown option '--bogus'"
run bad-short-option -x -r "$SEED"
expect_error bad-short-option 2 "unknown option '-x'"
run no-argument -r
expect_error no-argument 2 "option '-r' needs an argument"
run no-input --conn
expect_error no-input 2 'exactly one of -r FILE and -i IFACE'
run both-inputs -r "$SEED" -i lo
expect_error both-inputs 2 'exactly one of -r FILE and -i IFACE'
run bad-ports --server-ports 21,http -r "$SEED"
expect_error bad-ports 2 "'http' is not a port number"
run bad-count -c 0 -r "$SEED"
expect_error bad-count 2 "-c: '0' is not a positive count"
run bad-max-flows --max-flows 0 -r "$SEED"
expect_error bad-max-flows 2 "--max-flows"

# A live capture that cannot start.
run live -i tcpstate-no-such-if0 -c 1
expect_error live 1 '^tcpstate-pcap: tcpstate-no-such-if0: '

# And the good cases around them.
run help --help
[ "$(rc_of help)" = 0 ] || fail "--help: exit status $(rc_of help)"
has help '^usage: tcpstate-pcap ' "--help prints the usage"
run count -q --conn -c 3 -r "$SEED"
[ "$(rc_of count)" = 0 ] || fail "-c 3: exit status $(rc_of count)"
has count '	S1	ShA	' "-c 3 stops after the handshake"
finish
