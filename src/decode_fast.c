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
 */
#include <string.h>

#include "decode.h"

static uint16_t rd16(const uint8_t *p) { return (uint16_t)((unsigned)p[0] << 8 | p[1]); }

static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) << 16 | rd16(p + 2); }

enum { ETH_HDR = 14, VLAN_TAG = 4, IPV4_HDR = 20, IPV6_HDR = 40, TCP_HDR = 20 };

/* The link layer: where the IP header starts and its version, or 0. */
static size_t fast_link(uint32_t linktype, const uint8_t *p, size_t caplen, tcpstate_packet *pkt,
                        unsigned *version)
{
    if (linktype == TCPSTATE_LINKTYPE_RAW || linktype == TCPSTATE_LINKTYPE_DLT_RAW) {
        *version = caplen > 0 ? p[0] >> 4 : 0;
        return 0;
    }
    if (linktype != TCPSTATE_LINKTYPE_ETHERNET || caplen < ETH_HDR + VLAN_TAG) {
        *version = 0;
        return 0;
    }
    size_t off = ETH_HDR;
    uint16_t type = rd16(p + 12);
    if (type == 0x8100) { /* IEEE 802.1Q */
        pkt->vlan_id[0] = (uint16_t)(rd16(p + 14) & 0x0FFFu);
        pkt->vlan_count = 1;
        pkt->encap = TCPSTATE_ENCAP_VLAN;
        type = rd16(p + 16);
        off += VLAN_TAG;
    }
    *version = type == 0x0800 ? 4u : type == 0x86DD ? 6u : 0u;
    return off;
}

int tcpstate__decode_fast(uint32_t linktype, const uint8_t *p, size_t caplen, size_t wirelen,
                          tcpstate_packet *pkt)
{
    unsigned version;
    size_t l3 = fast_link(linktype, p, caplen, pkt, &version);
    size_t l4, ip_end;
    if (version == 4) {
        if (caplen < l3 + IPV4_HDR + TCP_HDR) {
            return 0;
        }
        const uint8_t *ip = p + l3;
        size_t total = rd16(ip + 2);
        /* No options, TCP, not a fragment, a length inside the frame. */
        if (ip[0] != 0x45 || ip[9] != 6 || (rd16(ip + 6) & 0x3FFFu) != 0 ||
            total < IPV4_HDR + TCP_HDR || total > wirelen - l3) {
            return 0;
        }
        pkt->ip_len = (uint32_t)total;
        pkt->ip_id = rd16(ip + 4);
        pkt->ttl = ip[8];
        pkt->src = ip + 12;
        pkt->dst = ip + 16;
        l4 = l3 + IPV4_HDR;
        ip_end = l3 + total;
#if !defined(TCPSTATE_NO_IPV6)
    } else if (version == 6) {
        if (caplen < l3 + IPV6_HDR + TCP_HDR) {
            return 0;
        }
        const uint8_t *ip = p + l3;
        size_t plen = rd16(ip + 4);
        /* TCP right after the fixed header, a length inside the frame. */
        if ((ip[0] >> 4) != 6 || ip[6] != 6 || plen < TCP_HDR ||
            plen > wirelen - l3 - IPV6_HDR) {
            return 0;
        }
        pkt->ip_len = (uint32_t)(IPV6_HDR + plen);
        pkt->ttl = ip[7];
        pkt->src = ip + 8;
        pkt->dst = ip + 24;
        l4 = l3 + IPV6_HDR;
        ip_end = l3 + IPV6_HDR + plen;
#endif
    } else {
        return 0;
    }
    const uint8_t *t = p + l4;
    size_t hlen = (size_t)(t[12] >> 4) * 4;
    if (hlen < TCP_HDR || hlen > ip_end - l4 || l4 + hlen > caplen) {
        return 0;
    }
    pkt->ip_version = (uint8_t)version;
    pkt->l3_offset = (uint32_t)l3;
    pkt->l4_offset = (uint32_t)l4;
    pkt->sport = rd16(t);
    pkt->dport = rd16(t + 2);
    pkt->seq = rd32(t + 4);
    pkt->ack = rd32(t + 8);
    pkt->tcp_flags = (uint16_t)((t[12] & 0x01u) << 8 | t[13]);
    pkt->window = rd16(t + 14);
    pkt->urgent = rd16(t + 18);
    pkt->tcp_hlen = (uint8_t)hlen;
    if (hlen > TCP_HDR) {
        struct cur c = {p, caplen};
        tcpstate__tcp_options(pkt, &c, l4 + TCP_HDR, l4 + hlen);
    }
    size_t data = l4 + hlen;
    size_t cap_end = ip_end < caplen ? ip_end : caplen;
    pkt->payload_len = (uint32_t)(ip_end - data);
    pkt->payload_offset = (uint32_t)data;
    pkt->payload_caplen = (uint32_t)(cap_end - data);
    if (pkt->payload_caplen < pkt->payload_len) {
        pkt->flags |= TCPSTATE_PKT_PAYLOAD_TRUNCATED;
    }
    pkt->encap_all = pkt->encap;
    if (pkt->vlan_count > 0) {
        pkt->zone = pkt->vlan_id[0];
        pkt->zone_encap = TCPSTATE_ENCAP_VLAN;
    }
    return 1;
}
