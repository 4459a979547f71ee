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
/* A 4-byte address as loaded (memory order) read as a little-endian and as a
 * big-endian number: a move and a byte swap where bytes are little-endian,
 * whatever the host (compilers see through the array). */
static inline uint32_t tcpstate__ft_raw_le32(uint32_t raw)
{
    uint8_t b[4];
    memcpy(b, &raw, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint32_t tcpstate__ft_raw_be32(uint32_t raw)
{
    uint8_t b[4];
    memcpy(b, &raw, 4);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* IPv4 key and hash straight from the header fields, kept in registers: the
 * same key bytes as tcpstate__ft_make_key() and the same value as
 * tcpstate__ft_hash() (tests/test_keying.c compares them), without storing
 * the key and loading it back. */
static HOT_INLINE uint64_t tcpstate__ft_key_hash_v4(const struct flowtable *ft,
                                                    const tcpstate_packet *pkt, int vlan_keyed,
                                                    struct flow_key *key, int *src_is_hi)
{
    uint32_t s, d;
    memcpy(&s, pkt->src, 4);
    memcpy(&d, pkt->dst, 4);
    uint32_t sp = pkt->sport, dp = pkt->dport;
    int swap = s != d ? tcpstate__ft_raw_be32(s) > tcpstate__ft_raw_be32(d) : sp > dp;
    uint32_t lo = swap ? d : s, hi = swap ? s : d;
    uint32_t ports = sp | dp << 16; /* port[0] | port[1] << 16 */
    ports = swap ? ports << 16 | ports >> 16 : ports;
    uint32_t tag = vlan_keyed && pkt->vlan_count > 0 ? pkt->vlan_id[0] & 0x0fffu : 0u;

    memset(key->addr, 0, sizeof key->addr);
    memcpy(key->addr[0], &lo, 4);
    memcpy(key->addr[1], &hi, 4);
    key->port[0] = (uint16_t)ports;
    key->port[1] = (uint16_t)(ports >> 16);
    key->tag = (uint16_t)tag;
    *src_is_hi = swap;

    /* The 14-byte hash input of an IPv4 key (flowtable.c, hash_v4()). */
    uint64_t w0 = (uint64_t)tcpstate__ft_raw_le32(lo) | (uint64_t)tcpstate__ft_raw_le32(hi) << 32;
    uint64_t w1 = (uint64_t)ports | (uint64_t)tag << 32;
    return tcpstate__siphash13_short(&ft->sip, w0, w1, 14);
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
