/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 (RFC 791) and IPv6 (RFC 8200) with its extension headers, up to the
 * TCP header. Lengths come from the IP header; the capture length only
 * decides between "cut by the snap length" and "present".
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "tcpstate.h"

enum {
    NH_HOPOPTS = 0,
    NH_TCP = 6,
    NH_ROUTING = 43,
    NH_FRAGMENT = 44,
    NH_AH = 51,
    NH_DSTOPTS = 60,
    NH_MOBILITY = 135,
    NH_HIP = 139,
    NH_SHIM6 = 140,
    IPV6_HDR = 40,
    IPV4_MIN_HDR = 20,
    JUMBO_OPT = 0xC2
};

tcpstate_status tcpstate__decode_ipv4(struct dec *d, size_t l3)
{
    const struct cur *c = &d->c;
    tcpstate_packet *pkt = d->pkt;
    pkt->l3_offset = (uint32_t)l3;
    tcpstate_status st = need(c, d->wire, l3, 1, TCPSTATE_E_BAD_IP_LENGTH);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint8_t vihl = cur_u8(c, l3);
    if (vihl >> 4 != 4) {
        return TCPSTATE_E_BAD_IP_VERSION;
    }
    pkt->ip_version = 4;
    size_t hlen = (size_t)(vihl & 0x0Fu) * 4;
    if (hlen < IPV4_MIN_HDR) {
        return TCPSTATE_E_BAD_IPV4_IHL;
    }
    st = need(c, d->wire, l3, IPV4_MIN_HDR, TCPSTATE_E_BAD_IP_LENGTH);
    if (st != TCPSTATE_OK) {
        return st;
    }
    /* RFC 791 §3.1: Total Length covers header and data; what the link adds
     * beyond it (Ethernet padding, trailers) is not part of the packet. */
    size_t total = cur_be16(c, l3 + 2);
    if (total == 0 && (d->flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS) == 0) {
        /* Segmentation offload: a capture on the sending host sees the
         * super-segment before the NIC cuts it up and fills in each length,
         * so take the packet to be the rest of the frame on the wire (Zeek
         * with -C does the same, from the captured length). The NIC usually
         * fills in the header checksum too, so with verification on, such a
         * packet stays a bad length below. */
        total = d->wire - l3;
        pkt->flags |= TCPSTATE_PKT_LEN_FROM_WIRE;
    }
    if (total < IPV4_MIN_HDR || total > d->wire - l3) {
        return TCPSTATE_E_BAD_IP_LENGTH;
    }
    if (hlen > total) {
        return TCPSTATE_E_BAD_IPV4_IHL;
    }
    d->ip_end = l3 + total;
    st = need(c, d->ip_end, l3, hlen, TCPSTATE_E_BAD_IPV4_IHL); /* the options */
    if (st != TCPSTATE_OK) {
        return st;
    }
    pkt->ip_len = (uint32_t)total;
    pkt->ip_id = cur_be16(c, l3 + 4);
    pkt->ttl = cur_u8(c, l3 + 8);
    pkt->src = c->p + l3 + 12;
    pkt->dst = c->p + l3 + 16;
    d->src_off = l3 + 12;
    d->dst_off = l3 + 16;
    d->addr_len = 4;
    if ((d->flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS) != 0) {
        pkt->ip_csum = tcpstate__csum_fold(tcpstate__csum_add(c, l3, hlen, 0)) == 0xFFFF
                           ? TCPSTATE_CSUM_GOOD
                           : TCPSTATE_CSUM_BAD;
    }
    /* RFC 791 §3.2: only the fragment at offset 0 holds the TCP header. */
    uint16_t frag = cur_be16(c, l3 + 6);
    if ((frag & 0x3FFFu) != 0) { /* what reassembly needs (reasm.c) */
        unsigned more = (frag & 0x2000u) ? TCPSTATE_FRAG_MORE : 0u;
        pkt->frag_flags = (uint8_t)(TCPSTATE_FRAG_IS | more);
        pkt->frag_id = pkt->ip_id;
        pkt->frag_offset = (uint16_t)((frag & 0x1FFFu) * 8u);
        pkt->frag_proto = cur_u8(c, l3 + 9);
        pkt->frag_data_offset = (uint32_t)(l3 + hlen);
        pkt->frag_data_len = (uint32_t)(total - hlen);
    }
    if ((frag & 0x1FFFu) != 0) {
        return TCPSTATE_SKIP_FRAGMENT;
    }
    d->fragment = (frag & 0x2000u) != 0;
    /* Kept here: a tunnelled packet's own IPv4 header overwrites the view's. */
    int csum_bad = pkt->ip_csum == TCPSTATE_CSUM_BAD;
    uint8_t proto = cur_u8(c, l3 + 9);
#ifdef TCPSTATE_NO_TUNNELS /* as decode_tunnel.c would answer, without the call */
    st = proto == NH_TCP ? tcpstate__decode_tcp(d, l3 + hlen) : TCPSTATE_SKIP_NOT_TCP;
#else
    st = proto == NH_TCP ? tcpstate__decode_tcp(d, l3 + hlen)
                         : tcpstate__decode_tunnel(d, proto, l3 + hlen);
#endif
    /* Checked last so a bad header checksum still comes with the whole view,
     * which lets the engine count it against its flow. */
    if (csum_bad && (st == TCPSTATE_OK || st == TCPSTATE_E_BAD_TCP_CHECKSUM)) {
        pkt->ip_csum = TCPSTATE_CSUM_BAD; /* an outer header's verdict, through a tunnel */
        return TCPSTATE_E_BAD_IPV4_CHECKSUM;
    }
    return st;
}

#ifndef TCPSTATE_NO_IPV6 /* size option (docs/embedding.md): IPv6 left out */
/* RFC 2675 §2: a zero Payload Length with a hop-by-hop header means the
 * length is in its Jumbo Payload option. Option TLVs per RFC 8200 §4.2; Pad1
 * is the one option without a length byte. */
static tcpstate_status ipv6_jumbo(struct dec *d, size_t off, size_t *plen)
{
    const struct cur *c = &d->c;
    tcpstate_status st = need(c, d->wire, off, 2, TCPSTATE_E_BAD_IPV6_EXT);
    if (st != TCPSTATE_OK) {
        return st;
    }
    size_t len = ((size_t)cur_u8(c, off + 1) + 1) * 8;
    st = need(c, d->wire, off, len, TCPSTATE_E_BAD_IPV6_EXT);
    if (st != TCPSTATE_OK) {
        return st;
    }
    size_t end = off + len;
    size_t o = off + 2;
    for (size_t i = 0; i < len && o < end; i++) {
        uint8_t type = cur_u8(c, o);
        if (type == 0) {
            o++;
            continue;
        }
        if (end - o < 2 || cur_u8(c, o + 1) > end - o - 2) {
            return TCPSTATE_E_BAD_IPV6_EXT;
        }
        size_t opt_len = cur_u8(c, o + 1);
        if (type == JUMBO_OPT) {
            uint32_t v = cur_be32(c, o + 2);
            if (opt_len != 4 || v <= 0xFFFF) {
                return TCPSTATE_E_BAD_IPV6_EXT; /* RFC 2675 §2: 4 bytes, above 65535 */
            }
            *plen = v;
            d->pkt->flags |= TCPSTATE_PKT_JUMBO;
            return TCPSTATE_OK;
        }
        o += 2 + opt_len;
    }
    return TCPSTATE_E_BAD_IP_LENGTH;
}

/* RFC 8200 §8.1: with a Routing header, the TCP pseudo-header carries the
 * final destination, not the next hop in the IPv6 header. Only the first
 * routing header that still has segments to visit decides. */
static void ipv6_routing(struct dec *d, size_t off, size_t len)
{
    const struct cur *c = &d->c;
    if (d->routed || cur_u8(c, off + 3) == 0) {
        return; /* no segments left: the IPv6 destination is the final one */
    }
    d->routed = 1;
    switch (cur_u8(c, off + 2)) {
    case 0: /* RFC 2460 §4.4 (deprecated by RFC 5095): the last listed address */
        if (len >= 24) {
            d->dst_off = off + 8 + ((len - 8) / 16 - 1) * 16;
            return;
        }
        break;
    case 2: /* RFC 6275 §6.4: the home address */
    case 4: /* RFC 8754 §2: Segment List[0] is the last segment */
        if (len >= 24) {
            d->dst_off = off + 8;
            return;
        }
        break;
    default:
        break;
    }
    d->dst_unknown = 1;
}

/* RFC 8200 §4.5: fragments after the first cannot hold the TCP header.
 * `nh_off` is the Next Header byte naming this header (for reassembly). */
static tcpstate_status ipv6_fragment(struct dec *d, size_t off, size_t nh_off)
{
    uint16_t word = cur_be16(&d->c, off + 2);
    if ((word & 0xFFF9u) != 0) { /* not an atomic fragment (RFC 6946): a real one */
        tcpstate_packet *pkt = d->pkt;
        pkt->frag_flags = (uint8_t)(TCPSTATE_FRAG_IS | ((word & 1u) ? TCPSTATE_FRAG_MORE : 0u));
        pkt->frag_id = cur_be32(&d->c, off + 4);
        pkt->frag_offset = (uint16_t)(word & 0xFFF8u);
        pkt->frag_proto = cur_u8(&d->c, off);
        pkt->frag_data_offset = (uint32_t)(off + 8);
        pkt->frag_data_len = (uint32_t)(d->ip_end - off - 8);
        pkt->frag_hdr_offset = (uint32_t)off;
        pkt->frag_nh_offset = (uint32_t)nh_off;
    }
    if ((word & 0xFFF8u) != 0) {
        return TCPSTATE_SKIP_FRAGMENT;
    }
    if ((d->pkt->flags & TCPSTATE_PKT_JUMBO) != 0) {
        return TCPSTATE_E_BAD_IPV6_EXT; /* RFC 2675 §3: jumbograms cannot be fragmented */
    }
    /* M = 0 at offset 0 is an atomic fragment (RFC 6946): the whole packet. */
    if ((word & 1u) != 0) {
        d->fragment = 1;
    }
    return TCPSTATE_OK;
}

/* Extension headers we step over. All but the fragment header and AH use the
 * uniform format of RFC 6564 §4: next header, length in 8-byte units - 1. */
static int ipv6_is_ext(uint8_t nh)
{
    switch (nh) {
    case NH_HOPOPTS:
    case NH_ROUTING:
    case NH_FRAGMENT:
    case NH_AH:
    case NH_DSTOPTS:
    case NH_MOBILITY:
    case NH_HIP:
    case NH_SHIM6:
        return 1;
    default:
        return 0;
    }
}

static size_t ipv6_ext_len(uint8_t nh, uint8_t len_byte)
{
    if (nh == NH_FRAGMENT) {
        return 8; /* RFC 8200 §4.5: fixed; the length byte is reserved */
    }
    if (nh == NH_AH) {
        return ((size_t)len_byte + 2) * 4; /* RFC 4302 §2.2: 4-byte units - 2 */
    }
    return ((size_t)len_byte + 1) * 8;
}

tcpstate_status tcpstate__decode_ipv6(struct dec *d, size_t l3)
{
    const struct cur *c = &d->c;
    tcpstate_packet *pkt = d->pkt;
    pkt->l3_offset = (uint32_t)l3;
    tcpstate_status st = need(c, d->wire, l3, 1, TCPSTATE_E_BAD_IP_LENGTH);
    if (st != TCPSTATE_OK) {
        return st;
    }
    if (cur_u8(c, l3) >> 4 != 6) {
        return TCPSTATE_E_BAD_IP_VERSION;
    }
    pkt->ip_version = 6;
    st = need(c, d->wire, l3, IPV6_HDR, TCPSTATE_E_BAD_IP_LENGTH);
    if (st != TCPSTATE_OK) {
        return st;
    }
    pkt->ttl = cur_u8(c, l3 + 7);
    pkt->src = c->p + l3 + 8;
    pkt->dst = c->p + l3 + 24;
    d->src_off = l3 + 8;
    d->dst_off = l3 + 24;
    d->addr_len = 16;
    uint8_t nh = cur_u8(c, l3 + 6);
    size_t off = l3 + IPV6_HDR;
    size_t plen = cur_be16(c, l3 + 4);
    if (plen == 0 && nh != NH_HOPOPTS && d->wire - off > 0 &&
        (d->flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS) == 0) {
        /* Segmentation offload (BIG TCP, TSO): as for IPv4, a capture on the
         * sending host sees the super-segment with a zero length and no
         * jumbo option; take the packet to be the rest of the frame. */
        plen = d->wire - off;
        pkt->flags |= TCPSTATE_PKT_LEN_FROM_WIRE;
    }
    if (plen == 0 && nh != NH_HOPOPTS) {
        /* No jumbogram: an empty payload, which cannot hold a TCP or an
         * extension header, but is a valid packet of any other protocol. */
        pkt->ip_len = IPV6_HDR;
        return nh == NH_TCP || ipv6_is_ext(nh) ? TCPSTATE_E_BAD_IP_LENGTH : TCPSTATE_SKIP_NOT_TCP;
    }
    if (plen == 0) {
        st = ipv6_jumbo(d, off, &plen);
        if (st != TCPSTATE_OK) {
            return st;
        }
    }
    if (plen > d->wire - off) {
        return TCPSTATE_E_BAD_IP_LENGTH;
    }
    d->ip_end = off + plen;
    pkt->ip_len = (uint32_t)(IPV6_HDR + plen);

    size_t nh_off = l3 + 6; /* the Next Header byte naming the header at off */
    for (unsigned n = 0; ipv6_is_ext(nh); n++) {
        if (n == TCPSTATE_MAX_IPV6_EXT) {
            return TCPSTATE_E_IPV6_EXT_CHAIN;
        }
        if (nh == NH_HOPOPTS && n != 0) {
            return TCPSTATE_E_BAD_IPV6_EXT; /* RFC 8200 §4.3: only right after the header */
        }
        /* In a first fragment, headers running past it continue in the next
         * fragment (which RFC 7112 forbids, but it is not this packet's fault). */
        tcpstate_status bad = d->fragment ? TCPSTATE_SKIP_FRAGMENT : TCPSTATE_E_BAD_IPV6_EXT;
        st = need(c, d->ip_end, off, 2, bad);
        if (st != TCPSTATE_OK) {
            return st;
        }
        size_t len = ipv6_ext_len(nh, cur_u8(c, off + 1));
        st = need(c, d->ip_end, off, len, bad);
        if (st == TCPSTATE_OK && nh == NH_FRAGMENT) {
            st = ipv6_fragment(d, off, nh_off);
        }
        if (st != TCPSTATE_OK) {
            return st;
        }
        if (nh == NH_ROUTING) {
            ipv6_routing(d, off, len);
        }
        nh = cur_u8(c, off);
        nh_off = off;
        off += len;
    }
    /* Tunnels lead on; 59 no next header, 50 ESP (encrypted), ICMPv6, ...: not TCP. */
    return nh == NH_TCP ? tcpstate__decode_tcp(d, off) : tcpstate__decode_tunnel(d, nh, off);
}
#else
tcpstate_status tcpstate__decode_ipv6(struct dec *d, size_t l3)
{
    (void)d, (void)l3;
    return TCPSTATE_SKIP_NOT_IP; /* built without IPv6: nothing to track here */
}
#endif
