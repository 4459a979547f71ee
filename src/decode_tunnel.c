/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tunnels, from the payload of an IP packet to the next IP packet (or
 * Ethernet / 802.11 frame) inside: IP in IP, GRE (with ERSPAN, transparent
 * Ethernet bridging, PPTP and Aruba's 802.11), and over UDP VXLAN, Geneve,
 * GRE, Teredo, AYIYA and GTP-U. Each layer is recorded in the packet view
 * (tcpstate_packet::tunnel) before the inner packet is decoded, and the inner
 * packet is held within the outer one. Nesting is bounded by
 * TCPSTATE_MAX_TUNNEL, so the recursion IP -> tunnel -> IP is too.
 *
 * A header that does not parse as the tunnel its port or protocol names is
 * not a tunnel: the packet is just not TCP. Only a header cut by the
 * capture's snap length is TCPSTATE_E_TRUNCATED, as for the other layers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "tcpstate.h"
#ifndef TCPSTATE_NO_TUNNELS /* size option (docs/embedding.md): tunnels left out */

enum {
    PROTO_IPIP = 4,  /* RFC 2003 */
    PROTO_UDP = 17,  /* RFC 768 */
    PROTO_IPV6 = 41, /* RFC 4213 §3.5 (6in4), RFC 2473 (in IPv6) */
    PROTO_GRE = 47,  /* RFC 2784 */
    UDP_HDR = 8,
    GRE_C = 0x8000, /* checksum present (RFC 2784 §2.1) */
    GRE_R = 0x4000, /* RFC 1701 routing present: not decoded */
    GRE_K = 0x2000, /* key present (RFC 2890 §2) */
    GRE_S = 0x1000, /* sequence number present (RFC 2890 §2) */
    GRE_A = 0x0080, /* acknowledgment present (version 1, RFC 2637 §4.1) */
    GRE_UNKNOWN = 0x0078,
    GRE_TEB = 0x6558,        /* transparent Ethernet bridging */
    GRE_ERSPAN_II = 0x88BE,  /* ERSPAN type I (no sequence) and II */
    GRE_ERSPAN_III = 0x22EB, /* ERSPAN type III */
    GRE_PPTP = 0x880B,       /* PPP, in GRE version 1 */
    GTP_GPDU = 0xFF          /* 3GPP TS 29.281 §6.1: G-PDU, user data */
};

/* The tunnel kinds a UDP port can name. */
enum udp_kind { UDP_NONE, UDP_VXLAN, UDP_GENEVE, UDP_GRE, UDP_TEREDO, UDP_AYIYA, UDP_GTPU };

/*
 * Record the IP packet decoded so far as the outer layer of a tunnel of kind
 * `encap`, whose header is at hdr (the UDP header, for tunnels over UDP),
 * and make ready for the inner packet: it must end by `inner_end` (the
 * outer packet's own bounds), and the IP state of the outer packet
 * (fragment, routing header, checksum verdict) does not carry over.
 */
static tcpstate_status tunnel_push(struct dec *d, uint32_t encap, size_t hdr, size_t inner_end)
{
    tcpstate_packet *pkt = d->pkt;
    if (pkt->tunnel_count == TCPSTATE_MAX_TUNNEL) {
        return TCPSTATE_E_TUNNEL_DEPTH;
    }
    tcpstate_tunnel *t = &pkt->tunnel[pkt->tunnel_count++];
    t->encap = encap;
    t->l3_offset = pkt->l3_offset;
    t->l4_offset = (uint32_t)hdr;
    t->src = pkt->src;
    t->dst = pkt->dst;
    t->ip_version = pkt->ip_version;
    if (encap & TCPSTATE_ENCAP_UDP) {
        t->sport = cur_be16(&d->c, hdr);
        t->dport = cur_be16(&d->c, hdr + 2);
    }
    pkt->encap_all |= encap;
    pkt->flags &= (uint8_t) ~(TCPSTATE_PKT_JUMBO | TCPSTATE_PKT_LEN_FROM_WIRE);
    pkt->ip_csum = TCPSTATE_CSUM_UNCHECKED; /* the inner header's verdict comes next */
    d->wire = inner_end;
    d->fragment = 0;
    d->routed = 0;
    d->dst_unknown = 0;
    return TCPSTATE_OK;
}

static void tunnel_id(struct dec *d, uint32_t id)
{
    tcpstate_tunnel *t = &d->pkt->tunnel[d->pkt->tunnel_count - 1];
    t->id = id;
    t->has_id = 1;
}

/* tunnel_push() for a tunnel whose header names the layer: its id. */
static tcpstate_status tunnel_push_id(struct dec *d, uint32_t encap, size_t hdr, size_t inner_end,
                                      uint32_t id)
{
    tcpstate_status st = tunnel_push(d, encap, hdr, inner_end);
    if (st == TCPSTATE_OK) {
        tunnel_id(d, id);
    }
    return st;
}

/* An Ethernet frame carried by the tunnel just pushed. */
static tcpstate_status inner_ether(struct dec *d, size_t off)
{
    d->pkt->encap_all |= TCPSTATE_ENCAP_ETHER;
    return tcpstate__decode_ether(d, off);
}

/* Whether the n captured bytes at off are those of `prefix`. */
static int cur_prefix(const struct cur *c, size_t off, const uint8_t *prefix, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!cur_has(c, off + i, 1) || cur_u8(c, off + i) != prefix[i]) {
            return 0;
        }
    }
    return 1;
}

/* Whether the tunnel kind is switched off by the options. */
static int tunnel_off(const struct dec *d, uint32_t encap)
{
    return (d->opt->no_tunnels & encap) != 0;
}

/* The payload starting at off must begin with IP of a version in `versions`
 * (bit 4, bit 6) for a tunnel that does not name it. */
static int starts_with_ip(const struct dec *d, size_t off, size_t end, unsigned versions)
{
    if (off >= end || !cur_has(&d->c, off, 1)) {
        return 0;
    }
    unsigned v = cur_u8(&d->c, off) >> 4;
    return (v == 4 || v == 6) && (versions & (1u << v)) != 0;
}

/*
 * ERSPAN (draft-foschiano-erspan-03) inside GRE 0x88BE / 0x22EB. Type I has
 * no header of its own (and no GRE sequence number); type II an 8-byte
 * header (version 1), type III a 12-byte one (version 2) and, with its O
 * flag, an 8-byte platform sub-header. The 10-bit session id is the layer's
 * id. The mirrored Ethernet frame follows.
 */
static tcpstate_status decode_erspan(struct dec *d, size_t off, uint16_t proto, int seq)
{
    const struct cur *c = &d->c;
    tcpstate_packet *pkt = d->pkt;
    size_t len = 0;
    if (proto == GRE_ERSPAN_III || seq) {
        unsigned want = proto == GRE_ERSPAN_III ? 2 : 1;
        len = want == 2 ? 12 : 8;
        tcpstate_status st = need(c, d->wire, off, len, TCPSTATE_SKIP_NOT_TCP);
        if (st != TCPSTATE_OK) {
            return st;
        }
        if (cur_u8(c, off) >> 4 != want) {
            return TCPSTATE_SKIP_NOT_TCP;
        }
        tunnel_id(d, cur_be16(c, off + 2) & 0x03FFu);
        if (want == 2 && (cur_u8(c, off + 11) & 0x01u) != 0) {
            len += 8;
        }
    }
    pkt->tunnel[pkt->tunnel_count - 1].encap |= TCPSTATE_ENCAP_ERSPAN;
    pkt->encap_all |= TCPSTATE_ENCAP_ERSPAN;
    return inner_ether(d, off + len);
}

/* Aruba access points tunnel 802.11 frames in GRE with these protocol
 * types (the values Zeek and Wireshark recognise). */
static int gre_is_aruba(uint16_t proto)
{
    return (proto & 0xFF0Fu) == 0x8200u || ((proto & 0xFF8Fu) == 0x8300u) || proto == 0x9000u;
}

/*
 * GRE: RFC 2784 §2 (flags and version, protocol type, optional checksum),
 * RFC 2890 §2 (optional key and sequence number), RFC 2637 §4.1 (version 1,
 * enhanced GRE for PPTP: key always present, holding payload length and
 * call id, optional acknowledgment, PPP payload). RFC 1701 routing and
 * unknown flag bits are not decoded. `udp` is TCPSTATE_ENCAP_UDP when it
 * rides on UDP (RFC 8086).
 */
static tcpstate_status decode_gre(struct dec *d, size_t off, size_t end, uint32_t udp)
{
    const struct cur *c = &d->c;
    tcpstate_status st = need(c, end, off, 4, TCPSTATE_SKIP_NOT_TCP);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint16_t fv = cur_be16(c, off);
    uint16_t proto = cur_be16(c, off + 2);
    unsigned ver = fv & 0x7u;
    if (ver > 1 || (fv & (GRE_R | GRE_UNKNOWN)) != 0 ||
        (ver == 1 && ((fv & GRE_K) == 0 || proto != GRE_PPTP))) {
        return TCPSTATE_SKIP_NOT_TCP;
    }
    size_t key_off = (fv & GRE_C) ? off + 8 : off + 4;
    size_t len = 4;
    len += (fv & GRE_C) ? 4u : 0u;
    len += (fv & GRE_K) ? 4u : 0u;
    len += (fv & GRE_S) ? 4u : 0u;
    len += (ver == 1 && (fv & GRE_A)) ? 4u : 0u;
    st = need(c, end, off, len, TCPSTATE_SKIP_NOT_TCP);
    if (st != TCPSTATE_OK) {
        return st;
    }
    st = tunnel_push(d, TCPSTATE_ENCAP_GRE | udp, udp ? off - UDP_HDR : off, end);
    if (st != TCPSTATE_OK) {
        return st;
    }
    if (fv & GRE_K) {
        uint32_t key = cur_be32(c, key_off);
        tunnel_id(d, ver == 1 ? key & 0xFFFFu : key); /* PPTP: the call id */
    }
    off += len;
    if (ver == 1) {
        return tcpstate__decode_ppp(d, off);
    }
    switch (proto) {
    case GRE_TEB:
        return inner_ether(d, off);
    case GRE_ERSPAN_II:
    case GRE_ERSPAN_III:
        return decode_erspan(d, off, proto, (fv & GRE_S) != 0);
    default:
        if (gre_is_aruba(proto)) {
            d->pkt->encap_all |= TCPSTATE_ENCAP_WLAN;
            return tcpstate__decode_80211(d, off);
        }
        return tcpstate__decode_ethertype(d, off, proto);
    }
}

/* RFC 7348 §5: flags (I = 0x08 must be set), 24 reserved bits, 24-bit VNI,
 * 8 reserved bits; an Ethernet frame follows. */
static tcpstate_status decode_vxlan(struct dec *d, size_t udp, size_t end)
{
    size_t h = udp + UDP_HDR;
    tcpstate_status st = need(&d->c, end, h, 8, TCPSTATE_SKIP_NOT_TCP);
    if (st != TCPSTATE_OK) {
        return st;
    }
    if ((cur_u8(&d->c, h) & 0x08u) == 0) {
        return TCPSTATE_SKIP_NOT_TCP;
    }
    st = tunnel_push_id(d, TCPSTATE_ENCAP_VXLAN | TCPSTATE_ENCAP_UDP, udp, end,
                        cur_be32(&d->c, h + 4) >> 8);
    return st != TCPSTATE_OK ? st : inner_ether(d, h + 8);
}

/* RFC 8926 §3.4: version (2 bits, 0) and options length (6 bits, 4-byte
 * units), flags, protocol type (an ethertype; 0x6558 Ethernet), 24-bit VNI,
 * reserved; then the options, skipped by their length. */
static tcpstate_status decode_geneve(struct dec *d, size_t udp, size_t end)
{
    const struct cur *c = &d->c;
    size_t h = udp + UDP_HDR;
    tcpstate_status st = need(c, end, h, 8, TCPSTATE_SKIP_NOT_TCP);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint8_t first = cur_u8(c, h);
    if (first >> 6 != 0) {
        return TCPSTATE_SKIP_NOT_TCP;
    }
    size_t len = 8 + (size_t)(first & 0x3Fu) * 4;
    st = need(c, end, h, len, TCPSTATE_SKIP_NOT_TCP);
    if (st != TCPSTATE_OK) {
        return st;
    }
    st = tunnel_push_id(d, TCPSTATE_ENCAP_GENEVE | TCPSTATE_ENCAP_UDP, udp, end,
                        cur_be32(c, h + 4) >> 8);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint16_t proto = cur_be16(c, h + 2);
    if (proto == GRE_TEB) {
        return inner_ether(d, h + len);
    }
    return tcpstate__decode_ethertype(d, h + len, proto);
}

/*
 * RFC 4380 §5.1.1: an IPv6 packet, optionally preceded by an authentication
 * indicator (0x0001, client id and authentication value lengths, the two
 * values, an 8-byte nonce and a confirmation byte) and an origin indication
 * (0x0000, port and address: 8 bytes). Bubbles (RFC 4380 §2.8: IPv6 without
 * payload) decode as IPv6 that is not TCP.
 */
static tcpstate_status decode_teredo(struct dec *d, size_t udp, size_t end, int any_port)
{
    const struct cur *c = &d->c;
    size_t h = udp + UDP_HDR;
    for (int i = 0; i < 2; i++) {
        tcpstate_status st = need(c, end, h, 2, TCPSTATE_SKIP_NOT_TCP);
        if (st != TCPSTATE_OK) {
            return st;
        }
        uint16_t ind = cur_be16(c, h);
        size_t len;
        if (ind == 0x0001) {
            st = need(c, end, h, 4, TCPSTATE_SKIP_NOT_TCP);
            if (st != TCPSTATE_OK) {
                return st;
            }
            len = 4 + (size_t)cur_u8(c, h + 2) + cur_u8(c, h + 3) + 8 + 1;
        } else if (ind == 0x0000) {
            len = 8;
        } else {
            break;
        }
        st = need(c, end, h, len, TCPSTATE_SKIP_NOT_TCP);
        if (st != TCPSTATE_OK) {
            return st;
        }
        h += len;
    }
    tcpstate_status st = need(c, end, h, 1, TCPSTATE_SKIP_NOT_TCP);
    if (st != TCPSTATE_OK) {
        return st;
    }
    if (!starts_with_ip(d, h, end, 1u << 6)) {
        return TCPSTATE_SKIP_NOT_TCP;
    }
    if (any_port) {
        /* Teredo peers talk on any port (only servers use 3544); as Zeek
         * does, recognise the packet by its shape: a whole IPv6 packet
         * filling the datagram exactly, and (stricter than Zeek) a Teredo
         * address, 2001::/32 (RFC 4380 §2.14), on one side. */
        static const uint8_t prefix[4] = {0x20, 0x01, 0x00, 0x00};
        if (need(c, end, h, 40, TCPSTATE_SKIP_NOT_TCP) != TCPSTATE_OK ||
            (size_t)cur_be16(c, h + 4) + 40 != end - h ||
            (!cur_prefix(c, h + 8, prefix, 4) && !cur_prefix(c, h + 24, prefix, 4))) {
            return TCPSTATE_SKIP_NOT_TCP;
        }
    }
    st = tunnel_push(d, TCPSTATE_ENCAP_TEREDO | TCPSTATE_ENCAP_UDP, udp, end);
    return st != TCPSTATE_OK ? st : tcpstate__decode_ipv6(d, h);
}

/* draft-massar-v6ops-ayiya-02 §6: identity length (4 bits, 2^n bytes) and
 * type, signature length (4 bits, 4-byte units) and hash method,
 * authentication method and opcode (1: forward), next header, epoch time;
 * then identity and signature. */
static tcpstate_status decode_ayiya(struct dec *d, size_t udp, size_t end)
{
    const struct cur *c = &d->c;
    size_t h = udp + UDP_HDR;
    tcpstate_status st = need(c, end, h, 8, TCPSTATE_SKIP_NOT_TCP);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint8_t next = cur_u8(c, h + 3);
    size_t len = 8 + ((size_t)1 << (cur_u8(c, h) >> 4)) + (size_t)(cur_u8(c, h + 1) >> 4) * 4;
    if ((cur_u8(c, h + 2) & 0x0Fu) != 1 || (next != PROTO_IPIP && next != PROTO_IPV6)) {
        return TCPSTATE_SKIP_NOT_TCP;
    }
    st = need(c, end, h, len, TCPSTATE_SKIP_NOT_TCP);
    if (st != TCPSTATE_OK) {
        return st;
    }
    st = tunnel_push(d, TCPSTATE_ENCAP_AYIYA | TCPSTATE_ENCAP_UDP, udp, end);
    if (st != TCPSTATE_OK) {
        return st;
    }
    return next == PROTO_IPIP ? tcpstate__decode_ipv4(d, h + len)
                              : tcpstate__decode_ipv6(d, h + len);
}

/*
 * 3GPP TS 29.281 §5.1: flags (version 1, PT 1 = GTP, E extension header, S
 * sequence number, PN N-PDU number), message type, length of what follows
 * the first 8 bytes, TEID; with any of E, S, PN a 4-byte block whose last
 * byte is the first extension header type; §5.2 extension headers are
 * length (4-byte units), content, next type. Only G-PDUs carry user IP.
 */
static tcpstate_status decode_gtpu(struct dec *d, size_t udp, size_t end)
{
    const struct cur *c = &d->c;
    size_t h = udp + UDP_HDR;
    tcpstate_status st = need(c, end, h, 8, TCPSTATE_SKIP_NOT_TCP);
    if (st != TCPSTATE_OK) {
        return st;
    }
    uint8_t flags = cur_u8(c, h);
    size_t len = cur_be16(c, h + 2);
    if (flags >> 5 != 1 || (flags & 0x10u) == 0 || cur_u8(c, h + 1) != GTP_GPDU ||
        len > end - (h + 8)) {
        return TCPSTATE_SKIP_NOT_TCP;
    }
    end = h + 8 + len;
    size_t p = h + 8;
    if ((flags & 0x07u) != 0) {
        st = need(c, end, p, 4, TCPSTATE_SKIP_NOT_TCP);
        if (st != TCPSTATE_OK) {
            return st;
        }
        uint8_t next = (flags & 0x04u) ? cur_u8(c, p + 3) : 0;
        p += 4;
        /* Each extension is 4 bytes at least, within a 16-bit length: bounded. */
        while (next != 0) {
            st = need(c, end, p, 1, TCPSTATE_SKIP_NOT_TCP);
            if (st != TCPSTATE_OK) {
                return st;
            }
            size_t elen = (size_t)cur_u8(c, p) * 4;
            if (elen == 0) {
                return TCPSTATE_SKIP_NOT_TCP;
            }
            st = need(c, end, p, elen, TCPSTATE_SKIP_NOT_TCP);
            if (st != TCPSTATE_OK) {
                return st;
            }
            next = cur_u8(c, p + elen - 1);
            p += elen;
        }
    }
    if (!starts_with_ip(d, p, end, 1u << 4 | 1u << 6)) {
        return cur_has(c, p, 1) || p >= end ? TCPSTATE_SKIP_NOT_TCP : TCPSTATE_E_TRUNCATED;
    }
    st = tunnel_push_id(d, TCPSTATE_ENCAP_GTPU | TCPSTATE_ENCAP_UDP, udp, end, cur_be32(c, h + 4));
    return st != TCPSTATE_OK ? st : tcpstate__decode_ip(d, p);
}

/* The tunnels a UDP port can name, in the order a port is tried against
 * them (a port given to two kinds goes to the first), each with where its
 * port sits in the options. A table rather than a chain of tests: on a
 * small target the chain costs more code than this costs data. */
struct udp_tunnel {
    uint8_t port_at; /* offsetof(tcpstate_decode_options, port_...) */
    uint8_t kind;    /* enum udp_kind */
    uint16_t encap;  /* TCPSTATE_ENCAP_... (all below 2^16) */
};
static const struct udp_tunnel udp_tunnels[] = {
    {offsetof(tcpstate_decode_options, port_vxlan), UDP_VXLAN, TCPSTATE_ENCAP_VXLAN},
    {offsetof(tcpstate_decode_options, port_geneve), UDP_GENEVE, TCPSTATE_ENCAP_GENEVE},
    {offsetof(tcpstate_decode_options, port_gre_udp), UDP_GRE, TCPSTATE_ENCAP_GRE},
    {offsetof(tcpstate_decode_options, port_teredo), UDP_TEREDO, TCPSTATE_ENCAP_TEREDO},
    {offsetof(tcpstate_decode_options, port_ayiya), UDP_AYIYA, TCPSTATE_ENCAP_AYIYA},
    {offsetof(tcpstate_decode_options, port_gtpu), UDP_GTPU, TCPSTATE_ENCAP_GTPU},
};
_Static_assert(sizeof(tcpstate_decode_options) < 256, "port offsets fit a byte");
_Static_assert(TCPSTATE_ENCAP_GTPU <= UINT16_MAX && TCPSTATE_ENCAP_VXLAN <= UINT16_MAX &&
                   TCPSTATE_ENCAP_GENEVE <= UINT16_MAX && TCPSTATE_ENCAP_GRE <= UINT16_MAX &&
                   TCPSTATE_ENCAP_TEREDO <= UINT16_MAX && TCPSTATE_ENCAP_AYIYA <= UINT16_MAX,
               "UDP tunnel kinds fit 16 bits");

static enum udp_kind udp_port_kind(const struct dec *d, uint16_t port)
{
    for (size_t i = 0; i < sizeof udp_tunnels / sizeof *udp_tunnels; i++) {
        const struct udp_tunnel *t = &udp_tunnels[i];
        uint16_t want;
        memcpy(&want, (const uint8_t *)d->opt + t->port_at, sizeof want);
        if (port == want && !tunnel_off(d, t->encap)) {
            return (enum udp_kind)t->kind;
        }
    }
    return UDP_NONE;
}

/* RFC 768: the tunnel is named by the destination port, else the source
 * port (replies come from the tunnel port). The UDP length bounds the
 * tunnel; 0 (an IPv6 jumbogram, RFC 2675 §4) leaves that to the IP length. */
static tcpstate_status decode_udp(struct dec *d, size_t off)
{
    const struct cur *c = &d->c;
    if (need(c, d->ip_end, off, UDP_HDR, TCPSTATE_SKIP_NOT_TCP) != TCPSTATE_OK) {
        return TCPSTATE_SKIP_NOT_TCP; /* not even the ports: nothing to follow */
    }
    enum udp_kind kind = udp_port_kind(d, cur_be16(c, off + 2));
    if (kind == UDP_NONE) {
        kind = udp_port_kind(d, cur_be16(c, off));
    }
    int any_port = 0;
    if (kind == UDP_NONE) {
        if (tunnel_off(d, TCPSTATE_ENCAP_TEREDO)) {
            return TCPSTATE_SKIP_NOT_TCP;
        }
        kind = UDP_TEREDO; /* Teredo by shape alone: see decode_teredo() */
        any_port = 1;
    }
    if (d->fragment) {
        return TCPSTATE_SKIP_FRAGMENT; /* the tunnelled packet continues in other fragments */
    }
    size_t ulen = cur_be16(c, off + 4);
    size_t end = d->ip_end;
    if (ulen != 0) {
        if (ulen < UDP_HDR || ulen > end - off) {
            return TCPSTATE_SKIP_NOT_TCP;
        }
        end = off + ulen;
    }
    switch (kind) {
    case UDP_VXLAN:
        return decode_vxlan(d, off, end);
    case UDP_GENEVE:
        return decode_geneve(d, off, end);
    case UDP_GRE:
        return decode_gre(d, off + UDP_HDR, end, TCPSTATE_ENCAP_UDP);
    case UDP_TEREDO:
        return decode_teredo(d, off, end, any_port);
    case UDP_AYIYA:
        return decode_ayiya(d, off, end);
    case UDP_GTPU:
        return decode_gtpu(d, off, end);
    case UDP_NONE:
        break; /* cannot happen: it became UDP_TEREDO above */
    }
    return TCPSTATE_SKIP_NOT_TCP;
}

tcpstate_status tcpstate__decode_tunnel(struct dec *d, uint8_t proto, size_t off)
{
    switch (proto) {
    case PROTO_UDP:
        return decode_udp(d, off);
    case PROTO_IPIP:
    case PROTO_IPV6:
    case PROTO_GRE:
        break;
    default:
        return TCPSTATE_SKIP_NOT_TCP;
    }
    uint32_t kind = proto == PROTO_GRE ? TCPSTATE_ENCAP_GRE : TCPSTATE_ENCAP_IPIP;
    if (tunnel_off(d, kind)) {
        return TCPSTATE_SKIP_NOT_TCP;
    }
    if (d->fragment) {
        return TCPSTATE_SKIP_FRAGMENT;
    }
    if (proto == PROTO_GRE) {
        return decode_gre(d, off, d->ip_end, 0);
    }
    tcpstate_status st = tunnel_push(d, TCPSTATE_ENCAP_IPIP, off, d->ip_end);
    if (st != TCPSTATE_OK) {
        return st;
    }
    return proto == PROTO_IPIP ? tcpstate__decode_ipv4(d, off) : tcpstate__decode_ipv6(d, off);
}

#else
tcpstate_status tcpstate__decode_tunnel(struct dec *d, uint8_t proto, size_t off)
{
    (void)d, (void)proto, (void)off;
    return TCPSTATE_SKIP_NOT_TCP; /* built without tunnels: the payload is not TCP */
}
#endif
