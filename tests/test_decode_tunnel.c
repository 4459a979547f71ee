/* SPDX-License-Identifier: BSD-2-Clause */
/* tcpstate_decode_ex(): tunnels down to the innermost TCP segment (issue 8): IP in IP
 * (RFC 2003, 4213, 2473), GRE (RFC 2784, 2890, 2637, 8086), ERSPAN, Aruba, VXLAN (RFC 7348),
 * Geneve (RFC 8926), Teredo (RFC 4380), AYIYA, GTP-U (TS 29.281); depth, options, zone. */
#include "support/encap_suite.h"
#include "support/options.h"

static const uint8_t eth_ipv4[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
static const uint8_t eth_ipv6[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xDD};

static struct fb_wrap outer(int v6, uint8_t proto)
{
    struct fb_wrap w;
    memset(&w, 0, sizeof w);
    w.link = v6 ? eth_ipv6 : eth_ipv4;
    w.link_len = 14;
    w.outer_v6 = v6;
    w.proto = proto;
    return w;
}

static struct fb_wrap udp(uint16_t dport, const uint8_t *tun, size_t tun_len)
{
    struct fb_wrap w = outer(0, 17);
    w.sport = 40000;
    w.dport = dport;
    w.tun = tun;
    w.tun_len = tun_len;
    return w;
}

static tcpstate_status decode_eth(size_t n)
{
    return decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, NULL);
}

/* ------------------------------------------------------------ IP in IP */

Test(decode_tunnel, ip_in_ip_all_four_combinations)
{
    NEEDS_TUNNELS();
    for (int ov6 = 0; ov6 <= (int)IF_IPV6(1); ov6++) {
        for (int iv6 = 0; iv6 <= (int)IF_IPV6(1); iv6++) {
            size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, iv6);
            struct fb_wrap w = outer(ov6, iv6 ? 41 : 4);
            size_t n = wrap(&w, in);
            assert_status(decode_eth(n), TCPSTATE_OK);
            assert_inner(iv6 ? 6 : 4);
            cr_assert(eq(u8, pkt.tunnel_count, 1));
            cr_assert(eq(u32, pkt.encap_all, TCPSTATE_ENCAP_IPIP));
            cr_assert(eq(u32, pkt.tunnel[0].encap, TCPSTATE_ENCAP_IPIP));
            cr_assert(eq(u8, pkt.tunnel[0].ip_version, ov6 ? 6 : 4));
            cr_assert(eq(u32, pkt.tunnel[0].l3_offset, 14));
            cr_assert(eq(u32, pkt.tunnel[0].l4_offset, (uint32_t)inner_off));
            cr_assert(eq(u8, pkt.tunnel[0].src[ov6 ? 15 : 3], 1));
            cr_assert(eq(u8, pkt.tunnel[0].dst[ov6 ? 15 : 3], 2));
            cr_assert(eq(u32, pkt.zone_encap, 0));
            sweep(TCPSTATE_LINKTYPE_ETHERNET, n, 0);
        }
    }
}

Test(decode_tunnel, four_layers_decode_and_a_fifth_is_too_deep)
{
    NEEDS_TUNNELS();
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    for (unsigned layers = 1; layers <= TCPSTATE_MAX_TUNNEL + 1; layers++) {
        struct fb_wrap w = outer(0, 4);
        w.link = NULL;
        w.link_len = 0;
        size_t n = in;
        memcpy(buf, inner, in);
        for (unsigned i = 0; i < layers; i++) {
            uint8_t tmp[4096];
            memcpy(tmp, buf, n);
            n = frame_wrap(&w, tmp, n, buf, sizeof buf, NULL, NULL);
        }
        tcpstate_status st = decode_opt(TCPSTATE_LINKTYPE_RAW, n, n, NULL);
        if (layers <= TCPSTATE_MAX_TUNNEL) {
            assert_status(st, TCPSTATE_OK);
            cr_assert(eq(u8, pkt.tunnel_count, (uint8_t)layers));
            cr_assert(eq(u32, pkt.tunnel[layers - 1].l3_offset, 20 * (layers - 1)));
        } else {
            assert_status(st, TCPSTATE_E_TUNNEL_DEPTH);
            cr_assert(eq(u8, pkt.tunnel_count, TCPSTATE_MAX_TUNNEL));
        }
    }
}

Test(decode_tunnel, outer_fragment_and_bad_outer_checksum)
{
    NEEDS_IPV6();
    NEEDS_TUNNELS();
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    struct fb_wrap w = outer(0, 4);
    size_t n = wrap(&w, in);
    buf[14 + 10] ^= 0x55; /* outer header checksum */
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, NULL), TCPSTATE_OK);
    tcpstate_decode_options o = {0};
    o.flags = TCPSTATE_DECODE_VERIFY_CHECKSUMS;
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, &o), TCPSTATE_E_BAD_IPV4_CHECKSUM);
    assert_inner(4); /* the whole view is still there */
    cr_assert(eq(u8, pkt.ip_csum, TCPSTATE_CSUM_BAD));
    /* Found by fuzz_decode: an inner IPv6 packet still reports the outer verdict. */
    in = make_inner(TCPSTATE_LINKTYPE_RAW, 1);
    w = outer(0, 41);
    n = wrap(&w, in);
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, &o), TCPSTATE_OK);
    cr_assert(eq(u8, pkt.ip_csum, TCPSTATE_CSUM_UNCHECKED)); /* IPv6 has none */
    buf[14 + 10] ^= 0x55;
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, &o), TCPSTATE_E_BAD_IPV4_CHECKSUM);
    cr_assert(eq(u8, pkt.ip_csum, TCPSTATE_CSUM_BAD));
    cr_assert(eq(u8, pkt.tcp_csum, TCPSTATE_CSUM_GOOD));
    in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    w = outer(0, 4);
    n = wrap(&w, in);
    put16(14 + 6, 0x2000); /* MF: the inner packet continues elsewhere */
    assert_status(decode_eth(n), TCPSTATE_SKIP_FRAGMENT);
    n = wrap(&w, in);
    buf[14 + 9] = 99; /* another protocol: not TCP */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
}

Test(decode_tunnel, options_switch_kinds_off)
{
    NEEDS_TUNNELS();
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    struct fb_wrap w = outer(0, 4);
    size_t n = wrap(&w, in);
    tcpstate_decode_options o = {0};
    o.no_tunnels = TCPSTATE_ENCAP_IPIP;
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, &o), TCPSTATE_SKIP_NOT_TCP);
    cr_assert(eq(u8, pkt.tunnel_count, 0));
    o.no_tunnels = TCPSTATE_ENCAP_TUNNELS;
    static const uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, 7, 0};
    w = udp(4789, vx, sizeof vx);
    in = make_inner(TCPSTATE_LINKTYPE_ETHERNET, 0);
    n = wrap(&w, in);
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, &o), TCPSTATE_SKIP_NOT_TCP);
    assert_status(decode_eth(n), TCPSTATE_OK);
}

/* ------------------------------------------------------------ GRE */

Test(decode_tunnel, gre_ipv4_with_checksum_key_and_sequence)
{
    NEEDS_IPV6();
    static const uint8_t gre[16] = {0xB0, 0, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 9};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    struct fb_wrap w = outer(1, 47);
    w.tun = gre;
    w.tun_len = sizeof gre;
    size_t n = wrap(&w, in);
#ifdef TCPSTATE_NO_TUNNELS
    /* Left out of this build: GRE is not TCP. */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    return;
#endif
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(4);
    cr_assert(eq(u32, pkt.encap_all, TCPSTATE_ENCAP_GRE));
    cr_assert(eq(u8, pkt.tunnel[0].has_id, 1));
    cr_assert(eq(u32, pkt.tunnel[0].id, 0x1234));
    cr_assert(eq(u32, pkt.zone, 0x1234));
    cr_assert(eq(u32, pkt.zone_encap, TCPSTATE_ENCAP_GRE));
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, 0);
}

Test(decode_tunnel, gre_routing_unknown_flags_and_versions_are_not_decoded)
{
    NEEDS_TUNNELS();
    static const uint16_t bad[] = {0x4000, 0x0008, 0x0002, 0x0001 /* v1 without key */};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint8_t gre[4] = {(uint8_t)(bad[i] >> 8), (uint8_t)bad[i], 0x08, 0x00};
        struct fb_wrap w = outer(0, 47);
        w.tun = gre;
        w.tun_len = sizeof gre;
        size_t n = wrap(&w, in);
        assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    }
    static const uint8_t arp[4] = {0, 0, 0x08, 0x06};
    struct fb_wrap w = outer(0, 47);
    w.tun = arp;
    w.tun_len = sizeof arp;
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_IP);
    w.tun_len = 2; /* a GRE header cut short by the IP length */
    n = wrap(&w, 0);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
}

Test(decode_tunnel, gre_transparent_ethernet_bridging)
{
    NEEDS_IPV6();
    NEEDS_TUNNELS();
    static const uint8_t gre[8] = {0x20, 0, 0x65, 0x58, 0, 0, 0, 5};
    size_t in = make_inner(TCPSTATE_LINKTYPE_ETHERNET, 1);
    struct fb_wrap w = outer(0, 47);
    w.tun = gre;
    w.tun_len = sizeof gre;
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(6);
    cr_assert(eq(u32, pkt.encap_all, TCPSTATE_ENCAP_GRE | TCPSTATE_ENCAP_ETHER));
    cr_assert(eq(u32, pkt.zone, 5));
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, 0);
}

Test(decode_tunnel, erspan_types_one_two_and_three)
{
    NEEDS_TUNNELS();
    static const uint8_t t1[4] = {0, 0, 0x88, 0xBE};
    static const uint8_t t2[16] = {0x10, 0,    0x88, 0xBE, 0, 0, 0, 1,
                                   0x10, 0x64, 0x03, 0xFF, 0, 0, 0, 0};
    static const uint8_t t3[16] = {0, 0, 0x22, 0xEB, 0x20, 0, 0x00, 0x2A, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t t3o[24] = {0, 0, 0x22, 0xEB, 0x20, 0, 0x00, 0x2A, 0, 0, 0, 0,
                                    0, 0, 0,    1,    0,    0, 0,    0,    0, 0, 0, 0};
    const uint8_t *hdr[4] = {t1, t2, t3, t3o};
    size_t len[4] = {sizeof t1, sizeof t2, sizeof t3, sizeof t3o};
    uint32_t id[4] = {0, 0x3FF, 0x2A, 0x2A};
    size_t in = make_inner(TCPSTATE_LINKTYPE_ETHERNET, 0);
    for (int i = 0; i < 4; i++) {
        struct fb_wrap w = outer(0, 47);
        w.tun = hdr[i];
        w.tun_len = len[i];
        size_t n = wrap(&w, in);
        assert_status(decode_eth(n), TCPSTATE_OK);
        assert_inner(4);
        cr_assert(eq(u32, pkt.tunnel[0].encap, TCPSTATE_ENCAP_GRE | TCPSTATE_ENCAP_ERSPAN));
        cr_assert(eq(u32, pkt.tunnel[0].id, id[i]));
        cr_assert(eq(u8, pkt.tunnel[0].has_id, i > 0));
        cr_assert(eq(u32, pkt.zone_encap, i > 0 ? TCPSTATE_ENCAP_ERSPAN : 0));
        sweep(TCPSTATE_LINKTYPE_ETHERNET, n, 0);
    }
    uint8_t wrong[16];
    memcpy(wrong, t2, sizeof wrong);
    wrong[8] = 0x20; /* version 2 in a type II header */
    struct fb_wrap w = outer(0, 47);
    w.tun = wrong;
    w.tun_len = sizeof wrong;
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
}

Test(decode_tunnel, gre_version_one_carries_ppp)
{
    NEEDS_TUNNELS();
    NEEDS_LINK_TYPES(); /* PPP, 802.11: decode_link.c */
    /* RFC 2637 §4.1: K and S set, A set, version 1; key = payload length, call id. */
    static const uint8_t gre[20] = {0x30, 0x81, 0x88, 0x0B, 0, 43, 0x00, 0x07, 0,    0,
                                    0,    1,    0,    0,    0, 0,  0xFF, 0x03, 0x00, 0x21};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    struct fb_wrap w = outer(0, 47);
    w.tun = gre;
    w.tun_len = sizeof gre;
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(4);
    cr_assert(eq(u32, pkt.tunnel[0].id, 7));
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, 0);
}

Test(decode_tunnel, gre_over_udp)
{
    NEEDS_IPV6();
    NEEDS_TUNNELS();
    static const uint8_t gre[4] = {0, 0, 0x86, 0xDD};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 1);
    struct fb_wrap w = udp(4754, gre, sizeof gre);
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(6);
    cr_assert(eq(u32, pkt.tunnel[0].encap, TCPSTATE_ENCAP_GRE | TCPSTATE_ENCAP_UDP));
    cr_assert(eq(u16, pkt.tunnel[0].sport, 40000));
    cr_assert(eq(u16, pkt.tunnel[0].dport, 4754));
    cr_assert(eq(u32, pkt.tunnel[0].l4_offset, (uint32_t)udp_off));
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, udp_off + 8);
}

/* An 802.11 QoS data frame (A-MSDU with one subframe) in Aruba's GRE 0x8240. */
Test(decode_tunnel, aruba_gre_with_80211_amsdu_inside)
{
    NEEDS_TUNNELS();
    NEEDS_LINK_TYPES(); /* PPP, 802.11: decode_link.c */
    uint8_t hdr[4 + 26 + 14 + 8] = {0, 0, 0x82, 0x40, 0x88, 0x02};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    hdr[4 + 24] = 0x80; /* QoS Control: A-MSDU present */
    size_t sub = 4 + 26 + 12;
    hdr[sub] = (uint8_t)((8 + in) >> 8);
    hdr[sub + 1] = (uint8_t)(8 + in);
    static const uint8_t snap[8] = {0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};
    memcpy(hdr + sub + 2, snap, sizeof snap);
    struct fb_wrap w = outer(0, 47);
    w.tun = hdr;
    w.tun_len = sizeof hdr;
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(4);
    cr_assert(
        eq(u32, pkt.encap_all, TCPSTATE_ENCAP_GRE | TCPSTATE_ENCAP_WLAN | TCPSTATE_ENCAP_SNAP));
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, 0);
    put16(sub + 14 + 34, 0xFFFF); /* subframe longer than the frame */
    put16(inner_off - 8 - 2, 0xFFFF);
    assert_status(decode_eth(n), TCPSTATE_E_BAD_LINK);
}

/* ------------------------------------------------------------ UDP tunnels */

Test(decode_tunnel, vxlan_carries_ethernet_and_names_the_zone)
{
    static const uint8_t vx[8] = {0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0};
    size_t in = make_inner(TCPSTATE_LINKTYPE_ETHERNET, 0);
    struct fb_wrap w = udp(4789, vx, sizeof vx);
    size_t n = wrap(&w, in);
#ifdef TCPSTATE_NO_TUNNELS
    /* Left out of this build: a UDP tunnel is just UDP. */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    return;
#endif
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(4);
    cr_assert(
        eq(u32, pkt.encap_all, TCPSTATE_ENCAP_VXLAN | TCPSTATE_ENCAP_UDP | TCPSTATE_ENCAP_ETHER));
    cr_assert(eq(u32, pkt.zone, 0x123456));
    cr_assert(eq(u32, pkt.zone_encap, TCPSTATE_ENCAP_VXLAN));
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, udp_off + 8);
    /* The reply comes from port 4789: recognised by the source port too. */
    w.sport = 4789;
    w.dport = 40000;
    n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    /* Without the I flag it is not VXLAN. */
    buf[udp_off + 8] = 0;
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
}

Test(decode_tunnel, tunnel_ports_are_configurable)
{
    NEEDS_TUNNELS();
    static const uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, 1, 0};
    size_t in = make_inner(TCPSTATE_LINKTYPE_ETHERNET, 0);
    struct fb_wrap w = udp(8472, vx, sizeof vx); /* Linux's old VXLAN port */
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    tcpstate_decode_options o = {0};
    o.port_vxlan = 8472;
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, &o), TCPSTATE_OK);
    assert_inner(4);
}

Test(decode_tunnel, udp_length_bounds_the_tunnel)
{
    NEEDS_TUNNELS();
    static const uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, 1, 0};
    size_t in = make_inner(TCPSTATE_LINKTYPE_ETHERNET, 0);
    struct fb_wrap w = udp(4789, vx, sizeof vx);
    size_t n = wrap(&w, in);
    put16(udp_off + 4, 4); /* below the UDP header */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    put16(udp_off + 4, 0xFFF0); /* beyond the IP packet */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    put16(udp_off + 4, 0); /* 0: the IP length bounds it */
    assert_status(decode_eth(n), TCPSTATE_OK);
    n = wrap(&w, in);
    put16(14 + 6, 0x2000); /* a first fragment */
    assert_status(decode_eth(n), TCPSTATE_SKIP_FRAGMENT);
}

Test(decode_tunnel, geneve_skips_its_options)
{
    NEEDS_IPV6();
    NEEDS_TUNNELS();
    static const uint8_t gv[16] = {0x02, 0, 0x65, 0x58, 0xAB, 0xCD, 0xEF, 0,
                                   1,    2, 3,    4,    5,    6,    7,    8};
    static const uint8_t gv_ip[8] = {0x00, 0, 0x08, 0x00, 0, 0, 1, 0};
    size_t in = make_inner(TCPSTATE_LINKTYPE_ETHERNET, 1);
    struct fb_wrap w = udp(6081, gv, sizeof gv);
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(6);
    cr_assert(eq(u32, pkt.zone, 0xABCDEF));
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, udp_off + 8);
    in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    w = udp(6081, gv_ip, sizeof gv_ip);
    n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(4);
    buf[udp_off + 8] = 0x40; /* version 1 */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
}

Test(decode_tunnel, teredo_with_authentication_and_origin_headers)
{
    NEEDS_IPV6();
    NEEDS_TUNNELS();
    static const uint8_t hdr[4 + 2 + 1 + 8 + 1 + 8] = {
        0, 1, 2, 1, 'i', 'd', 'a', 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0xAB, 0xCD, 1, 2, 3, 4};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 1);
    struct fb_wrap w = udp(3544, hdr, sizeof hdr);
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(6);
    cr_assert(eq(u32, pkt.tunnel[0].encap, TCPSTATE_ENCAP_TEREDO | TCPSTATE_ENCAP_UDP));
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, udp_off + 8);
    w = udp(3544, NULL, 0);
    in = make_inner(TCPSTATE_LINKTYPE_RAW, 0); /* IPv4 is not Teredo */
    n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
}

Test(decode_tunnel, teredo_on_other_ports_is_recognised_by_shape)
{
    NEEDS_IPV6();
    NEEDS_TUNNELS();
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_RAW;
    s.src = "2001:0:4137:9e50:8000:f12a:b9c8:2815";
    s.dst = "2001:4860::68";
    s.sport = 1286;
    s.dport = 80;
    s.flags = TCPSTATE_TH_SYN;
    size_t in = frame_build(&s, inner, sizeof inner, &inner_lay);
    struct fb_wrap w = udp(32900, NULL, 0);
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    cr_assert(eq(u16, pkt.dport, 80));
    cr_assert(eq(u32, pkt.encap_all, TCPSTATE_ENCAP_TEREDO | TCPSTATE_ENCAP_UDP));
    tcpstate_decode_options o = {0};
    o.no_tunnels = TCPSTATE_ENCAP_TEREDO;
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, &o), TCPSTATE_SKIP_NOT_TCP);
    put16(inner_off + 4, 10); /* the IPv6 length does not fill the datagram */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    s.src = "2001:db8::1"; /* no Teredo address on either side */
    in = frame_build(&s, inner, sizeof inner, &inner_lay);
    n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
}

Test(decode_tunnel, teredo_bubble_is_not_tcp)
{
    NEEDS_IPV6();
    NEEDS_TUNNELS();
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_RAW;
    s.src = "2001:0:4137:9e50:8000:f12a:b9c8:2815";
    s.dst = "2001:0:4137:9e50::1";
    s.ip_proto = 59; /* no next header */
    size_t in = frame_build(&s, inner, sizeof inner, &inner_lay);
    in = 40;      /* the bare IPv6 header */
    inner[4] = 0; /* payload length 0 */
    inner[5] = 0;
    struct fb_wrap w = udp(3544, NULL, 0);
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    cr_assert(eq(u8, pkt.tunnel_count, 1));
}

Test(decode_tunnel, ayiya_forwards_ipv4_and_ipv6)
{
    NEEDS_TUNNELS();
    /* identity 2^4 = 16 bytes, signature 5 * 4 = 20 bytes, opcode 1 (forward) */
    uint8_t hdr[8 + 16 + 20] = {0x41, 0x52, 0x11, 41};
    for (int v6 = 0; v6 <= (int)IF_IPV6(1); v6++) {
        hdr[3] = v6 ? 41 : 4;
        size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, v6);
        struct fb_wrap w = udp(5072, hdr, sizeof hdr);
        size_t n = wrap(&w, in);
        assert_status(decode_eth(n), TCPSTATE_OK);
        assert_inner(v6 ? 6 : 4);
        cr_assert(eq(u32, pkt.tunnel[0].encap, TCPSTATE_ENCAP_AYIYA | TCPSTATE_ENCAP_UDP));
        sweep(TCPSTATE_LINKTYPE_ETHERNET, n, udp_off + 8);
        buf[udp_off + 8 + 2] = 0x12; /* opcode 2: echo request */
        assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    }
}

static size_t gtp(uint8_t *h, uint8_t flags, uint8_t type, size_t extra, size_t in)
{
    h[0] = flags;
    h[1] = type;
    h[2] = (uint8_t)((extra + in) >> 8);
    h[3] = (uint8_t)(extra + in);
    h[4] = 0xDE;
    h[5] = 0xAD;
    h[6] = 0xBE;
    h[7] = 0xEF;
    return 8 + extra;
}

Test(decode_tunnel, gtpu_plain_with_sequence_and_extension_headers)
{
    NEEDS_TUNNELS();
    uint8_t h[32] = {0};
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    /* plain; S (0x32: sequence number); E with a PDU session container */
    size_t len = gtp(h, 0x30, 0xFF, 0, in);
    struct fb_wrap w = udp(2152, h, len);
    size_t n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(4);
    cr_assert(eq(u32, pkt.zone, 0xDEADBEEF));
    cr_assert(eq(u32, pkt.zone_encap, TCPSTATE_ENCAP_GTPU));
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, udp_off + 8);
    memset(h, 0, sizeof h);
    len = gtp(h, 0x32, 0xFF, 4, in);
    w = udp(2152, h, len);
    n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    memset(h, 0, sizeof h);
    len = gtp(h, 0x34, 0xFF, 4 + 8, in);
    h[11] = 0x85;  /* next: PDU session container */
    h[12] = 2;     /* 8 bytes */
    h[12 + 7] = 0; /* no further extension */
    w = udp(2152, h, len);
    n = wrap(&w, in);
    assert_status(decode_eth(n), TCPSTATE_OK);
    assert_inner(4);
    sweep(TCPSTATE_LINKTYPE_ETHERNET, n, udp_off + 8);
    buf[udp_off + 8 + 12] = 0; /* an extension of length 0 */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    buf[udp_off + 8 + 1] = 1; /* echo request, not a G-PDU */
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    memset(h, 0, sizeof h);
    len = gtp(h, 0x30, 0xFF, 0, 2);
    static const uint8_t ppp[2] = {0xFF, 0x03};
    memcpy(inner, ppp, 2); /* not IP inside */
    w = udp(2152, h, len);
    n = wrap(&w, 2);
    assert_status(decode_eth(n), TCPSTATE_SKIP_NOT_TCP);
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n - 2, n, NULL), TCPSTATE_E_TRUNCATED);
}

Test(decode_tunnel, vlan_zone_when_no_tunnel_has_an_id)
{
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    s.n_vlan = 2;
    s.vlan[0] = 100;
    s.vlan[1] = 200;
    size_t n = build(&s);
    assert_status(decode_opt(TCPSTATE_LINKTYPE_ETHERNET, n, n, NULL), TCPSTATE_OK);
    cr_assert(eq(u32, pkt.zone, 100));
    cr_assert(eq(u32, pkt.zone_encap, TCPSTATE_ENCAP_VLAN));
    cr_assert(eq(u32, pkt.encap_all, TCPSTATE_ENCAP_VLAN));
}

/* The engine decodes with tcpstate_config::decode: its ports reach tcpstate_feed(). */
Test(decode_tunnel, engine_uses_the_configured_tunnel_ports)
{
    NEEDS_TUNNELS();
    static const uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, 1, 0};
    static _Alignas(64) uint8_t mem[1 << 20];
    size_t in = make_inner(TCPSTATE_LINKTYPE_ETHERNET, 0);
    struct fb_wrap w = udp(8472, vx, sizeof vx);
    size_t n = wrap(&w, in);
    for (int configured = 0; configured < 2; configured++) {
        tcpstate_config cfg;
        tcpstate_engine *e;
        tcpstate_stats st;
        tcpstate_config_init(&cfg);
        cfg.max_flows = 64;
        cfg.decode.port_vxlan = configured ? 8472 : 0;
        cr_assert(le(sz, tcpstate_footprint(&cfg), sizeof mem));
        cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e), TCPSTATE_OK));
        assert_status(tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, buf, n, n, 1),
                      configured ? TCPSTATE_OK : TCPSTATE_SKIP_NOT_TCP);
        cr_assert(eq(int, tcpstate_get_stats(e, &st), TCPSTATE_OK));
        cr_assert(eq(u64, st.flows_created, (uint64_t)configured));
    }
}

/* TCPSTATE_F_ZONE_KEY: the same inner connection in two VXLAN networks is two
 * flows, in one table, with tcpstate_feed() and with the batch call. */
Test(decode_tunnel, zone_key_separates_the_same_tuple_in_two_networks)
{
    NEEDS_TUNNELS();
    static uint8_t frames[2][512];
    static _Alignas(64) uint8_t mem[1 << 20];
    size_t len[2];
    for (int vni = 0; vni < 2; vni++) {
        const uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, (uint8_t)(vni + 1), 0};
        size_t in = make_inner(TCPSTATE_LINKTYPE_ETHERNET, 0);
        struct fb_wrap w = udp(4789, vx, sizeof vx);
        len[vni] = wrap(&w, in);
        cr_assert(le(sz, len[vni], sizeof frames[vni]));
        memcpy(frames[vni], buf, len[vni]);
    }
    for (int keyed = 0; keyed < 2; keyed++) {
        for (int batched = 0; batched < 2; batched++) {
            tcpstate_config cfg;
            tcpstate_engine *e;
            tcpstate_stats st;
            tcpstate_config_init(&cfg);
            cfg.max_flows = 64;
            if (keyed) {
                cfg.flags |= TCPSTATE_F_ZONE_KEY;
            }
            cr_assert(le(sz, tcpstate_footprint(&cfg), sizeof mem));
            cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e), TCPSTATE_OK));
            tcpstate_frame fr[4];
            tcpstate_status sts[4];
            for (int i = 0; i < 4; i++) { /* each network's frame twice */
                fr[i].data = frames[i & 1];
                fr[i].caplen = fr[i].wirelen = (uint32_t)len[i & 1];
                fr[i].ts = (uint64_t)i + 1;
            }
            if (batched) {
                cr_assert(eq(sz, tcpstate_feed_batch(e, TCPSTATE_LINKTYPE_ETHERNET, fr, 4, sts), 4));
            } else {
                for (int i = 0; i < 4; i++) {
                    sts[i] = tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, fr[i].data, fr[i].caplen,
                                           fr[i].wirelen, fr[i].ts);
                }
            }
            for (int i = 0; i < 4; i++) {
                assert_status(sts[i], TCPSTATE_OK);
            }
            cr_assert(eq(int, tcpstate_get_stats(e, &st), TCPSTATE_OK));
            cr_assert(eq(u64, st.flows_created, keyed ? 2u : 1u));
            cr_assert(eq(u64, st.flows_active, keyed ? 2u : 1u));
            /* Each flow saw its own network's frames only: a retransmitted SYN each. */
            cr_assert(eq(u64, st.syn_retransmits, keyed ? 2u : 3u));
            cr_assert(eq(int, tcpstate_finish(e), TCPSTATE_OK));
        }
    }
}

/* ------------------------------------------------------------ with reassembly */

#include "support/fragments.h"

static tcpstate_packet seen;
static int syns;

static int on_syn(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    (void)flow;
    seen = *ev->pkt;
    syns++;
    return TCPSTATE_CB_CONTINUE;
}

/* Feed frames[0..n) to a fresh engine (reassembly on by default); the last
 * frame's status is returned, the SYN's view is in `seen`. */
static tcpstate_status feed_all(uint8_t (*frames)[256], const size_t *lens, int n)
{
    static _Alignas(64) uint8_t mem[1 << 20];
    tcpstate_config cfg;
    tcpstate_callbacks cb = {0};
    tcpstate_engine *e;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    cb.on_syn = on_syn;
    cr_assert(le(sz, tcpstate_footprint(&cfg), sizeof mem));
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, &cb, NULL, &e), TCPSTATE_OK));
    syns = 0;
    tcpstate_status st = TCPSTATE_OK;
    for (int i = 0; i < n; i++) {
        st = tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, frames[i], lens[i], lens[i],
                           (uint64_t)i + 1);
    }
    return st;
}

Test(decode_tunnel, fragments_inside_a_tunnel_keep_its_layers_after_reassembly)
{
    NEEDS_REASSEMBLY();
    NEEDS_TUNNELS();
    static const uint8_t gre[8] = {0x20, 0, 0x08, 0x00, 0, 0, 0x12, 0x34};
    static uint8_t frames[2][256];
    uint8_t piece[256];
    size_t lens[2];
    cr_assert(eq(sz, make_inner(TCPSTATE_LINKTYPE_RAW, 0), 43)); /* 20 + 20 + 3 bytes */
    struct fb_wrap w = outer(0, 47);
    w.tun = gre;
    w.tun_len = sizeof gre;
    for (int i = 0; i < 2; i++) {
        size_t pn = frag_make(inner, 0, i ? 16 : 0, i ? 7 : 16, !i, 77, NULL, piece, sizeof piece);
        cr_assert(ge(sz, pn, 1));
        lens[i] = frame_wrap(&w, piece, pn, frames[i], sizeof frames[i], NULL, NULL);
        cr_assert(ge(sz, lens[i], 1));
    }
    assert_status(feed_all(frames, lens, 2), TCPSTATE_OK);
    cr_assert(eq(int, syns, 1));
    cr_assert(eq(u16, seen.dport, 443));
    cr_assert(eq(u8, seen.tunnel_count, 1));
    cr_assert(eq(u32, seen.tunnel[0].encap, TCPSTATE_ENCAP_GRE));
    cr_assert(eq(u32, seen.zone, 0x1234));
    cr_assert(eq(u32, seen.zone_encap, TCPSTATE_ENCAP_GRE));
}

Test(decode_tunnel, a_fragmented_outer_packet_is_decoded_once_whole)
{
    NEEDS_REASSEMBLY();
    NEEDS_TUNNELS();
    static const uint8_t gre[8] = {0x20, 0, 0x08, 0x00, 0, 0, 0x00, 0x99};
    static uint8_t frames[2][256];
    size_t lens[2];
    size_t in = make_inner(TCPSTATE_LINKTYPE_RAW, 0);
    struct fb_wrap w = outer(0, 47);
    w.tun = gre;
    w.tun_len = sizeof gre;
    size_t n = wrap(&w, in); /* Ethernet, outer IPv4, GRE, inner IPv4 + TCP */
    uint32_t total = frag_payload_len(buf, 14);
    for (int i = 0; i < 2; i++) {
        lens[i] = frag_make(buf, 14, i ? 24 : 0, i ? total - 24 : 24, !i, 5, NULL, frames[i],
                            sizeof frames[i]);
        cr_assert(ge(sz, lens[i], 1));
    }
    cr_assert(ge(sz, n, 1));
    assert_status(feed_all(frames, lens, 2), TCPSTATE_OK);
    cr_assert(eq(int, syns, 1));
    cr_assert(eq(u8, seen.tunnel_count, 1));
    cr_assert(eq(u32, seen.zone, 0x99));
    cr_assert(eq(u16, seen.sport, 5555));
}
