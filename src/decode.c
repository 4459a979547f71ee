/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpstate_decode() and the Ethernet family of link layers: Ethernet II and
 * 802.3 LLC/SNAP, VLAN tags, Cisco FabricPath, 802.1ah PBB, Cisco VN-Tag,
 * MPLS and PPPoE, up to the IP header; raw IP, loopback and Linux cooked
 * captures. The other link types are in decode_link.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "decode_fast.h"
#include "tcpstate.h"

enum {
    ETH_IPV4 = 0x0800,
    ETH_IPV6 = 0x86DD,
    ETH_VLAN = 0x8100,     /* IEEE 802.1Q C-tag */
    ETH_QINQ = 0x88A8,     /* IEEE 802.1ad S-tag */
    ETH_QINQ_OLD = 0x9100, /* pre-802.1ad vendor S-tag */
    ETH_MPLS = 0x8847,
    ETH_MPLS_MCAST = 0x8848,
    ETH_PPPOE_SESSION = 0x8864,
    ETH_FABRICPATH = 0x8903, /* Cisco FabricPath */
    ETH_PBB = 0x88E7,        /* IEEE 802.1ah backbone service instance tag (I-TAG) */
    ETH_VNTAG = 0x8926,      /* Cisco VN-Tag (the base of IEEE 802.1Qbh) */
    ETH_MIN_TYPE = 0x0600,   /* IEEE 802.3 §3.2.6: below this the field is a length */
    SLL_P_802_2 = 0x0004,    /* Linux cooked capture: an 802.2 LLC header follows */
    PPP_IPV4 = 0x0021,
    PPP_IPV6 = 0x0057
};

/*
 * How deep Ethernet-level headers may stack before the payload type. VLAN
 * tags keep their own limit, TCPSTATE_MAX_VLAN (the size of the vlan_id
 * array). FabricPath, PBB and VN-Tag headers share a second budget of
 * MAX_SHIMS: networks put one of them on a frame (a FabricPath or PBB cloud
 * carries the customer's own frame, tags and all; a VN-Tag sits between a
 * switch and its fabric extender), two leaves room for one inside another,
 * and a third is taken as a crafted loop. Exceeding either limit is
 * TCPSTATE_E_VLAN_DEPTH, decided before the extra header is read (like the
 * fifth VLAN tag): it is the decoder's depth limit on stacked Ethernet tags,
 * not a malformed header, so it is not TCPSTATE_E_BAD_LINK.
 */
enum { MAX_SHIMS = 2 };

/* RFC 1042 (OUI 0) and IEEE 802.1H (OUI 00-00-F8) SNAP carry an ethertype in
 * the PID; under any other OUI the PID is the vendor's own protocol number. */
static tcpstate_status decode_snap(struct dec *d, size_t *off, uint16_t *type)
{
    const struct cur *c = &d->c;
    tcpstate_status st = need(c, d->wire, *off, 3, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    if (cur_u8(c, *off) != 0xAA || cur_u8(c, *off + 1) != 0xAA || cur_u8(c, *off + 2) != 0x03) {
        return TCPSTATE_SKIP_NOT_IP;
    }
    st = need(c, d->wire, *off, 8, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint32_t oui = cur_be32(c, *off + 2) & 0xFFFFFFu; /* after the control byte */
    if (oui != 0 && oui != 0xF8) {
        return TCPSTATE_SKIP_NOT_IP;
    }
    d->pkt->encap |= TCPSTATE_ENCAP_SNAP;
    *type = cur_be16(c, *off + 6);
    *off += 8;
    return TCPSTATE_OK;
}

/* IEEE 802.1Q: 16-bit TCI (12-bit VLAN id at the bottom), then the next type. */
static tcpstate_status decode_vlan(struct dec *d, size_t *off, uint16_t *type)
{
    tcpstate_packet *pkt = d->pkt;
    if (pkt->vlan_count == TCPSTATE_MAX_VLAN) {
        return TCPSTATE_E_VLAN_DEPTH;
    }
    tcpstate_status st = need(&d->c, d->wire, *off, 4, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    pkt->vlan_id[pkt->vlan_count++] = (uint16_t)(cur_be16(&d->c, *off) & 0x0FFFu);
    pkt->encap |= TCPSTATE_ENCAP_VLAN;
    *type = cur_be16(&d->c, *off + 2);
    *off += 4;
    return TCPSTATE_OK;
}

/* RFC 3032 §2.1: 32-bit entries (label 20, TC 3, S 1, TTL 8) until S is set.
 * Nothing names the payload, so go by its first nibble, as routers do. */
static tcpstate_status decode_mpls(struct dec *d, size_t off)
{
    const struct cur *c = &d->c;
    tcpstate_packet *pkt = d->pkt;
    uint32_t entry = 0;
    pkt->encap |= TCPSTATE_ENCAP_MPLS;
    while (pkt->mpls_count < TCPSTATE_MAX_MPLS && (entry & 0x100u) == 0) {
        tcpstate_status st = need(c, d->wire, off, 4, TCPSTATE_E_BAD_LINK);
        if (st != TCPSTATE_OK) {
            return st;
        }
        entry = cur_be32(c, off);
        if (pkt->mpls_count++ == 0) {
            pkt->mpls_label = entry >> 12;
        }
        off += 4;
    }
    if ((entry & 0x100u) == 0) {
        return TCPSTATE_E_MPLS_DEPTH;
    }
    tcpstate_status st = need(c, d->wire, off, 1, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    switch (cur_u8(c, off) >> 4) {
    case 4:
        return tcpstate__decode_ipv4(d, off);
    case 6:
        return tcpstate__decode_ipv6(d, off);
    default: /* pseudowire control word, Ethernet over MPLS, ... */
        return TCPSTATE_SKIP_NOT_IP;
    }
}

/* RFC 2516 §4: ver 1, type 1, code 0 (session data), session id, length of
 * the PPP payload; then the 2-byte PPP protocol (RFC 1661 §2). */
static tcpstate_status decode_pppoe(struct dec *d, size_t off)
{
    const struct cur *c = &d->c;
    tcpstate_status st = need(c, d->wire, off, 8, TCPSTATE_E_BAD_PPPOE);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint16_t len = cur_be16(c, off + 4);
    if (cur_u8(c, off) != 0x11 || cur_u8(c, off + 1) != 0 || len < 2 || len > d->wire - (off + 6)) {
        return TCPSTATE_E_BAD_PPPOE;
    }
    d->pkt->encap |= TCPSTATE_ENCAP_PPPOE;
    d->pkt->pppoe_session = cur_be16(c, off + 2);
    /* The IP length, not this one, bounds the packet: captures show access
     * concentrators whose PPPoE length falls short of a well-formed IP packet
     * (as Zeek and tcpdump, which decode such packets). */
    switch (cur_be16(c, off + 6)) {
    case PPP_IPV4:
        return tcpstate__decode_ipv4(d, off + 8);
    case PPP_IPV6:
        return tcpstate__decode_ipv6(d, off + 8);
    default: /* LCP, IPCP, ... */
        return TCPSTATE_SKIP_NOT_IP;
    }
}

/*
 * Headers that sit between an ethertype and the next one: `len` bytes after
 * the type field, of which the last two are the next type.
 *   FabricPath: FTag/TTL (2), then the inner Ethernet dst (6), src (6), type.
 *   PBB (IEEE 802.1ah, now in 802.1Q): I-TAG TCI, flags and the 24-bit I-SID
 *     (4), then the customer's dst (6), src (6), type.
 *   VN-Tag: d/p/virtual interface fields (4), then the next type.
 * Nothing in them decides whether IP follows, so only their length is checked.
 */
static tcpstate_status decode_shim(struct dec *d, size_t *off, uint16_t *type, unsigned *shims)
{
    size_t len = *type == ETH_VNTAG ? 6 : *type == ETH_PBB ? 18 : 16;
    uint8_t bit = *type == ETH_VNTAG ? TCPSTATE_ENCAP_VNTAG
                  : *type == ETH_PBB ? TCPSTATE_ENCAP_PBB
                                     : TCPSTATE_ENCAP_FABRICPATH;
    if (*shims == MAX_SHIMS) {
        return TCPSTATE_E_VLAN_DEPTH;
    }
    ++*shims;
    tcpstate_status st = need(&d->c, d->wire, *off, len, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    d->pkt->encap |= bit;
    *type = cur_be16(&d->c, *off + len - 2);
    *off += len;
    return TCPSTATE_OK;
}

/* Everything that carries an ethertype (Ethernet, SNAP, SLL, SLL2) meets
 * here. No recursion: each pass peels one VLAN tag, one FabricPath, PBB or
 * VN-Tag header, or the one LLC/SNAP header; the limits above and the single
 * SNAP bound the passes that continue to TCPSTATE_MAX_VLAN + MAX_SHIMS + 1,
 * so the pass after those gives the final answer. */
static tcpstate_status decode_ethertype(struct dec *d, size_t off, uint16_t type)
{
    unsigned shims = 0;
    for (unsigned pass = 0; pass < TCPSTATE_MAX_VLAN + MAX_SHIMS + 2; pass++) {
        tcpstate_status st;
        switch (type) {
        case ETH_IPV4:
            return tcpstate__decode_ipv4(d, off);
        case ETH_IPV6:
            return tcpstate__decode_ipv6(d, off);
        case ETH_VLAN:
        case ETH_QINQ:
        case ETH_QINQ_OLD:
            st = decode_vlan(d, &off, &type);
            break;
        case ETH_FABRICPATH:
        case ETH_PBB:
        case ETH_VNTAG:
            st = decode_shim(d, &off, &type, &shims);
            break;
        case ETH_MPLS:
        case ETH_MPLS_MCAST:
            return decode_mpls(d, off);
        case ETH_PPPOE_SESSION:
            return decode_pppoe(d, off);
        default:
            /* A length, not a type: an 802.3 frame whose LLC header follows. */
            if (type >= ETH_MIN_TYPE || (d->pkt->encap & TCPSTATE_ENCAP_SNAP) != 0) {
                return TCPSTATE_SKIP_NOT_IP; /* ARP, PPPoE discovery, LLDP, ... */
            }
            st = decode_snap(d, &off, &type);
            break;
        }
        if (st != TCPSTATE_OK) {
            return st;
        }
    }
    return TCPSTATE_SKIP_NOT_IP; /* not reached: the passes are counted above */
}

/* Address families of the BSD loopback header (LINKTYPE_NULL / LOOP): AF_INET
 * is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD, DragonFly),
 * 30 (Darwin) or 10 (Linux). Returns the IP version, 0 for anything else. */
static unsigned family_version(uint32_t af)
{
    switch (af) {
    case 2:
        return 4;
    case 10:
    case 24:
    case 28:
    case 30:
        return 6;
    default:
        return 0;
    }
}

/* LINKTYPE_NULL holds the family in the capturing host's byte order, which
 * the file does not say; LINKTYPE_LOOP always in network order. */
static tcpstate_status decode_loopback(struct dec *d, int any_order)
{
    tcpstate_status st = need(&d->c, d->wire, 0, 4, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    unsigned v = family_version(cur_be32(&d->c, 0));
    if (v == 0 && any_order) {
        v = family_version(cur_le32(&d->c, 0));
    }
    if (v == 4) {
        return tcpstate__decode_ipv4(d, 4);
    }
    return v == 6 ? tcpstate__decode_ipv6(d, 4) : TCPSTATE_SKIP_NOT_IP;
}

/* LINKTYPE_RAW and DLT_RAW, and IP inside tunnels that do not name the
 * version: nothing but the version nibble says which IP it is. */
tcpstate_status tcpstate__decode_ip(struct dec *d, size_t off)
{
    tcpstate_status st = need(&d->c, d->wire, off, 1, TCPSTATE_E_BAD_IP_LENGTH);
    if (st != TCPSTATE_OK) {
        return st;
    }
    switch (cur_u8(&d->c, off) >> 4) {
    case 4:
        return tcpstate__decode_ipv4(d, off);
    case 6:
        return tcpstate__decode_ipv6(d, off);
    default:
        return TCPSTATE_E_BAD_IP_VERSION;
    }
}

tcpstate_status tcpstate__decode_ethertype(struct dec *d, size_t off, uint16_t type)
{
    return type < ETH_MIN_TYPE ? TCPSTATE_SKIP_NOT_IP : decode_ethertype(d, off, type);
}

tcpstate_status tcpstate__decode_ether(struct dec *d, size_t off)
{
    tcpstate_status st = need(&d->c, d->wire, off, 14, TCPSTATE_E_BAD_LINK);
    return st != TCPSTATE_OK ? st : decode_ethertype(d, off + 14, cur_be16(&d->c, off + 12));
}

tcpstate_status tcpstate__decode_llc(struct dec *d, size_t off)
{
    uint16_t type = 0;
    tcpstate_status st = decode_snap(d, &off, &type);
    return st != TCPSTATE_OK ? st : tcpstate__decode_ethertype(d, off, type);
}

/* Linux cooked captures: v1 has the protocol at offset 14 of 16 bytes, v2 at
 * offset 0 of 20. Values below 0x0600 are Linux's own (SLL_P_*), of which
 * only 802.2 LLC can lead to IP. */
static tcpstate_status decode_sll(struct dec *d, size_t hdr_len, size_t proto_off)
{
    tcpstate_status st = need(&d->c, d->wire, 0, hdr_len, TCPSTATE_E_BAD_LINK);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint16_t proto = cur_be16(&d->c, proto_off);
    if (proto < ETH_MIN_TYPE && proto != SLL_P_802_2) {
        return TCPSTATE_SKIP_NOT_IP;
    }
    return decode_ethertype(d, hdr_len, proto);
}

/* Keep in step with tcpstate_linktype_supported(). */
static tcpstate_status decode_link(struct dec *d, uint32_t linktype)
{
    switch (linktype) {
    case TCPSTATE_LINKTYPE_ETHERNET:
        return tcpstate__decode_ether(d, 0);
    case TCPSTATE_LINKTYPE_RAW:
    case TCPSTATE_LINKTYPE_DLT_RAW: /* what pcap_datalink() reports for LINKTYPE_RAW */
        return tcpstate__decode_ip(d, 0);
    case TCPSTATE_LINKTYPE_IPV4:
        return tcpstate__decode_ipv4(d, 0);
    case TCPSTATE_LINKTYPE_IPV6:
        return tcpstate__decode_ipv6(d, 0);
    case TCPSTATE_LINKTYPE_LINUX_SLL:
        return decode_sll(d, 16, 14);
    case TCPSTATE_LINKTYPE_LINUX_SLL2:
        return decode_sll(d, 20, 0);
    case TCPSTATE_LINKTYPE_NULL:
        return decode_loopback(d, 1);
    case TCPSTATE_LINKTYPE_LOOP:
        return decode_loopback(d, 0);
    default:
        return tcpstate__decode_link_other(d, linktype);
    }
}

int tcpstate_linktype_supported(uint32_t linktype)
{
    switch (linktype) {
    case TCPSTATE_LINKTYPE_ETHERNET:
    case TCPSTATE_LINKTYPE_RAW:
    case TCPSTATE_LINKTYPE_DLT_RAW:
    case TCPSTATE_LINKTYPE_IPV4:
    case TCPSTATE_LINKTYPE_IPV6:
    case TCPSTATE_LINKTYPE_LINUX_SLL:
    case TCPSTATE_LINKTYPE_LINUX_SLL2:
    case TCPSTATE_LINKTYPE_NULL:
    case TCPSTATE_LINKTYPE_LOOP:
        return 1;
    default:
        return tcpstate__linktype_other(linktype);
    }
}

/* The zone of the innermost packet: the innermost tunnel id, else the
 * outermost VLAN id (the one TCPSTATE_F_VLAN_KEY uses). */
static void decode_zone(tcpstate_packet *pkt)
{
    for (unsigned i = pkt->tunnel_count; i-- > 0;) {
        if (pkt->tunnel[i].has_id) {
            pkt->zone = pkt->tunnel[i].id;
            uint32_t kind = pkt->tunnel[i].encap & ~(uint32_t)TCPSTATE_ENCAP_UDP;
            /* ERSPAN rides on GRE: its session id is the more specific one. */
            pkt->zone_encap = (kind & TCPSTATE_ENCAP_ERSPAN) ? TCPSTATE_ENCAP_ERSPAN : kind;
            return;
        }
    }
    if (pkt->vlan_count > 0) {
        pkt->zone = pkt->vlan_id[0];
        pkt->zone_encap = TCPSTATE_ENCAP_VLAN;
    }
}

tcpstate_status tcpstate__decode_outer_tunnels(tcpstate_packet *whole, const tcpstate_packet *frag,
                                               tcpstate_status st)
{
    unsigned outer = frag->tunnel_count, own = whole->tunnel_count;
    if (outer + own > TCPSTATE_MAX_TUNNEL) {
        return TCPSTATE_E_TUNNEL_DEPTH;
    }
    for (unsigned i = own; i-- > 0;) { /* the datagram's own layers move inwards */
        whole->tunnel[outer + i] = whole->tunnel[i];
    }
    for (unsigned i = 0; i < outer; i++) {
        whole->tunnel[i] = frag->tunnel[i];
    }
    whole->tunnel_count = (uint8_t)(outer + own);
    whole->encap_all |= frag->encap_all | whole->encap;
    whole->zone = 0;
    whole->zone_encap = 0;
    decode_zone(whole);
    return st;
}

/* Zero a packet view. It is 360 bytes, zeroed for every frame: one memset
 * of that size becomes `rep stos` on x86-64 (dozens of cycles to start);
 * constant 64-byte pieces become a few vector stores each. Where code size
 * matters more (-Os), one call. */
static void zero_packet(tcpstate_packet *pkt)
{
#if defined(__OPTIMIZE_SIZE__)
    memset(pkt, 0, sizeof *pkt);
#else
    unsigned char *b = (unsigned char *)pkt;
    size_t off = 0;
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
    for (; off + 64u <= sizeof *pkt; off += 64u) {
        memset(b + off, 0, 64u);
    }
    memset(b + off, 0, sizeof *pkt - off);
#endif
}

/* The start of every decode: arguments checked, the view zeroed and the
 * frame's own fields set; *wirelen normalized. */
static tcpstate_status start_packet(uint32_t linktype, const uint8_t *frame, size_t caplen,
                                    size_t *wirelen, tcpstate_packet *pkt)
{
    if (pkt == NULL) {
        return TCPSTATE_E_INVAL;
    }
    zero_packet(pkt);
    if (frame == NULL || (caplen >> 16 >> 16) != 0) { /* > UINT32_MAX, warning-free on ILP32 */
        return TCPSTATE_E_INVAL;
    }
    if (*wirelen < caplen) {
        *wirelen = caplen;
    }
    if ((*wirelen >> 16 >> 16) != 0) {
        *wirelen = UINT32_MAX; /* only a bound for telling truncation from damage */
    }
    pkt->frame = frame;
    pkt->caplen = (uint32_t)caplen;
    pkt->wirelen = (uint32_t)*wirelen;
    pkt->linktype = linktype;
    return TCPSTATE_OK;
}

/* Kept out of line so that the common frame's path (tcpstate_decode_ex()
 * and the one-pass decoder) stays a small function. */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
#define OUT_OF_LINE __attribute__((noinline))
#else
#define OUT_OF_LINE
#endif

/* The layered decoder: every link type, tunnel and option. */
OUT_OF_LINE static tcpstate_status decode_frame(uint32_t linktype, const uint8_t *frame,
                                                size_t caplen, size_t wirelen,
                                                const tcpstate_decode_options *opt,
                                                tcpstate_packet *pkt)
{
    tcpstate_status st = start_packet(linktype, frame, caplen, &wirelen, pkt);
    if (st != TCPSTATE_OK) {
        return st;
    }

    /* Zero-filled options are the defaults: fill in the IANA ports. */
    tcpstate_decode_options o;
    memset(&o, 0, sizeof o);
    if (opt != NULL) {
        o = *opt;
    }
    o.port_vxlan = o.port_vxlan ? o.port_vxlan : 4789;       /* RFC 7348 §5 */
    o.port_geneve = o.port_geneve ? o.port_geneve : 6081;    /* RFC 8926 §3.3 */
    o.port_teredo = o.port_teredo ? o.port_teredo : 3544;    /* RFC 4380 §4 */
    o.port_ayiya = o.port_ayiya ? o.port_ayiya : 5072;       /* IANA "ayiya" */
    o.port_gtpu = o.port_gtpu ? o.port_gtpu : 2152;          /* 3GPP TS 29.281 §4.4.2.3 */
    o.port_gre_udp = o.port_gre_udp ? o.port_gre_udp : 4754; /* RFC 8086 §3 */

    struct dec d;
    memset(&d, 0, sizeof d);
    d.c.p = frame;
    d.c.len = caplen;
    d.pkt = pkt;
    d.flags = o.flags;
    d.wire = wirelen;
    d.opt = &o;
    st = decode_link(&d, linktype);
    pkt->encap_all |= pkt->encap;
    decode_zone(pkt);
    return st;
}

tcpstate_status tcpstate_decode_ex(uint32_t linktype, const uint8_t *frame, size_t caplen,
                                   size_t wirelen, const tcpstate_decode_options *opt,
                                   tcpstate_packet *pkt)
{
#if !defined(__OPTIMIZE_SIZE__)
    /* The one-pass path first, where it may answer (no checksum to verify);
     * it hands the rest to the layered decoder itself. The same inline code
     * as feed.c's (decode_fast.h), with opt and pkt checked for NULL, so
     * that test_decode_fast, testing through this, tests what feed.c runs.
     * Built for size (-Os) it is left out: it is only a speed copy of the
     * layered decoder (test_decode_fast holds them byte-identical), and
     * decode_fast.c is then empty. */
    return fast_or_layered(linktype, frame, caplen, wirelen, opt, pkt, 1, NULL);
#else
    return decode_frame(linktype, frame, caplen, wirelen, opt, pkt);
#endif
}

tcpstate_status tcpstate__decode_layered(uint32_t linktype, const uint8_t *frame, size_t caplen,
                                         size_t wirelen, const tcpstate_decode_options *opt,
                                         tcpstate_packet *pkt)
{
    return decode_frame(linktype, frame, caplen, wirelen, opt, pkt);
}

tcpstate_status tcpstate_decode(uint32_t linktype, const uint8_t *frame, size_t caplen,
                                size_t wirelen, uint32_t flags, tcpstate_packet *pkt)
{
    tcpstate_decode_options o;
    memset(&o, 0, sizeof o);
    o.flags = flags;
    return tcpstate_decode_ex(linktype, frame, caplen, wirelen, &o, pkt);
}
