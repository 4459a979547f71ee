/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Link types outside the Ethernet family: FDDI, PPP and Cisco HDLC, IEEE
 * 802.11 (bare and behind radiotap), ARCNET (BSD and Linux headers), IP over
 * InfiniBand and Juniper's Ethernet capture header. Each strips its own
 * header and hands over to an ethertype, an LLC header or an IP header.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "tcpstate.h"
#ifndef TCPSTATE_NO_LINK_TYPES /* size option (docs/embedding.md): this file left out */

enum {
    PPP_ADDRESS = 0xFF,
    PPP_CONTROL = 0x03,
    PPP_IPV4 = 0x0021,
    PPP_IPV6 = 0x0057,
    PPP_MPLS = 0x0281,
    PPP_MPLS_MCAST = 0x0283,
    FDDI_HDR = 13,      /* frame control, destination, source */
    IPOIB_HDR = 44,     /* RFC 4391 §6 as pcap records it: addresses, type, reserved */
    WLAN_HDR = 24,      /* IEEE 802.11-2020 §9.3.2.1: FC, duration, 3 addresses, seq */
    ARC_IP_OLD = 0xF0,  /* RFC 1051 */
    ARC_ARP_OLD = 0xF1, /* RFC 1051 */
    ARC_IP = 0xD4,      /* RFC 1201 */
    ARC_INET6 = 0xC4,   /* RFC 2497 */
    ARC_DIAGNOSE = 0x80,
    JUNIPER_MAGIC = 0x4D4743, /* "MGC" */
    JUNIPER_FLAG_NO_L2 = 0x02,
    JUNIPER_FLAG_EXT = 0x80
};

/* RFC 1661 §2: the protocol field is 1 or 2 bytes (RFC 1661 §6.5 protocol
 * field compression: a value with an odd first byte is one byte long). */
static tcpstate_status decode_ppp_proto(struct dec *d, size_t off)
{
    tcpstate_status st = need(&d->c, d->wire, off, 1, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint16_t proto = cur_u8(&d->c, off);
    if ((proto & 1u) == 0) {
        st = need(&d->c, d->wire, off, 2, TCPSTATE_E_BAD_LINK);
        if (st != TCPSTATE_OK) {
            return st;
        }
        proto = cur_be16(&d->c, off);
        off++;
    }
    off++;
    switch (proto) {
    case PPP_IPV4:
        return tcpstate__decode_ipv4(d, off);
    case PPP_IPV6:
        return tcpstate__decode_ipv6(d, off);
    case PPP_MPLS:
        return tcpstate__decode_ethertype(d, off, 0x8847);
    case PPP_MPLS_MCAST:
        return tcpstate__decode_ethertype(d, off, 0x8848);
    default: /* LCP, IPCP, CCP, ... */
        return TCPSTATE_SKIP_NOT_IP;
    }
}

/* RFC 1662 §3.1: address 0xFF and control 0x03, which address-and-control
 * field compression (RFC 1661 §6.6) may leave out. */
tcpstate_status tcpstate__decode_ppp(struct dec *d, size_t off)
{
    if (cur_has(&d->c, off, 1) && cur_u8(&d->c, off) == PPP_ADDRESS) {
        tcpstate_status st = need(&d->c, d->wire, off, 2, TCPSTATE_E_BAD_LINK);
        if (st != TCPSTATE_OK) {
            return st;
        }
        if (cur_u8(&d->c, off + 1) != PPP_CONTROL) {
            return TCPSTATE_E_BAD_LINK;
        }
        off += 2;
    }
    return decode_ppp_proto(d, off);
}

/* Cisco HDLC: address (0x0F unicast, 0x8F broadcast), control, ethertype. */
static tcpstate_status decode_chdlc(struct dec *d)
{
    tcpstate_status st = need(&d->c, d->wire, 0, 4, TCPSTATE_E_BAD_LINK);
    return st != TCPSTATE_OK ? st : tcpstate__decode_ethertype(d, 4, cur_be16(&d->c, 2));
}

/* LINKTYPE_PPP_HDLC holds PPP in HDLC-like framing or, first byte 0x0F or
 * 0x8F, Cisco HDLC (RFC 1547 §4.3.1). */
static tcpstate_status decode_ppp_hdlc(struct dec *d)
{
    uint8_t first = cur_u8(&d->c, 0);
    if (cur_has(&d->c, 0, 1) && (first == 0x0F || first == 0x8F)) {
        return decode_chdlc(d);
    }
    return tcpstate__decode_ppp(d, 0);
}

/* ANSI X3.139 FDDI: frame control, then 48-bit addresses; only LLC frames
 * (frame format bits 01, long addresses: FC 0x50-0x57 or 0xD0-0xD7) carry
 * data, behind an 802.2 LLC header. SMT and MAC frames are not IP. */
static tcpstate_status decode_fddi(struct dec *d)
{
    tcpstate_status st = need(&d->c, d->wire, 0, FDDI_HDR, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    if ((cur_u8(&d->c, 0) & 0x70u) != 0x50u) {
        return TCPSTATE_SKIP_NOT_IP;
    }
    return tcpstate__decode_llc(d, FDDI_HDR);
}

/*
 * IEEE 802.11-2020 §9.2.4.1 frame control: version (2 bits, 0), type (2 =
 * data), subtype (bit 0x40 of the first byte: no data; 0x80: QoS); flags To
 * DS 0x01, From DS 0x02, More Fragments 0x04, Protected 0x40, +HTC/Order
 * 0x80. §9.3.2.1: a fourth address with To DS and From DS both set, a QoS
 * Control field in QoS subtypes and an HT Control field when a QoS frame has
 * the Order bit. Only the first A-MSDU subframe (§9.3.2.2.2) is decoded: one
 * frame gives one packet view. Encrypted frames, fragments, management and
 * control frames and null-data frames carry no IP to see: not IP.
 */
tcpstate_status tcpstate__decode_80211(struct dec *d, size_t off)
{
    const struct cur *c = &d->c;
    tcpstate_status st = need(c, d->wire, off, WLAN_HDR, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint8_t fc = cur_u8(c, off);
    uint8_t fl = cur_u8(c, off + 1);
    if ((fc & 0x0Fu) != 0x08u || (fc & 0x40u) != 0 || (fl & 0x40u) != 0) {
        return TCPSTATE_SKIP_NOT_IP; /* not data, null data, or protected */
    }
    if ((fl & 0x04u) != 0 || (cur_u8(c, off + 22) & 0x0Fu) != 0) {
        return TCPSTATE_SKIP_FRAGMENT; /* More Fragments, or a fragment number (§9.2.4.4.3) */
    }
    size_t len = (fl & 0x03u) == 0x03u ? WLAN_HDR + 6u : WLAN_HDR;
    int amsdu = 0;
    if ((fc & 0x80u) != 0) {
        st = need(c, d->wire, off, len + 2, TCPSTATE_E_BAD_LINK);
        if (st != TCPSTATE_OK) {
            return st;
        }
        amsdu = (cur_u8(c, off + len) & 0x80u) != 0; /* QoS Control bit 7 */
        len += (fl & 0x80u) != 0 ? 6u : 2u;
    }
    off += len;
    if (amsdu) {
        /* Subframe header: DA, SA, length of what follows (LLC and payload). */
        st = need(c, d->wire, off, 14, TCPSTATE_E_BAD_LINK);
        if (st != TCPSTATE_OK) {
            return st;
        }
        size_t sub = cur_be16(c, off + 12);
        if (sub > d->wire - (off + 14)) {
            return TCPSTATE_E_BAD_LINK;
        }
        off += 14;
        d->wire = off + sub;
    }
    return tcpstate__decode_llc(d, off);
}

/*
 * Radiotap (radiotap.org): version 0, pad, little-endian length and present
 * bitmap (bit 31 chains another word). The 802.11 frame follows the whole
 * header. The Flags field (present bit 1, after the 8-byte aligned TSFT of
 * bit 0) says with 0x20 that the 802.11 header was padded to 4 bytes; that
 * case is rare and rejected as not IP rather than guessed at.
 */
static tcpstate_status decode_radiotap(struct dec *d)
{
    const struct cur *c = &d->c;
    tcpstate_status st = need(c, d->wire, 0, 8, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    size_t len = (size_t)cur_u8(c, 2) | (size_t)cur_u8(c, 3) << 8;
    if (cur_u8(c, 0) != 0 || len < 8) {
        return TCPSTATE_E_BAD_LINK;
    }
    st = need(c, d->wire, 0, len, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint32_t present = cur_le32(c, 4);
    size_t field = 8;
    for (uint32_t p = present; (p & 0x80000000u) != 0 && field + 4 <= len; field += 4) {
        p = cur_le32(c, field);
    }
    if ((present & 0x1u) != 0) {
        field = (field + 7) / 8 * 8 + 8; /* TSFT: 8 bytes, 8-aligned */
    }
    if ((present & 0x2u) != 0 && field < len && (cur_u8(c, field) & 0x20u) != 0) {
        return TCPSTATE_SKIP_NOT_IP;
    }
    return tcpstate__decode_80211(d, len);
}

/*
 * ARCNET: source, destination (1 byte each; the Linux header adds a 2-byte
 * offset), then a protocol id. RFC 1051 types have nothing more; RFC 1201
 * (and RFC 2497) types add a split flag and a sequence number, and an
 * exception frame (flag 0xFF) repeats type, flag and sequence after two pad
 * bytes. A split packet (flag != 0) is a fragment of a larger one.
 */
static tcpstate_status decode_arcnet(struct dec *d, size_t type_off, int linux_hdr)
{
    const struct cur *c = &d->c;
    tcpstate_status st = need(c, d->wire, 0, type_off + 1, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint8_t type = cur_u8(c, type_off);
    size_t off = type_off + 1;
    if (type != ARC_IP_OLD && type != ARC_ARP_OLD && type != ARC_DIAGNOSE) {
        st = need(c, d->wire, off, 3, TCPSTATE_E_BAD_LINK);
        if (st != TCPSTATE_OK) {
            return st;
        }
        uint8_t flag = cur_u8(c, off);
        if (flag == 0xFF && !linux_hdr) {
            st = need(c, d->wire, off, 7, TCPSTATE_E_BAD_LINK);
            if (st != TCPSTATE_OK) {
                return st;
            }
            type = cur_u8(c, off + 3);
            flag = cur_u8(c, off + 4);
            off += 4;
        }
        if (flag != 0) {
            return TCPSTATE_SKIP_FRAGMENT;
        }
        off += 3;
    }
    switch (type) {
    case ARC_IP_OLD:
    case ARC_IP:
        return tcpstate__decode_ipv4(d, off);
    case ARC_INET6:
        return tcpstate__decode_ipv6(d, off);
    default: /* ARP, RARP, IPX, AppleTalk, diagnostics */
        return TCPSTATE_SKIP_NOT_IP;
    }
}

/* Juniper's capture header (as libpcap and tcpdump read it): "MGC", a flags
 * byte, and with flag 0x80 a 2-byte length of extension TLVs; then the
 * Ethernet frame, or with flag 0x02 (no L2) the IP packet itself. */
static tcpstate_status decode_juniper_ether(struct dec *d)
{
    const struct cur *c = &d->c;
    tcpstate_status st = need(c, d->wire, 0, 4, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    if (cur_be32(c, 0) >> 8 != JUNIPER_MAGIC) {
        return TCPSTATE_E_BAD_LINK;
    }
    uint8_t flags = cur_u8(c, 3);
    size_t off = 4;
    if ((flags & JUNIPER_FLAG_EXT) != 0) {
        st = need(c, d->wire, off, 2, TCPSTATE_E_BAD_LINK);
        if (st != TCPSTATE_OK) {
            return st;
        }
        off += 2 + (size_t)cur_be16(c, off);
    }
    if ((flags & JUNIPER_FLAG_NO_L2) != 0) {
        return tcpstate__decode_ip(d, off);
    }
    return tcpstate__decode_ether(d, off);
}

/* IP over InfiniBand as pcap records it: two 20-byte hardware addresses, a
 * 2-byte ethertype (RFC 4391 §6) and 2 reserved bytes. */
static tcpstate_status decode_ipoib(struct dec *d)
{
    tcpstate_status st = need(&d->c, d->wire, 0, IPOIB_HDR, TCPSTATE_E_BAD_LINK);
    return st != TCPSTATE_OK ? st : tcpstate__decode_ethertype(d, IPOIB_HDR, cur_be16(&d->c, 40));
}

/* The link types this file decodes, in the order of the switch below (all
 * below 256). One table serves both the dispatch and
 * tcpstate__linktype_other(), so the two cannot drift apart. */
enum {
    OTHER_PPP,
    OTHER_PPP_WITH_DIR,
    OTHER_PPP_HDLC,
    OTHER_C_HDLC,
    OTHER_FDDI,
    OTHER_80211,
    OTHER_RADIOTAP,
    OTHER_ARCNET_BSD,
    OTHER_ARCNET_LINUX,
    OTHER_JUNIPER_ETHER,
    OTHER_IPOIB,
    OTHER_COUNT
};
static const uint8_t other_linktypes[OTHER_COUNT] = {
    [OTHER_PPP] = TCPSTATE_LINKTYPE_PPP,
    [OTHER_PPP_WITH_DIR] = TCPSTATE_LINKTYPE_PPP_WITH_DIR,
    [OTHER_PPP_HDLC] = TCPSTATE_LINKTYPE_PPP_HDLC,
    [OTHER_C_HDLC] = TCPSTATE_LINKTYPE_C_HDLC,
    [OTHER_FDDI] = TCPSTATE_LINKTYPE_FDDI,
    [OTHER_80211] = TCPSTATE_LINKTYPE_IEEE802_11,
    [OTHER_RADIOTAP] = TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP,
    [OTHER_ARCNET_BSD] = TCPSTATE_LINKTYPE_ARCNET_BSD,
    [OTHER_ARCNET_LINUX] = TCPSTATE_LINKTYPE_ARCNET_LINUX,
    [OTHER_JUNIPER_ETHER] = TCPSTATE_LINKTYPE_JUNIPER_ETHER,
    [OTHER_IPOIB] = TCPSTATE_LINKTYPE_IPOIB,
};

/* Index of linktype in other_linktypes, or OTHER_COUNT. */
static unsigned other_index(uint32_t linktype)
{
    unsigned i = 0;
    while (i < OTHER_COUNT && other_linktypes[i] != linktype) {
        i++;
    }
    return i;
}

tcpstate_status tcpstate__decode_link_other(struct dec *d, uint32_t linktype)
{
    switch (other_index(linktype)) {
    case OTHER_PPP:
        return tcpstate__decode_ppp(d, 0);
    case OTHER_PPP_WITH_DIR: {
        tcpstate_status st = need(&d->c, d->wire, 0, 1, TCPSTATE_E_BAD_LINK);
        return st != TCPSTATE_OK ? st : tcpstate__decode_ppp(d, 1);
    }
    case OTHER_PPP_HDLC:
        return decode_ppp_hdlc(d);
    case OTHER_C_HDLC:
        return decode_chdlc(d);
    case OTHER_FDDI:
        return decode_fddi(d);
    case OTHER_80211:
        return tcpstate__decode_80211(d, 0);
    case OTHER_RADIOTAP:
        return decode_radiotap(d);
    case OTHER_ARCNET_BSD:
        return decode_arcnet(d, 2, 0);
    case OTHER_ARCNET_LINUX:
        return decode_arcnet(d, 4, 1);
    case OTHER_JUNIPER_ETHER:
        return decode_juniper_ether(d);
    case OTHER_IPOIB:
        return decode_ipoib(d);
    default:
        return TCPSTATE_E_LINKTYPE;
    }
}

int tcpstate__linktype_other(uint32_t linktype) { return other_index(linktype) < OTHER_COUNT; }

#else
/* Built with TCPSTATE_NO_LINK_TYPES: only the link types decode.c handles
 * itself remain; these are unsupported, as any unknown link type is. */
tcpstate_status tcpstate__decode_link_other(struct dec *d, uint32_t linktype)
{
    (void)d, (void)linktype;
    return TCPSTATE_E_LINKTYPE;
}

int tcpstate__linktype_other(uint32_t linktype)
{
    (void)linktype;
    return 0;
}

#ifndef TCPSTATE_NO_TUNNELS
/* PPP inside PPTP's GRE and 802.11 inside Aruba's GRE: payloads this build
 * does not decode, so not TCP, as a tunnel turned off at run time. */
tcpstate_status tcpstate__decode_ppp(struct dec *d, size_t off)
{
    (void)d, (void)off;
    return TCPSTATE_SKIP_NOT_TCP;
}

tcpstate_status tcpstate__decode_80211(struct dec *d, size_t off)
{
    (void)d, (void)off;
    return TCPSTATE_SKIP_NOT_TCP;
}
#endif
#endif
