#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --hash-key: a random key by default (the output does not depend on it), a
# given key reproduces a run, the all-zero key is reported as weak, a bad key
# is a usage error.
. "$(dirname "$0")/common.sh"

run random1 --conn --stats -r "$SEED"
run random2 --conn --stats -r "$SEED"
run given --conn --stats --hash-key 00112233445566778899aabbccddeeff -r "$SEED"
run zero --conn --stats --hash-key 00000000000000000000000000000000 -r "$SEED"
for n in random1 random2 given zero; do
    [ "$(rc_of $n)" = 0 ] || fail "$n: exit status $(rc_of $n): $(cat "$WORK/$n.err")"
done
for n in random2 given zero; do
    grep -v '^#stats	weak_hash_key' "$WORK/$n.out" | grep -v '^#open\|^#close' > "$WORK/$n.cmp"
    grep -v '^#stats	weak_hash_key' "$WORK/random1.out" | grep -v '^#open\|^#close' > "$WORK/random1.cmp"
    cmp -s "$WORK/random1.cmp" "$WORK/$n.cmp" || fail "$n: the output depends on the hash key"
done
has random1 '^#stats	weak_hash_key	0$' "a random key is not weak"
has given '^#stats	weak_hash_key	0$' "a given non-zero key is not weak"
has zero '^#stats	weak_hash_key	1$' "the all-zero key is reported"

run short --hash-key 0011 -r "$SEED"
[ "$(rc_of short)" = 2 ] || fail "a short key: exit status $(rc_of short), want 2"
grep -q 'hash-key' "$WORK/short.err" || fail "a short key: no message naming --hash-key"
run nothex --hash-key 0011223344556677889900aabbccddzz -r "$SEED"
[ "$(rc_of nothex)" = 2 ] || fail "a non-hex key: exit status $(rc_of nothex), want 2"
finish
