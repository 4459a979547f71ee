/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-packet keying: a decoded packet's canonical flow key and its hash
 * in one call. Inline (included by flowtable.h) because every frame runs it:
 * out of line, the call and the registers it saved were a tenth of its cost.
 * The IPv4 key is built here; IPv6 and zone keyed packets take the layered
 * way (tcpstate__ft_make_key(), tcpstate__ft_hash_zone()) out of line.
 */
#ifndef TCPSTATE_FLOWTABLE_KEY_H
#define TCPSTATE_FLOWTABLE_KEY_H

#include "hints.h"

/* The layered way, out of line (flowtable.c): IPv6 and zone keyed packets,
 * and every packet in builds for size (-Os). */
uint64_t tcpstate__ft_key_hash_other(const struct flowtable *ft, const tcpstate_packet *pkt,
                                     int vlan_keyed, uint32_t zone, struct flow_key *key,
                                     int *src_is_hi);

#if !defined(__OPTIMIZE_SIZE__)
/* x86-64 (SSE2 always there): the key's addresses as two vector stores. */
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#define KEY_SSE2 1
#else
#define KEY_SSE2 0
#endif

/* 8 bytes as loaded (memory order) read as a big-endian and as a
 * little-endian number: a byte swap and a move where bytes are
 * little-endian, whatever the host (compilers see through the array). */
static inline uint64_t tcpstate__ft_raw_be64(uint64_t raw)
{
    uint8_t b[8];
    memcpy(b, &raw, 8);
    return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
           (uint64_t)b[3] << 32 | (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 |
           (uint64_t)b[6] << 8 | (uint64_t)b[7];
}

static inline uint64_t tcpstate__ft_raw_le64(uint64_t raw)
{
    uint8_t b[8];
    memcpy(b, &raw, 8);
    return (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 |
           (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 |
           (uint64_t)b[7] << 56;
}

/* IPv4 key and hash straight from the header fields, kept in registers: the
 * same key bytes as tcpstate__ft_make_key() and the same value as
 * tcpstate__ft_hash() (tests/test_keying.c compares them), without storing
 * the key and loading it back. The two addresses are read in one load: every
 * decoder points an IPv4 view's dst 4 bytes after its src, into the header
 * (RFC 791 §3.1: source then destination address). */
static HOT_INLINE uint64_t tcpstate__ft_key_hash_v4(const struct flowtable *ft,
                                                    const tcpstate_packet *pkt, int vlan_keyed,
                                                    struct flow_key *key, int *src_is_hi)
{
    uint64_t raw; /* src's 4 bytes, then dst's */
    memcpy(&raw, pkt->src, 8);
    /* src and dst as one big-endian number, and with the halves exchanged:
     * they compare as src and dst do, and are equal exactly when those are. */
    const uint64_t sd = tcpstate__ft_raw_be64(raw);
    const uint64_t ds = sd << 32 | sd >> 32;
    /* port[0] | port[1] << 16 */
    uint32_t ports = (uint32_t)pkt->sport | (uint32_t)pkt->dport << 16;
    /* Which end is hi is the packet's direction, a coin flip per packet to a
     * branch predictor: a 0/1 value here, and the exchanges below rotations
     * by it, with no branch (written as selects, GCC branched on them and
     * copied the hash into each arm). Only a host talking to itself has
     * equal addresses (the ports decide): a branch nearly never taken. */
    unsigned swap = sd > ds;
    if (sd == ds) {
        swap = (ports & 0xffffu) > ports >> 16;
    }
    /* lo's 4 bytes, then hi's: exchanging the halves of a 64-bit number
     * (a rotation by 32) exchanges its two 4-byte halves in memory in either
     * byte order. */
    const unsigned turn = swap << 5; /* 32 or 0 */
    const uint64_t pair = raw << turn | raw >> (-turn & 63u);
    ports = ports << (turn >> 1) | ports >> (-(turn >> 1) & 31u);
    uint32_t tag = vlan_keyed && pkt->vlan_count > 0 ? pkt->vlan_id[0] & 0x0fffu : 0u;

    unsigned char *kb = (unsigned char *)key->addr;
#if KEY_SSE2
    /* Each address with its 12 zero bytes as one 16-byte store: lo moved
     * in with the zeros above it, hi shifted down in its register (five
     * instructions where the stores below take six). */
    __m128i both = _mm_cvtsi64_si128((long long)pair);
    _mm_storeu_si128((__m128i *)(void *)kb, _mm_cvtsi32_si128((int)(uint32_t)pair));
    _mm_storeu_si128((__m128i *)(void *)(kb + 16), _mm_srli_epi64(both, 32));
#else
    /* The pair stored across the two addresses puts hi at addr[1] with no
     * shift to extract it; the zeroing after covers its first half (addr[0]'s
     * last 4 bytes), and lo goes in last. */
    memcpy(kb + 12, &pair, 8);
    memset(kb, 0, 16);
    memcpy(kb, &pair, 4);
    memset(kb + 20, 0, 12);
#endif
    key->port[0] = (uint16_t)ports;
    key->port[1] = (uint16_t)(ports >> 16);
    key->tag = (uint16_t)tag;
    *src_is_hi = (int)swap;

    /* The 14-byte hash input of an IPv4 key (flowtable.c, hash_v4()). */
    uint64_t w0 = tcpstate__ft_raw_le64(pair);
    uint64_t w1 = (uint64_t)ports | (uint64_t)tag << 32;
    return tcpstate__ft_hash_words(ft, w0, w1);
}

#endif

/* Build the key of a decoded packet (as tcpstate__ft_make_key()) and return
 * its hash in `zone` (as tcpstate__ft_hash_zone()), in one call: the
 * per-packet keying. */
static inline uint64_t tcpstate__ft_key_hash(const struct flowtable *ft, const tcpstate_packet *pkt,
                                             int vlan_keyed, uint32_t zone, struct flow_key *key,
                                             int *src_is_hi)
{
#if !defined(__OPTIMIZE_SIZE__)
    if (zone == 0 && pkt->ip_version != 6) {
        return tcpstate__ft_key_hash_v4(ft, pkt, vlan_keyed, key, src_is_hi);
    }
#endif
    return tcpstate__ft_key_hash_other(ft, pkt, vlan_keyed, zone, key, src_is_hi);
}

#endif
