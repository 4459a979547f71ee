/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Frame builder (see frames.h). Writes every byte explicitly in network order;
 * lengths and checksums are computed unless the spec asks for damage.
 *
 * Conventions beyond the header:
 * - An IPv6 payload above 65535 bytes is sent as a jumbogram (RFC 2675): the
 *   Payload Length is 0 and, if ext[0] is a hop-by-hop header with body NULL,
 *   its body gets the Jumbo Payload option. With a body of its own the caller
 *   decides what the header says (for example no jumbo option at all).
 * - The TCP checksum uses the final destination of the first routing header
 *   with segments left (types 0, 2 and 4), as RFC 8200 §8.1 asks.
 * - LINKTYPE_NULL writes the family little-endian unless null_swapped.
 * - csum_fold() returns the complemented 16-bit sum: the value to store in a
 *   checksum field, and 0 over data that already holds a correct checksum.
 * - seg_make_spec() builds Ethernet when the spec's linktype is 0.
 * - ip4_len_zero only zeroes the total length field: the TCP checksum is
 *   still the correct one over the whole segment.
 */
#define _POSIX_C_SOURCE 200809L /* inet_pton */

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "guard.h"

/* ------------------------------------------------------------ byte writer */

struct wbuf {
    uint8_t *p;
    size_t cap;
    size_t len;
    int err;
};

static void put(struct wbuf *w, const void *src, size_t n)
{
    if (w->err || n > w->cap - w->len) {
        w->err = 1;
        return;
    }
    if (src != NULL) {
        memcpy(w->p + w->len, src, n);
    } else {
        memset(w->p + w->len, 0, n);
    }
    w->len += n;
}

static void put8(struct wbuf *w, unsigned v)
{
    uint8_t b = (uint8_t)v;
    put(w, &b, 1);
}

static void put16(struct wbuf *w, unsigned v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(w, b, 2);
}

static void put32(struct wbuf *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(w, b, 4);
}

static void poke16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* ------------------------------------------------------------ checksums */

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    uint64_t s = sum;
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        s += (uint32_t)p[i] << 8 | p[i + 1];
    }
    if (i < n) {
        s += (uint32_t)p[i] << 8;
    }
    while (s > 0xFFFFFFFFu) {
        s = (s & 0xFFFF) + (s >> 16);
    }
    return (uint32_t)s;
}

uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* ------------------------------------------------------------ addresses */

struct addr {
    int v6;
    uint8_t b[16];
};

static int addr_parse(const char *text, struct addr *a)
{
    memset(a, 0, sizeof *a);
    a->v6 = strchr(text, ':') != NULL;
    return inet_pton(a->v6 ? AF_INET6 : AF_INET, text, a->b) == 1 ? 0 : -1;
}

int endpoint_parse(const char *ep, char *addr, uint16_t *port)
{
    const char *colon;
    size_t n;
    if (ep[0] == '[') {
        const char *close = strchr(ep, ']');
        if (close == NULL || close[1] != ':') {
            return -1;
        }
        n = (size_t)(close - ep - 1);
        ep++;
        colon = close + 1;
    } else {
        colon = strrchr(ep, ':');
        if (colon == NULL) {
            return -1;
        }
        n = (size_t)(colon - ep);
    }
    if (n == 0 || n >= 64) {
        return -1;
    }
    memcpy(addr, ep, n);
    addr[n] = '\0';
    char *end;
    unsigned long v = strtoul(colon + 1, &end, 10);
    if (*end != '\0' || end == colon + 1 || v > 65535) {
        return -1;
    }
    *port = (uint16_t)v;
    return 0;
}

/* ------------------------------------------------------------ TCP options */

size_t tcpopt_mss(uint8_t *p, uint16_t mss)
{
    p[0] = 2;
    p[1] = 4;
    poke16(p + 2, mss);
    return 4;
}

size_t tcpopt_wscale(uint8_t *p, uint8_t shift)
{
    p[0] = 3;
    p[1] = 3;
    p[2] = shift;
    return 3;
}

size_t tcpopt_sack_perm(uint8_t *p)
{
    p[0] = 4;
    p[1] = 2;
    return 2;
}

size_t tcpopt_sack(uint8_t *p, const uint32_t *left, const uint32_t *right, unsigned n)
{
    p[0] = 5;
    p[1] = (uint8_t)(2 + 8 * n);
    for (unsigned i = 0; i < n; i++) {
        poke16(p + 2 + 8 * i, left[i] >> 16);
        poke16(p + 4 + 8 * i, left[i] & 0xFFFF);
        poke16(p + 6 + 8 * i, right[i] >> 16);
        poke16(p + 8 + 8 * i, right[i] & 0xFFFF);
    }
    return 2 + 8 * (size_t)n;
}

size_t tcpopt_timestamp(uint8_t *p, uint32_t val, uint32_t ecr)
{
    p[0] = 8;
    p[1] = 10;
    poke16(p + 2, val >> 16);
    poke16(p + 4, val & 0xFFFF);
    poke16(p + 6, ecr >> 16);
    poke16(p + 8, ecr & 0xFFFF);
    return 10;
}

size_t tcpopt_tfo(uint8_t *p, const uint8_t *cookie, uint8_t len)
{
    p[0] = 34;
    p[1] = (uint8_t)(2 + len);
    if (len > 0) {
        memcpy(p + 2, cookie, len);
    }
    return 2 + (size_t)len;
}

size_t tcpopt_nop(uint8_t *p)
{
    p[0] = 1;
    return 1;
}

/* ------------------------------------------------------------ frame builder */

static int is_link_with_types(uint32_t linktype)
{
    return linktype == TCPSTATE_LINKTYPE_ETHERNET || linktype == TCPSTATE_LINKTYPE_LINUX_SLL ||
           linktype == TCPSTATE_LINKTYPE_LINUX_SLL2;
}

static size_t ext_len(const struct fb_ext *e)
{
    if (e->type == 44) {
        return 8;
    }
    return e->len ? e->len : 8;
}

/* RFC 8200 §8.1: the pseudo-header names the final destination. */
static const uint8_t *final_destination(const struct frame_spec *s, const uint8_t *dst)
{
    for (unsigned i = 0; i < s->n_ext; i++) {
        const struct fb_ext *e = &s->ext[i];
        size_t len = ext_len(e);
        if (e->type != 43 || e->body == NULL || len < 24 || e->body[1] == 0) {
            continue;
        }
        if (e->body[0] == 0) {
            return e->body + 6 + ((len - 8) / 16 - 1) * 16;
        }
        if (e->body[0] == 2 || e->body[0] == 4) {
            return e->body + 6;
        }
        return dst;
    }
    return dst;
}

static int shims_valid(const struct frame_spec *s)
{
    if (s->n_shim > FB_MAX_SHIM) {
        return 0;
    }
    for (unsigned i = 0; i < s->n_shim; i++) {
        uint16_t t = s->shim[i].type;
        if ((t != 0x8903 && t != 0x88E7 && t != 0x8926) || s->shim[i].after_vlan > s->n_vlan) {
            return 0;
        }
    }
    return 1;
}

static int spec_valid(const struct frame_spec *s, int v6)
{
    if (s->n_vlan > FB_MAX_VLAN || s->n_mpls > FB_MAX_MPLS || s->n_ext > FB_MAX_EXT ||
        s->ip4_opts_len > 40 || s->ip4_opts_len % 4 != 0 || s->tcp_opts_len > 40 ||
        (s->n_mpls > 0 && s->pppoe) || !shims_valid(s)) {
        return 0;
    }
    if ((s->n_vlan || s->n_mpls || s->pppoe || s->snap || s->n_shim) &&
        !is_link_with_types(s->linktype)) {
        return 0;
    }
    if (v6 ? s->ip4_opts_len != 0 : s->n_ext != 0) {
        return 0;
    }
    for (unsigned i = 0; i < s->n_ext; i++) {
        size_t len = ext_len(&s->ext[i]);
        unsigned unit = s->ext[i].type == 51 ? 4 : 8;
        if (len < 8 || len % unit != 0 || len > (unit == 4 ? 257u * 4 : 256u * 8)) {
            return 0;
        }
    }
    switch (s->linktype) {
    case TCPSTATE_LINKTYPE_ETHERNET:
    case TCPSTATE_LINKTYPE_LINUX_SLL:
    case TCPSTATE_LINKTYPE_LINUX_SLL2:
    case TCPSTATE_LINKTYPE_NULL:
    case TCPSTATE_LINKTYPE_LOOP:
    case TCPSTATE_LINKTYPE_RAW:
    case TCPSTATE_LINKTYPE_DLT_RAW:
        return 1;
    case TCPSTATE_LINKTYPE_IPV4:
        return !v6;
    case TCPSTATE_LINKTYPE_IPV6:
        return v6;
    default:
        return 0;
    }
}

/* A FabricPath, PBB or VN-Tag header after its type field. */
static void put_shim(struct wbuf *w, const struct fb_shim *h)
{
    static const uint8_t inner_macs[12] = {2, 0, 0, 0, 0, 4, 2, 0, 0, 0, 0, 3};
    if (h->type == 0x8903) {
        put16(w, h->tag & 0xFFFFu);
        put(w, inner_macs, sizeof inner_macs);
    } else if (h->type == 0x88E7) {
        put32(w, h->tag);
        put(w, inner_macs, sizeof inner_macs);
    } else {
        put32(w, h->tag);
    }
}

static unsigned vlan_tpid(const struct frame_spec *s, unsigned i)
{
    return s->vlan_tpid[i] ? s->vlan_tpid[i] : 0x8100;
}

/* The first type field after the link addresses: the outermost tag's or shim's. */
static unsigned first_type(const struct frame_spec *s, unsigned inner)
{
    for (unsigned k = 0; k < s->n_shim; k++) {
        if (s->shim[k].after_vlan == 0) {
            return s->shim[k].type;
        }
    }
    return s->n_vlan ? vlan_tpid(s, 0) : inner;
}

/* VLAN tags and shims, outermost first, each introduced by its type field
 * (the link header wrote the first one when first_written); then the last
 * type field: an 802.3 length when SNAP follows. */
static void put_link_types(struct wbuf *w, const struct frame_spec *s, unsigned inner,
                           size_t after_tags, int first_written)
{
    unsigned tail = s->snap ? (unsigned)after_tags : inner;
    int pending = !first_written; /* the next header still has to write its type */
    for (unsigned i = 0; i <= s->n_vlan; i++) {
        for (unsigned k = 0; k < s->n_shim; k++) {
            if (s->shim[k].after_vlan == i) {
                if (pending) {
                    put16(w, s->shim[k].type);
                }
                pending = 1;
                put_shim(w, &s->shim[k]);
            }
        }
        if (i < s->n_vlan) {
            if (pending) {
                put16(w, vlan_tpid(s, i));
            }
            pending = 1;
            put16(w, s->vlan[i] & 0x0FFF);
        }
    }
    if (pending) {
        put16(w, tail);
    }
    if (s->snap) {
        static const uint8_t llc[6] = {0xAA, 0xAA, 0x03, 0, 0, 0};
        put(w, llc, sizeof llc);
        put16(w, inner);
    }
}

static void put_link(struct wbuf *w, const struct frame_spec *s, int v6, size_t ip_total)
{
    static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    static const uint8_t sll_addr[8] = {2, 0, 0, 0, 0, 1, 0, 0};
    unsigned inner = s->n_mpls ? 0x8847 : s->pppoe ? 0x8864 : v6 ? 0x86DD : 0x0800;
    size_t encap = 4 * (size_t)s->n_mpls + (s->pppoe ? 8 : 0);
    size_t after_tags = 8 + encap + ip_total; /* 802.3 length: LLC/SNAP and what follows */
    unsigned first = first_type(s, s->snap ? 0x0004 /* Linux SLL_P_802_2 */ : inner);
    uint32_t af = s->null_family ? s->null_family : v6 ? 24 : 2;

    switch (s->linktype) {
    case TCPSTATE_LINKTYPE_ETHERNET:
        put(w, macs, sizeof macs);
        put_link_types(w, s, inner, after_tags, 0);
        break;
    case TCPSTATE_LINKTYPE_LINUX_SLL:
        put16(w, 0); /* packet type: to us */
        put16(w, 1); /* ARPHRD_ETHER */
        put16(w, 6); /* address length */
        put(w, sll_addr, sizeof sll_addr);
        put16(w, first);
        put_link_types(w, s, inner, after_tags, 1);
        break;
    case TCPSTATE_LINKTYPE_LINUX_SLL2:
        put16(w, first);
        put16(w, 0); /* reserved */
        put32(w, 1); /* interface index */
        put16(w, 1); /* ARPHRD_ETHER */
        put8(w, 0);  /* packet type */
        put8(w, 6);  /* address length */
        put(w, sll_addr, sizeof sll_addr);
        put_link_types(w, s, inner, after_tags, 1);
        break;
    case TCPSTATE_LINKTYPE_NULL:
        if (s->null_swapped) {
            put32(w, af);
        } else {
            uint8_t le[4] = {(uint8_t)af, (uint8_t)(af >> 8), (uint8_t)(af >> 16),
                             (uint8_t)(af >> 24)};
            put(w, le, 4);
        }
        break;
    case TCPSTATE_LINKTYPE_LOOP:
        put32(w, af);
        break;
    default: /* raw IP */
        break;
    }
    for (unsigned i = 0; i < s->n_mpls; i++) {
        put32(w, (s->mpls[i] & 0xFFFFFu) << 12 | (i + 1 == s->n_mpls ? 0x100u : 0) | 64);
    }
    if (s->pppoe) {
        put8(w, 0x11);
        put8(w, 0);
        put16(w, s->pppoe_session);
        put16(w, (unsigned)(2 + ip_total));
        put16(w, v6 ? 0x0057 : 0x0021);
    }
}

static void put_ipv4(struct wbuf *w, const struct frame_spec *s, const struct addr *src,
                     const struct addr *dst, size_t total, uint8_t proto)
{
    size_t start = w->len;
    size_t hlen = 20 + s->ip4_opts_len;
    unsigned frag =
        s->fragment ? (s->more_fragments ? 0x2000u : 0) | (s->frag_offset & 0x1FFFu) : 0;
    put8(w, 0x40 | (unsigned)(hlen / 4));
    put8(w, 0);
    put16(w, s->ip4_len_zero ? 0 : (unsigned)total);
    put16(w, s->ip_id);
    put16(w, frag);
    put8(w, s->ttl ? s->ttl : 64);
    put8(w, proto);
    put16(w, 0);
    put(w, src->b, 4);
    put(w, dst->b, 4);
    put(w, s->ip4_opts, s->ip4_opts_len);
    if (!w->err) {
        unsigned c = csum_fold(csum_add(0, w->p + start, hlen));
        poke16(w->p + start + 10, s->bad_ip_csum ? c ^ 0x5555u : c);
    }
}

static void put_ipv6(struct wbuf *w, const struct frame_spec *s, const struct addr *src,
                     const struct addr *dst, size_t plen, uint8_t proto)
{
    uint8_t first_nh = s->n_ext ? s->ext[0].type : s->fragment ? 44 : proto;
    put32(w, 0x60000000u);
    put16(w, plen > 0xFFFF ? 0 : (unsigned)plen);
    put8(w, first_nh);
    put8(w, s->ttl ? s->ttl : 64);
    put(w, src->b, 16);
    put(w, dst->b, 16);
    for (unsigned i = 0; i < s->n_ext; i++) {
        const struct fb_ext *e = &s->ext[i];
        size_t len = ext_len(e);
        uint8_t next = i + 1 < s->n_ext ? s->ext[i + 1].type : s->fragment ? 44 : proto;
        put8(w, next);
        put8(w, e->type == 44   ? 0
                : e->type == 51 ? (unsigned)(len / 4 - 2)
                                : (unsigned)(len / 8 - 1));
        size_t body_at = w->len;
        put(w, e->body, len - 2);
        if (i == 0 && e->type == 0 && e->body == NULL && plen > 0xFFFF && !w->err) {
            uint8_t *b = w->p + body_at;
            b[0] = 0xC2; /* RFC 2675 Jumbo Payload */
            b[1] = 4;
            poke16(b + 2, (unsigned)(plen >> 16));
            poke16(b + 4, (unsigned)(plen & 0xFFFF));
        }
    }
    if (s->fragment) {
        put8(w, proto);
        put8(w, 0);
        put16(w, (unsigned)(s->frag_offset << 3) | (s->more_fragments ? 1u : 0));
        put32(w, 0x1234u + s->ip_id);
    }
}

static void put_tcp(struct wbuf *w, const struct frame_spec *s, const uint8_t *src,
                    const uint8_t *dst, size_t alen, uint8_t proto)
{
    size_t start = w->len;
    size_t opt_pad = (s->tcp_opts_len + 3) / 4 * 4;
    size_t hlen = 20 + opt_pad;
    put16(w, s->sport);
    put16(w, s->dport);
    put32(w, s->seq);
    put32(w, s->ack);
    put8(w, (unsigned)(hlen / 4) << 4 | ((s->flags >> 8) & 1u));
    put8(w, s->flags & 0xFFu);
    put16(w, s->window_zero ? 0 : s->window ? s->window : 65535);
    put16(w, 0);
    put16(w, s->urgent);
    put(w, s->tcp_opts, s->tcp_opts_len);
    put(w, NULL, opt_pad - s->tcp_opts_len); /* EOL */
    size_t pay = w->len;
    put(w, s->payload, s->payload_len);
    if (w->err) {
        return;
    }
    if (s->payload == NULL) {
        for (size_t i = 0; i < s->payload_len; i++) {
            w->p[pay + i] = (uint8_t)('a' + i % 26);
        }
    }
    size_t seg = w->len - start;
    uint8_t ph[8] = {(uint8_t)(seg >> 24),
                     (uint8_t)(seg >> 16),
                     (uint8_t)(seg >> 8),
                     (uint8_t)seg,
                     0,
                     0,
                     0,
                     proto};
    uint32_t sum = csum_add(0, src, alen);
    sum = csum_add(sum, dst, alen);
    sum = csum_add(sum, ph, sizeof ph);
    sum = csum_add(sum, w->p + start, seg);
    unsigned c = csum_fold(sum);
    if (s->zero_tcp_csum) {
        c = 0;
    } else if (s->bad_tcp_csum) {
        c ^= 0x5555u;
    }
    poke16(w->p + start + 16, c);
}

size_t frame_build(const struct frame_spec *spec, uint8_t *out, size_t cap,
                   struct frame_layout *lay)
{
    struct addr src, dst;
    if (addr_parse(spec->src ? spec->src : "10.0.0.1", &src) != 0 ||
        addr_parse(spec->dst ? spec->dst : "10.0.0.2", &dst) != 0 || src.v6 != dst.v6 ||
        !spec_valid(spec, src.v6)) {
        return 0;
    }
    int v6 = src.v6;
    uint8_t proto = spec->ip_proto ? spec->ip_proto : 6;
    size_t tcp_len = 20 + (spec->tcp_opts_len + 3) / 4 * 4 + spec->payload_len;
    size_t ext_total = spec->fragment && v6 ? 8 : 0;
    for (unsigned i = 0; i < spec->n_ext; i++) {
        ext_total += ext_len(&spec->ext[i]);
    }
    size_t ip_hlen = v6 ? 40 + ext_total : 20 + spec->ip4_opts_len;
    size_t ip_total = ip_hlen + tcp_len;
    if (!v6 && ip_total > 0xFFFF) {
        return 0;
    }

    struct wbuf w = {out, cap, 0, 0};
    put_link(&w, spec, v6, ip_total);
    size_t l3 = w.len;
    if (v6) {
        put_ipv6(&w, spec, &src, &dst, ip_total - 40, proto);
    } else {
        put_ipv4(&w, spec, &src, &dst, ip_total, proto);
    }
    size_t l4 = w.len;
    put_tcp(&w, spec, src.b, v6 ? final_destination(spec, dst.b) : dst.b, v6 ? 16 : 4, proto);
    put(&w, NULL, spec->trailer);
    if (w.err) {
        return 0;
    }
    if (lay != NULL) {
        lay->len = w.len;
        lay->l3 = l3;
        lay->l4 = l4;
        lay->payload = l4 + tcp_len - spec->payload_len;
    }
    return w.len;
}

/* ------------------------------------------------------------ outer layers */

size_t frame_wrap(const struct fb_wrap *wr, const uint8_t *inner, size_t inner_len, uint8_t *out,
                  size_t cap, size_t *inner_off, size_t *udp_off)
{
    static const uint8_t src4[4] = {192, 0, 2, 1}, dst4[4] = {192, 0, 2, 2};
    static const uint8_t src6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t dst6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    struct wbuf w = {out, cap, 0, 0};
    size_t udp_len = wr->proto == 17 ? 8 : 0;
    size_t payload = udp_len + wr->tun_len + inner_len;
    put(&w, wr->link, wr->link_len);
    size_t l3 = w.len;
    if (wr->proto != 0 && !wr->outer_v6) {
        if (payload + 20 > 0xFFFF) {
            return 0;
        }
        put8(&w, 0x45);
        put8(&w, 0);
        put16(&w, (unsigned)(payload + 20));
        put16(&w, 0x4242);
        put16(&w, 0);
        put8(&w, 64);
        put8(&w, wr->proto);
        put16(&w, 0);
        put(&w, src4, 4);
        put(&w, dst4, 4);
        if (!w.err) {
            poke16(w.p + l3 + 10, csum_fold(csum_add(0, w.p + l3, 20)));
        }
    } else if (wr->proto != 0) {
        put32(&w, 0x60000000u);
        put16(&w, (unsigned)payload);
        put8(&w, wr->proto);
        put8(&w, 64);
        put(&w, src6, 16);
        put(&w, dst6, 16);
    }
    if (udp_off != NULL) {
        *udp_off = udp_len ? w.len : 0;
    }
    if (udp_len) {
        put16(&w, wr->sport);
        put16(&w, wr->dport);
        put16(&w, (unsigned)payload);
        put16(&w, 0);
    }
    put(&w, wr->tun, wr->tun_len);
    if (inner_off != NULL) {
        *inner_off = w.len;
    }
    put(&w, inner, inner_len);
    return w.err ? 0 : w.len;
}

/* ------------------------------------------------------------ segments */

struct seg seg_make_spec(const char *from, const char *to, struct frame_spec spec)
{
    struct seg s;
    char a[64], b[64];
    memset(&s, 0, sizeof s);
    if (endpoint_parse(from, a, &spec.sport) != 0 || endpoint_parse(to, b, &spec.dport) != 0) {
        return s;
    }
    spec.src = a;
    spec.dst = b;
    if (spec.linktype == 0) {
        spec.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    }
    s.len = frame_build(&spec, s.bytes, sizeof s.bytes, NULL);
    return s;
}

struct seg seg_make(const char *from, const char *to, uint16_t flags, uint32_t seq, uint32_t ack,
                    size_t payload_len)
{
    struct frame_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    spec.flags = flags;
    spec.seq = seq;
    spec.ack = ack;
    spec.payload_len = payload_len;
    return seg_make_spec(from, to, spec);
}

/* ------------------------------------------------------------ guarded decode */

tcpstate_status frame_decode(struct guard *g, uint32_t linktype, const uint8_t *frame,
                             size_t caplen, size_t wirelen, uint32_t flags, tcpstate_packet *pkt)
{
    const uint8_t *copy = guard_copy(g, frame, caplen);
    if (copy == NULL) {
        fprintf(stderr, "frame_decode: guard_copy(%zu bytes) failed\n", caplen);
        abort();
    }
    return tcpstate_decode(linktype, copy, caplen, wirelen, flags, pkt);
}

/* ------------------------------------------------------------ pcap writer */

static int pcap_put(struct pcap_writer *w, const void *p, size_t n)
{
    return fwrite(p, 1, n, (FILE *)w->fp) == n ? 0 : -1;
}

int pcap_open_write(struct pcap_writer *w, const char *path, uint32_t linktype, uint32_t snaplen,
                    int nanos)
{
    /* Classic pcap in host byte order; readers detect it from the magic. */
    struct {
        uint32_t magic;
        uint16_t major, minor;
        int32_t thiszone;
        uint32_t sigfigs, snaplen, linktype;
    } hdr = {nanos ? 0xA1B23C4Du : 0xA1B2C3D4u, 2, 4, 0, 0, snaplen, linktype};
    w->nanos = nanos;
    w->fp = fopen(path, "wb");
    if (w->fp == NULL) {
        return -1;
    }
    if (pcap_put(w, &hdr, sizeof hdr) != 0) {
        fclose((FILE *)w->fp);
        w->fp = NULL;
        return -1;
    }
    return 0;
}

int pcap_write(struct pcap_writer *w, uint64_t ts_ns, const uint8_t *frame, size_t caplen,
               size_t wirelen)
{
    if (w->fp == NULL || caplen > UINT32_MAX) {
        return -1;
    }
    uint32_t rec[4] = {(uint32_t)(ts_ns / 1000000000u),
                       (uint32_t)(w->nanos ? ts_ns % 1000000000u : ts_ns % 1000000000u / 1000u),
                       (uint32_t)caplen, (uint32_t)(wirelen < caplen ? caplen : wirelen)};
    return pcap_put(w, rec, sizeof rec) == 0 && pcap_put(w, frame, caplen) == 0 ? 0 : -1;
}

int pcap_close_write(struct pcap_writer *w)
{
    if (w->fp == NULL) {
        return -1;
    }
    int rc = fclose((FILE *)w->fp);
    w->fp = NULL;
    return rc == 0 ? 0 : -1;
}
