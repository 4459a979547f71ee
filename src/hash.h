/* SPDX-License-Identifier: BSD-2-Clause */
/* Keyed hash of flow keys. */
#ifndef TCPSTATE_HASH_H
#define TCPSTATE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-1-3 (Aumasson & Bernstein; 1 compression round, 3 finalization
 * rounds) of `len` bytes under a 128-bit key. A keyed PRF: without the key,
 * nobody can aim many flows at one bucket. */
uint64_t tcpstate__siphash13(const uint8_t key[16], const void *data, size_t len);

/* SipHash's state after keying, computed once per engine. The first
 * compression round starts with steps on v0 and v1 alone (the message enters
 * through v3 and reaches v0 later), so those are done here too: r0 is v0 after
 * its rotation by 32, r1 is v1 after its first XOR. tcpstate__siphash13_short()
 * starts from them (the same values, four instructions fewer per hash); the
 * general function recovers v0 and v1 from them. */
struct tcpstate_sipkey {
    uint64_t r0, r1, v2, v3;
};
void tcpstate__sipkey_init(struct tcpstate_sipkey *k, const uint8_t key[16]);

/* SipHash-1-3 of `len` bytes under a key prepared by tcpstate__sipkey_init(). */
uint64_t tcpstate__siphash13_key(const struct tcpstate_sipkey *k, const void *data, size_t len);

/* The rounds, in this header so that the per-packet hash below is inlined
 * where flow keys are hashed (hash.c uses them too). */
struct tcpstate_sip {
    uint64_t v0, v1, v2, v3;
};

static inline uint64_t tcpstate__sip_rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64u - b));
}

static inline void tcpstate__sipround(struct tcpstate_sip *s)
{
    s->v0 += s->v1;
    s->v1 = tcpstate__sip_rotl(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = tcpstate__sip_rotl(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = tcpstate__sip_rotl(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = tcpstate__sip_rotl(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = tcpstate__sip_rotl(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = tcpstate__sip_rotl(s->v2, 32);
}

static inline void tcpstate__sip_compress(struct tcpstate_sip *s, uint64_t m)
{
    s->v3 ^= m;
    tcpstate__sipround(s);
    s->v0 ^= m;
}

static inline uint64_t tcpstate__sip_finish(struct tcpstate_sip *s)
{
    s->v2 ^= 0xff;
    tcpstate__sipround(s);
    tcpstate__sipround(s);
    tcpstate__sipround(s);
    return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/* SipHash-1-3 of 8 < len < 16 bytes given as two little-endian words (w0
 * holds bytes 0-7, w1 bytes 8 to len - 1 and zeros above): the value
 * tcpstate__siphash13() gives for those bytes, without a byte loop, in two
 * blocks (the second carries the length). */
static inline uint64_t tcpstate__siphash13_short(const struct tcpstate_sipkey *k, uint64_t w0,
                                                 uint64_t w1, unsigned len)
{
#if defined(__OPTIMIZE_SIZE__)
    /* Builds for size: the general function, on the same bytes. */
    uint8_t in[16];
    for (unsigned i = 0; i < 8; i++) {
        in[i] = (uint8_t)(w0 >> (8u * i));
        in[8 + i] = (uint8_t)(w1 >> (8u * i));
    }
    return tcpstate__siphash13_key(k, in, len);
#else
    /* The first block's round (tcpstate__sipround()), from where k left it. */
    struct tcpstate_sip s;
    s.v3 = k->v3 ^ w0;
    s.v2 = k->v2 + s.v3;
    s.v3 = tcpstate__sip_rotl(s.v3, 16) ^ s.v2;
    s.v0 = k->r0 + s.v3;
    s.v3 = tcpstate__sip_rotl(s.v3, 21) ^ s.v0;
    s.v2 += k->r1;
    s.v1 = tcpstate__sip_rotl(k->r1, 17) ^ s.v2;
    s.v2 = tcpstate__sip_rotl(s.v2, 32);
    s.v0 ^= w0;
    tcpstate__sip_compress(&s, w1 | (uint64_t)len << 56);
    return tcpstate__sip_finish(&s);
#endif
}

#endif
