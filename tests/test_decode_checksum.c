/* SPDX-License-Identifier: BSD-2-Clause */
/* tcpstate_decode() with TCPSTATE_DECODE_VERIFY_CHECKSUMS: the IPv4 header
 * checksum (RFC 791) and the TCP checksum over the IPv4 and IPv6 pseudo-headers
 * (RFC 9293 §3.1, RFC 8200 §8.1). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <string.h>

#include "support/decode_suite.h"
#include "support/frames.h"
#include "support/guard.h"
#include "support/options.h"
#include "tcpstate.h"

#define VERIFY TCPSTATE_DECODE_VERIFY_CHECKSUMS

enum { L3 = 14 };

static tcpstate_status decode(size_t caplen, size_t wirelen, uint32_t flags)
{
    return decode_buf(TCPSTATE_LINKTYPE_ETHERNET, caplen, wirelen, flags);
}

static struct frame_spec spec(int v6)
{
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    if (v6) {
        s.src = "fe80::1";
        s.dst = "2001:db8::99";
    }
    s.sport = 1;
    s.dport = 2;
    s.seq = 3;
    s.ack = 4;
    s.flags = TCPSTATE_TH_ACK;
    s.payload_len = 33; /* odd: the last byte is padded for the sum */
    return s;
}

static void assert_verdicts(uint8_t ip, uint8_t tcp)
{
    cr_assert(eq(u8, pkt.ip_csum, ip));
    cr_assert(eq(u8, pkt.tcp_csum, tcp));
}

/* The view is complete with a checksum error: the engine can find the flow. */
static void assert_view_complete(void)
{
    cr_assert(eq(u16, pkt.sport, 1));
    cr_assert(eq(u16, pkt.dport, 2));
    cr_assert(eq(u32, pkt.seq, 3));
    cr_assert(eq(u32, pkt.payload_len, 33));
    cr_assert(eq(u32, pkt.payload_caplen, 33));
    cr_assert(not(eq(ptr, (void *)pkt.src, NULL)));
}

Test(decode_checksum, correct_ipv4_and_tcp_checksums_are_good)
{
    struct frame_spec s = spec(0);
    size_t n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    assert_verdicts(TCPSTATE_CSUM_GOOD, TCPSTATE_CSUM_GOOD);
}

Test(decode_checksum, without_the_flag_nothing_is_checked)
{
    struct frame_spec s = spec(0);
    s.bad_ip_csum = 1;
    s.bad_tcp_csum = 1;
    size_t n = build(&s);
    assert_status(decode(n, n, 0), TCPSTATE_OK);
    assert_verdicts(TCPSTATE_CSUM_UNCHECKED, TCPSTATE_CSUM_UNCHECKED);
}

Test(decode_checksum, wrong_ipv4_header_checksum_is_reported_with_the_whole_view)
{
    struct frame_spec s = spec(0);
    s.bad_ip_csum = 1;
    size_t n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_E_BAD_IPV4_CHECKSUM);
    assert_verdicts(TCPSTATE_CSUM_BAD, TCPSTATE_CSUM_GOOD);
    assert_view_complete();
}

Test(decode_checksum, wrong_ipv4_header_checksum_wins_over_a_wrong_tcp_checksum)
{
    struct frame_spec s = spec(0);
    s.bad_ip_csum = 1;
    s.bad_tcp_csum = 1;
    size_t n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_E_BAD_IPV4_CHECKSUM);
    assert_verdicts(TCPSTATE_CSUM_BAD, TCPSTATE_CSUM_BAD);
}

Test(decode_checksum, a_malformed_segment_is_reported_before_a_wrong_header_checksum)
{
    struct frame_spec s = spec(0);
    s.bad_ip_csum = 1;
    size_t n = build(&s);
    buf[lay.l4 + 12] = 0x30; /* data offset 3 */
    assert_status(decode(n, n, VERIFY), TCPSTATE_E_BAD_TCP_OFFSET);
    cr_assert(eq(u8, pkt.ip_csum, TCPSTATE_CSUM_BAD));
}

Test(decode_checksum, wrong_header_checksum_on_a_non_tcp_packet_is_still_skipped)
{
    struct frame_spec s = spec(0);
    s.bad_ip_csum = 1;
    s.ip_proto = 17;
    size_t n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_SKIP_NOT_TCP);
    cr_assert(eq(u8, pkt.ip_csum, TCPSTATE_CSUM_BAD));
}

Test(decode_checksum, ipv4_options_are_covered_by_the_header_checksum)
{
    static const uint8_t opts[8] = {0x94, 4, 0, 0, 1, 1, 1, 0};
    struct frame_spec s = spec(0);
    s.ip4_opts = opts;
    s.ip4_opts_len = sizeof opts;
    size_t n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    assert_verdicts(TCPSTATE_CSUM_GOOD, TCPSTATE_CSUM_GOOD);
    buf[L3 + 21] ^= 1;
    assert_status(decode(n, n, VERIFY), TCPSTATE_E_BAD_IPV4_CHECKSUM);
}

Test(decode_checksum, wrong_tcp_checksum_over_ipv4_is_reported_with_the_whole_view)
{
    struct frame_spec s = spec(0);
    s.bad_tcp_csum = 1;
    size_t n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_E_BAD_TCP_CHECKSUM);
    assert_verdicts(TCPSTATE_CSUM_GOOD, TCPSTATE_CSUM_BAD);
    assert_view_complete();
}

Test(decode_checksum, a_flipped_payload_bit_breaks_the_tcp_checksum)
{
    struct frame_spec s = spec(0);
    size_t n = build(&s);
    buf[n - 1] ^= 0x80; /* the odd last byte */
    assert_status(decode(n, n, VERIFY), TCPSTATE_E_BAD_TCP_CHECKSUM);
}

Test(decode_checksum, tcp_checksum_over_ipv6_is_checked)
{
    NEEDS_IPV6();
    struct frame_spec s = spec(1);
    size_t n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    assert_verdicts(TCPSTATE_CSUM_UNCHECKED, TCPSTATE_CSUM_GOOD);
    s.bad_tcp_csum = 1;
    n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_E_BAD_TCP_CHECKSUM);
    assert_verdicts(TCPSTATE_CSUM_UNCHECKED, TCPSTATE_CSUM_BAD);
    assert_view_complete();
}

Test(decode_checksum, zero_tcp_checksum_is_wrong_when_checked)
{
    struct frame_spec s = spec(0);
    s.zero_tcp_csum = 1;
    size_t n = build(&s);
    /* Offload leaves 0; TCP, unlike UDP, gives 0 no special meaning. */
    cr_assert(eq(u8, buf[lay.l4 + 16], 0));
    cr_assert(eq(u8, buf[lay.l4 + 17], 0));
    assert_status(decode(n, n, VERIFY), TCPSTATE_E_BAD_TCP_CHECKSUM);
    assert_status(decode(n, n, 0), TCPSTATE_OK);
}

Test(decode_checksum, padding_after_the_packet_is_not_summed)
{
    struct frame_spec s = spec(0);
    s.trailer = 9;
    size_t n = build(&s);
    memset(buf + n - 9, 0x5A, 9);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    assert_verdicts(TCPSTATE_CSUM_GOOD, TCPSTATE_CSUM_GOOD);
}

Test(decode_checksum, cut_payload_makes_the_tcp_checksum_unverifiable)
{
    struct frame_spec s = spec(0);
    s.bad_tcp_csum = 1;
    size_t n = build(&s);
    assert_status(decode(n - 1, n, VERIFY), TCPSTATE_OK);
    assert_verdicts(TCPSTATE_CSUM_GOOD, TCPSTATE_CSUM_UNVERIFIABLE);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_PAYLOAD_TRUNCATED));
}

Test(decode_checksum, cut_options_make_the_tcp_checksum_unverifiable)
{
    uint8_t o[4];
    struct frame_spec s = spec(0);
    s.tcp_opts = o;
    s.tcp_opts_len = tcpopt_mss(o, 1000);
    size_t n = build(&s);
    assert_status(decode(lay.l4 + 22, n, VERIFY), TCPSTATE_OK);
    assert_verdicts(TCPSTATE_CSUM_GOOD, TCPSTATE_CSUM_UNVERIFIABLE);
}

Test(decode_checksum, a_first_fragment_is_unverifiable)
{
    struct frame_spec s = spec(0);
    s.fragment = 1;
    s.more_fragments = 1;
    size_t n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    assert_verdicts(TCPSTATE_CSUM_GOOD, TCPSTATE_CSUM_UNVERIFIABLE);
}

/* ------------------------------------------------------------ routing headers */

static const uint8_t final_dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,    0,
                                      0,    0,    0,    0,    0, 0, 0xfe, 0xed};

/* A routing header of `type`, segments left `left`, with `n_addr` addresses,
 * the last (type 0) or first (types 2 and 4) being final_dst. */
static size_t routed_frame(uint8_t type, uint8_t left, unsigned n_addr)
{
    static uint8_t body[6 + 16 * 3];
    memset(body, 0, sizeof body);
    body[0] = type;
    body[1] = left;
    for (unsigned i = 0; i < n_addr; i++) {
        body[6 + 16 * i] = 0x20;
        body[6 + 16 * i + 15] = (uint8_t)(0x10 + i);
    }
    if (n_addr > 0) {
        memcpy(body + 6 + 16 * (type == 0 ? n_addr - 1 : 0), final_dst, 16);
    }
    struct frame_spec s = spec(1);
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){43, (uint16_t)(8 + 16 * n_addr), body};
    return build(&s);
}

static void assert_dst_is_the_ipv6_header_one(void)
{
    cr_assert(eq(ptr, (void *)pkt.dst, (void *)(pkt.frame + L3 + 24)));
    cr_assert(eq(u8, pkt.dst[15], 0x99));
}

Test(decode_checksum, type_0_routing_header_sums_the_last_address)
{
    NEEDS_IPV6();
    size_t n = routed_frame(0, 2, 3);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
    assert_dst_is_the_ipv6_header_one();
}

Test(decode_checksum, type_2_routing_header_sums_the_home_address)
{
    NEEDS_IPV6();
    size_t n = routed_frame(2, 1, 1);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
    assert_dst_is_the_ipv6_header_one();
}

Test(decode_checksum, segment_routing_header_sums_segment_list_zero)
{
    NEEDS_IPV6();
    size_t n = routed_frame(4, 1, 2);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
    assert_dst_is_the_ipv6_header_one();
}

Test(decode_checksum, summing_the_ipv6_header_destination_instead_would_be_wrong)
{
    NEEDS_IPV6();
    size_t n = routed_frame(4, 1, 2);
    buf[L3 + 40 + 3] = 0; /* no segments left: the header's destination is summed */
    assert_status(decode(n, n, VERIFY), TCPSTATE_E_BAD_TCP_CHECKSUM);
}

Test(decode_checksum, routing_header_without_an_address_is_unverifiable)
{
    NEEDS_IPV6();
    size_t n = routed_frame(0, 1, 0);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_UNVERIFIABLE));
    n = routed_frame(2, 1, 0);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_UNVERIFIABLE));
}

Test(decode_checksum, unknown_routing_type_with_segments_left_is_unverifiable)
{
    NEEDS_IPV6();
    size_t n = routed_frame(3, 1, 1); /* RPL (RFC 6554) compresses its addresses */
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_UNVERIFIABLE));
}

Test(decode_checksum, only_the_first_routing_header_with_segments_left_counts)
{
    NEEDS_IPV6();
    static uint8_t first[22], second[22];
    first[0] = 2;
    first[1] = 1;
    memcpy(first + 6, final_dst, 16);
    second[0] = 2;
    second[1] = 1;
    memset(second + 6, 0x77, 16);
    struct frame_spec s = spec(1);
    s.n_ext = 2;
    s.ext[0] = (struct fb_ext){43, 24, first};
    s.ext[1] = (struct fb_ext){43, 24, second};
    size_t n = build(&s);
    assert_status(decode(n, n, VERIFY), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
}
