/* SPDX-License-Identifier: BSD-2-Clause */
/* tcpstate_decode(): VLAN tags (IEEE 802.1Q/802.1ad), MPLS (RFC 3032), PPPoE (RFC 2516),
 * Cisco FabricPath, IEEE 802.1ah PBB, Cisco VN-Tag and how deep they may stack. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <string.h>

#include "support/decode_suite.h"
#include "support/frames.h"
#include "support/guard.h"
#include "support/options.h"
#include "tcpstate.h"

static tcpstate_status decode(uint32_t linktype, size_t caplen, size_t wirelen)
{
    return decode_buf(linktype, caplen, wirelen, 0);
}

static tcpstate_status decode_eth(size_t n)
{
    return decode(TCPSTATE_LINKTYPE_ETHERNET, n, n);
}

static struct frame_spec spec(int v6)
{
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    if (v6) {
        s.src = "2001:db8::1";
        s.dst = "2001:db8::2";
    }
    s.sport = 5555;
    s.dport = 443;
    s.flags = TCPSTATE_TH_SYN;
    s.payload_len = 3;
    return s;
}

static void assert_reached_tcp(unsigned version)
{
    cr_assert(eq(u32, pkt.l3_offset, (uint32_t)lay.l3));
    cr_assert(eq(u32, pkt.l4_offset, (uint32_t)lay.l4));
    cr_assert(eq(u8, pkt.ip_version, (uint8_t)version));
    cr_assert(eq(u16, pkt.sport, 5555));
    cr_assert(eq(u16, pkt.dport, 443));
    cr_assert(eq(u32, pkt.payload_len, 3));
}

/* ------------------------------------------------------------ VLAN */

Test(decode_vlan, zero_to_four_tags_are_decoded_outermost_first)
{
    for (unsigned n_tags = 0; n_tags <= TCPSTATE_MAX_VLAN; n_tags++) {
        int v6 = (int)(n_tags % 2 * IF_IPV6(1u)); /* IPv4 only in a build without IPv6 */
        struct frame_spec s = spec(v6);
        s.n_vlan = (uint8_t)n_tags;
        for (unsigned i = 0; i < n_tags; i++) {
            s.vlan[i] = (uint16_t)(1000 + i);
        }
        size_t n = build(&s);
        assert_status(decode_eth(n), TCPSTATE_OK);
        assert_reached_tcp(v6 ? 6 : 4);
        cr_assert(eq(u32, pkt.l3_offset, 14 + 4 * n_tags));
        cr_assert(eq(u8, pkt.vlan_count, (uint8_t)n_tags));
        cr_assert(eq(u8, pkt.encap, n_tags ? TCPSTATE_ENCAP_VLAN : 0));
        for (unsigned i = 0; i < n_tags; i++) {
            cr_assert(eq(u16, pkt.vlan_id[i], (uint16_t)(1000 + i)));
        }
    }
}

Test(decode_vlan, five_tags_are_one_too_many)
{
    struct frame_spec s = spec(0);
    s.n_vlan = 5;
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_E_VLAN_DEPTH);
    cr_assert(eq(u8, pkt.vlan_count, TCPSTATE_MAX_VLAN));
    /* Counted before the fifth tag is read: even a cut one is too many. */
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 30, n), TCPSTATE_E_VLAN_DEPTH);
}

Test(decode_vlan, qinq_8021ad_and_9100_tpids_are_tags)
{
    struct frame_spec s = spec(0);
    s.n_vlan = 3;
    s.vlan_tpid[0] = 0x88A8;
    s.vlan_tpid[1] = 0x9100;
    s.vlan_tpid[2] = 0x8100;
    s.vlan[0] = 1;
    s.vlan[1] = 2;
    s.vlan[2] = 4095;
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(4);
    cr_assert(eq(u8, pkt.vlan_count, 3));
    cr_assert(eq(u16, pkt.vlan_id[0], 1));
    cr_assert(eq(u16, pkt.vlan_id[1], 2));
    cr_assert(eq(u16, pkt.vlan_id[2], 4095));
}

Test(decode_vlan, priority_and_dei_bits_are_not_part_of_the_id)
{
    struct frame_spec s = spec(0);
    s.n_vlan = 1;
    s.vlan[0] = 0x123;
    size_t n = build(&s);
    buf[14] |= 0xF0; /* PCP 7, DEI 1 */
    assert_status(decode_eth(n), TCPSTATE_OK);
    cr_assert(eq(u16, pkt.vlan_id[0], 0x123));
}

Test(decode_vlan, tag_cut_on_the_wire_is_a_bad_link_and_by_snaplen_truncated)
{
    struct frame_spec s = spec(0);
    s.n_vlan = 2;
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 20, 20), TCPSTATE_E_BAD_LINK);
    cr_assert(eq(u8, pkt.vlan_count, 1));
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 20, n), TCPSTATE_E_TRUNCATED);
}

Test(decode_vlan, tags_after_linux_cooked_headers_are_decoded)
{
    NEEDS_IPV6();
    struct frame_spec s = spec(1);
    s.linktype = TCPSTATE_LINKTYPE_LINUX_SLL;
    s.n_vlan = 2;
    s.vlan[0] = 10;
    s.vlan[1] = 20;
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL, n, n), TCPSTATE_OK);
    assert_reached_tcp(6);
    cr_assert(eq(u32, pkt.l3_offset, 24));
    cr_assert(eq(u16, pkt.vlan_id[1], 20));
    s.linktype = TCPSTATE_LINKTYPE_LINUX_SLL2;
    n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL2, n, n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l3_offset, 28));
    cr_assert(eq(u8, pkt.vlan_count, 2));
}

Test(decode_vlan, non_ip_inside_a_tag_is_not_ip)
{
    struct frame_spec s = spec(0);
    s.n_vlan = 1;
    size_t n = build(&s);
    put16(16, 0x88CC); /* LLDP */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_IP);
    cr_assert(eq(u8, pkt.vlan_count, 1));
}

/* ------------------------------------------------------------ MPLS */

Test(decode_mpls, one_label_reaches_ipv4)
{
    struct frame_spec s = spec(0);
    s.n_mpls = 1;
    s.mpls[0] = 0xABCDE;
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(4);
    cr_assert(eq(u32, pkt.l3_offset, 18));
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_MPLS));
    cr_assert(eq(u8, pkt.mpls_count, 1));
    cr_assert(eq(u32, pkt.mpls_label, 0xABCDE));
}

Test(decode_mpls, a_stack_reports_its_depth_and_outermost_label)
{
    NEEDS_IPV6();
    struct frame_spec s = spec(1);
    s.n_mpls = 3;
    s.mpls[0] = 100;
    s.mpls[1] = 200;
    s.mpls[2] = 300;
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(6);
    cr_assert(eq(u8, pkt.mpls_count, 3));
    cr_assert(eq(u32, pkt.mpls_label, 100));
}

Test(decode_mpls, eight_labels_fit_and_nine_are_too_deep)
{
    struct frame_spec s = spec(0);
    s.n_mpls = TCPSTATE_MAX_MPLS;
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.mpls_count, TCPSTATE_MAX_MPLS));
    s.n_mpls = TCPSTATE_MAX_MPLS + 1;
    n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_E_MPLS_DEPTH);
    cr_assert(eq(u8, pkt.mpls_count, TCPSTATE_MAX_MPLS));
}

Test(decode_mpls, multicast_ethertype_is_mpls_too)
{
    struct frame_spec s = spec(0);
    s.n_mpls = 1;
    size_t n = build(&s);
    put16(12, 0x8848);
    assert_status(decode_eth(n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.mpls_count, 1));
}

Test(decode_mpls, payload_that_is_not_ip_is_skipped)
{
    struct frame_spec s = spec(0);
    s.n_mpls = 2;
    size_t n = build(&s);
    buf[lay.l3] = 0x00; /* a pseudowire control word starts with nibble 0 */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_IP);
    cr_assert(eq(u8, pkt.mpls_count, 2));
}

Test(decode_mpls, label_cut_on_the_wire_is_a_bad_link)
{
    struct frame_spec s = spec(0);
    s.n_mpls = 2;
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 20, 20), TCPSTATE_E_BAD_LINK);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 20, n), TCPSTATE_E_TRUNCATED);
    /* Nothing at all after the bottom of the stack. */
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 22, 22), TCPSTATE_E_BAD_LINK);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 22, n), TCPSTATE_E_TRUNCATED);
}

Test(decode_mpls, under_vlan_tags)
{
    struct frame_spec s = spec(0);
    s.n_vlan = 2;
    s.vlan[0] = 1;
    s.vlan[1] = 2;
    s.n_mpls = 2;
    s.mpls[0] = 77;
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(4);
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_VLAN | TCPSTATE_ENCAP_MPLS));
    cr_assert(eq(u32, pkt.l3_offset, 14 + 8 + 8));
    cr_assert(eq(u32, pkt.mpls_label, 77));
}

/* ------------------------------------------------------------ PPPoE */

static size_t pppoe_frame(int v6)
{
    struct frame_spec s = spec(v6);
    s.pppoe = 1;
    s.pppoe_session = 0xBEEF;
    return build(&s);
}

Test(decode_pppoe, session_carries_ipv4_and_ipv6)
{
    for (int v6 = 0; v6 <= (int)IF_IPV6(1); v6++) {
        size_t n = pppoe_frame(v6);
        assert_status(decode_eth(n), TCPSTATE_OK);
        assert_reached_tcp(v6 ? 6 : 4);
        cr_assert(eq(u32, pkt.l3_offset, 22));
        cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_PPPOE));
        cr_assert(eq(u16, pkt.pppoe_session, 0xBEEF));
    }
}

Test(decode_pppoe, over_qinq)
{
    struct frame_spec s = spec(0);
    s.n_vlan = 2;
    s.vlan_tpid[0] = 0x88A8;
    s.vlan[0] = 3;
    s.vlan[1] = 4;
    s.pppoe = 1;
    s.pppoe_session = 9;
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(4);
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_VLAN | TCPSTATE_ENCAP_PPPOE));
    cr_assert(eq(u16, pkt.pppoe_session, 9));
}

Test(decode_pppoe, version_and_type_must_be_one)
{
    size_t n = pppoe_frame(0);
    buf[14] = 0x21;
    assert_status(decode_eth(n), TCPSTATE_E_BAD_PPPOE);
    buf[14] = 0x12;
    assert_status(decode_eth(n), TCPSTATE_E_BAD_PPPOE);
}

Test(decode_pppoe, code_must_be_zero_in_a_session)
{
    size_t n = pppoe_frame(0);
    buf[15] = 0x09; /* PADI */
    assert_status(decode_eth(n), TCPSTATE_E_BAD_PPPOE);
}

Test(decode_pppoe, length_below_two_is_bad)
{
    size_t n = pppoe_frame(0);
    put16(18, 1);
    assert_status(decode_eth(n), TCPSTATE_E_BAD_PPPOE);
    put16(18, 0);
    assert_status(decode_eth(n), TCPSTATE_E_BAD_PPPOE);
}

Test(decode_pppoe, length_beyond_the_wire_is_bad)
{
    size_t n = pppoe_frame(0);
    put16(18, (unsigned)(n - 20 + 1));
    assert_status(decode_eth(n), TCPSTATE_E_BAD_PPPOE);
    put16(18, (unsigned)(n - 20)); /* exactly the frame: fine */
    assert_status(decode_eth(n), TCPSTATE_OK);
}

Test(decode_pppoe, length_short_of_the_ip_packet_defers_to_the_ip_length)
{
    /* Seen in real captures (Zeek's pppoe-over-qinq.pcap): the PPPoE length
     * misses the last bytes of an IP packet whose TCP checksum covers them. */
    size_t n = pppoe_frame(0);
    put16(18, (unsigned)(n - 20 - 2));
    assert_status(decode_eth(n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.payload_len, 3));
}

Test(decode_pppoe, padding_after_the_ppp_payload_is_ignored)
{
    struct frame_spec s = spec(0);
    s.pppoe = 1;
    s.trailer = 8;
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.payload_len, 3));
    cr_assert(eq(u32, pkt.payload_caplen, 3));
}

Test(decode_pppoe, ppp_protocols_other_than_ip_are_not_ip)
{
    size_t n = pppoe_frame(0);
    put16(20, 0xC021); /* LCP */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_IP);
    cr_assert(eq(u16, pkt.pppoe_session, 0xBEEF));
}

Test(decode_pppoe, header_cut_on_the_wire_is_bad_and_by_snaplen_truncated)
{
    size_t n = pppoe_frame(0);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 21, 21), TCPSTATE_E_BAD_PPPOE);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 21, n), TCPSTATE_E_TRUNCATED);
}

/* ------------------------------------------------------------ FabricPath, PBB, VN-Tag */

enum { FP = 0x8903, PBB = 0x88E7, VNTAG = 0x8926 };

static void add_shim(struct frame_spec *s, uint16_t type, uint8_t after_vlan, uint32_t tag)
{
    s->shim[s->n_shim++] = (struct fb_shim){type, after_vlan, tag};
}

Test(decode_fabricpath, inner_ethernet_carries_ipv4_and_ipv6_at_offset_30)
{
    /* As in Zeek's cisco-fabric-path.pcap: outer addresses, 0x8903, FTag/TTL,
     * inner addresses, inner type, IP 30 bytes into the frame. */
    for (int v6 = 0; v6 <= (int)IF_IPV6(1); v6++) {
        struct frame_spec s = spec(v6);
        add_shim(&s, FP, 0, 0x0000);
        size_t n = build(&s);
        cr_assert(eq(u8, buf[12], 0x89));
        cr_assert(eq(u8, buf[13], 0x03));
        assert_status(decode_eth(n), TCPSTATE_OK);
        assert_reached_tcp(v6 ? 6 : 4);
        cr_assert(eq(u32, pkt.l3_offset, 30));
        cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_FABRICPATH));
        cr_assert(eq(u8, pkt.vlan_count, 0));
    }
}

Test(decode_fabricpath, inner_type_goes_through_the_usual_dispatch)
{
    struct frame_spec s = spec(0);
    s.n_vlan = 1;
    s.vlan[0] = 300;
    s.n_mpls = 1;
    s.mpls[0] = 4242;
    add_shim(&s, FP, 0, 0x1234);
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(4);
    cr_assert(eq(u32, pkt.l3_offset, 30 + 4 + 4));
    cr_assert(
        eq(u8, pkt.encap, TCPSTATE_ENCAP_FABRICPATH | TCPSTATE_ENCAP_VLAN | TCPSTATE_ENCAP_MPLS));
    cr_assert(eq(u16, pkt.vlan_id[0], 300));
    cr_assert(eq(u32, pkt.mpls_label, 4242));

#ifndef TCPSTATE_NO_IPV6
    s = spec(1);
    s.snap = 1; /* an 802.3 length and LLC/SNAP inside */
    add_shim(&s, FP, 0, 0);
    n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l3_offset, 30 + 8));
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_FABRICPATH | TCPSTATE_ENCAP_SNAP));
#endif

    s = spec(0);
    s.pppoe = 1;
    add_shim(&s, FP, 0, 0);
    n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l3_offset, 30 + 8));
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_FABRICPATH | TCPSTATE_ENCAP_PPPOE));
}

Test(decode_fabricpath, inner_frame_that_is_not_ip_is_not_ip)
{
    struct frame_spec s = spec(0);
    add_shim(&s, FP, 0, 0);
    size_t n = build(&s);
    put16(28, 0x9999); /* as the capture's last frame */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_IP);
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_FABRICPATH));
    put16(28, 0x0806);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_fabricpath, header_cut_on_the_wire_is_a_bad_link_and_by_snaplen_truncated)
{
    struct frame_spec s = spec(0);
    add_shim(&s, FP, 0, 0);
    size_t n = build(&s);
    for (size_t cut = 14; cut < 30; cut++) {
        assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, cut, cut), TCPSTATE_E_BAD_LINK);
        cr_assert(eq(u8, pkt.encap, 0));
        assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, cut, n), TCPSTATE_E_TRUNCATED);
    }
    /* Header whole, nothing after it. */
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 30, 30), TCPSTATE_E_BAD_IP_LENGTH);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 30, n), TCPSTATE_E_TRUNCATED);
}

Test(decode_pbb, backbone_tag_between_backbone_and_customer_vlans)
{
    /* As in Zeek's pbb.pcap: B-VLAN, I-TAG, customer addresses, C-VLAN, IPv4. */
    struct frame_spec s = spec(0);
    s.n_vlan = 2;
    s.vlan[0] = 4051;
    s.vlan[1] = 4020;
    add_shim(&s, PBB, 1, 0x001EBB44);
    size_t n = build(&s);
    cr_assert(eq(u8, buf[16], 0x88));
    cr_assert(eq(u8, buf[17], 0xE7));
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(4);
    cr_assert(eq(u32, pkt.l3_offset, 40));
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_VLAN | TCPSTATE_ENCAP_PBB));
    cr_assert(eq(u8, pkt.vlan_count, 2));
    cr_assert(eq(u16, pkt.vlan_id[0], 4051));
    cr_assert(eq(u16, pkt.vlan_id[1], 4020));
}

Test(decode_pbb, customer_frame_of_any_shape_follows)
{
    NEEDS_IPV6();
    struct frame_spec s = spec(1);
    add_shim(&s, PBB, 0, 0x00FFFFFF);
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(6);
    cr_assert(eq(u32, pkt.l3_offset, 14 + 18));
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_PBB));
    put16(30, 0x0806); /* customer ARP, as in the capture */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_IP);
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_PBB));

    s = spec(0);
    s.n_mpls = 2;
    add_shim(&s, PBB, 0, 1);
    n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l3_offset, 14 + 18 + 8));
    cr_assert(eq(u8, pkt.mpls_count, 2));
}

Test(decode_pbb, after_a_linux_cooked_header)
{
    struct frame_spec s = spec(0);
    s.linktype = TCPSTATE_LINKTYPE_LINUX_SLL;
    add_shim(&s, PBB, 0, 7);
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL, n, n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l3_offset, 16 + 18));
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_PBB));
    s.linktype = TCPSTATE_LINKTYPE_LINUX_SLL2;
    n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL2, n, n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l3_offset, 20 + 18));
}

Test(decode_pbb, header_cut_on_the_wire_is_a_bad_link_and_by_snaplen_truncated)
{
    struct frame_spec s = spec(0);
    s.n_vlan = 1;
    add_shim(&s, PBB, 1, 0);
    size_t n = build(&s);
    for (size_t cut = 18; cut < 36; cut++) {
        assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, cut, cut), TCPSTATE_E_BAD_LINK);
        cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_VLAN));
        assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, cut, n), TCPSTATE_E_TRUNCATED);
    }
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 36, 36), TCPSTATE_E_BAD_IP_LENGTH);
}

Test(decode_vntag, vlan_vntag_vlan_sandwich)
{
    /* As in Zeek's vntag_vlan_sandwich_clean.pcap: IP 28 bytes in. */
    struct frame_spec s = spec(0);
    s.n_vlan = 2;
    s.vlan[0] = 250;
    s.vlan[1] = 250;
    add_shim(&s, VNTAG, 1, 0x00000033);
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(4);
    cr_assert(eq(u32, pkt.l3_offset, 28));
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_VLAN | TCPSTATE_ENCAP_VNTAG));
    cr_assert(eq(u8, pkt.vlan_count, 2));
}

Test(decode_vntag, tag_directly_before_ip)
{
    NEEDS_IPV6();
    struct frame_spec s = spec(1);
    add_shim(&s, VNTAG, 0, 0x80010002);
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(6);
    cr_assert(eq(u32, pkt.l3_offset, 20));
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_VNTAG));
    put16(18, 0x88CC);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_vntag, tag_cut_on_the_wire_is_a_bad_link_and_by_snaplen_truncated)
{
    struct frame_spec s = spec(0);
    add_shim(&s, VNTAG, 0, 0);
    size_t n = build(&s);
    for (size_t cut = 14; cut < 20; cut++) {
        assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, cut, cut), TCPSTATE_E_BAD_LINK);
        assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, cut, n), TCPSTATE_E_TRUNCATED);
    }
}

/* ------------------------------------------------------------ stacking limits */

Test(decode_stacking, any_two_of_fabricpath_pbb_and_vntag_fit_and_a_third_is_too_deep)
{
    static const uint16_t types[3] = {FP, PBB, VNTAG};
    static const size_t lens[3] = {16, 18, 6};
    for (unsigned a = 0; a < 3; a++) {
        for (unsigned b = 0; b < 3; b++) {
            struct frame_spec s = spec(0);
            add_shim(&s, types[a], 0, 0);
            add_shim(&s, types[b], 0, 0);
            size_t n = build(&s);
            assert_status(decode_eth(n), TCPSTATE_OK);
            cr_assert(eq(u32, pkt.l3_offset, (uint32_t)(14 + lens[a] + lens[b])));
            for (unsigned c = 0; c < 3; c++) {
                s.n_shim = 2;
                add_shim(&s, types[c], 0, 0);
                n = build(&s);
                assert_status(decode_eth(n), TCPSTATE_E_VLAN_DEPTH);
                /* Decided before the third header is read: cut right after its type. */
                size_t third = 14 + lens[a] + lens[b];
                assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, third, third),
                              TCPSTATE_E_VLAN_DEPTH);
            }
        }
    }
}

Test(decode_stacking, vlan_tags_keep_their_own_limit_beside_the_shims)
{
    NEEDS_IPV6();
    /* The longest stack that decodes: four tags, two shims, LLC/SNAP. */
    struct frame_spec s = spec(1);
    s.n_vlan = TCPSTATE_MAX_VLAN;
    for (unsigned i = 0; i < TCPSTATE_MAX_VLAN; i++) {
        s.vlan[i] = (uint16_t)(10 + i);
    }
    add_shim(&s, PBB, 1, 0);
    add_shim(&s, VNTAG, 3, 0);
    s.snap = 1;
    size_t n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_reached_tcp(6);
    cr_assert(eq(u32, pkt.l3_offset, 14 + 4 * 4 + 18 + 6 + 8));
    cr_assert(eq(u8, pkt.vlan_count, TCPSTATE_MAX_VLAN));
    cr_assert(eq(u16, pkt.vlan_id[3], 13));
    cr_assert(
        eq(u8, pkt.encap,
           TCPSTATE_ENCAP_VLAN | TCPSTATE_ENCAP_PBB | TCPSTATE_ENCAP_VNTAG | TCPSTATE_ENCAP_SNAP));
    /* A fifth tag anywhere is one too many, shims or not. */
    s.n_vlan = TCPSTATE_MAX_VLAN + 1;
    n = build(&s);
    assert_status(decode_eth(n), TCPSTATE_E_VLAN_DEPTH);
    cr_assert(eq(u8, pkt.vlan_count, TCPSTATE_MAX_VLAN));
}

Test(decode_stacking, a_header_that_names_itself_as_next_terminates)
{
    /* FabricPath, PBB or VN-Tag whose next type is its own, over and over:
     * a frame full of them stops at the third. */
    static const uint16_t types[3] = {FP, PBB, VNTAG};
    static const size_t lens[3] = {16, 18, 6};
    for (unsigned t = 0; t < 3; t++) {
        size_t n = 12;
        memset(buf, 0, sizeof buf);
        put16(n, types[t]);
        n += 2;
        while (n + lens[t] <= 1500) {
            n += lens[t];
            put16(n - 2, types[t]);
        }
        assert_status(decode_eth(n), TCPSTATE_E_VLAN_DEPTH);
        assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, 65535), TCPSTATE_E_VLAN_DEPTH);
    }
}
