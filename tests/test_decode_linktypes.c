/* SPDX-License-Identifier: BSD-2-Clause */
/* tcpstate_decode(): the link types beyond the Ethernet family (issue 8): FDDI, PPP
 * (RFC 1661/1662) and Cisco HDLC, IEEE 802.11 and radiotap, ARCNET (RFC 1051/1201/2497),
 * IP over InfiniBand (RFC 4391), Juniper's Ethernet capture header. */
#include "support/encap_suite.h"
#include "support/options.h"

/* Link bytes in front of the inner frame, nothing else. */
static size_t with_link(const uint8_t *link, size_t link_len, size_t in)
{
    struct fb_wrap w;
    memset(&w, 0, sizeof w);
    w.link = link;
    w.link_len = link_len;
    return wrap(&w, in);
}

static tcpstate_status dec(uint32_t linktype, size_t n) { return decode_opt(linktype, n, n, NULL); }

Test(decode_linktypes, every_new_link_type_is_supported)
{
    NEEDS_LINK_TYPES();
    static const uint32_t lt[] = {7, 9, 10, 50, 104, 105, 127, 129, 178, 204, 242};
    for (size_t i = 0; i < sizeof lt / sizeof *lt; i++) {
        cr_assert(eq(int, tcpstate_linktype_supported(lt[i]), 1), "linktype %u", lt[i]);
    }
    cr_assert(eq(int, tcpstate_linktype_supported(8), 0));
}

Test(decode_linktypes, fddi_llc_snap)
{
    NEEDS_LINK_TYPES();
    uint8_t link[13 + 8] = {0x50, 1,  2,    3,    4,    5, 6, 7, 8,    9,   10,
                            11,   12, 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    size_t n = with_link(link, sizeof link, in);
    assert_status(dec(TCPSTATE_LINKTYPE_FDDI, n), TCPSTATE_OK);
    assert_inner(4);
    cr_assert(eq(u8, pkt.encap, TCPSTATE_ENCAP_SNAP));
    sweep(TCPSTATE_LINKTYPE_FDDI, n, 0);
    buf[0] = 0x41; /* an SMT frame */
    assert_status(dec(TCPSTATE_LINKTYPE_FDDI, n), TCPSTATE_SKIP_NOT_IP);
    buf[0] = 0x50;
    buf[13] = 0x42; /* LLC without SNAP (spanning tree) */
    assert_status(dec(TCPSTATE_LINKTYPE_FDDI, n), TCPSTATE_SKIP_NOT_IP);
    assert_status(dec(TCPSTATE_LINKTYPE_FDDI, 12), TCPSTATE_E_BAD_LINK);
}

Test(decode_linktypes, ppp_with_and_without_address_and_control)
{
    NEEDS_IPV6();
    NEEDS_LINK_TYPES();
    static const uint8_t full[4] = {0xFF, 0x03, 0x00, 0x21};
    static const uint8_t bare[2] = {0x00, 0x57};
    static const uint8_t pfc[1] = {0x21};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    size_t n = with_link(full, sizeof full, in);
    assert_status(dec(TCPSTATE_LINKTYPE_PPP, n), TCPSTATE_OK);
    assert_inner(4);
    sweep(TCPSTATE_LINKTYPE_PPP, n, 0);
    n = with_link(full, sizeof full, in);
    assert_status(dec(TCPSTATE_LINKTYPE_PPP_HDLC, n), TCPSTATE_OK);
    buf[1] = 0x05; /* not UI control */
    assert_status(dec(TCPSTATE_LINKTYPE_PPP, n), TCPSTATE_E_BAD_LINK);
    n = with_link(pfc, sizeof pfc, in);
    assert_status(dec(TCPSTATE_LINKTYPE_PPP, n), TCPSTATE_OK);
    assert_inner(4);
    sweep(TCPSTATE_LINKTYPE_PPP, n, 0);
    in = make_inner(TCPSTATE_LINKTYPE_RAW, 1);
    n = with_link(bare, sizeof bare, in);
    assert_status(dec(TCPSTATE_LINKTYPE_PPP, n), TCPSTATE_OK);
    assert_inner(6);
    buf[1] = 0x21;
    buf[0] = 0xC0; /* LCP 0xC021 */
    assert_status(dec(TCPSTATE_LINKTYPE_PPP, n), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_linktypes, ppp_with_direction_and_mpls)
{
    NEEDS_LINK_TYPES();
    static const uint8_t dir[5] = {0x01, 0xFF, 0x03, 0x00, 0x21};
    static const uint8_t mpls[8] = {0xFF, 0x03, 0x02, 0x81, 0x01, 0x00, 0x01, 0x40};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    size_t n = with_link(dir, sizeof dir, in);
    assert_status(dec(TCPSTATE_LINKTYPE_PPP_WITH_DIR, n), TCPSTATE_OK);
    assert_inner(4);
    sweep(TCPSTATE_LINKTYPE_PPP_WITH_DIR, n, 0);
    n = with_link(mpls, sizeof mpls, in);
    assert_status(dec(TCPSTATE_LINKTYPE_PPP, n), TCPSTATE_OK);
    assert_inner(4);
    cr_assert(eq(u32, pkt.mpls_label, 0x1000));
    buf[3] = 0x83; /* MPLS multicast */
    assert_status(dec(TCPSTATE_LINKTYPE_PPP, n), TCPSTATE_OK);
}

Test(decode_linktypes, cisco_hdlc_alone_and_in_ppp_hdlc)
{
    NEEDS_IPV6();
    NEEDS_LINK_TYPES();
    static const uint8_t chdlc[4] = {0x0F, 0x00, 0x86, 0xDD};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 1);
    size_t n = with_link(chdlc, sizeof chdlc, in);
    assert_status(dec(TCPSTATE_LINKTYPE_C_HDLC, n), TCPSTATE_OK);
    assert_inner(6);
    sweep(TCPSTATE_LINKTYPE_C_HDLC, n, 0);
    buf[0] = 0x8F;
    assert_status(dec(TCPSTATE_LINKTYPE_PPP_HDLC, n), TCPSTATE_OK);
    assert_inner(6);
    put16(2, 0x8035); /* SLARP */
    assert_status(dec(TCPSTATE_LINKTYPE_C_HDLC, n), TCPSTATE_SKIP_NOT_IP);
    put16(2, 0x0035); /* not an ethertype */
    assert_status(dec(TCPSTATE_LINKTYPE_C_HDLC, n), TCPSTATE_SKIP_NOT_IP);
}

/* An 802.11 data frame: 24-byte header (+6 for 4 addresses, +2 QoS, +4 HT
 * Control), then LLC/SNAP for IPv4. */
static size_t wlan(uint8_t fc, uint8_t flags, size_t in, uint8_t *hdr, size_t *len)
{
    static const uint8_t snap[8] = {0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};
    memset(hdr, 0, 48);
    hdr[0] = fc;
    hdr[1] = flags;
    size_t h = 24 + ((flags & 3) == 3 ? 6 : 0);
    if (fc & 0x80) {
        h += (flags & 0x80) ? 6 : 2;
    }
    memcpy(hdr + h, snap, sizeof snap);
    *len = h + 8;
    return with_link(hdr, *len, in);
}

Test(decode_linktypes, ieee80211_data_frames)
{
    NEEDS_LINK_TYPES();
    uint8_t hdr[48];
    size_t hl;
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    static const uint8_t fcs[][2] = {{0x08, 0x01}, {0x08, 0x03}, {0x88, 0x02}, {0x88, 0x83}};
    for (size_t i = 0; i < 4; i++) {
        size_t n = wlan(fcs[i][0], fcs[i][1], in, hdr, &hl);
        assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11, n), TCPSTATE_OK);
        assert_inner(4);
        sweep(TCPSTATE_LINKTYPE_IEEE802_11, n, 0);
    }
    size_t n = wlan(0x08, 0x41, in, hdr, &hl);
    assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11, n), TCPSTATE_SKIP_NOT_IP); /* protected */
    n = wlan(0x48, 0x01, in, hdr, &hl);
    assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11, n), TCPSTATE_SKIP_NOT_IP); /* null data */
    n = wlan(0x80, 0x00, in, hdr, &hl);
    assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11, n), TCPSTATE_SKIP_NOT_IP); /* beacon */
    n = wlan(0x08, 0x05, in, hdr, &hl);
    assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11, n), TCPSTATE_SKIP_FRAGMENT);
    n = wlan(0x08, 0x01, in, hdr, &hl);
    buf[22] = 0x01; /* fragment number 1 */
    assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11, n), TCPSTATE_SKIP_FRAGMENT);
}

Test(decode_linktypes, radiotap_then_80211)
{
    NEEDS_LINK_TYPES();
    /* version 0, length 16, present: TSFT and Flags, TSFT (8), Flags */
    uint8_t link[96] = {0, 0, 16, 0, 0x03, 0, 0, 0};
    uint8_t hdr[48];
    size_t hl;
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    wlan(0x08, 0x02, in, hdr, &hl);
    link[2] = 17;
    memcpy(link + 17, hdr, hl);
    size_t n = with_link(link, 17 + hl, in);
    assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP, n), TCPSTATE_OK);
    assert_inner(4);
    sweep(TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP, n, 0);
    buf[16] = 0x20; /* Flags: data padding */
    assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP, n), TCPSTATE_SKIP_NOT_IP);
    buf[0] = 1; /* version 1 */
    assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP, n), TCPSTATE_E_BAD_LINK);
    /* An extended present bitmap: a second word, no fields. */
    uint8_t ext[12] = {0, 0, 12, 0, 0, 0, 0, 0x80, 0, 0, 0, 0};
    memcpy(link, ext, sizeof ext);
    memcpy(link + 12, hdr, hl);
    n = with_link(link, 12 + hl, in);
    assert_status(dec(TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP, n), TCPSTATE_OK);
    assert_inner(4);
}

Test(decode_linktypes, arcnet_bsd_and_linux_headers)
{
    NEEDS_IPV6();
    NEEDS_LINK_TYPES();
    static const uint8_t bsd_old[3] = {1, 2, 0xF0};
    static const uint8_t bsd_new[6] = {1, 2, 0xD4, 0, 0, 7};
    static const uint8_t bsd_exc[10] = {1, 2, 0xD4, 0xFF, 0xFF, 0xFF, 0xD4, 0, 0, 7};
    static const uint8_t linux_old[5] = {1, 2, 0, 0, 0xF0};
    static const uint8_t linux_v6[8] = {1, 2, 0, 0, 0xC4, 0, 0, 1};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    const uint8_t *bsd[3] = {bsd_old, bsd_new, bsd_exc};
    size_t bsd_len[3] = {3, 6, 10};
    for (int i = 0; i < 3; i++) {
        size_t n = with_link(bsd[i], bsd_len[i], in);
        assert_status(dec(TCPSTATE_LINKTYPE_ARCNET_BSD, n), TCPSTATE_OK);
        assert_inner(4);
        sweep(TCPSTATE_LINKTYPE_ARCNET_BSD, n, 0);
    }
    size_t n = with_link(bsd_new, 6, in);
    buf[3] = 3; /* split: first of three fragments */
    assert_status(dec(TCPSTATE_LINKTYPE_ARCNET_BSD, n), TCPSTATE_SKIP_FRAGMENT);
    buf[2] = 0xD5; /* ARP */
    buf[3] = 0;
    assert_status(dec(TCPSTATE_LINKTYPE_ARCNET_BSD, n), TCPSTATE_SKIP_NOT_IP);
    n = with_link(linux_old, 5, in);
    assert_status(dec(TCPSTATE_LINKTYPE_ARCNET_LINUX, n), TCPSTATE_OK);
    assert_inner(4);
    sweep(TCPSTATE_LINKTYPE_ARCNET_LINUX, n, 0);
    in = make_inner(TCPSTATE_LINKTYPE_RAW, 1);
    n = with_link(linux_v6, 8, in);
    assert_status(dec(TCPSTATE_LINKTYPE_ARCNET_LINUX, n), TCPSTATE_OK);
    assert_inner(6);
    sweep(TCPSTATE_LINKTYPE_ARCNET_LINUX, n, 0);
}

Test(decode_linktypes, ip_over_infiniband)
{
    NEEDS_LINK_TYPES();
    uint8_t link[44] = {0};
    link[40] = 0x08;
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    size_t n = with_link(link, sizeof link, in);
    assert_status(dec(TCPSTATE_LINKTYPE_IPOIB, n), TCPSTATE_OK);
    assert_inner(4);
    sweep(TCPSTATE_LINKTYPE_IPOIB, n, 0);
    put16(40, 0x0806);
    assert_status(dec(TCPSTATE_LINKTYPE_IPOIB, n), TCPSTATE_SKIP_NOT_IP);
}

Test(decode_linktypes, juniper_ethernet_with_extensions_and_without_l2)
{
    NEEDS_LINK_TYPES();
    static const uint8_t ext[4 + 2 + 4 + 14] = {'M', 'G', 'C', 0x80, 0, 4, 1, 2, 3, 4, 2,    0,
                                                0,   0,   0,   2,    2, 0, 0, 0, 0, 1, 0x08, 0x00};
    static const uint8_t no_l2[4] = {'M', 'G', 'C', 0x02};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    size_t n = with_link(ext, sizeof ext, in);
    assert_status(dec(TCPSTATE_LINKTYPE_JUNIPER_ETHER, n), TCPSTATE_OK);
    assert_inner(4);
    sweep(TCPSTATE_LINKTYPE_JUNIPER_ETHER, n, 0);
    n = with_link(no_l2, sizeof no_l2, in);
    assert_status(dec(TCPSTATE_LINKTYPE_JUNIPER_ETHER, n), TCPSTATE_OK);
    assert_inner(4);
    buf[0] = 'X';
    assert_status(dec(TCPSTATE_LINKTYPE_JUNIPER_ETHER, n), TCPSTATE_E_BAD_LINK);
}

Test(decode_linktypes, without_link_types_they_are_unsupported)
{
#ifndef TCPSTATE_NO_LINK_TYPES
    cr_skip_test("only in a build with TCPSTATE_NO_LINK_TYPES");
#else
    static const uint32_t lt[] = {7, 9, 10, 50, 104, 105, 127, 129, 178, 204, 242};
    for (size_t i = 0; i < sizeof lt / sizeof *lt; i++) {
        cr_assert(eq(int, tcpstate_linktype_supported(lt[i]), 0), "linktype %u", lt[i]);
    }
    static const uint8_t ppp[4] = {0xff, 0x03, 0x00, 0x21};
    size_t n = with_link(ppp, sizeof ppp, make_inner(TCPSTATE_LINKTYPE_RAW, 0));
    assert_status(dec(TCPSTATE_LINKTYPE_PPP, n), TCPSTATE_E_LINKTYPE);
    /* What stays: Ethernet (and what decode.c decodes itself) and raw IP. */
    cr_assert(eq(int, tcpstate_linktype_supported(TCPSTATE_LINKTYPE_ETHERNET), 1));
    cr_assert(eq(int, tcpstate_linktype_supported(TCPSTATE_LINKTYPE_RAW), 1));
    n = with_link(ppp, 0, make_inner(TCPSTATE_LINKTYPE_RAW, 0)); /* the bare IP packet */
    assert_status(dec(TCPSTATE_LINKTYPE_RAW, n), TCPSTATE_OK);
    assert_inner(4);
#endif
}
