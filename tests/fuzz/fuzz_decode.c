/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for tcpstate_decode() and tcpstate_decode_ex(). Stateless.
 *
 * Input: data[0] and data[1] are selectors, the rest is the frame.
 *   data[0]         link type: index into fuzz_linktypes (modulo its size);
 *                   the last entry is one tcpstate does not support
 *   data[1] bits 0-2  wire length: 0 = caplen, else caplen + 8^mode (so
 *                   truncation paths are reached as well as malformation paths)
 *   data[1] bit 6   tcpstate_decode_ex() with other options (VXLAN on 8472,
 *                   Teredo off) instead of tcpstate_decode()
 *   data[1] bit 7   TCPSTATE_DECODE_VERIFY_CHECKSUMS
 * The view is checked against the header's promises; any breach traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tcpstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t fuzz_linktypes[] = {
    TCPSTATE_LINKTYPE_ETHERNET,  TCPSTATE_LINKTYPE_RAW,
    TCPSTATE_LINKTYPE_IPV4,      TCPSTATE_LINKTYPE_IPV6,
    TCPSTATE_LINKTYPE_LINUX_SLL, TCPSTATE_LINKTYPE_LINUX_SLL2,
    TCPSTATE_LINKTYPE_NULL,      TCPSTATE_LINKTYPE_LOOP,
    TCPSTATE_LINKTYPE_DLT_RAW,
    /* issue 8 */
    TCPSTATE_LINKTYPE_ARCNET_BSD, TCPSTATE_LINKTYPE_PPP, TCPSTATE_LINKTYPE_FDDI,
    TCPSTATE_LINKTYPE_PPP_HDLC, TCPSTATE_LINKTYPE_C_HDLC, TCPSTATE_LINKTYPE_IEEE802_11,
    TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP, TCPSTATE_LINKTYPE_ARCNET_LINUX,
    TCPSTATE_LINKTYPE_JUNIPER_ETHER, TCPSTATE_LINKTYPE_PPP_WITH_DIR, TCPSTATE_LINKTYPE_IPOIB,
    147 /* LINKTYPE_USER0 */
};
#define N_LINKTYPES (sizeof fuzz_linktypes / sizeof *fuzz_linktypes)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

/* [off, off + n) lies within the n_total bytes at base. */
static int within(size_t off, size_t n, size_t n_total)
{
    return off <= n_total && n_total - off >= n;
}

static int ptr_within(const uint8_t *p, size_t n, const uint8_t *base, size_t n_total)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;
    return a >= b && within((size_t)(a - b), n, n_total);
}

static void check_view(const tcpstate_packet *p, const uint8_t *frame, size_t caplen,
                       uint32_t flags, tcpstate_status st)
{
    size_t alen = p->ip_version == 4 ? 4 : 16;
    CHECK(p->ip_version == 4 || p->ip_version == 6);
    CHECK(within(p->l3_offset, p->ip_version == 4 ? 20 : 40, caplen));
    CHECK(p->l4_offset >= p->l3_offset + (p->ip_version == 4 ? 20u : 40u));
    CHECK(within(p->l4_offset, 20, caplen));
    CHECK(p->tcp_hlen >= 20 && p->tcp_hlen <= 60 && p->tcp_hlen % 4 == 0);
    if ((p->flags & TCPSTATE_PKT_OPTS_TRUNCATED) != 0) {
        CHECK(p->l4_offset + p->tcp_hlen > caplen);
        CHECK(p->payload_offset == caplen && p->payload_caplen == 0);
    } else {
        CHECK(within(p->l4_offset, p->tcp_hlen, caplen));
        CHECK(p->payload_offset == p->l4_offset + p->tcp_hlen);
    }
    CHECK(within(p->payload_offset, p->payload_caplen, caplen));
    CHECK(p->payload_caplen <= p->payload_len);
    CHECK(((p->flags & TCPSTATE_PKT_PAYLOAD_TRUNCATED) != 0) ==
          (p->payload_caplen < p->payload_len));
    /* The IP length counts bytes on the wire: it bounds the TCP segment. */
    CHECK((uint64_t)p->l3_offset + p->ip_len <= p->wirelen);
    CHECK((uint64_t)p->l4_offset + p->tcp_hlen + p->payload_len ==
          (uint64_t)p->l3_offset + p->ip_len);
    CHECK(ptr_within(p->src, alen, frame, caplen));
    CHECK(ptr_within(p->dst, alen, frame, caplen));
    CHECK(p->src < frame + p->l4_offset && p->dst < frame + p->l4_offset);
    /* A zero IP length, taken from the wire (or the outer packet's end), only
     * without verification. */
    if ((p->flags & TCPSTATE_PKT_LEN_FROM_WIRE) != 0) {
        size_t len_at = p->l3_offset + (p->ip_version == 4 ? 2u : 4u);
        CHECK((flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS) == 0);
        CHECK(p->tunnel_count != 0 || (uint64_t)p->l3_offset + p->ip_len == p->wirelen);
        CHECK(frame[len_at] == 0 && frame[len_at + 1] == 0);
    } else if (p->ip_version == 4) {
        CHECK(p->ip_len == (uint32_t)(frame[p->l3_offset + 2] << 8 | frame[p->l3_offset + 3]));
    }
    if (p->tfo_cookie != NULL) {
        CHECK(p->tfo_len >= 4 && p->tfo_len <= 16);
        CHECK(ptr_within(p->tfo_cookie, p->tfo_len, frame, caplen));
        CHECK((p->opts & TCPSTATE_OPT_TFO) != 0);
    } else {
        CHECK(p->tfo_len == 0);
    }
    CHECK((p->encap & ~0x7Fu) == 0); /* TCPSTATE_ENCAP_VLAN ... TCPSTATE_ENCAP_VNTAG */
    CHECK((p->encap_all & 0xFFu) == p->encap);
    CHECK(p->tunnel_count <= TCPSTATE_MAX_TUNNEL);
    CHECK((p->zone_encap & (p->zone_encap - 1)) == 0); /* one bit or none */
    CHECK(p->zone_encap == 0 || (p->encap_all & p->zone_encap) != 0);
    for (unsigned i = 0; i < p->tunnel_count; i++) {
        const tcpstate_tunnel *t = &p->tunnel[i];
        size_t tlen = t->ip_version == 4 ? 4 : 16;
        CHECK(t->ip_version == 4 || t->ip_version == 6);
        CHECK((t->encap & TCPSTATE_ENCAP_TUNNELS) != 0 && (p->encap_all & t->encap) == t->encap);
        CHECK(ptr_within(t->src, tlen, frame, caplen) && ptr_within(t->dst, tlen, frame, caplen));
        CHECK(t->l3_offset < t->l4_offset && t->l4_offset <= p->l3_offset);
        CHECK(i == 0 || p->tunnel[i - 1].l4_offset <= t->l3_offset);
        CHECK(t->has_id <= 1 && t->reserved == 0);
    }
    CHECK(p->vlan_count <= TCPSTATE_MAX_VLAN);
    CHECK(p->mpls_count <= TCPSTATE_MAX_MPLS);
    CHECK(p->sack_count <= TCPSTATE_MAX_SACK);
    CHECK((p->sack_count != 0) <= ((p->opts & TCPSTATE_OPT_SACK) != 0));
    CHECK(p->tcp_flags <= 0x1FF);
    CHECK(p->reserved0 == 0 && p->reserved1 == 0);
    CHECK(p->ip_csum <= TCPSTATE_CSUM_UNVERIFIABLE && p->tcp_csum <= TCPSTATE_CSUM_UNVERIFIABLE);
    if ((flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS) == 0) {
        CHECK(p->ip_csum == TCPSTATE_CSUM_UNCHECKED && p->tcp_csum == TCPSTATE_CSUM_UNCHECKED);
        CHECK(st == TCPSTATE_OK);
    } else {
        CHECK(p->tcp_csum != TCPSTATE_CSUM_UNCHECKED);
        /* An outer IPv4 header's bad checksum shows on a tunnelled IPv6 packet. */
        CHECK((p->ip_csum != TCPSTATE_CSUM_UNCHECKED) == (p->ip_version == 4) ||
              (p->tunnel_count != 0 && p->ip_csum == TCPSTATE_CSUM_BAD));
        CHECK((st == TCPSTATE_E_BAD_IPV4_CHECKSUM) == (p->ip_csum == TCPSTATE_CSUM_BAD));
        CHECK((st == TCPSTATE_E_BAD_TCP_CHECKSUM) ==
              (p->tcp_csum == TCPSTATE_CSUM_BAD && p->ip_csum != TCPSTATE_CSUM_BAD));
        if ((p->flags & (TCPSTATE_PKT_FRAGMENT | TCPSTATE_PKT_OPTS_TRUNCATED |
                         TCPSTATE_PKT_PAYLOAD_TRUNCATED)) != 0) {
            CHECK(p->tcp_csum == TCPSTATE_CSUM_UNVERIFIABLE);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    uint32_t linktype = fuzz_linktypes[data[0] % N_LINKTYPES];
    unsigned wire_mode = data[1] & 7u;
    uint32_t flags = (data[1] & 0x80u) != 0 ? TCPSTATE_DECODE_VERIFY_CHECKSUMS : 0;
    const uint8_t *frame = data + 2;
    size_t caplen = size - 2;
    size_t wirelen = wire_mode == 0 ? caplen : caplen + ((size_t)1 << (3 * wire_mode));
    tcpstate_decode_options opt;
    memset(&opt, 0, sizeof opt);
    opt.flags = flags;
    if ((data[1] & 0x40u) != 0) {
        opt.port_vxlan = 8472;
        opt.no_tunnels = TCPSTATE_ENCAP_TEREDO;
    }

    tcpstate_packet pkt, again;
    tcpstate_status st = tcpstate_decode_ex(linktype, frame, caplen, wirelen, &opt, &pkt);
    CHECK(st >= TCPSTATE_STATUS_MIN && st <= TCPSTATE_STATUS_MAX);
    CHECK(st >= TCPSTATE_E_BAD_TCP_CHECKSUM || st == TCPSTATE_E_TUNNEL_DEPTH); /* no engine-only
                                                                                    status */
    CHECK(st != TCPSTATE_E_INVAL);
    CHECK(pkt.frame == frame && pkt.caplen == caplen && pkt.wirelen == wirelen);
    CHECK(pkt.linktype == linktype);
    /* 147 (USER0) never; the others unless the build left them out
     * (TCPSTATE_NO_LINK_TYPES). */
    CHECK((st == TCPSTATE_E_LINKTYPE) == !tcpstate_linktype_supported(linktype));
    CHECK(linktype != 147 || st == TCPSTATE_E_LINKTYPE);
    if (st == TCPSTATE_OK || st == TCPSTATE_E_BAD_IPV4_CHECKSUM ||
        st == TCPSTATE_E_BAD_TCP_CHECKSUM) {
        check_view(&pkt, frame, caplen, flags, st);
    }
    if (wire_mode == 0) {
        /* A frame whole on the wire is never "truncated". */
        CHECK(st != TCPSTATE_E_TRUNCATED);
        CHECK((pkt.flags & (TCPSTATE_PKT_OPTS_TRUNCATED | TCPSTATE_PKT_PAYLOAD_TRUNCATED)) == 0);
    }
    /* Pure function: the same input gives the same view. */
    CHECK(tcpstate_decode_ex(linktype, frame, caplen, wirelen, &opt, &again) == st);
    CHECK(memcmp(&pkt, &again, sizeof pkt) == 0);
    return 0;
}
