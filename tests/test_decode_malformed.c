/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpstate_decode() on every prefix of valid frames of several shapes. Each
 * cut is decoded twice: as a snap length (caplen = cut, the wire had the
 * whole frame), which must give TCPSTATE_E_TRUNCATED or OK with truncation
 * flags, and as a short frame (caplen = wirelen = cut), which must give the
 * malformation status of the layer the cut falls in. Each prefix sits
 * against a guard page, so any read past it faults.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <string.h>

#include "support/frames.h"
#include "support/guard.h"
#include "support/options.h"
#include "tcpstate.h"

#define assert_status(got, want)                                                                   \
    cr_assert(eq(str, (char *)tcpstate_status_name(got), (char *)tcpstate_status_name(want)),      \
              "%s cut at %zu of %zu (wire %zu)", shape_name, cut, n, wire)

static uint8_t buf[FB_MAX_FRAME];
static struct frame_layout lay;
static struct guard guard;
static tcpstate_packet pkt, whole;
static uint8_t tcp_opts[40];

static struct frame_spec base(uint32_t linktype, int v6)
{
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = linktype;
    if (v6) {
        s.src = "2001:db8::a";
        s.dst = "2001:db8::b";
    }
    s.sport = 443;
    s.dport = 50000;
    s.seq = 100;
    s.ack = 200;
    s.flags = TCPSTATE_TH_ACK | TCPSTATE_TH_PSH;
    s.payload_len = 9;
    return s;
}

static size_t linux_syn_options(void)
{
    size_t n = tcpopt_mss(tcp_opts, 1460);
    n += tcpopt_sack_perm(tcp_opts + n);
    n += tcpopt_timestamp(tcp_opts + n, 5, 6);
    n += tcpopt_nop(tcp_opts + n);
    n += tcpopt_wscale(tcp_opts + n, 7);
    return n;
}

/* Where the cut falls decides the status. `pppoe_at` is the PPPoE header's
 * offset (0: none); `mpls_end` the end of an MPLS stack (0: none). */
struct shape_info {
    size_t pppoe_at;
    size_t mpls_end;
};

static const char *shape_name;

static void sweep(const struct frame_spec *s, struct shape_info info)
{
    size_t n = frame_build(s, buf, sizeof buf, &lay);
    cr_assert(ge(sz, n, 1), "frame_build failed for %s", shape_name);
    size_t ip_end = lay.payload + s->payload_len;
    size_t hlen = lay.payload - lay.l4;
    uint32_t v = TCPSTATE_DECODE_VERIFY_CHECKSUMS;
    size_t cut = n, wire = n;

    assert_status(frame_decode(&guard, s->linktype, buf, n, n, v, &whole), TCPSTATE_OK);
    cr_assert(eq(u8, whole.tcp_csum, TCPSTATE_CSUM_GOOD));
    guard_free(&guard);

    for (cut = 0; cut <= n; cut++) {
        /* The snap length cut it; the frame on the wire was whole. */
        wire = n;
        tcpstate_status st = frame_decode(&guard, s->linktype, buf, cut, wire, v, &pkt);
        if (cut < lay.l4 + 20) {
            assert_status(st, TCPSTATE_E_TRUNCATED);
        } else {
            assert_status(st, TCPSTATE_OK);
            uint8_t flags = 0;
            if (cut < lay.payload) {
                flags |= TCPSTATE_PKT_OPTS_TRUNCATED;
            }
            if (cut < ip_end && s->payload_len > 0) {
                flags |= TCPSTATE_PKT_PAYLOAD_TRUNCATED;
            }
            cr_assert(eq(u8, pkt.flags, flags), "%s cut at %zu", shape_name, cut);
            cr_assert(eq(u32, pkt.payload_len, whole.payload_len));
            cr_assert(
                eq(u32, pkt.payload_offset, (uint32_t)(cut < lay.payload ? cut : lay.payload)));
            cr_assert(eq(u32, pkt.payload_caplen,
                         (uint32_t)(cut <= lay.payload ? 0
                                    : cut < ip_end     ? cut - lay.payload
                                                       : s->payload_len)));
            cr_assert(eq(u8, pkt.tcp_hlen, (uint8_t)hlen));
            cr_assert(eq(u32, pkt.seq, whole.seq));
            cr_assert(eq(u16, pkt.dport, whole.dport));
            cr_assert(eq(u8, pkt.vlan_count, whole.vlan_count));
            cr_assert(eq(u8, pkt.ip_csum, whole.ip_csum));
            cr_assert(eq(u8, pkt.tcp_csum,
                         cut < ip_end ? TCPSTATE_CSUM_UNVERIFIABLE : TCPSTATE_CSUM_GOOD));
            if (cut >= lay.payload) {
                cr_assert(eq(u8, pkt.opts, whole.opts));
            }
        }
        guard_free(&guard);

        /* The frame itself is that short. */
        wire = cut;
        st = frame_decode(&guard, s->linktype, buf, cut, wire, v, &pkt);
        if (cut >= ip_end) {
            assert_status(st, TCPSTATE_OK);
            cr_assert(eq(u8, pkt.flags, 0));
        } else if (info.pppoe_at != 0 && cut >= info.pppoe_at) {
            assert_status(st, TCPSTATE_E_BAD_PPPOE);
        } else if (cut < lay.l3 || (info.mpls_end != 0 && cut == info.mpls_end)) {
            assert_status(st, TCPSTATE_E_BAD_LINK);
        } else {
            assert_status(st, TCPSTATE_E_BAD_IP_LENGTH);
        }
        guard_free(&guard);
    }
}

Test(decode_truncation, plain_ipv4_with_options_and_padding)
{
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.tcp_opts = tcp_opts;
    s.tcp_opts_len = linux_syn_options();
    s.trailer = 4;
    shape_name = "plain IPv4";
    sweep(&s, (struct shape_info){0, 0});
}

Test(decode_truncation, ipv4_options_and_a_raw_link)
{
    static const uint8_t ip_opts[12] = {0x94, 4, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0};
    struct frame_spec s = base(TCPSTATE_LINKTYPE_RAW, 0);
    s.ip4_opts = ip_opts;
    s.ip4_opts_len = sizeof ip_opts;
    s.tcp_opts = tcp_opts;
    s.tcp_opts_len = tcpopt_mss(tcp_opts, 536);
    shape_name = "raw IPv4 with options";
    sweep(&s, (struct shape_info){0, 0});
}

Test(decode_truncation, ipv6_with_extension_headers)
{
    NEEDS_IPV6();
    static uint8_t rh2[22] = {2, 1};
    rh2[6] = 0x20;
    rh2[21] = 0x42;
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.n_ext = 3;
    s.ext[0] = (struct fb_ext){0, 8, NULL};
    s.ext[1] = (struct fb_ext){60, 16, NULL};
    s.ext[2] = (struct fb_ext){43, 24, rh2};
    s.fragment = 1; /* atomic: offset 0, no M */
    size_t n = tcpopt_nop(tcp_opts);
    n += tcpopt_nop(tcp_opts + n);
    n += tcpopt_timestamp(tcp_opts + n, 1, 2);
    s.tcp_opts = tcp_opts;
    s.tcp_opts_len = n;
    shape_name = "IPv6 with extension headers";
    sweep(&s, (struct shape_info){0, 0});
}

Test(decode_truncation, vlan_and_mpls)
{
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.n_vlan = 2;
    s.vlan_tpid[0] = 0x88A8;
    s.vlan[0] = 5;
    s.vlan[1] = 6;
    s.n_mpls = 2;
    s.tcp_opts = tcp_opts;
    s.tcp_opts_len = linux_syn_options();
    shape_name = "VLAN + MPLS";
    sweep(&s, (struct shape_info){0, 14 + 8 + 8});
}

Test(decode_truncation, fabricpath_with_an_inner_vlan_tag)
{
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.n_shim = 1;
    s.shim[0] = (struct fb_shim){0x8903, 0, 0x0102};
    s.n_vlan = 1;
    s.vlan[0] = 77;
    s.tcp_opts = tcp_opts;
    s.tcp_opts_len = linux_syn_options();
    shape_name = "FabricPath + VLAN";
    sweep(&s, (struct shape_info){0, 0});
}

Test(decode_truncation, pbb_between_two_vlan_tags)
{
    NEEDS_IPV6();
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.n_vlan = 2;
    s.vlan[0] = 4051;
    s.vlan[1] = 4020;
    s.n_shim = 1;
    s.shim[0] = (struct fb_shim){0x88E7, 1, 0x001EBB44};
    shape_name = "VLAN + PBB + VLAN";
    sweep(&s, (struct shape_info){0, 0});
}

Test(decode_truncation, vntag_and_fabricpath_with_mpls)
{
    struct frame_spec s = base(TCPSTATE_LINKTYPE_LINUX_SLL2, 0);
    s.n_shim = 2;
    s.shim[0] = (struct fb_shim){0x8926, 0, 0x33};
    s.shim[1] = (struct fb_shim){0x8903, 0, 0};
    s.n_mpls = 1;
    shape_name = "SLL2 + VN-Tag + FabricPath + MPLS";
    sweep(&s, (struct shape_info){0, 20 + 6 + 16 + 4});
}

Test(decode_truncation, pppoe_with_padding)
{
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.n_vlan = 1;
    s.pppoe = 1;
    s.pppoe_session = 3;
    s.payload_len = 0;
    s.trailer = 8;
    s.tcp_opts = tcp_opts;
    s.tcp_opts_len = tcpopt_mss(tcp_opts, 1452);
    shape_name = "PPPoE";
    sweep(&s, (struct shape_info){14 + 4, 0});
}

Test(decode_truncation, pppoe_ipv6)
{
    NEEDS_IPV6();
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.pppoe = 1;
    shape_name = "PPPoE IPv6";
    sweep(&s, (struct shape_info){14, 0});
}

Test(decode_truncation, linux_sll2)
{
    NEEDS_IPV6();
    struct frame_spec s = base(TCPSTATE_LINKTYPE_LINUX_SLL2, 1);
    s.tcp_opts = tcp_opts;
    s.tcp_opts_len = linux_syn_options();
    shape_name = "SLL2 IPv6";
    sweep(&s, (struct shape_info){0, 0});
}

Test(decode_truncation, linux_sll_with_a_vlan_tag)
{
    struct frame_spec s = base(TCPSTATE_LINKTYPE_LINUX_SLL, 0);
    s.n_vlan = 1;
    shape_name = "SLL + VLAN";
    sweep(&s, (struct shape_info){0, 0});
}

Test(decode_truncation, llc_snap)
{
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.snap = 1;
    shape_name = "LLC/SNAP";
    sweep(&s, (struct shape_info){0, 0});
}

Test(decode_truncation, bsd_loopback)
{
    NEEDS_IPV6();
    struct frame_spec s = base(TCPSTATE_LINKTYPE_NULL, 1);
    shape_name = "NULL IPv6";
    sweep(&s, (struct shape_info){0, 0});
    s = base(TCPSTATE_LINKTYPE_LOOP, 0);
    shape_name = "LOOP IPv4";
    sweep(&s, (struct shape_info){0, 0});
}

Test(decode_truncation, ipv4_and_ipv6_link_types)
{
    NEEDS_IPV6();
    struct frame_spec s = base(TCPSTATE_LINKTYPE_IPV4, 0);
    shape_name = "LINKTYPE_IPV4";
    sweep(&s, (struct shape_info){0, 0});
    s = base(TCPSTATE_LINKTYPE_IPV6, 1);
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){51, 16, NULL};
    shape_name = "LINKTYPE_IPV6 with AH";
    sweep(&s, (struct shape_info){0, 0});
}
