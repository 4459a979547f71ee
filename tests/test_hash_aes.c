/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The IPv4 flow hash as AES-128 (src/hash_aes.h): that it is AES (FIPS-197's
 * known answers), that the inline form and the call agree, and that a table
 * hashes IPv4 keys with AES exactly when the CPU has it and with SipHash-1-3
 * otherwise. Built with AES instructions enabled where the library is
 * (tests/CMakeLists.txt), so that the inline form is the one compared.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "flowtable.h"
#include "hash.h"
#include "hash_aes.h"

static uint64_t rng = UINT64_C(0x9e3779b97f4a7c15);
static uint64_t next64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

#if TCPSTATE_AES_HASH
static void skip_without_aes(void)
{
    if (!tcpstate__aes_usable()) {
        cr_skip_test("this CPU has no AES instructions: every key hashes with SipHash-1-3");
    }
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

/* FIPS-197 Appendix B (the cipher example) and Appendix C.1 (AES-128): the
 * low 8 bytes of each ciphertext, from the expanded key, inline and called. */
Test(aes, the_hash_is_aes128_by_fips197s_known_answers)
{
    skip_without_aes();
    static const struct {
        uint8_t key[16], in[16], out[8];
    } kat[] = {
        {{0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f,
          0x3c},
         {0x32, 0x43, 0xf6, 0xa8, 0x88, 0x5a, 0x30, 0x8d, 0x31, 0x31, 0x98, 0xa2, 0xe0, 0x37, 0x07,
          0x34},
         {0x39, 0x25, 0x84, 0x1d, 0x02, 0xdc, 0x09, 0xfb}},
        {{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
          0x0f},
         {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
          0xff},
         {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30}},
    };
    for (unsigned i = 0; i < sizeof kat / sizeof *kat; i++) {
        struct tcpstate_aeskey k;
        tcpstate__aes_expand(&k, kat[i].key);
        uint64_t w0 = le64(kat[i].in), w1 = le64(kat[i].in + 8), want = le64(kat[i].out);
        cr_assert(eq(u64, tcpstate__aes_hash_call(&k, w0, w1), want), "vector %u", i);
        cr_assert(eq(u64, tcpstate__aes_hash(&k, w0, w1), want), "vector %u inline", i);
    }
}

Test(aes, the_inline_hash_and_the_call_agree)
{
    skip_without_aes();
    uint8_t key[16];
    for (unsigned round = 0; round < 100; round++) {
        for (unsigned i = 0; i < sizeof key; i++) {
            key[i] = (uint8_t)next64();
        }
        struct tcpstate_aeskey k;
        tcpstate__aes_expand(&k, key);
        for (unsigned n = 0; n < 1000; n++) {
            uint64_t w0 = next64(), w1 = next64();
            cr_assert(eq(u64, tcpstate__aes_hash(&k, w0, w1), tcpstate__aes_hash_call(&k, w0, w1)));
        }
    }
}

/* The AES key is a function of the caller's key, never the key itself, and
 * changes with each of its bits. */
Test(aes, the_aes_key_is_derived_from_every_bit_of_the_callers)
{
    uint8_t key[16] = {0}, base[16], prev[16], d[16];
    tcpstate__aes_derive(base, key);
    cr_assert(ne(int, memcmp(base, key, 16), 0));
    memcpy(prev, base, 16);
    for (unsigned bit = 0; bit < 128; bit++) {
        memset(key, 0, sizeof key);
        key[bit / 8] = (uint8_t)(1u << (bit % 8));
        tcpstate__aes_derive(d, key);
        cr_assert(ne(int, memcmp(d, base, 16), 0), "bit %u", bit);
        cr_assert(ne(int, memcmp(d, prev, 16), 0), "bit %u", bit);
        cr_assert(ne(int, memcmp(d, key, 16), 0), "bit %u", bit);
        memcpy(prev, d, 16);
    }
}
#endif

/* Which function a table uses: AES-128 under the derived key for IPv4 keys
 * when the CPU has it, SipHash-1-3 of the 14 key bytes when not (or when a
 * test turns AES off); IPv6 keys SipHash-1-3 of their 38 bytes always. */
Test(aes, a_table_hashes_ipv4_keys_with_aes_exactly_where_the_cpu_has_it)
{
    static _Alignas(64) uint32_t slots[4 * FT_BUCKET_SLOTS];
    static struct tcpstate_flow pool[32];
    uint8_t hash_key[16] = {7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    struct flowtable ft;
    tcpstate__ft_init(&ft, 32, 0, slots, pool, NULL, hash_key);
#if TCPSTATE_AES_HASH
    cr_assert(eq(u32, ft.hash_aes, (uint32_t)tcpstate__aes_usable()));
    struct tcpstate_aeskey k;
    uint8_t aes_key[16];
    if (ft.hash_aes) {
        tcpstate__aes_derive(aes_key, hash_key);
        tcpstate__aes_expand(&k, aes_key);
    }
#endif
    unsigned modes = TCPSTATE_AES_HASH ? 2 : 1;
    for (unsigned mode = 0; mode < modes; mode++) {
#if TCPSTATE_AES_HASH
        if (mode == 1) {
            ft.hash_aes = 0; /* as on a CPU without AES */
        }
#endif
        for (unsigned n = 0; n < 1000; n++) {
            struct flow_key key;
            memset(&key, 0, sizeof key);
            uint64_t a = next64();
            memcpy(key.addr[0], &a, 4);
            memcpy(key.addr[1], (const uint8_t *)&a + 4, 4);
            key.port[0] = (uint16_t)next64();
            key.port[1] = (uint16_t)next64();
            key.tag = (uint16_t)(next64() & 0x0fffu);
            uint8_t in[14];
            memcpy(in, key.addr[0], 4);
            memcpy(in + 4, key.addr[1], 4);
            in[8] = (uint8_t)key.port[0];
            in[9] = (uint8_t)(key.port[0] >> 8);
            in[10] = (uint8_t)key.port[1];
            in[11] = (uint8_t)(key.port[1] >> 8);
            in[12] = (uint8_t)key.tag;
            in[13] = (uint8_t)(key.tag >> 8);
            uint64_t want = tcpstate__siphash13(hash_key, in, sizeof in);
#if TCPSTATE_AES_HASH
            if (ft.hash_aes) {
                uint8_t blk[16] = {0};
                memcpy(blk, in, sizeof in);
                want = tcpstate__aes_hash_call(&k, le64(blk), le64(blk + 8));
            }
#endif
            cr_assert(eq(u64, tcpstate__ft_hash(&ft, &key), want), "mode %u key %u", mode, n);
            key.tag = FT_KEY_V6;
            cr_assert(eq(u64, tcpstate__ft_hash(&ft, &key),
                         tcpstate__siphash13(hash_key, &key, sizeof key)));
        }
    }
}
