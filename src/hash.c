/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SipHash-1-3, written from the SipHash paper (Aumasson, Bernstein 2012,
 * "SipHash: a fast short-input PRF"). The 1-3 variant is what Linux uses for
 * its hash tables (hsiphash on 64-bit) and Rust for HashMap: enough against
 * hash flooding, about twice as fast as SipHash-2-4 on short keys.
 */
#include "hash.h"

#include <string.h>

/* Little-endian load with no alignment assumption: one memcpy on
 * little-endian hosts (compilers turn it into a single load), byte by byte
 * elsewhere. */
static inline uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&                                 \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&v, p, sizeof v);
#else
    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8u * i);
    }
#endif
    return v;
}

void tcpstate__sipkey_init(struct tcpstate_sipkey *k, const uint8_t key[16])
{
    uint64_t k0 = load_le64(key);
    uint64_t k1 = load_le64(key + 8);
    /* "somepseudorandomlygeneratedbytes", the paper's initialisation constants */
    uint64_t v0 = k0 ^ UINT64_C(0x736f6d6570736575);
    uint64_t v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
    k->v2 = k0 ^ UINT64_C(0x6c7967656e657261);
    k->v3 = k1 ^ UINT64_C(0x7465646279746573);
    /* The first steps of tcpstate__sipround() (see hash.h). */
    v0 += v1;
    k->r1 = tcpstate__sip_rotl(v1, 13) ^ v0;
    k->r0 = tcpstate__sip_rotl(v0, 32);
}

uint64_t tcpstate__siphash13(const uint8_t key[16], const void *data, size_t len)
{
    struct tcpstate_sipkey k;
    tcpstate__sipkey_init(&k, key);
    return tcpstate__siphash13_key(&k, data, len);
}

uint64_t tcpstate__siphash13_key(const struct tcpstate_sipkey *k, const void *data, size_t len)
{
    const uint8_t *in = data;
    /* Undo the first steps done ahead (hash.h): v0 + v1, then v1, then v0. */
    uint64_t sum = tcpstate__sip_rotl(k->r0, 32);
    uint64_t v1 = tcpstate__sip_rotl(k->r1 ^ sum, 64u - 13u);
    struct tcpstate_sip s = {sum - v1, v1, k->v2, k->v3};
    size_t whole = len - (len % 8);

    for (size_t i = 0; i < whole; i += 8) {
        tcpstate__sip_compress(&s, load_le64(in + i));
    }

    /* Last block: remaining bytes, zero-padded, with len mod 256 in the top byte. */
    uint8_t tail[8] = {0};
    memcpy(tail, in + whole, len - whole);
    tcpstate__sip_compress(&s, load_le64(tail) | ((uint64_t)(len & 0xffu) << 56));
    return tcpstate__sip_finish(&s);
}
