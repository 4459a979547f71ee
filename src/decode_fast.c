/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoder's fast path: the frames that make up nearly all traffic
 * (Ethernet with at most one 802.1Q tag, or raw IP; IPv4 without options or
 * fragmentation, or IPv6 without extension headers; then TCP) decoded in one
 * pass, with one length check per frame instead of one per field.
 *
 * It either fills the packet view exactly as the layered decoder would (the
 * test suite compares the two byte for byte over every capture of both
 * corpora and over mutated frames) or declines, leaving the frame to the
 * layered decoder: anything unusual (a length that disagrees with the frame,
 * a zero IPv4 length, options cut by the snap length, checksum verification,
 * other link types and encapsulations) goes the long way.
 *
 * Every frame of a capture runs this, so it is written for few instructions:
 * its common part (decode_fast.h) is inline in the per-frame path (feed.c)
 * and in tcpstate_decode_ex(), and every way out of it is a jump (to the
 * layered decoder when it declines, to this file's rarer paths, to the
 * option walker, or the return); the view's head (every field up to the TCP
 * options) is written and only the rest is zeroed, and in tcpstate_feed()'s
 * view, kept clean between frames, only the option fields (decode_fast.h,
 * fast_or_layered()); untagged Ethernet and IPv4 whose IP packet the capture
 * holds whole is decoded inline with constant offsets, and on x86-64 (SSE2)
 * its headers are checked with one 16-byte compare and eight TCP fields
 * byte-swapped at once; the usual option layouts of SYNs and timestamped
 * segments are matched whole instead of walked. A frame declined half-way is
 * decoded again from scratch.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_fast.h"
#include "hints.h"

/* Built for size (-Os) the decoder never calls this file (decode.c), so all
 * of it is left out: the object is empty and costs no flash (issue 9's
 * 16 KiB configuration); test_decode_fast skips in such a build. The part
 * every frame runs is inline in decode_fast.h. */
#if !defined(__OPTIMIZE_SIZE__)

tcpstate_status tcpstate__decode_fast_walk(tcpstate_packet *pkt, const uint8_t *p, size_t caplen,
                                           size_t off, size_t end)
{
    struct cur c = {p, caplen};
    tcpstate__tcp_options(pkt, &c, off, end);
    return TCPSTATE_OK;
}

#if !defined(TCPSTATE_NO_IPV6)
/* An IPv6 header (RFC 8200 §3) at l3, and caplen >= l3 + IPV6_HDR +
 * TCP_HDR (the caller checks); as fast_tcp() returns. */
static HOT_INLINE size_t fast_ipv6(tcpstate_packet *pkt, const uint8_t *p, size_t caplen,
                                   size_t wirelen, size_t l3)
{
    const uint8_t *ip = p + l3;
    size_t plen = rd16(ip + 4);
    /* TCP right after the fixed header, TCP_HDR <= plen <= wirelen - l3 -
     * IPV6_HDR (one unsigned comparison, as for IPv4). */
    if ((ip[0] >> 4) != 6 || ip[6] != 6 || plen - TCP_HDR > wirelen - l3 - (IPV6_HDR + TCP_HDR)) {
        return 0;
    }
    pkt->ip_len = (uint32_t)(IPV6_HDR + plen);
    pkt->ip_version = 6;
    pkt->ttl = ip[7];
    pkt->ip_id = 0;
    pkt->src = ip + 8;
    pkt->dst = ip + 24;
    return fast_tcp(pkt, p, caplen, l3, l3 + IPV6_HDR, l3 + IPV6_HDR + plen, 0);
}
#endif

/* The one pass over a frame whose view holds frame, caplen, wirelen and
 * linktype, the rest zeroed (fast_start()), options aside: as fast_tcp()
 * returns (the view possibly written when it declines). */
static HOT_INLINE size_t fast_decode(uint32_t linktype, const uint8_t *p, size_t caplen,
                                     size_t wirelen, tcpstate_packet *pkt)
{
    /* The link layer: where the IP header starts, and its ethertype. Every
     * IPv4 or IPv6 TCP segment is at least 40 bytes after it. */
    size_t l3;
    unsigned type;
    if (linktype == TCPSTATE_LINKTYPE_ETHERNET) {
        if (caplen < ETH_HDR + IPV4_HDR + TCP_HDR) {
            return 0;
        }
        l3 = ETH_HDR;
        type = rd16(p + 12);
        if (type == 0x8100) { /* IEEE 802.1Q */
            unsigned vid = rd16(p + 14) & 0x0FFFu;
            pkt->vlan_id[0] = (uint16_t)vid;
            pkt->vlan_count = 1;
            pkt->encap = TCPSTATE_ENCAP_VLAN;
            pkt->encap_all = TCPSTATE_ENCAP_VLAN;
            pkt->zone = vid;
            pkt->zone_encap = TCPSTATE_ENCAP_VLAN;
            type = rd16(p + 16);
            l3 += VLAN_TAG;
        }
    } else if (linktype == TCPSTATE_LINKTYPE_RAW || linktype == TCPSTATE_LINKTYPE_DLT_RAW) {
        if (caplen < IPV4_HDR + TCP_HDR) {
            return 0;
        }
        l3 = 0;
        type = (p[0] >> 4) == 4 ? 0x0800u : (p[0] >> 4) == 6 ? 0x86DDu : 0u;
    } else {
        return 0;
    }
    if (type == 0x0800 && caplen - l3 >= IPV4_HDR + TCP_HDR) {
        return fast_ipv4(pkt, p, caplen, wirelen, l3, 0);
    }
#if !defined(TCPSTATE_NO_IPV6)
    if (type == 0x86DD && caplen - l3 >= IPV6_HDR + TCP_HDR) {
        return fast_ipv6(pkt, p, caplen, wirelen, l3);
    }
#endif
    return 0;
}

int tcpstate__decode_fast(uint32_t linktype, const uint8_t *frame, size_t caplen, size_t wirelen,
                          tcpstate_packet *pkt)
{
    if (pkt == NULL || !fast_start(linktype, frame, caplen, &wirelen, pkt)) {
        return 0;
    }
    size_t hlen = fast_decode(linktype, frame, caplen, wirelen, pkt);
    if (hlen == 0) {
        return 0;
    }
    (void)fast_options(pkt, frame, caplen, pkt->l4_offset + (size_t)TCP_HDR, hlen - TCP_HDR, NULL);
    return 1;
}

/* Out of line: only the frames that left tcpstate_feed()'s view dirty
 * (decode_fast.h, fast_or_layered()) come here. */
void tcpstate__decode_scrub(tcpstate_packet *pkt) { zero_tail(pkt); }

/* A frame the fast path declined after fast_start(): the layered decoder,
 * from the arguments kept in the view (wirelen as normalized, which the
 * layered decoder leaves as it is). Out of line, so that the fast path need
 * not keep them in registers. */
tcpstate_status tcpstate__decode_fast_declined(tcpstate_packet *pkt,
                                               const tcpstate_decode_options *opt)
{
    return tcpstate__decode_layered(pkt->linktype, pkt->frame, pkt->caplen, pkt->wirelen, opt, pkt);
}

/* An untagged Ethernet and IPv4 frame the inline path gave back
 * (FAST_AGAIN): its IP packet cut by the capture, or its length below the
 * headers' (which the general path declines). Out of line: full captures,
 * the usual kind, never come here. */
tcpstate_status tcpstate__decode_fast_again(tcpstate_packet *pkt,
                                            const tcpstate_decode_options *opt)
{
    const uint8_t *p = pkt->frame;
    size_t caplen = pkt->caplen;
    size_t hlen = fast_ipv4(pkt, p, caplen, pkt->wirelen, ETH_HDR, FAST_PLAIN);
    return hlen == 0
               ? tcpstate__decode_fast_declined(pkt, opt)
               : fast_options(pkt, p, caplen, ETH_HDR + IPV4_HDR + TCP_HDR, hlen - TCP_HDR, NULL);
}

/* The frames fast_or_layered() (decode_fast.h) does not take inline: VLAN-tagged, raw IP,
 * IPv6 (untagged Ethernet with constant offsets, as IPv4 is there); and for the layered
 * decoder those fast_start() rejects, and every frame whose checksums are to be verified. */
tcpstate_status tcpstate__decode_fast_other(tcpstate_packet *pkt, uint32_t linktype,
                                            const uint8_t *p, size_t caplen, size_t wirelen,
                                            const tcpstate_decode_options *opt)
{
    if ((opt != NULL && (opt->flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS) != 0) ||
        !fast_start(linktype, p, caplen, &wirelen, pkt)) {
        return tcpstate__decode_layered(linktype, p, caplen, wirelen, opt, pkt);
    }
    size_t hlen;
#if !defined(TCPSTATE_NO_IPV6)
    if (linktype == TCPSTATE_LINKTYPE_ETHERNET && caplen >= ETH_HDR + IPV6_HDR + TCP_HDR &&
        rd16(p + 12) == 0x86DD) {
        hlen = fast_ipv6(pkt, p, caplen, wirelen, ETH_HDR);
        return hlen == 0 ? tcpstate__decode_fast_declined(pkt, opt)
                         : fast_options(pkt, p, caplen, ETH_HDR + IPV6_HDR + TCP_HDR,
                                        hlen - TCP_HDR, NULL);
    }
#endif
    hlen = fast_decode(linktype, p, caplen, wirelen, pkt);
    return hlen == 0 ? tcpstate__decode_fast_declined(pkt, opt)
                     : fast_options(pkt, p, caplen, pkt->l4_offset + (size_t)TCP_HDR,
                                    hlen - TCP_HDR, NULL);
}

#else
typedef int tcpstate__decode_fast_left_out; /* ISO C: no empty translation unit */
#endif
