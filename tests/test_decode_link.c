/* SPDX-License-Identifier: BSD-2-Clause */
/* tcpstate_decode(): link types, 802.3 LLC/SNAP and argument handling. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <string.h>

#include "support/decode_suite.h"
#include "support/frames.h"
#include "support/guard.h"
#include "support/options.h"
#include "tcpstate.h"

/* Decode buf[0..caplen) from a guard-page copy (the previous copy is released). */
static tcpstate_status decode(uint32_t linktype, size_t caplen, size_t wirelen, uint32_t flags)
{
    return decode_buf(linktype, caplen, wirelen, flags);
}

static struct frame_spec spec(uint32_t linktype, int v6)
{
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = linktype;
    if (v6) {
        s.src = "2001:db8::1";
        s.dst = "2001:db8::2";
    }
    s.sport = 1234;
    s.dport = 80;
    s.seq = 0x01020304;
    s.ack = 0x0A0B0C0D;
    s.flags = TCPSTATE_TH_ACK | TCPSTATE_TH_PSH;
    s.payload_len = 10;
    return s;
}

static void assert_tcp_at(size_t l3, unsigned version)
{
    cr_assert(eq(u32, pkt.l3_offset, (uint32_t)l3));
    cr_assert(eq(u8, pkt.ip_version, (uint8_t)version));
    cr_assert(eq(u32, pkt.l4_offset, (uint32_t)lay.l4));
    cr_assert(eq(u16, pkt.sport, 1234));
    cr_assert(eq(u16, pkt.dport, 80));
    cr_assert(eq(u32, pkt.payload_len, 10));
}

/* ------------------------------------------------------------ link types */

Test(decode_link, ethernet_ipv4_reports_every_field)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.ip_id = 0x4242;
    s.ttl = 33;
    s.window = 0x1234;
    s.urgent = 7;
    s.flags = TCPSTATE_TH_ACK | TCPSTATE_TH_PSH | TCPSTATE_TH_URG;
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_OK);
    cr_assert(ne(ptr, (void *)pkt.frame, buf));
    cr_assert(eq(u32, pkt.caplen, (uint32_t)n));
    cr_assert(eq(u32, pkt.wirelen, (uint32_t)n));
    cr_assert(eq(u32, pkt.linktype, TCPSTATE_LINKTYPE_ETHERNET));
    cr_assert(eq(u32, pkt.l3_offset, 14));
    cr_assert(eq(u32, pkt.l4_offset, 34));
    cr_assert(eq(u32, pkt.payload_offset, 54));
    cr_assert(eq(u32, pkt.payload_len, 10));
    cr_assert(eq(u32, pkt.payload_caplen, 10));
    cr_assert(eq(u32, pkt.ip_len, 50));
    cr_assert(eq(u8, pkt.ip_version, 4));
    cr_assert(eq(u8, pkt.ttl, 33));
    cr_assert(eq(u16, pkt.ip_id, 0x4242));
    cr_assert(eq(ptr, (void *)pkt.src, (void *)(pkt.frame + 26)));
    cr_assert(eq(ptr, (void *)pkt.dst, (void *)(pkt.frame + 30)));
    cr_assert(eq(int, memcmp(pkt.src, "\x0a\x00\x00\x01", 4), 0));
    cr_assert(eq(int, memcmp(pkt.dst, "\x0a\x00\x00\x02", 4), 0));
    cr_assert(eq(u16, pkt.sport, 1234));
    cr_assert(eq(u16, pkt.dport, 80));
    cr_assert(eq(u32, pkt.seq, 0x01020304));
    cr_assert(eq(u32, pkt.ack, 0x0A0B0C0D));
    cr_assert(eq(u16, pkt.window, 0x1234));
    cr_assert(eq(u16, pkt.urgent, 7));
    cr_assert(eq(u16, pkt.tcp_flags, TCPSTATE_TH_ACK | TCPSTATE_TH_PSH | TCPSTATE_TH_URG));
    cr_assert(eq(u8, pkt.tcp_hlen, 20));
    cr_assert(eq(u8, pkt.opts, 0));
    cr_assert(eq(u8, pkt.encap, 0));
    cr_assert(eq(u8, pkt.flags, 0));
    cr_assert(eq(u8, pkt.vlan_count, 0));
    cr_assert(eq(u8, pkt.ip_csum, TCPSTATE_CSUM_UNCHECKED));
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_UNCHECKED));
    cr_assert(eq(int, memcmp(pkt.frame + pkt.payload_offset, "abcdefghij", 10), 0));
}

Test(decode_link, ethernet_ipv6_reports_every_field)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.ttl = 200;
    size_t n = build(&s);
#ifdef TCPSTATE_NO_IPV6
    /* Left out: the ethertype is known, the packet is not decoded. */
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_SKIP_NOT_IP);
    return;
#endif
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l3_offset, 14));
    cr_assert(eq(u32, pkt.l4_offset, 54));
    cr_assert(eq(u32, pkt.payload_offset, 74));
    cr_assert(eq(u32, pkt.ip_len, 70));
    cr_assert(eq(u8, pkt.ip_version, 6));
    cr_assert(eq(u8, pkt.ttl, 200));
    cr_assert(eq(u16, pkt.ip_id, 0));
    cr_assert(eq(ptr, (void *)pkt.src, (void *)(pkt.frame + 22)));
    cr_assert(eq(ptr, (void *)pkt.dst, (void *)(pkt.frame + 38)));
    cr_assert(eq(u8, pkt.src[0], 0x20));
    cr_assert(eq(u8, pkt.src[15], 1));
    cr_assert(eq(u8, pkt.dst[15], 2));
    cr_assert(eq(u32, pkt.seq, 0x01020304));
    cr_assert(eq(u32, pkt.payload_caplen, 10));
}

Test(decode_link, raw_picks_ipv4_or_ipv6_by_the_version_nibble)
{
    for (int v6 = 0; v6 <= 1; v6++) {
        struct frame_spec s = spec(TCPSTATE_LINKTYPE_RAW, v6);
        size_t n = build(&s);
#ifdef TCPSTATE_NO_IPV6
        if (v6) { /* left out of this build: not decoded */
            assert_status(decode(TCPSTATE_LINKTYPE_RAW, n, n, 0), TCPSTATE_SKIP_NOT_IP);
            continue;
        }
#endif
        assert_status(decode(TCPSTATE_LINKTYPE_RAW, n, n, 0), TCPSTATE_OK);
        assert_tcp_at(0, v6 ? 6 : 4);
    }
}

Test(decode_link, raw_with_version_5_is_a_bad_ip_version)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_RAW, 0);
    size_t n = build(&s);
    buf[0] = 0x55;
    assert_status(decode(TCPSTATE_LINKTYPE_RAW, n, n, 0), TCPSTATE_E_BAD_IP_VERSION);
}

Test(decode_link, raw_empty_frame_is_a_bad_ip_length)
{
    assert_status(decode(TCPSTATE_LINKTYPE_RAW, 0, 0, 0), TCPSTATE_E_BAD_IP_LENGTH);
}

Test(decode_link, raw_empty_capture_of_a_longer_frame_is_truncated)
{
    assert_status(decode(TCPSTATE_LINKTYPE_RAW, 0, 60, 0), TCPSTATE_E_TRUNCATED);
    cr_assert(eq(u32, pkt.wirelen, 60));
}

Test(decode_link, dlt_raw_12_decodes_exactly_like_linktype_raw)
{
    /* pcap_datalink() reports DLT_RAW (12) for a file's LINKTYPE_RAW (101). */
    for (int v6 = 0; v6 <= (int)IF_IPV6(1); v6++) {
        struct frame_spec s = spec(TCPSTATE_LINKTYPE_DLT_RAW, v6);
        s.bad_tcp_csum = 1;
        size_t n = build(&s);
        for (uint32_t f = 0; f <= TCPSTATE_DECODE_VERIFY_CHECKSUMS;
             f += TCPSTATE_DECODE_VERIFY_CHECKSUMS) {
            tcpstate_packet as_raw;
            tcpstate_status want = decode(TCPSTATE_LINKTYPE_RAW, n, n, f);
            as_raw = pkt;
            assert_status(want, f ? TCPSTATE_E_BAD_TCP_CHECKSUM : TCPSTATE_OK);
            assert_status(decode(TCPSTATE_LINKTYPE_DLT_RAW, n, n, f), want);
            assert_tcp_at(0, v6 ? 6 : 4);
            cr_assert(eq(u32, pkt.linktype, TCPSTATE_LINKTYPE_DLT_RAW));
            /* Everything else is the same view (offsets, not pointers: new copies). */
            as_raw.frame = pkt.frame;
            as_raw.src = pkt.src;
            as_raw.dst = pkt.dst;
            as_raw.linktype = TCPSTATE_LINKTYPE_DLT_RAW;
            cr_assert(eq(int, memcmp(&as_raw, &pkt, sizeof pkt), 0));
        }
    }
}

Test(decode_link, dlt_raw_rejects_what_raw_rejects)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_DLT_RAW, 0);
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_DLT_RAW, 0, 0, 0), TCPSTATE_E_BAD_IP_LENGTH);
    assert_status(decode(TCPSTATE_LINKTYPE_DLT_RAW, 0, n, 0), TCPSTATE_E_TRUNCATED);
    assert_status(decode(TCPSTATE_LINKTYPE_DLT_RAW, 30, n, 0), TCPSTATE_E_TRUNCATED);
    assert_status(decode(TCPSTATE_LINKTYPE_DLT_RAW, 30, 30, 0), TCPSTATE_E_BAD_IP_LENGTH);
    buf[0] = 0x55;
    assert_status(decode(TCPSTATE_LINKTYPE_DLT_RAW, n, n, 0), TCPSTATE_E_BAD_IP_VERSION);
    /* Link types around 12 stay unsupported. */
    assert_status(decode(11, n, n, 0), TCPSTATE_E_LINKTYPE);
    assert_status(decode(13, n, n, 0), TCPSTATE_E_LINKTYPE);
    assert_status(decode(14, n, n, 0), TCPSTATE_E_LINKTYPE); /* OpenBSD's DLT_RAW value */
}

Test(decode_link, ipv4_and_ipv6_linktypes_decode_their_own_version)
{
    NEEDS_IPV6();
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_IPV4, 0);
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_IPV4, n, n, 0), TCPSTATE_OK);
    assert_tcp_at(0, 4);
    s = spec(TCPSTATE_LINKTYPE_IPV6, 1);
    n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_IPV6, n, n, 0), TCPSTATE_OK);
    assert_tcp_at(0, 6);
}

Test(decode_link, ipv4_linktype_rejects_an_ipv6_packet)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_IPV6, 1);
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_IPV4, n, n, 0), TCPSTATE_E_BAD_IP_VERSION);
    cr_assert(eq(u8, pkt.ip_version, 0));
}

Test(decode_link, ipv6_linktype_rejects_an_ipv4_packet)
{
    NEEDS_IPV6();
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_IPV4, 0);
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_IPV6, n, n, 0), TCPSTATE_E_BAD_IP_VERSION);
}

Test(decode_link, ethertype_ipv4_over_an_ipv6_packet_is_a_bad_ip_version)
{
    NEEDS_IPV6();
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 1);
    size_t n = build(&s);
    put16(12, 0x0800);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_E_BAD_IP_VERSION);
    put16(12, 0x86DD);
    buf[14] = 0x45;
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_E_BAD_IP_VERSION);
}

Test(decode_link, linux_sll_and_sll2_carry_ipv4_and_ipv6)
{
    for (int v6 = 0; v6 <= (int)IF_IPV6(1); v6++) {
        struct frame_spec s = spec(TCPSTATE_LINKTYPE_LINUX_SLL, v6);
        size_t n = build(&s);
        assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL, n, n, 0), TCPSTATE_OK);
        assert_tcp_at(16, v6 ? 6 : 4);
        s.linktype = TCPSTATE_LINKTYPE_LINUX_SLL2;
        n = build(&s);
        assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL2, n, n, 0), TCPSTATE_OK);
        assert_tcp_at(20, v6 ? 6 : 4);
    }
}

Test(decode_link, linux_sll_arp_protocol_is_not_ip)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_LINUX_SLL, 0);
    size_t n = build(&s);
    put16(14, 0x0806);
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL, n, n, 0), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_link, linux_sll_private_protocol_values_are_not_ip)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_LINUX_SLL2, 0);
    size_t n = build(&s);
    put16(0, 0x0001); /* SLL_P_802_3: Novell raw 802.3 */
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL2, n, n, 0), TCPSTATE_SKIP_NOT_IP);
    put16(0, 0x000C); /* SLL_P_CAN */
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL2, n, n, 0), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_link, linux_sll_header_shorter_than_16_bytes_is_a_bad_link)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_LINUX_SLL, 0);
    build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL, 15, 15, 0), TCPSTATE_E_BAD_LINK);
}

Test(decode_link, linux_sll2_header_cut_by_the_snap_length_is_truncated)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_LINUX_SLL2, 0);
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL2, 19, n, 0), TCPSTATE_E_TRUNCATED);
}

Test(decode_link, null_family_is_accepted_in_either_byte_order)
{
    NEEDS_IPV6();
    static const uint32_t families[] = {2, 10, 24, 28, 30};
    for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
        for (int swapped = 0; swapped <= 1; swapped++) {
            int v6 = families[i] != 2;
            struct frame_spec s = spec(TCPSTATE_LINKTYPE_NULL, v6);
            s.null_family = families[i];
            s.null_swapped = swapped;
            size_t n = build(&s);
            assert_status(decode(TCPSTATE_LINKTYPE_NULL, n, n, 0), TCPSTATE_OK);
            assert_tcp_at(4, v6 ? 6 : 4);
        }
    }
}

Test(decode_link, null_unknown_family_is_not_ip)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_NULL, 0);
    s.null_family = 7; /* AF_IPX on some systems */
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_NULL, n, n, 0), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_link, null_header_shorter_than_4_bytes_is_a_bad_link)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_NULL, 0);
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_NULL, 3, 3, 0), TCPSTATE_E_BAD_LINK);
    assert_status(decode(TCPSTATE_LINKTYPE_NULL, 3, n, 0), TCPSTATE_E_TRUNCATED);
}

Test(decode_link, loop_family_is_in_network_order)
{
    for (int v6 = 0; v6 <= (int)IF_IPV6(1); v6++) {
        struct frame_spec s = spec(TCPSTATE_LINKTYPE_LOOP, v6);
        size_t n = build(&s);
        assert_status(decode(TCPSTATE_LINKTYPE_LOOP, n, n, 0), TCPSTATE_OK);
        assert_tcp_at(4, v6 ? 6 : 4);
    }
}

Test(decode_link, loop_family_in_host_order_is_not_ip)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_LOOP, 0);
    size_t n = build(&s);
    memcpy(buf, "\x02\x00\x00\x00", 4);
    assert_status(decode(TCPSTATE_LINKTYPE_LOOP, n, n, 0), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_link, unsupported_linktype_is_rejected_with_the_frame_recorded)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    size_t n = build(&s);
    assert_status(decode(147, n, n, 0), TCPSTATE_E_LINKTYPE);
    cr_assert(eq(u32, pkt.linktype, 147));
    cr_assert(eq(u32, pkt.caplen, (uint32_t)n));
    cr_assert(not(eq(ptr, (void *)pkt.frame, NULL)));
    assert_status(decode(8 /* SLIP */, n, n, 0), TCPSTATE_E_LINKTYPE);
}

Test(decode_link, ethernet_arp_and_pppoe_discovery_are_not_ip)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    size_t n = build(&s);
    put16(12, 0x0806);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_SKIP_NOT_IP);
    put16(12, 0x8863);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_SKIP_NOT_IP);
    cr_assert(eq(u32, pkt.l3_offset, 0));
}

Test(decode_link, ethernet_header_shorter_than_14_bytes_is_a_bad_link)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 13, 13, 0), TCPSTATE_E_BAD_LINK);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 0, 0, 0), TCPSTATE_E_BAD_LINK);
}

Test(decode_link, ethernet_header_cut_by_the_snap_length_is_truncated)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 13, 60, 0), TCPSTATE_E_TRUNCATED);
}

Test(decode_link, ethernet_padding_after_the_ip_packet_is_ignored)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.payload_len = 0;
    s.trailer = 6; /* 54 bytes padded to the 60-byte minimum */
    size_t n = build(&s);
    cr_assert(eq(sz, n, 60));
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS),
                  TCPSTATE_OK);
    cr_assert(eq(u32, pkt.payload_len, 0));
    cr_assert(eq(u32, pkt.payload_caplen, 0));
    cr_assert(eq(u32, pkt.ip_len, 40));
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
}

Test(decode_link, smallest_valid_frame_of_each_link_type_decodes)
{
    NEEDS_IPV6();
    static const struct {
        uint32_t linktype;
        int v6;
        size_t len;
    } cases[] = {
        {TCPSTATE_LINKTYPE_ETHERNET, 0, 54},  {TCPSTATE_LINKTYPE_RAW, 0, 40},
        {TCPSTATE_LINKTYPE_IPV4, 0, 40},      {TCPSTATE_LINKTYPE_IPV6, 1, 60},
        {TCPSTATE_LINKTYPE_LINUX_SLL, 0, 56}, {TCPSTATE_LINKTYPE_LINUX_SLL2, 0, 60},
        {TCPSTATE_LINKTYPE_NULL, 0, 44},      {TCPSTATE_LINKTYPE_LOOP, 0, 44},
        {TCPSTATE_LINKTYPE_DLT_RAW, 1, 60},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct frame_spec s = spec(cases[i].linktype, cases[i].v6);
        s.payload_len = 0;
        size_t n = build(&s);
        cr_assert(eq(sz, n, cases[i].len));
        assert_status(decode(cases[i].linktype, n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS),
                      TCPSTATE_OK);
        cr_assert(eq(u32, pkt.payload_len, 0));
        cr_assert(eq(u32, pkt.payload_offset, (uint32_t)n));
        cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
        /* One byte less on the wire is never a valid frame. */
        cr_assert(lt(int, decode(cases[i].linktype, n - 1, n - 1, 0), 0));
    }
}

/* ------------------------------------------------------------ LLC/SNAP */

Test(decode_snap, llc_snap_with_the_rfc1042_oui_carries_ipv4)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.snap = 1;
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_SNAP));
    assert_tcp_at(22, 4);
}

Test(decode_snap, llc_snap_with_the_8021h_oui_carries_ipv6)
{
    NEEDS_IPV6();
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.snap = 1;
    size_t n = build(&s);
    buf[19] = 0xF8;
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_OK);
    assert_tcp_at(22, 6);
}

Test(decode_snap, llc_snap_with_a_vendor_oui_is_not_ip)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.snap = 1;
    size_t n = build(&s);
    buf[19] = 0x0C; /* Cisco's OUI: the PID is Cisco's, even if it reads 0x0800 */
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_snap, llc_without_snap_is_not_ip)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.snap = 1;
    size_t n = build(&s);
    buf[14] = 0x42; /* spanning tree */
    buf[15] = 0x42;
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_SKIP_NOT_IP);
    buf[14] = 0xAA;
    buf[15] = 0xAA;
    buf[16] = 0x13; /* not UI */
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_snap, llc_or_snap_header_cut_on_the_wire_is_a_bad_link)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.snap = 1;
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 16, 16, 0), TCPSTATE_E_BAD_LINK);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 21, 21, 0), TCPSTATE_E_BAD_LINK);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 16, n, 0), TCPSTATE_E_TRUNCATED);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, 21, n, 0), TCPSTATE_E_TRUNCATED);
}

Test(decode_snap, vlan_tagged_llc_snap_carries_ipv4)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.snap = 1;
    s.n_vlan = 1;
    s.vlan[0] = 12;
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_SNAP | TCPSTATE_ENCAP_VLAN));
    cr_assert(eq(u16, pkt.vlan_id[0], 12));
    assert_tcp_at(26, 4);
}

Test(decode_snap, a_length_inside_snap_is_not_ip)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.snap = 1;
    size_t n = build(&s);
    put16(20, 0x0040);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_snap, linux_sll_802_2_protocol_leads_to_llc_snap)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_LINUX_SLL, 0);
    s.snap = 1;
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_LINUX_SLL, n, n, 0), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_SNAP));
    assert_tcp_at(24, 4);
}

/* ------------------------------------------------------------ arguments */

Test(decode_args, null_packet_is_invalid)
{
    cr_assert(
        eq(int, tcpstate_decode(TCPSTATE_LINKTYPE_ETHERNET, buf, 0, 0, 0, NULL), TCPSTATE_E_INVAL));
}

Test(decode_args, null_frame_is_invalid_and_the_view_is_zeroed)
{
    tcpstate_packet zero;
    memset(&zero, 0, sizeof zero);
    memset(&pkt, 0xA5, sizeof pkt);
    assert_status(tcpstate_decode(TCPSTATE_LINKTYPE_ETHERNET, NULL, 0, 0, 0, &pkt),
                  TCPSTATE_E_INVAL);
    cr_assert(eq(int, memcmp(&pkt, &zero, sizeof pkt), 0));
}

Test(decode_args, caplen_above_uint32_max_is_invalid)
{
    if ((uint64_t)SIZE_MAX <= UINT32_MAX) {
        cr_skip_test("size_t is 32 bits here");
    }
    const uint8_t *one = guard_copy(&guard, "x", 1);
    cr_assert(not(eq(ptr, (void *)one, NULL)));
    size_t huge = (size_t)UINT32_MAX + 1;
    assert_status(tcpstate_decode(TCPSTATE_LINKTYPE_ETHERNET, one, huge, huge, 0, &pkt),
                  TCPSTATE_E_INVAL);
}

Test(decode_args, wirelen_below_caplen_is_taken_as_caplen)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, 0, 0), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.wirelen, (uint32_t)n));
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n - 1, 0), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.wirelen, (uint32_t)n));
    cr_assert(eq(u8, pkt.flags, 0));
}

Test(decode_args, wirelen_above_uint32_max_is_held_at_uint32_max)
{
    if ((uint64_t)SIZE_MAX <= UINT32_MAX) {
        cr_skip_test("size_t is 32 bits here");
    }
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, (size_t)UINT32_MAX + 5, 0), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.wirelen, UINT32_MAX));
}

Test(decode_args, flag_bits_other_than_checksums_are_ignored)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.bad_tcp_csum = 1;
    size_t n = build(&s);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, ~TCPSTATE_DECODE_VERIFY_CHECKSUMS),
                  TCPSTATE_OK);
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_UNCHECKED));
}

Test(decode_args, the_view_is_cleared_before_decoding)
{
    struct frame_spec s = spec(TCPSTATE_LINKTYPE_ETHERNET, 0);
    size_t n = build(&s);
    put16(12, 0x0806);
    memset(&pkt, 0xA5, sizeof pkt);
    assert_status(decode(TCPSTATE_LINKTYPE_ETHERNET, n, n, 0), TCPSTATE_SKIP_NOT_IP);
    tcpstate_packet want;
    memset(&want, 0, sizeof want);
    want.frame = pkt.frame;
    want.caplen = (uint32_t)n;
    want.wirelen = (uint32_t)n;
    want.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    cr_assert(eq(int, memcmp(&pkt, &want, sizeof pkt), 0));
}

Test(decode_link, supported_link_types_are_exactly_the_decoded_ones)
{
    static const uint8_t one[1] = {0};
    tcpstate_packet pkt;
    for (uint32_t lt = 0; lt < 300; lt++) {
        int decoded = tcpstate_decode(lt, one, 1, 1, 0, &pkt) != TCPSTATE_E_LINKTYPE;
        cr_assert(eq(int, tcpstate_linktype_supported(lt), decoded), "link type %u", lt);
    }
    cr_assert(eq(int, tcpstate_linktype_supported(UINT32_MAX), 0));
}
