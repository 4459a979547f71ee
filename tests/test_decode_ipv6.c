/* SPDX-License-Identifier: BSD-2-Clause */
/* tcpstate_decode(): IPv6 (RFC 8200), extension headers, fragments, jumbograms (RFC 2675). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <string.h>

#include "support/decode_suite.h"
#include "support/frames.h"
#include "support/guard.h"
#include "support/options.h"
#include "tcpstate.h"

enum { L3 = 14, EXT = L3 + 40 };

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
    s.src = "2001:db8:1::10";
    s.dst = "2001:db8:2::20";
    s.sport = 33000;
    s.dport = 22;
    s.flags = TCPSTATE_TH_ACK;
    s.payload_len = 12;
    return s;
}

static void assert_tcp_after(size_t ext_bytes)
{
    cr_assert(eq(u32, pkt.l4_offset, (uint32_t)(EXT + ext_bytes)));
    cr_assert(eq(u16, pkt.sport, 33000));
    cr_assert(eq(u16, pkt.dport, 22));
    cr_assert(eq(u32, pkt.payload_len, 12));
    cr_assert(eq(u32, pkt.ip_len, (uint32_t)(40 + ext_bytes + 20 + 12)));
}

/* ------------------------------------------------------------ extension headers */

Test(decode_ipv6, each_extension_header_is_stepped_over)
{
    NEEDS_IPV6();
    static const struct fb_ext exts[] = {
        {0, 16, NULL},   /* hop-by-hop */
        {43, 24, NULL},  /* routing, no segments left */
        {44, 8, NULL},   /* fragment, offset 0 and no M: atomic */
        {51, 16, NULL},  /* AH: 4-byte units */
        {60, 8, NULL},   /* destination options */
        {135, 8, NULL},  /* mobility */
        {139, 32, NULL}, /* HIP */
        {140, 8, NULL},  /* shim6 */
    };
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        struct frame_spec s = spec();
        s.n_ext = 1;
        s.ext[0] = exts[i];
        size_t n = build(&s);
        assert_status(decode(n, n), TCPSTATE_OK);
        assert_tcp_after(exts[i].len);
        cr_assert(eq(u8, pkt.flags, 0));
    }
}

Test(decode_ipv6, ah_length_counts_four_byte_units_plus_two)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){51, 12, NULL}; /* length byte 1: (1 + 2) * 4 */
    size_t n = build(&s);
    cr_assert(eq(u8, buf[EXT + 1], 1));
    assert_status(decode(n, n), TCPSTATE_OK);
    assert_tcp_after(12);
}

Test(decode_ipv6, a_chain_of_eight_extension_headers_is_decoded)
{
    NEEDS_IPV6();
    static const uint8_t types[8] = {0, 60, 43, 44, 51, 60, 135, 140};
    struct frame_spec s = spec();
    s.n_ext = 8;
    size_t total = 0;
    for (unsigned i = 0; i < 8; i++) {
        s.ext[i].type = types[i];
        s.ext[i].len = (uint16_t)(types[i] == 51 ? 12 : 8 * (1 + i % 3));
        total += types[i] == 44 ? 8 : s.ext[i].len;
    }
    size_t n = build(&s);
    assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_OK);
    assert_tcp_after(total);
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
}

Test(decode_ipv6, a_ninth_extension_header_is_one_too_many)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.n_ext = 9;
    for (unsigned i = 0; i < 9; i++) {
        s.ext[i].type = i == 0 ? 0 : 60;
    }
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_E_IPV6_EXT_CHAIN);
    /* Also when the ninth is a fragment header or TCP would follow at once. */
    s.n_ext = 8;
    s.fragment = 1;
    n = build(&s);
    assert_status(decode(n, n), TCPSTATE_E_IPV6_EXT_CHAIN);
}

Test(decode_ipv6, extension_header_overrunning_the_payload_is_bad)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.n_ext = 2;
    s.ext[0].type = 0;
    s.ext[1].type = 60;
    size_t n = build(&s);
    buf[EXT + 8 + 1] = 10; /* 88 bytes, past the packet */
    assert_status(decode(n, n), TCPSTATE_E_BAD_IPV6_EXT);
    /* The payload ends one byte into the second header's 2-byte prefix. */
    s.payload_len = 0;
    n = build(&s);
    put16(L3 + 4, 9);
    assert_status(decode(n, n), TCPSTATE_E_BAD_IPV6_EXT);
}

Test(decode_ipv6, extension_header_cut_by_the_snap_length_is_truncated)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){60, 24, NULL};
    size_t n = build(&s);
    assert_status(decode(EXT + 1, n), TCPSTATE_E_TRUNCATED);
    assert_status(decode(EXT + 23, n), TCPSTATE_E_TRUNCATED);
    assert_status(decode(EXT + 24, n), TCPSTATE_E_TRUNCATED); /* now the TCP header */
}

Test(decode_ipv6, hop_by_hop_anywhere_but_first_is_bad)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.n_ext = 2;
    s.ext[0].type = 60;
    s.ext[1].type = 0;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_E_BAD_IPV6_EXT);
}

Test(decode_ipv6, esp_no_next_header_udp_and_icmpv6_are_not_tcp)
{
    NEEDS_IPV6();
    static const uint8_t protos[] = {50, 59, 17, 58, 253};
    for (size_t i = 0; i < sizeof protos; i++) {
        struct frame_spec s = spec();
        s.ip_proto = protos[i];
        s.n_ext = i % 2;
        size_t n = build(&s);
        assert_status(decode(n, n), TCPSTATE_SKIP_NOT_TCP);
        cr_assert(eq(u8, pkt.ip_version, 6));
        cr_assert(eq(u32, pkt.l4_offset, 0));
    }
}

Test(decode_ipv6, payload_length_beyond_the_wire_is_a_bad_ip_length)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    size_t n = build(&s);
    put16(L3 + 4, (unsigned)(n - EXT + 1));
    assert_status(decode(n, n), TCPSTATE_E_BAD_IP_LENGTH);
    assert_status(decode(n, n + 1), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_PAYLOAD_TRUNCATED));
}

Test(decode_ipv6, payload_length_short_of_the_frame_leaves_padding)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.trailer = 7;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.payload_len, 12));
    cr_assert(eq(u32, pkt.payload_caplen, 12));
}

Test(decode_ipv6, header_cut_on_the_wire_is_a_bad_ip_length_and_by_snaplen_truncated)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    size_t n = build(&s);
    assert_status(decode(L3 + 39, L3 + 39), TCPSTATE_E_BAD_IP_LENGTH);
    cr_assert(eq(u8, pkt.ip_version, 6));
    assert_status(decode(L3 + 39, n), TCPSTATE_E_TRUNCATED);
}

/* ------------------------------------------------------------ fragments */

Test(decode_ipv6, first_fragment_with_the_whole_tcp_header_is_decoded)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.fragment = 1;
    s.more_fragments = 1;
    size_t n = build(&s);
    assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_OK);
    assert_tcp_after(8);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_FRAGMENT));
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_UNVERIFIABLE));
}

Test(decode_ipv6, later_fragments_are_skipped)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.fragment = 1;
    s.frag_offset = 181;
    s.more_fragments = 1;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
    s.more_fragments = 0;
    n = build(&s);
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
}

Test(decode_ipv6, atomic_fragment_is_a_whole_packet)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.fragment = 1;
    size_t n = build(&s);
    assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_OK);
    assert_tcp_after(8);
    cr_assert(eq(u8, pkt.flags, 0));
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
}

Test(decode_ipv6, first_fragment_without_the_whole_tcp_header_is_skipped)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.fragment = 1;
    s.more_fragments = 1;
    size_t n = build(&s);
    put16(L3 + 4, 8 + 19);
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
    buf[EXT + 8 + 12] = 0x60;         /* 24-byte TCP header in a 24-byte fragment: fits */
    memset(buf + EXT + 8 + 20, 1, 4); /* its options: NOPs */
    put16(L3 + 4, 8 + 24);
    assert_status(decode(n, n), TCPSTATE_OK);
    buf[EXT + 8 + 12] = 0x70;
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
}

Test(decode_ipv6, headers_continuing_past_a_first_fragment_are_skipped)
{
    NEEDS_IPV6();
    static const uint8_t more[6] = {0x00, 0x01, 0, 0, 0, 1}; /* offset 0, M set */
    struct frame_spec s = spec();
    s.n_ext = 2;
    s.ext[0] = (struct fb_ext){44, 8, more};
    s.ext[1] = (struct fb_ext){60, 32, NULL};
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_FRAGMENT));
    put16(L3 + 4, 8 + 16);
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
    put16(L3 + 4, 8 + 1);
    assert_status(decode(n, n), TCPSTATE_SKIP_FRAGMENT);
}

/* ------------------------------------------------------------ jumbograms */

static size_t jumbo_frame(void)
{
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0].type = 0; /* the builder puts the Jumbo Payload option in it */
    s.payload_len = 65600;
    return build(&s);
}

Test(decode_ipv6_jumbo, length_comes_from_the_jumbo_payload_option)
{
    NEEDS_IPV6();
    size_t n = jumbo_frame();
    cr_assert(eq(u8, buf[L3 + 4], 0));
    cr_assert(eq(u8, buf[L3 + 5], 0));
    assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_JUMBO));
    cr_assert(eq(u32, pkt.ip_len, 40 + 8 + 20 + 65600));
    cr_assert(eq(u32, pkt.l4_offset, EXT + 8));
    cr_assert(eq(u32, pkt.payload_len, 65600));
    cr_assert(eq(u32, pkt.payload_caplen, 65600));
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
}

Test(decode_ipv6_jumbo, cut_by_the_snap_length_it_is_payload_truncated)
{
    NEEDS_IPV6();
    size_t n = jumbo_frame();
    assert_status(decode_flags(200, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_JUMBO | TCPSTATE_PKT_PAYLOAD_TRUNCATED));
    cr_assert(eq(u32, pkt.payload_caplen, 200 - (EXT + 8 + 20)));
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_UNVERIFIABLE));
}

Test(decode_ipv6_jumbo, jumbo_length_beyond_the_wire_is_a_bad_ip_length)
{
    NEEDS_IPV6();
    size_t n = jumbo_frame();
    assert_status(decode(n - 1, n - 1), TCPSTATE_E_BAD_IP_LENGTH);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_JUMBO));
}

Test(decode_ipv6_jumbo, jumbo_option_after_padding_is_found)
{
    NEEDS_IPV6();
    /* Pad1, PadN(1), then the jumbo option, then Pad1s. */
    static const uint8_t body[14] = {0, 1, 1, 0, 0xC2, 4, 0, 1, 0, 0x64, 0, 0, 0, 0};
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){0, 16, body};
    s.payload_len = 65600; /* 16 + 20 + 65600 = 0x10064 */
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_JUMBO));
    cr_assert(eq(u32, pkt.payload_len, 65600));
}

Test(decode_ipv6_jumbo, zero_payload_length_without_the_option_is_a_bad_ip_length)
{
    NEEDS_IPV6();
    static const uint8_t padn[6] = {1, 4, 0, 0, 0, 0};
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){0, 8, padn};
    size_t n = build(&s);
    put16(L3 + 4, 0);
    assert_status(decode(n, n), TCPSTATE_E_BAD_IP_LENGTH);
    s.n_ext = 0; /* and without a hop-by-hop header at all, when checksums are verified */
    n = build(&s);
    put16(L3 + 4, 0);
    assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_E_BAD_IP_LENGTH);
}

Test(decode_ipv6_jumbo, zero_payload_length_is_taken_from_the_wire_as_for_ipv4)
{
    NEEDS_IPV6();
    /* BIG TCP / TSO captures on the sending host: no jumbo option, length 0. */
    struct frame_spec s = spec();
    s.payload_len = 3000;
    size_t n = build(&s);
    put16(L3 + 4, 0);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_LEN_FROM_WIRE));
    cr_assert(eq(u32, pkt.payload_len, 3000));
    cr_assert(eq(u32, pkt.ip_len, (uint32_t)(n - L3)));
    /* With checksum verification it stays a bad length, as for IPv4. */
    assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_E_BAD_IP_LENGTH);
    cr_assert(eq(u8, pkt.flags, 0));
}

Test(decode_ipv6_jumbo, zero_payload_length_of_another_protocol_is_an_empty_packet)
{
    NEEDS_IPV6();
    static const uint8_t protos[] = {59 /* no next header */, 17, 99};
    for (size_t i = 0; i < sizeof protos; i++) {
        struct frame_spec s = spec();
        s.ip_proto = protos[i];
        size_t n = build(&s);
        put16(L3 + 4, 0);
        assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS),
                      TCPSTATE_SKIP_NOT_TCP);
        cr_assert(eq(u32, pkt.ip_len, 40));
        assert_status(decode(n, n), TCPSTATE_SKIP_NOT_TCP); /* length from the wire */
        cr_assert(eq(u32, pkt.ip_len, (uint32_t)(n - L3)));
    }
}

Test(decode_ipv6_jumbo, zero_payload_length_before_an_extension_header_is_a_bad_ip_length)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0].type = 60;
    size_t n = build(&s);
    put16(L3 + 4, 0);
    assert_status(decode_flags(n, n, TCPSTATE_DECODE_VERIFY_CHECKSUMS), TCPSTATE_E_BAD_IP_LENGTH);
    assert_status(decode(n, n), TCPSTATE_OK); /* without verification: from the wire */
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_LEN_FROM_WIRE));
}

Test(decode_ipv6_jumbo, jumbo_option_of_the_wrong_length_is_bad)
{
    NEEDS_IPV6();
    static const uint8_t body[14] = {0xC2, 5, 0, 1, 0, 0x44, 0};
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){0, 16, body};
    s.payload_len = 65600;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_E_BAD_IPV6_EXT);
}

Test(decode_ipv6_jumbo, jumbo_value_up_to_65535_is_bad)
{
    NEEDS_IPV6();
    static const uint8_t body[6] = {0xC2, 4, 0, 0, 0xFF, 0xFF};
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){0, 8, body};
    size_t n = build(&s);
    put16(L3 + 4, 0);
    assert_status(decode(n, n), TCPSTATE_E_BAD_IPV6_EXT);
}

Test(decode_ipv6_jumbo, option_overrunning_the_hop_by_hop_header_is_bad)
{
    NEEDS_IPV6();
    static const uint8_t long_opt[6] = {0x05, 7, 0, 0, 0, 0};
    static const uint8_t no_len_byte[6] = {1, 3, 0, 0, 0, 0x05};
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){0, 8, long_opt};
    size_t n = build(&s);
    put16(L3 + 4, 0);
    assert_status(decode(n, n), TCPSTATE_E_BAD_IPV6_EXT);
    s.ext[0].body = no_len_byte;
    n = build(&s);
    put16(L3 + 4, 0);
    assert_status(decode(n, n), TCPSTATE_E_BAD_IPV6_EXT);
}

Test(decode_ipv6_jumbo, a_fragmented_jumbogram_is_bad)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.n_ext = 1;
    s.ext[0].type = 0;
    s.payload_len = 65600;
    s.fragment = 1;
    s.more_fragments = 1;
    size_t n = build(&s);
    assert_status(decode(n, n), TCPSTATE_E_BAD_IPV6_EXT);
}

Test(decode_ipv6_jumbo, hop_by_hop_cut_on_the_wire_is_bad_and_by_snaplen_truncated)
{
    NEEDS_IPV6();
    size_t n = jumbo_frame();
    assert_status(decode(EXT + 1, EXT + 1), TCPSTATE_E_BAD_IPV6_EXT);
    assert_status(decode(EXT + 1, n), TCPSTATE_E_TRUNCATED);
    assert_status(decode(EXT + 7, EXT + 7), TCPSTATE_E_BAD_IPV6_EXT);
    assert_status(decode(EXT + 7, n), TCPSTATE_E_TRUNCATED);
}
