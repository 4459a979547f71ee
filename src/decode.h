/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to the frame decoder (decode.c: tcpstate_decode() and the
 * Ethernet family; decode_link.c: the other link types; decode_ip.c: IPv4
 * and IPv6; decode_tunnel.c: tunnels; decode_tcp.c: TCP and checksums).
 * Every packet byte is read through the cursor below; the layers pass one
 * struct dec down the chain. Tunnels recurse (IP -> tunnel -> IP), at most
 * TCPSTATE_MAX_TUNNEL times.
 */
#ifndef TCPSTATE_DECODE_H
#define TCPSTATE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "tcpstate.h"

/*
 * The captured bytes. Each layer first classifies a header's whole span with
 * need(), then reads its fields with the getters. The getters still check
 * every access and give 0 past the end instead of reading: a slip in the
 * arithmetic costs a wrong value, never a read outside the caller's bytes.
 * Bytes are assembled one by one, so alignment never matters.
 */
struct cur {
    const uint8_t *p;
    size_t len; /* bytes captured */
};

static inline int cur_has(const struct cur *c, size_t off, size_t n)
{
    return off <= c->len && c->len - off >= n;
}

static inline uint8_t cur_u8(const struct cur *c, size_t off)
{
    return cur_has(c, off, 1) ? c->p[off] : 0;
}

static inline uint16_t cur_be16(const struct cur *c, size_t off)
{
    return cur_has(c, off, 2) ? (uint16_t)((unsigned)c->p[off] << 8 | c->p[off + 1]) : 0;
}

static inline uint32_t cur_be32(const struct cur *c, size_t off)
{
    return cur_has(c, off, 4) ? (uint32_t)cur_be16(c, off) << 16 | cur_be16(c, off + 2) : 0;
}

static inline uint32_t cur_le32(const struct cur *c, size_t off)
{
    return cur_has(c, off, 4) ? (uint32_t)c->p[off + 3] << 24 | (uint32_t)c->p[off + 2] << 16 |
                                    (uint32_t)c->p[off + 1] << 8 | c->p[off]
                              : 0;
}

/*
 * Classify the header span [off, off + n). `end` is where this layer's bytes
 * end on the wire (the frame's wire length, a PPPoE length or the IP packet's
 * end). Beyond `end` the packet itself is wrong: the layer's own status `bad`.
 * Within `end` but beyond what was captured, the snap length cut it:
 * TCPSTATE_E_TRUNCATED. Otherwise TCPSTATE_OK.
 */
static inline tcpstate_status need(const struct cur *c, size_t end, size_t off, size_t n,
                                   tcpstate_status bad)
{
    if (off > end || end - off < n) {
        return bad;
    }
    return cur_has(c, off, n) ? TCPSTATE_OK : TCPSTATE_E_TRUNCATED;
}

/* What the layers hand down to the next one. */
struct dec {
    struct cur c;
    tcpstate_packet *pkt;
    uint32_t flags;  /* TCPSTATE_DECODE_* */
    size_t wire;     /* bytes on the wire */
    size_t ip_end;   /* end of the IP packet: l3 + its length field */
    size_t src_off;  /* source address, for the TCP pseudo-header */
    size_t dst_off;  /* pseudo-header destination (the final one, past a routing header) */
    size_t addr_len; /* 4 or 16 */
    int fragment;    /* first fragment of several: only this fragment's bytes are here */
    int routed;      /* a routing header with segments left was seen */
    int dst_unknown; /* ... of a type whose final destination we cannot name */
    const tcpstate_decode_options *opt; /* never NULL; ports already defaulted */
};

tcpstate_status tcpstate__decode_link_other(struct dec *d, uint32_t linktype);
int tcpstate__linktype_other(uint32_t linktype);
/* An Ethernet header at off (dst, src, type), then whatever it carries. */
tcpstate_status tcpstate__decode_ether(struct dec *d, size_t off);
/* An ethertype naming what starts at off; below 0x0600 it is not IP. */
tcpstate_status tcpstate__decode_ethertype(struct dec *d, size_t off, uint16_t type);
/* An 802.2 LLC header at off: SNAP leads on by its ethertype, anything else is not IP. */
tcpstate_status tcpstate__decode_llc(struct dec *d, size_t off);
/* IPv4 or IPv6 at off, by its version nibble. */
tcpstate_status tcpstate__decode_ip(struct dec *d, size_t off);
/* PPP from its (optional) address and control fields on, at off. */
tcpstate_status tcpstate__decode_ppp(struct dec *d, size_t off);
/* An 802.11 frame at off (from the 802.11 link types and Aruba GRE). */
tcpstate_status tcpstate__decode_80211(struct dec *d, size_t off);
/* The payload of the IP packet that ends at d->ip_end, protocol `proto`, at
 * off: tunnels lead on, anything else is TCPSTATE_SKIP_NOT_TCP. */
tcpstate_status tcpstate__decode_tunnel(struct dec *d, uint8_t proto, size_t off);
/* After reassembly: `whole` was decoded from a datagram whose fragments
 * arrived inside the tunnels of `frag`; put those layers outside its own
 * (outermost first) and recompute the zone. Returns `st`, or
 * TCPSTATE_E_TUNNEL_DEPTH when the layers together are too many. */
tcpstate_status tcpstate__decode_outer_tunnels(tcpstate_packet *whole, const tcpstate_packet *frag,
                                               tcpstate_status st);

tcpstate_status tcpstate__decode_ipv4(struct dec *d, size_t l3);
tcpstate_status tcpstate__decode_ipv6(struct dec *d, size_t l3);
tcpstate_status tcpstate__decode_tcp(struct dec *d, size_t l4);

/* One's complement sum (RFC 1071) of n captured bytes at off, added to sum. */
uint64_t tcpstate__csum_add(const struct cur *c, size_t off, size_t n, uint64_t sum);
/* Fold a sum to 16 bits; 0xFFFF over data that includes its checksum means correct. */
uint16_t tcpstate__csum_fold(uint64_t sum);

/* The TCP options in [off, end) into pkt (decode_tcp.c). */
void tcpstate__tcp_options(tcpstate_packet *pkt, const struct cur *c, size_t off, size_t end);

/* The common frames in one pass (decode_fast.c; the per-frame part of the
 * fast path itself is inline, in decode_fast.h): 1 with pkt filled as the
 * layered decoder fills it, or 0 with pkt possibly written: run the layered
 * decoder. Arguments as tcpstate_decode_ex() takes them; it never verifies
 * checksums. */
int tcpstate__decode_fast(uint32_t linktype, const uint8_t *frame, size_t caplen, size_t wirelen,
                          tcpstate_packet *pkt);

/* tcpstate_decode_ex() without the fast path (for the tests that hold the two
 * to the same result). */
tcpstate_status tcpstate__decode_layered(uint32_t linktype, const uint8_t *frame, size_t caplen,
                                         size_t wirelen, const tcpstate_decode_options *opt,
                                         tcpstate_packet *pkt);

#endif
