/* SPDX-License-Identifier: BSD-2-Clause */
/* tcpstate_decode(): IPv4 (RFC 791) header, options, lengths and fragments. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <string.h>

#include "support/decode_suite.h"
#include "support/frames.h"
#include "support/guard.h"
#include "tcpstate.h"

enum { L3 = 14 }; /* Ethernet */

static tcpstate_status decode_flags(size_t caplen, size_t wirelen, uint32_t flags)
{
    return decode_buf(TCPSTATE_LINKTYPE_ETHERNET, caplen, wirelen, flags);
}

static tcpstate_status decode(size_t caplen, size_t wirelen)
{
    return decode_flags(caplen, wirelen, 0);
}

static struct frame_spec spec(void)
{
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    s.src = "192.0.2.1";
    s.dst = "198.51.100.7";
    s.sport = 49152;
    s.dport = 25;
    s.seq = 7;
    s.ack = 9;
    s.flags = TCPSTATE_TH_ACK;
    s.payload_len = 100;
    s.ip_id = 0xCAFE;
    return s;
}

Test(decode_ipv4, options_are_skipped_by_the_header_length)
{
    static const uint8_t opts[40] = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00};
    static const size_t lens[] = {4, 8, 20, 36, 40};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        struct frame_spec s = spec();
        s.ip4_opts = opts;
        s.ip4_opts_len = lens[i];
        size_t n = build(&s);
        assert_status(decode(n, n), TCPSTATE_OK);
        cr_assert(eq(u32, pkt.l4_offset, (uint32_t)(L3 + 20 + lens[i])));
        cr_assert(eq(u32, pkt.ip_len, (uint32_t)(20 + lens[i] + 20 + 100)));
        cr_assert(eq(u16, pkt.sport, 49152));
        cr_assert(eq(u16, pkt.dport, 25));
        cr_assert(eq(u32, pkt.payload_len, 100));
        cr_assert(eq(ptr, (void *)pkt.src, (void *)(pkt.frame + L3 + 12)));
        cr_assert(eq(int, memcmp(pkt.dst, "\xc6\x33\x64\x07", 4), 0));
        cr_assert(eq(u16, pkt.ip_id, 0xCAFE));
    }
}

Test(decode_ipv4, header_length_below_five_words_is_a_bad_ihl)
{
    struct frame_spec s = spec();
    size_t n = build(&s);
    for (unsigned ihl = 0; ihl < 5; ihl++) {
        buf[L3] = (uint8_t)(0x40 | ihl);
        assert_status(decode(n, n), TCPSTATE_E_BAD_IPV4_IHL);
        cr_assert(eq(u8, pkt.ip_version, 4));
    }
}

Test(decode_ipv4, header_length_beyond_the_total_length_is_a_bad_ihl)
{
    struct frame_spec s = spec();
    s.payload_len = 0;
    size_t n = build(&s);
    buf[L3] = 0x4F; /* 60 bytes of header */
    put16(L3 + 2, 40);
    assert_status(decode(n, n), TCPSTATE_E_BAD_IPV4_IHL);
}

Test(decode_ipv4, total_length_below_twenty_is_a_bad_ip_length)
{
    struct frame_spec s = spec();
    size_t n = build(&s);
    for (unsigned total = 1; total < 20; total++) {
        put16(L3 + 2, total);
        assert_status(decode(n, n), TCPSTATE_E_BAD_IP_LENGTH);
        cr_assert(eq(u8, pkt.flags, 0));
    }
}

/* ------------------------------------------------------------ total length 0 (TSO) */

/* A capture on the sending host with segmentation offload: one super-segment
 * of several MSS whose total length the NIC would fill in per segment. */
static struct frame_spec tso_spec(void)
{
    struct frame_spec s = spec();
    s.ip4_len_zero = 1;
    s.payload_len = 3 * 1448;
    return s;
}

Test(decode_ipv4_tso, total_length_zero_extends_to_the_end_of_the_frame_on_the_wire)
{
    struct frame_spec s = tso_spec();
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_LEN_FROM_WIRE));
    cr_assert(eq(u32, pkt.ip_len, (uint32_t)(n - L3)));
    cr_assert(eq(u32, pkt.l4_offset, L3 + 20));
    cr_assert(eq(u32, pkt.payload_offset, L3 + 40));
    cr_assert(eq(u32, pkt.payload_len, 3 * 1448));
    cr_assert(eq(u32, pkt.payload_caplen, 3 * 1448));
    cr_assert(eq(u16, pkt.ip_id, 0xCAFE));
    cr_assert(eq(u16, pkt.dport, 25));
    cr_assert(eq(u8, pkt.ip_csum, TCPSTATE_CSUM_UNCHECKED));
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_UNCHECKED));
}

Test(decode_ipv4_tso, with_checksum_verification_total_length_zero_stays_a_bad_ip_length)
{
    struct frame_spec s = tso_spec();
    size_t n = build(&s);
    assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_E_BAD_IP_LENGTH);
    cr_assert(eq(u8, pkt.flags, 0));
    cr_assert(eq(u32, pkt.ip_len, 0));
}

Test(decode_ipv4_tso, payload_cut_by_the_snap_length_counts_from_the_wire)
{
    struct frame_spec s = tso_spec();
    size_t n = build(&s);
    assert_status(decode(L3 + 40 + 100, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_LEN_FROM_WIRE | TCPSTATE_PKT_PAYLOAD_TRUNCATED));
    cr_assert(eq(u32, pkt.ip_len, (uint32_t)(n - L3)));
    cr_assert(eq(u32, pkt.payload_len, 3 * 1448));
    cr_assert(eq(u32, pkt.payload_caplen, 100));
    /* A longer wire than the builder wrote: the packet grows with it. */
    assert_status(decode(n, n + 500), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.ip_len, (uint32_t)(n + 500 - L3)));
    cr_assert(eq(u32, pkt.payload_len, 3 * 1448 + 500));
    cr_assert(eq(u32, pkt.payload_caplen, 3 * 1448));
}

Test(decode_ipv4_tso, the_link_bytes_before_the_header_are_not_part_of_the_packet)
{
    struct frame_spec s = tso_spec();
    s.n_vlan = 2;
    s.pppoe = 1;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l3_offset, L3 + 8 + 8));
    cr_assert(eq(u32, pkt.ip_len, (uint32_t)(n - (L3 + 16))));
    cr_assert(eq(u32, pkt.payload_len, 3 * 1448));
}

Test(decode_ipv4_tso, link_padding_is_taken_as_payload)
{
    /* The price of trusting the wire: nothing else says where the packet ends. */
    struct frame_spec s = tso_spec();
    s.payload_len = 0;
    s.trailer = 6;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.ip_len, 46));
    cr_assert(eq(u32, pkt.payload_len, 6));
}

Test(decode_ipv4_tso, the_header_must_still_fit_on_the_wire)
{
    static const uint8_t opts[20] = {0};
    struct frame_spec s = tso_spec();
    s.payload_len = 0;
    size_t n = build(&s);
    /* Fewer than 20 bytes left after the link header. */
    assert_status(decode(L3 + 19, L3 + 19), TCPSTATE_E_BAD_IP_LENGTH);
    /* The IPv4 header alone: no room for TCP. */
    assert_status(decode(L3 + 20, L3 + 20), TCPSTATE_E_BAD_TCP_HEADER);
    cr_assert(eq(u32, pkt.ip_len, 20));
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_LEN_FROM_WIRE));
    /* Options longer than what the wire holds. */
    s.ip4_opts = opts;
    s.ip4_opts_len = sizeof opts;
    n = build(&s);
    assert_status(decode(L3 + 36, L3 + 36), TCPSTATE_E_BAD_IPV4_IHL);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l4_offset, L3 + 40));
}

Test(decode_ipv4_tso, a_later_fragment_or_another_protocol_is_skipped_as_usual)
{
    struct frame_spec s = tso_spec();
    s.ip_proto = 17;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_SKIP_NOT_TCP);
    cr_assert(eq(u32, pkt.ip_len, (uint32_t)(n - L3)));
    s = tso_spec();
    s.fragment = 1;
    s.frag_offset = 10;
    n = build(&s);
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
}

Test(decode_ipv4_tso, on_raw_links_the_packet_is_the_whole_frame)
{
    static const uint32_t links[] = {TCPSTATE_LINKTYPE_RAW, TCPSTATE_LINKTYPE_DLT_RAW,
                                     TCPSTATE_LINKTYPE_IPV4};
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        struct frame_spec s = tso_spec();
        s.linktype = links[i];
        size_t n = build(&s);
        guard_free(&guard);
        assert_status(frame_decode(&guard, links[i], buf, n, n, 0, &pkt), TCPSTATE_OK);
        cr_assert(eq(u32, pkt.ip_len, (uint32_t)n));
        cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_LEN_FROM_WIRE));
    }
}

Test(decode_ipv4, total_length_beyond_the_wire_is_a_bad_ip_length)
{
    struct frame_spec s = spec();
    size_t n = build(&s);
    put16(L3 + 2, (unsigned)(n - L3 + 1));
    assert_status(decode(n, n), TCPSTATE_E_BAD_IP_LENGTH);
    /* Beyond the capture but within the wire: the payload was cut. */
    assert_status(decode(n, n + 1), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_PAYLOAD_TRUNCATED));
    cr_assert(eq(u32, pkt.payload_len, 101));
    cr_assert(eq(u32, pkt.payload_caplen, 100));
}

Test(decode_ipv4, total_length_short_of_the_frame_leaves_the_rest_as_padding)
{
    struct frame_spec s = spec();
    size_t n = build(&s);
    put16(L3 + 2, 20 + 20 + 60);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.ip_len, 100));
    cr_assert(eq(u32, pkt.payload_len, 60));
    cr_assert(eq(u32, pkt.payload_caplen, 60));
    cr_assert(eq(u8, pkt.flags, 0));
}

Test(decode_ipv4, options_cut_by_the_snap_length_are_truncated)
{
    static const uint8_t opts[12] = {0};
    struct frame_spec s = spec();
    s.ip4_opts = opts;
    s.ip4_opts_len = sizeof opts;
    size_t n = build(&s);
    assert_status(decode(L3 + 25, n), TCPSTATE_E_TRUNCATED);
    cr_assert(eq(u8, pkt.ip_version, 4));
}

Test(decode_ipv4, version_six_behind_an_ipv4_ethertype_is_a_bad_version)
{
    struct frame_spec s = spec();
    size_t n = build(&s);
    buf[L3] = 0x65;
    assert_status(decode(n, n), TCPSTATE_E_BAD_IP_VERSION);
}

Test(decode_ipv4, other_protocols_are_not_tcp)
{
    struct frame_spec s = spec();
    s.ip_proto = 17;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_SKIP_NOT_TCP);
    cr_assert(eq(u8, pkt.ip_version, 4));
    cr_assert(eq(u32, pkt.l3_offset, L3));
    cr_assert(eq(u16, pkt.ip_id, 0xCAFE));
    cr_assert(eq(u32, pkt.l4_offset, 0));
}

Test(decode_ipv4, later_fragments_are_skipped)
{
    struct frame_spec s = spec();
    s.fragment = 1;
    s.frag_offset = 1;
    s.more_fragments = 1;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
    s.more_fragments = 0; /* the last one */
    s.frag_offset = 8191;
    n = build(&s);
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
    s.ip_proto = 17; /* checked before the protocol */
    n = build(&s);
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
}

Test(decode_ipv4, first_fragment_with_the_whole_tcp_header_is_decoded)
{
    struct frame_spec s = spec();
    s.fragment = 1;
    s.more_fragments = 1;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_FRAGMENT));
    cr_assert(eq(u32, pkt.payload_len, 100)); /* this fragment's part only */
    cr_assert(eq(u16, pkt.dport, 25));
}

Test(decode_ipv4, first_fragment_without_the_whole_tcp_header_is_skipped)
{
    static const uint8_t opts[8] = {2, 4, 5, 0xB4, 1, 1, 1, 0};
    struct frame_spec s = spec();
    s.fragment = 1;
    s.more_fragments = 1;
    s.tcp_opts = opts;
    s.tcp_opts_len = sizeof opts;
    size_t n = build(&s);
    put16(L3 + 2, 20 + 16); /* the base header does not fit */
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
    put16(L3 + 2, 20 + 24); /* base header yes, options no */
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
    put16(L3 + 2, 20 + 28); /* whole */
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_MSS));
    cr_assert(eq(u32, pkt.payload_len, 0));
}

Test(decode_ipv4, dont_fragment_is_not_a_fragment)
{
    struct frame_spec s = spec();
    size_t n = build(&s);
    buf[L3 + 6] = 0x40;
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, 0));
}

Test(decode_ipv4, largest_header_and_options_with_a_full_segment)
{
    static const uint8_t ip_opts[40] = {0x01, 0x01, 0x01, 0x00};
    uint8_t tcp_opts[40];
    static const uint32_t l[3] = {1, 3, 5}, r[3] = {2, 4, 6};
    size_t o = tcpopt_nop(tcp_opts);
    o += tcpopt_nop(tcp_opts + o);
    o += tcpopt_timestamp(tcp_opts + o, 11, 12);
    o += tcpopt_nop(tcp_opts + o);
    o += tcpopt_nop(tcp_opts + o);
    o += tcpopt_sack(tcp_opts + o, l, r, 3);
    cr_assert(eq(sz, o, 40));
    struct frame_spec s = spec();
    s.ip4_opts = ip_opts;
    s.ip4_opts_len = 40;
    s.tcp_opts = tcp_opts;
    s.tcp_opts_len = 40;
    s.payload_len = 1460;
    size_t n = build(&s);
    cr_assert(eq(sz, n, L3 + 60 + 60 + 1460));
    assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.l4_offset, L3 + 60));
    cr_assert(eq(u8, pkt.tcp_hlen, 60));
    cr_assert(eq(u32, pkt.payload_offset, L3 + 120));
    cr_assert(eq(u32, pkt.payload_len, 1460));
    cr_assert(eq(u32, pkt.payload_caplen, 1460));
    cr_assert(eq(u32, pkt.ip_len, 1580));
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_TIMESTAMP | TCPSTATE_OPT_SACK));
    cr_assert(eq(u8, pkt.sack_count, 3));
    cr_assert(eq(u32, pkt.sack_right[2], 6));
    cr_assert(eq(u8, pkt.ip_csum, TCPSTATE_CSUM_GOOD));
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
}
