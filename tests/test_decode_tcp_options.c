/* SPDX-License-Identifier: BSD-2-Clause */
/* tcpstate_decode(): the TCP header (RFC 9293 §3.1) and its options
 * (RFC 7323, RFC 2018, RFC 7413, RFC 6994). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <string.h>

#include "support/decode_suite.h"
#include "support/frames.h"
#include "support/guard.h"
#include "support/options.h"
#include "tcpstate.h"

enum { L3 = 14, L4 = L3 + 20, OPTS = L4 + 20 };

static tcpstate_status decode(size_t caplen, size_t wirelen)
{
    return decode_buf(TCPSTATE_LINKTYPE_ETHERNET, caplen, wirelen, 0);
}

static struct frame_spec spec(void)
{
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    s.sport = 40001;
    s.dport = 8080;
    s.seq = 0xFFFFFFFF;
    s.ack = 0x80000000;
    s.flags = TCPSTATE_TH_SYN;
    return s;
}

/* A SYN carrying these option bytes (EOL-padded to 4), decoded whole. */
static tcpstate_status with_opts(const uint8_t *opts, size_t len)
{
    struct frame_spec s = spec();
    s.tcp_opts = opts;
    s.tcp_opts_len = len;
    size_t n = build(&s);
    return decode(n, n);
}

/* ------------------------------------------------------------ options */

Test(decode_tcp_options, mss_is_reported)
{
    uint8_t o[4];
    assert_status(with_opts(o, tcpopt_mss(o, 1460)), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_MSS));
    cr_assert(eq(u16, pkt.mss, 1460));
    cr_assert(eq(u8, pkt.tcp_hlen, 24));
}

Test(decode_tcp_options, window_scale_is_reported_as_sent)
{
    uint8_t o[4];
    assert_status(with_opts(o, tcpopt_wscale(o, 7)), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_WSCALE));
    cr_assert(eq(u8, pkt.wscale, 7));
    assert_status(with_opts(o, tcpopt_wscale(o, 15)), TCPSTATE_OK); /* above RFC 7323's 14 */
    cr_assert(eq(u8, pkt.wscale, 15));
}

Test(decode_tcp_options, sack_permitted_is_reported)
{
    uint8_t o[4];
    assert_status(with_opts(o, tcpopt_sack_perm(o)), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_SACK_PERM));
}

Test(decode_tcp_options, sack_with_one_to_four_blocks_is_reported)
{
    static const uint32_t left[4] = {0x10, 0xFFFFFF00, 0x30, 0x40};
    static const uint32_t right[4] = {0x20, 0x00000100, 0x38, 0x48};
    uint8_t o[40];
    for (unsigned k = 1; k <= 4; k++) {
        size_t n = tcpopt_nop(o);
        n += tcpopt_nop(o + n);
        n += tcpopt_sack(o + n, left, right, k);
        assert_status(with_opts(o, n), TCPSTATE_OK);
        cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_SACK));
        cr_assert(eq(u8, pkt.sack_count, (uint8_t)k));
        for (unsigned i = 0; i < k; i++) {
            cr_assert(eq(u32, pkt.sack_left[i], left[i]));
            cr_assert(eq(u32, pkt.sack_right[i], right[i]));
        }
        for (unsigned i = k; i < 4; i++) {
            cr_assert(eq(u32, pkt.sack_left[i], 0));
        }
    }
}

Test(decode_tcp_options, sack_without_whole_blocks_is_other)
{
    static const uint8_t none[2] = {5, 2};
    static const uint8_t partial[11] = {5, 11};
    assert_status(with_opts(none, sizeof none), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_OTHER));
    cr_assert(eq(u8, pkt.sack_count, 0));
    assert_status(with_opts(partial, sizeof partial), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_OTHER));
}

Test(decode_tcp_options, a_second_sack_option_does_not_replace_the_first)
{
    static const uint32_t a[1] = {1}, b[1] = {2}, c[1] = {3}, d[1] = {4};
    uint8_t o[20];
    size_t n = tcpopt_sack(o, a, b, 1);
    n += tcpopt_sack(o + n, c, d, 1);
    assert_status(with_opts(o, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.sack_count, 1));
    cr_assert(eq(u32, pkt.sack_left[0], 1));
    cr_assert(eq(u32, pkt.sack_right[0], 2));
}

Test(decode_tcp_options, timestamps_are_reported)
{
    uint8_t o[12];
    size_t n = tcpopt_nop(o);
    n += tcpopt_nop(o + n);
    n += tcpopt_timestamp(o + n, 0xDEADBEEF, 0x01020304);
    assert_status(with_opts(o, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_TIMESTAMP));
    cr_assert(eq(u32, pkt.ts_val, 0xDEADBEEF));
    cr_assert(eq(u32, pkt.ts_ecr, 0x01020304));
}

Test(decode_tcp_options, fast_open_request_has_no_cookie)
{
    uint8_t o[4];
    assert_status(with_opts(o, tcpopt_tfo(o, NULL, 0)), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_TFO));
    cr_assert(eq(ptr, (void *)pkt.tfo_cookie, NULL));
    cr_assert(eq(u8, pkt.tfo_len, 0));
}

Test(decode_tcp_options, fast_open_cookie_of_4_to_16_bytes_points_into_the_frame)
{
    static const uint8_t cookie[16] = {0xC0, 0x0C, 0x1E, 3,  4,  5,  6,  7,
                                       8,    9,    10,   11, 12, 13, 14, 15};
    static const uint8_t lens[] = {4, 8, 16};
    uint8_t o[20];
    for (size_t i = 0; i < sizeof lens; i++) {
        assert_status(with_opts(o, tcpopt_tfo(o, cookie, lens[i])), TCPSTATE_OK);
        cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_TFO));
        cr_assert(eq(u8, pkt.tfo_len, lens[i]));
        cr_assert(eq(ptr, (void *)pkt.tfo_cookie, (void *)(pkt.frame + OPTS + 2)));
        cr_assert(eq(int, memcmp(pkt.tfo_cookie, cookie, lens[i]), 0));
    }
}

Test(decode_tcp_options, fast_open_cookie_of_3_or_17_bytes_is_other)
{
    static const uint8_t cookie[17] = {0};
    uint8_t o[20];
    assert_status(with_opts(o, tcpopt_tfo(o, cookie, 3)), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_OTHER));
    cr_assert(eq(ptr, (void *)pkt.tfo_cookie, NULL));
    assert_status(with_opts(o, tcpopt_tfo(o, cookie, 17)), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_OTHER));
}

Test(decode_tcp_options, experimental_fast_open_with_its_magic_is_fast_open)
{
    static const uint8_t request[4] = {254, 4, 0xF9, 0x89};
    static const uint8_t cookie[12] = {254, 12, 0xF9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_status(with_opts(request, sizeof request), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_TFO));
    cr_assert(eq(ptr, (void *)pkt.tfo_cookie, NULL));
    assert_status(with_opts(cookie, sizeof cookie), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_TFO));
    cr_assert(eq(u8, pkt.tfo_len, 8));
    cr_assert(eq(ptr, (void *)pkt.tfo_cookie, (void *)(pkt.frame + OPTS + 4)));
}

Test(decode_tcp_options, experimental_option_without_the_magic_is_other)
{
    static const uint8_t other_magic[6] = {254, 6, 0x12, 0x34, 0, 0};
    static const uint8_t too_short[3] = {254, 3, 0xF9};
    static const uint8_t odd_cookie[6] = {254, 6, 0xF9, 0x89, 1, 2};
    assert_status(with_opts(other_magic, sizeof other_magic), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_OTHER));
    assert_status(with_opts(too_short, sizeof too_short), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_OTHER));
    assert_status(with_opts(odd_cookie, sizeof odd_cookie), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_OTHER));
}

Test(decode_tcp_options, unknown_kinds_are_skipped_by_their_length)
{
    static const uint8_t o[16] = {30, 12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 4, 0x05, 0xB4};
    assert_status(with_opts(o, sizeof o), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_OTHER | TCPSTATE_OPT_MSS));
    cr_assert(eq(u16, pkt.mss, 1460));
}

Test(decode_tcp_options, known_kinds_with_the_wrong_length_are_skipped_as_other)
{
    /* MSS len 3, WS len 4, SACK-permitted len 3, timestamps len 8, then a good MSS. */
    static const uint8_t o[22] = {2, 3, 0, 3, 4, 0, 0, 4, 3, 0,    8,
                                  8, 0, 0, 0, 0, 0, 0, 2, 4, 0x02, 0x18};
    assert_status(with_opts(o, sizeof o), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_OTHER | TCPSTATE_OPT_MSS));
    cr_assert(eq(u16, pkt.mss, 536));
    cr_assert(eq(u8, pkt.wscale, 0));
}

Test(decode_tcp_options, end_of_list_stops_parsing_and_nop_is_one_byte)
{
    static const uint8_t after_eol[8] = {1, 1, 0, 0, 2, 4, 0x05, 0xB4};
    static const uint8_t nops[8] = {1, 1, 1, 1, 2, 4, 0x05, 0xB4};
    assert_status(with_opts(after_eol, sizeof after_eol), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, 0));
    assert_status(with_opts(nops, sizeof nops), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_MSS));
}

/* A bad option stops option parsing, as in a receiving stack; the segment
 * still decodes (flagged), so an IDS is not blinded by it. */
Test(decode_tcp_options, option_length_zero_or_one_is_flagged_and_the_rest_ignored)
{
    static const uint8_t zero[8] = {2, 4, 0x05, 0xB4, 2, 0, 0, 0};
    static const uint8_t one[8] = {1, 30, 1, 0, 2, 4, 0x05, 0xB4};
    assert_status(with_opts(zero, sizeof zero), TCPSTATE_OK);
    cr_assert(eq(u16, pkt.sport, 40001)); /* the header was read */
    cr_assert(eq(u8, pkt.opts, TCPSTATE_OPT_MSS)); /* the option before the bad one counts */
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_BAD_OPTIONS));
    cr_assert(eq(u32, pkt.payload_offset, pkt.l4_offset + 28));
    assert_status(with_opts(one, sizeof one), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.opts, 0)); /* the MSS after the bad option is ignored */
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_BAD_OPTIONS));
}

Test(decode_tcp_options, option_running_past_the_header_is_flagged)
{
    static const uint8_t overrun[8] = {1, 1, 8, 10, 0, 0, 0, 0};
    static const uint8_t no_length_byte[4] = {1, 1, 1, 2};
    assert_status(with_opts(overrun, sizeof overrun), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_BAD_OPTIONS));
    cr_assert(eq(u8, pkt.opts, 0));
    assert_status(with_opts(no_length_byte, sizeof no_length_byte), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_BAD_OPTIONS));
}

Test(decode_tcp_options, forty_bytes_of_options_fill_a_sixty_byte_header)
{
    static const uint32_t l[1] = {5}, r[1] = {6};
    static const uint8_t cookie[8] = {9, 9, 9, 9, 8, 8, 8, 8};
    uint8_t o[40];
    size_t n = tcpopt_mss(o, 1400);
    n += tcpopt_sack_perm(o + n);
    n += tcpopt_timestamp(o + n, 1, 2);
    n += tcpopt_wscale(o + n, 9);
    n += tcpopt_nop(o + n);
    n += tcpopt_sack(o + n, l, r, 1);
    n += tcpopt_tfo(o + n, cookie, 8);
    cr_assert(eq(sz, n, 40));
    assert_status(with_opts(o, n), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.tcp_hlen, 60));
    cr_assert(eq(u8, pkt.opts,
                 TCPSTATE_OPT_MSS | TCPSTATE_OPT_SACK_PERM | TCPSTATE_OPT_TIMESTAMP |
                     TCPSTATE_OPT_WSCALE | TCPSTATE_OPT_SACK | TCPSTATE_OPT_TFO));
    cr_assert(eq(u16, pkt.mss, 1400));
    cr_assert(eq(u8, pkt.wscale, 9));
    cr_assert(eq(u32, pkt.ts_ecr, 2));
    cr_assert(eq(u32, pkt.sack_right[0], 6));
    cr_assert(eq(u8, pkt.tfo_len, 8));
}

Test(decode_tcp_options, options_cut_by_the_snap_length_are_parsed_up_to_the_cut)
{
    uint8_t o[20];
    size_t n = tcpopt_mss(o, 1460);      /* OPTS + 0 .. 4 */
    n += tcpopt_sack_perm(o + n);        /* 4 .. 6 */
    n += tcpopt_timestamp(o + n, 77, 0); /* 6 .. 16 */
    n += tcpopt_nop(o + n);              /* 16 */
    n += tcpopt_wscale(o + n, 2);        /* 17 .. 20 */
    struct frame_spec s = spec();
    s.tcp_opts = o;
    s.tcp_opts_len = n;
    s.payload_len = 5;
    size_t len = build(&s);
    static const struct {
        size_t cut;
        uint8_t opts;
    } cases[] = {
        {0, 0},
        {3, 0},
        {4, TCPSTATE_OPT_MSS},
        {5, TCPSTATE_OPT_MSS},
        {15, TCPSTATE_OPT_MSS | TCPSTATE_OPT_SACK_PERM},
        {19, TCPSTATE_OPT_MSS | TCPSTATE_OPT_SACK_PERM | TCPSTATE_OPT_TIMESTAMP},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t cap = OPTS + cases[i].cut;
        assert_status(decode(cap, len), TCPSTATE_OK);
        cr_assert(eq(u8, pkt.opts, cases[i].opts));
        cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_OPTS_TRUNCATED | TCPSTATE_PKT_PAYLOAD_TRUNCATED));
        cr_assert(eq(u8, pkt.tcp_hlen, 40));
        cr_assert(eq(u32, pkt.payload_offset, (uint32_t)cap));
        cr_assert(eq(u32, pkt.payload_caplen, 0));
        cr_assert(eq(u32, pkt.payload_len, 5));
    }
    assert_status(decode(OPTS + 20, len), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.flags, TCPSTATE_PKT_PAYLOAD_TRUNCATED));
    cr_assert(eq(u8, pkt.wscale, 2));
}

/* ------------------------------------------------------------ header */

Test(decode_tcp_header, every_field_and_all_nine_flags_are_reported)
{
    struct frame_spec s = spec();
    s.flags = 0x1FF;
    s.window_zero = 1;
    s.urgent = 0xFFFF;
    size_t n = build(&s);
    buf[L4 + 12] |= 0x0E; /* reserved bits: not flags */
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u16, pkt.tcp_flags, 0x1FF));
    cr_assert(eq(u16, pkt.sport, 40001));
    cr_assert(eq(u16, pkt.dport, 8080));
    cr_assert(eq(u32, pkt.seq, 0xFFFFFFFF));
    cr_assert(eq(u32, pkt.ack, 0x80000000));
    cr_assert(eq(u16, pkt.window, 0));
    cr_assert(eq(u16, pkt.urgent, 0xFFFF));
    cr_assert(eq(u8, pkt.tcp_hlen, 20));
    s.flags = TCPSTATE_TH_AE;
    n = build(&s);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u16, pkt.tcp_flags, TCPSTATE_TH_AE));
}

Test(decode_tcp_header, data_offset_below_five_words_is_bad)
{
    struct frame_spec s = spec();
    size_t n = build(&s);
    for (unsigned doff = 0; doff < 5; doff++) {
        buf[L4 + 12] = (uint8_t)(doff << 4);
        assert_status(decode(n, n), TCPSTATE_E_BAD_TCP_OFFSET);
        cr_assert(eq(u16, pkt.dport, 8080));
        cr_assert(eq(u8, pkt.tcp_hlen, (uint8_t)(doff * 4)));
    }
}

Test(decode_tcp_header, data_offset_beyond_the_segment_is_bad)
{
    struct frame_spec s = spec();
    s.payload_len = 39;
    size_t n = build(&s);
    buf[L4 + 12] = 0xF0; /* 60 bytes, the segment has 59 */
    assert_status(decode(n, n), TCPSTATE_E_BAD_TCP_OFFSET);
    buf[L4 + 12] = 0x60;
    memset(buf + L4 + 20, 1, 4);
    assert_status(decode(n, n), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.payload_len, 35));
}

Test(decode_tcp_header, ip_payload_shorter_than_twenty_bytes_is_a_bad_tcp_header)
{
    struct frame_spec s = spec();
    size_t n = build(&s);
    buf[L3 + 3] = 20 + 19;
    assert_status(decode(n, n), TCPSTATE_E_BAD_TCP_HEADER);
    buf[L3 + 3] = 20;
    assert_status(decode(n, n), TCPSTATE_E_BAD_TCP_HEADER);
    cr_assert(eq(u32, pkt.l4_offset, L4));
}

Test(decode_tcp_header, ipv6_payload_shorter_than_twenty_bytes_is_a_bad_tcp_header)
{
    NEEDS_IPV6();
    struct frame_spec s = spec();
    s.src = "::1";
    s.dst = "::2";
    size_t n = build(&s);
    buf[L3 + 5] = 19;
    assert_status(decode(n, n), TCPSTATE_E_BAD_TCP_HEADER);
}

Test(decode_tcp_header, header_cut_by_the_snap_length_is_truncated)
{
    struct frame_spec s = spec();
    size_t n = build(&s);
    assert_status(decode(L4 + 19, n), TCPSTATE_E_TRUNCATED);
    assert_status(decode(L4, n), TCPSTATE_E_TRUNCATED);
    assert_status(decode(L4 + 20, n), TCPSTATE_OK);
}
