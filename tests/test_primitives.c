/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The small building blocks: sequence arithmetic modulo 2^32, the keyed hash,
 * the compact duration encodings.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "compact.h"
#include "flowtable.h"
#include "hash.h"
#include "seq.h"

Test(seq, comparisons_hold_across_the_wrap)
{
    cr_assert(seq_lt(0xFFFFFFFFu, 0));
    cr_assert(seq_gt(0, 0xFFFFFFFFu));
    cr_assert(seq_lt(0xFFFFFF00u, 0x10u));
    cr_assert(seq_le(5, 5));
    cr_assert(seq_ge(5, 5));
    cr_assert(eq(int, seq_lt(5, 5), 0));
}

Test(seq, the_half_space_boundary_at_2_to_the_31)
{
    /* b - a < 2^31: a is before b; b - a > 2^31: a is after b. */
    cr_assert(seq_lt(0, 0x7FFFFFFFu));
    cr_assert(eq(int, seq_lt(0, 0x80000001u), 0));
    cr_assert(seq_lt(0x80000001u, 0));
    /* Exactly 2^31 apart the order is undefined (RFC 1982 §3.2): each reads as before the
     * other, and neither is equal. */
    cr_assert(seq_lt(0, 0x80000000u));
    cr_assert(seq_lt(0x80000000u, 0));
    cr_assert(seq_lt(0x80000001u, 1));
    cr_assert(seq_gt(0x7FFFFFFFu, 0));
    cr_assert(eq(int, seq_gt(0x80000001u, 0), 0));
}

/* seq_le() is computed in one compare: it must still be seq_lt() or
 * equality at every distance, the boundaries around 0 and 2^31 included. */
Test(seq, le_is_lt_or_equal_at_every_distance)
{
    static const uint32_t base[] = {0u, 1u, 5u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0x12345678u};
    static const uint32_t dist[] = {0u,          1u,          2u,          0x7FFFFFFEu,
                                    0x7FFFFFFFu, 0x80000000u, 0x80000001u, 0xFFFFFFFEu,
                                    0xFFFFFFFFu, 0x40000000u};
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
        for (size_t j = 0; j < sizeof dist / sizeof dist[0]; j++) {
            uint32_t a = base[i], b = base[i] + dist[j];
            int want = a == b || seq_lt(a, b);
            cr_assert(eq(int, seq_le(a, b), want), "seq_le(%u, %u)", a, b);
            cr_assert(eq(int, seq_ge(b, a), want), "seq_ge(%u, %u)", b, a);
        }
    }
}

Test(seq, window_test_wraps)
{
    cr_assert(seq_in_window(5, 0xFFFFFFF0u, 0x20));
    cr_assert(eq(int, seq_in_window(0x10, 0xFFFFFFF0u, 0x20), 0));
    cr_assert(seq_in_window(0xFFFFFFF0u, 0xFFFFFFF0u, 1));
    cr_assert(eq(int, seq_in_window(0xFFFFFFF0u, 0xFFFFFFF0u, 0), 0));
}

Test(seq, syn_and_fin_take_one_sequence_number_each)
{
    cr_assert(eq(u32, seq_seg_len(0, 1, 0), 1));
    cr_assert(eq(u32, seq_seg_len(100, 0, 1), 101));
    cr_assert(eq(u32, seq_seg_len(100, 1, 1), 102));
    cr_assert(eq(u32, seq_seg_len(0, 0, 0), 0));
}

/* SipHash-1-3 with the all-zero key over 00 01 02 ...: the reference
 * implementation's published outputs (github.com/veorq/SipHash). */
Test(hash, siphash13_matches_the_reference_outputs)
{
    static const uint64_t want[] = {
        UINT64_C(0xd1fba762150c532c),
        UINT64_C(0x68a914128e01e473),
        UINT64_C(0x010bac45c41e3669),
        UINT64_C(0x4d4c9a4a8ef6e0ad),
    };
    uint8_t key[16] = {0}, in[8];
    for (unsigned i = 0; i < sizeof in; i++) {
        in[i] = (uint8_t)i;
    }
    for (unsigned n = 0; n < sizeof want / sizeof *want; n++) {
        cr_assert(eq(u64, tcpstate__siphash13(key, in, n), want[n]), "length %u", n);
    }
    cr_assert(eq(u64, tcpstate__siphash13(key, "siphash", 7), UINT64_C(0x8264ceeccb16bcbe)));
}

Test(hash, the_key_changes_every_output)
{
    uint8_t k0[16] = {0}, k1[16] = {0};
    k1[15] = 1;
    uint8_t in[38] = {10, 0, 0, 1};
    cr_assert(
        ne(u64, tcpstate__siphash13(k0, in, sizeof in), tcpstate__siphash13(k1, in, sizeof in)));
}

Test(hash, the_two_word_and_prepared_key_forms_match_the_byte_form)
{
    /* The flow table hashes IPv4 keys as two words under a prepared key:
     * the same function as the byte form, checked over many inputs. */
    uint8_t key[16], bytes[38];
    uint64_t x = UINT64_C(0x0123456789abcdef);
    for (unsigned round = 0; round < 1000; round++) {
        for (unsigned i = 0; i < sizeof key; i++) {
            x = x * UINT64_C(6364136223846793005) + 1442695040888963407u;
            key[i] = (uint8_t)(x >> 56);
        }
        for (unsigned i = 0; i < sizeof bytes; i++) {
            x = x * UINT64_C(6364136223846793005) + 1442695040888963407u;
            bytes[i] = (uint8_t)(x >> 56);
        }
        uint64_t w0 = 0;
        for (unsigned i = 0; i < 8; i++) {
            w0 |= (uint64_t)bytes[i] << (8 * i);
        }
        struct tcpstate_sipkey k;
        tcpstate__sipkey_init(&k, key);
        for (unsigned len = 9; len < 16; len++) { /* the two-block form, every length */
            uint64_t w1 = 0;
            for (unsigned i = 8; i < len; i++) {
                w1 |= (uint64_t)bytes[i] << (8 * (i - 8));
            }
            cr_assert(eq(u64, tcpstate__siphash13_short(&k, w0, w1, len),
                         tcpstate__siphash13(key, bytes, len)));
        }
        cr_assert(eq(u64, tcpstate__siphash13_key(&k, bytes, 38),
                     tcpstate__siphash13(key, bytes, 38)));
    }
}

Test(compact, small_values_are_exact_and_large_ones_close)
{
    for (uint64_t v = 0; v < 5000; v++) {
        cr_assert(eq(u64, u16f_decode(u16f_encode(v)), v < 4096 ? v : (v >> 1) << 1));
    }
    const uint64_t samples[] = {4096, 50123, 999999, 123456789, UINT64_C(134000000)};
    for (unsigned i = 0; i < sizeof samples / sizeof *samples; i++) {
        uint64_t v = samples[i], d = u16f_decode(u16f_encode(v));
        cr_assert(le(u64, d, v));
        cr_assert(le(u64, (v - d) * 4096, v), "u16f(%llu) = %llu", (unsigned long long)v,
                  (unsigned long long)d);
    }
    const uint64_t ns[] = {UINT64_C(134217727), UINT64_C(5000000000), UINT64_C(432000000000000)};
    for (unsigned i = 0; i < sizeof ns / sizeof *ns; i++) {
        uint64_t v = ns[i], d = u32f_decode(u32f_encode(v));
        cr_assert(le(u64, (v - d) * (UINT64_C(1) << 27), v));
    }
    cr_assert(eq(u64, u32f_decode(u32f_encode(134217727)), 134217727));
}

Test(compact, encoding_is_monotonic_and_saturates)
{
    uint32_t prev = 0;
    for (uint64_t v = 1; v < (UINT64_C(1) << 62); v = v * 3 / 2 + 1) {
        uint32_t c = u32f_encode(v);
        cr_assert(ge(u32, c, prev));
        prev = c;
    }
    cr_assert(eq(u16, u16f_encode(UINT64_MAX), u16f_encode(UINT64_C(1) << 40)));
}

/* A flow's last time is kept as its age since the first segment: exact
 * below 2^27 ns, and a time before the first segment (or at it) reads back
 * as the first segment's, wherever the first segment lies in 64 bits. */
Test(compact, a_flow_age_is_never_negative)
{
    const uint64_t firsts[] = {0, 1, 1000, UINT64_C(1) << 40, UINT64_MAX - 5, UINT64_MAX};
    for (unsigned i = 0; i < sizeof firsts / sizeof *firsts; i++) {
        struct tcpstate_flow f;
        memset(&f, 0, sizeof f);
        uint64_t first = firsts[i];
        f.first_ts = first;
        tcpstate__flow_set_last_ts(&f, first);
        cr_assert(eq(u64, tcpstate__flow_last_ts(&f), first));
        if (first != 0) {
            tcpstate__flow_set_last_ts(&f, first - 1);
            cr_assert(eq(u64, tcpstate__flow_last_ts(&f), first), "first %llu",
                      (unsigned long long)first);
            tcpstate__flow_set_last_ts(&f, 0);
            cr_assert(eq(u64, tcpstate__flow_last_ts(&f), first));
        }
        if (first <= UINT64_MAX - 134217727u) {
            tcpstate__flow_set_last_ts(&f, first + 134217727u);
            cr_assert(eq(u64, tcpstate__flow_last_ts(&f), first + 134217727u));
        }
    }
}
