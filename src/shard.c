/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sharding hash: which of N engines a frame belongs to. It decodes the
 * frame with the public decoder (so it sees exactly the innermost view an
 * engine would track) and hashes the connection's endpoints in a canonical
 * order, so that both directions agree. The flow table hashes its own key
 * (src/flowtable.c); this input is laid out differently and is longer, so
 * the two values are unrelated even under one key: an engine fed the frames
 * whose hash is k mod N still spreads them over all its buckets.
 * (SipHash mixes the input length into its last block: the table hashes 16
 * or 38 bytes, this 40, so no input of one is an input of the other.)
 */
#include <string.h>

#include "hash.h"
#include "tcpstate.h"
#ifndef TCPSTATE_NO_SHARDING /* size option (docs/embedding.md): this file left out */

#define SHARD_DOMAIN 0x53u /* first input byte; 'S' */
#define SHARD_INPUT  40u   /* not a length the flow table hashes, see above */

/* Is endpoint (a, pa) ordered before (b, pb)? Addresses compared as bytes in
 * network order, then ports: any total order works, it only has to be the
 * same whichever side sent the frame. */
static int endpoint_before(const uint8_t *a, uint16_t pa, const uint8_t *b, uint16_t pb,
                           size_t alen)
{
    int c = memcmp(a, b, alen);
    return c < 0 || (c == 0 && pa < pb);
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

tcpstate_status tcpstate_flow_hash(uint32_t linktype, const uint8_t *frame, size_t caplen,
                                   size_t wirelen, const uint8_t key[16], uint32_t flags,
                                   uint64_t *out)
{
    const uint32_t known = TCPSTATE_FLOW_HASH_ADDRS | TCPSTATE_FLOW_HASH_OUTER;
    if (frame == NULL || key == NULL || out == NULL || (flags & ~known) != 0) {
        return TCPSTATE_E_INVAL;
    }
    tcpstate_packet pkt;
    tcpstate_status st = tcpstate_decode(linktype, frame, caplen, wirelen, 0, &pkt);
    int outer = (flags & TCPSTATE_FLOW_HASH_OUTER) != 0;
    int addrs_only = outer || (flags & TCPSTATE_FLOW_HASH_ADDRS) != 0;
    const uint8_t *src = pkt.src, *dst = pkt.dst;
    uint8_t version = pkt.ip_version;
    if (outer && pkt.tunnel_count > 0) {
        /* The outermost layer: what every frame of the tunnel shows. */
        src = pkt.tunnel[0].src;
        dst = pkt.tunnel[0].dst;
        version = pkt.tunnel[0].ip_version;
    }
    /* A non-first fragment still has its IP header decoded: its addresses
     * place it when the caller asked for address-pair hashing; by the
     * outermost header, any frame whose outermost IP header decoded. */
    if (src != NULL && dst != NULL && (version == 4 || version == 6) &&
        ((st == TCPSTATE_SKIP_FRAGMENT && addrs_only) || outer)) {
        st = TCPSTATE_OK;
    }
    if (st != TCPSTATE_OK) {
        return st;
    }

    size_t alen = version == 6 ? 16u : 4u;
    uint16_t sport = addrs_only ? 0u : pkt.sport;
    uint16_t dport = addrs_only ? 0u : pkt.dport;
    const uint8_t *lo = src, *hi = dst;
    uint16_t plo = sport, phi = dport;
    if (!endpoint_before(src, sport, dst, dport, alen)) {
        lo = dst;
        hi = src;
        plo = dport;
        phi = sport;
    }

    uint8_t in[SHARD_INPUT];
    memset(in, 0, sizeof in);
    in[0] = SHARD_DOMAIN;
    in[1] = (uint8_t)(version | (addrs_only ? 0x80u : 0u));
    memcpy(in + 2, lo, alen);
    memcpy(in + 18, hi, alen);
    put_be16(in + 34, plo);
    put_be16(in + 36, phi);
    *out = tcpstate__siphash13(key, in, sizeof in);
    return TCPSTATE_OK;
}

#else
/* Built with TCPSTATE_NO_SHARDING: one engine per target, nothing to split. */
tcpstate_status tcpstate_flow_hash(uint32_t linktype, const uint8_t *frame, size_t caplen,
                                   size_t wirelen, const uint8_t key[16], uint32_t flags,
                                   uint64_t *out)
{
    (void)linktype, (void)frame, (void)caplen, (void)wirelen, (void)key, (void)flags, (void)out;
    return TCPSTATE_E_DISABLED;
}
#endif
