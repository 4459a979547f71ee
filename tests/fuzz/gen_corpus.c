/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gen_corpus OUTDIR: writes the fuzz seed corpus, one directory per target
 * (OUTDIR/<target>/<name>), from the frame builder, so seeds always match
 * the builder and no binary blobs are committed.
 *
 * To add a target, write a gen_<target>(struct corpus *) function and list it
 * in `targets` at the bottom.
 */
#define _POSIX_C_SOURCE 200809L /* mkdir */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support/fragments.h"
#include "support/frames.h"
#include "tcpstate.h"

struct corpus {
    const char *dir; /* OUTDIR/<target> */
    unsigned count;
    int failed;
};

static uint8_t frame_buf[FB_MAX_FRAME];

static void emit_bytes(struct corpus *c, const char *name, const uint8_t *head, size_t head_len,
                       const uint8_t *body, size_t body_len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", c->dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(head, 1, head_len, f) != head_len ||
        fwrite(body, 1, body_len, f) != body_len) {
        fprintf(stderr, "gen_corpus: cannot write %s\n", path);
        c->failed = 1;
    } else {
        c->count++;
    }
    if (f != NULL && fclose(f) != 0) {
        c->failed = 1;
    }
}

/* ------------------------------------------------------------ fuzz_decode */

/* Selector bytes as fuzz_decode.c reads them: the first indexes its link
 * type table (this order, the unsupported one last); in the second, bits
 * 0-2 are the wire-length mode, bit 6 other decode options, bit 7 checksum
 * checks. `extra` holds the second byte, and SEL_UNSUPPORTED. */
enum {
    SEL_WIRE_PLUS_4K = 4,
    SEL_WIRE_PLUS_256K = 6,
    SEL_OPTIONS = 0x40,
    SEL_VERIFY = 0x80,
    SEL_UNSUPPORTED = 0x100
};

static const uint32_t decode_order[] = {
    TCPSTATE_LINKTYPE_ETHERNET,     TCPSTATE_LINKTYPE_RAW,
    TCPSTATE_LINKTYPE_IPV4,         TCPSTATE_LINKTYPE_IPV6,
    TCPSTATE_LINKTYPE_LINUX_SLL,    TCPSTATE_LINKTYPE_LINUX_SLL2,
    TCPSTATE_LINKTYPE_NULL,         TCPSTATE_LINKTYPE_LOOP,
    TCPSTATE_LINKTYPE_DLT_RAW,      TCPSTATE_LINKTYPE_ARCNET_BSD,
    TCPSTATE_LINKTYPE_PPP,          TCPSTATE_LINKTYPE_FDDI,
    TCPSTATE_LINKTYPE_PPP_HDLC,     TCPSTATE_LINKTYPE_C_HDLC,
    TCPSTATE_LINKTYPE_IEEE802_11,   TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP,
    TCPSTATE_LINKTYPE_ARCNET_LINUX, TCPSTATE_LINKTYPE_JUNIPER_ETHER,
    TCPSTATE_LINKTYPE_PPP_WITH_DIR, TCPSTATE_LINKTYPE_IPOIB};
#define DECODE_UNSUPPORTED_INDEX (sizeof decode_order / sizeof *decode_order)

static uint8_t decode_selector(uint32_t linktype, unsigned extra)
{
    if ((extra & SEL_UNSUPPORTED) == 0) {
        for (uint8_t i = 0; i < DECODE_UNSUPPORTED_INDEX; i++) {
            if (decode_order[i] == linktype) {
                return i;
            }
        }
    }
    return (uint8_t)DECODE_UNSUPPORTED_INDEX;
}

/* Write a frame already built; cut > 0 keeps only the first `cut` bytes. */
static void seed_bytes(struct corpus *c, const char *name, uint32_t linktype, const uint8_t *frame,
                       size_t len, unsigned extra, size_t cut)
{
    uint8_t sel[2] = {decode_selector(linktype, extra), (uint8_t)(extra & 0xFFu)};
    emit_bytes(c, name, sel, 2, frame, cut != 0 && cut < len ? cut : len);
}

/* Build spec and write it; cut > 0 keeps only the first `cut` bytes. */
static void seed(struct corpus *c, const char *name, const struct frame_spec *spec, unsigned extra,
                 size_t cut)
{
    size_t len = frame_build(spec, frame_buf, sizeof frame_buf, NULL);
    if (len == 0) {
        fprintf(stderr, "gen_corpus: cannot build %s\n", name);
        c->failed = 1;
        return;
    }
    seed_bytes(c, name, spec->linktype, frame_buf, len, extra, cut);
}

static struct frame_spec base(uint32_t linktype, int v6)
{
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = linktype;
    if (v6) {
        s.src = "2001:db8::1";
        s.dst = "2001:db8::2";
    }
    s.sport = 40000;
    s.dport = 80;
    s.seq = 1000;
    s.ack = 2000;
    s.flags = TCPSTATE_TH_ACK | TCPSTATE_TH_PSH;
    s.payload_len = 16;
    return s;
}

static void seeds_links(struct corpus *c)
{
    static const uint32_t links[] = {TCPSTATE_LINKTYPE_ETHERNET,  TCPSTATE_LINKTYPE_RAW,
                                     TCPSTATE_LINKTYPE_LINUX_SLL, TCPSTATE_LINKTYPE_LINUX_SLL2,
                                     TCPSTATE_LINKTYPE_NULL,      TCPSTATE_LINKTYPE_LOOP,
                                     TCPSTATE_LINKTYPE_DLT_RAW};
    char name[64];
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        for (int v6 = 0; v6 <= 1; v6++) {
            struct frame_spec s = base(links[i], v6);
            snprintf(name, sizeof name, "link_%u_v%d", (unsigned)links[i], v6 ? 6 : 4);
            seed(c, name, &s, 0, 0);
        }
    }
    struct frame_spec s = base(TCPSTATE_LINKTYPE_IPV4, 0);
    seed(c, "link_ipv4", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_IPV6, 1);
    seed(c, "link_ipv6", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_NULL, 1);
    s.null_swapped = 1;
    s.null_family = 30;
    seed(c, "null_v6_darwin_swapped", &s, 0, 0);
    s.null_family = 10;
    s.null_swapped = 0;
    seed(c, "null_v6_linux", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    seed(c, "unsupported_linktype", &s, SEL_UNSUPPORTED, 0);
}

static void seeds_encap(struct corpus *c)
{
    static const uint16_t tpids[] = {0x8100, 0x88A8, 0x9100};
    char name[64];
    for (unsigned n = 1; n <= 5; n++) {
        struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, n % 2 == 0);
        s.n_vlan = (uint8_t)n;
        for (unsigned i = 0; i < n; i++) {
            s.vlan[i] = (uint16_t)(100 + i);
            s.vlan_tpid[i] = tpids[i % 3];
        }
        snprintf(name, sizeof name, "vlan_%u", n);
        seed(c, name, &s, 0, 0);
    }
    for (unsigned n = 1; n <= 9; n += 4) {
        struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, n == 5);
        s.n_mpls = (uint8_t)n;
        for (unsigned i = 0; i < n; i++) {
            s.mpls[i] = 16 + i;
        }
        snprintf(name, sizeof name, "mpls_%u", n);
        seed(c, name, &s, 0, 0);
    }
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.n_vlan = 1;
    s.vlan[0] = 7;
    s.n_mpls = 2;
    s.mpls[0] = 100;
    s.mpls[1] = 200;
    seed(c, "vlan_mpls", &s, 0, 0);
    for (int v6 = 0; v6 <= 1; v6++) {
        s = base(TCPSTATE_LINKTYPE_ETHERNET, v6);
        s.pppoe = 1;
        s.pppoe_session = 0x1234;
        s.n_vlan = 2;
        s.vlan_tpid[0] = 0x88A8;
        s.vlan[0] = 10;
        s.vlan[1] = 20;
        seed(c, v6 ? "pppoe_qinq_v6" : "pppoe_qinq_v4", &s, 0, 0);
    }
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.snap = 1;
    seed(c, "snap", &s, 0, 0);
    s.n_vlan = 1;
    seed(c, "vlan_snap", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_LINUX_SLL, 1);
    s.snap = 1;
    seed(c, "sll_llc_snap", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_LINUX_SLL2, 0);
    s.n_vlan = 1;
    s.n_mpls = 1;
    seed(c, "sll2_vlan_mpls", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.trailer = 12;
    seed(c, "ethernet_trailer", &s, 0, 0);
}

static void add_shim(struct frame_spec *s, uint16_t type, uint8_t after_vlan, uint32_t tag)
{
    s->shim[s->n_shim++] = (struct fb_shim){type, after_vlan, tag};
}

/* FabricPath (0x8903), PBB (0x88E7) and VN-Tag (0x8926), shaped like Zeek's
 * captures of them, mixed, and stacked one deeper than the decoder allows. */
static void seeds_shims(struct corpus *c)
{
    static const uint16_t types[3] = {0x8903, 0x88E7, 0x8926};
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    add_shim(&s, 0x8903, 0, 0x0001);
    seed(c, "fabricpath", &s, 0, 0);
    s.n_vlan = 1;
    s.n_mpls = 1;
    seed(c, "fabricpath_vlan_mpls", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.n_vlan = 2;
    s.vlan[0] = 4051;
    s.vlan[1] = 4020;
    add_shim(&s, 0x88E7, 1, 0x001EBB44);
    seed(c, "pbb_vlan_sandwich", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.n_vlan = 2;
    s.vlan[0] = 250;
    s.vlan[1] = 250;
    add_shim(&s, 0x8926, 1, 0x33);
    seed(c, "vntag_vlan_sandwich", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_LINUX_SLL, 0);
    add_shim(&s, 0x88E7, 0, 5);
    s.pppoe = 1;
    seed(c, "sll_pbb_pppoe", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.n_vlan = 4;
    add_shim(&s, 0x8926, 2, 1);
    add_shim(&s, 0x8903, 4, 2);
    s.snap = 1;
    seed(c, "longest_stack", &s, 0, 0);
    char name[64];
    for (unsigned t = 0; t < 3; t++) {
        s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
        for (unsigned k = 0; k < 3; k++) {
            add_shim(&s, types[(t + k) % 3], 0, k);
        }
        snprintf(name, sizeof name, "three_shims_%04x", types[t]);
        seed(c, name, &s, 0, 0);
    }
}

/* IPv4 total length 0, as segmentation offload leaves it on the sending host. */
static void seeds_tso(struct corpus *c)
{
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.ip4_len_zero = 1;
    s.payload_len = 2896;
    seed(c, "ipv4_tso_len_zero", &s, 0, 0);
    seed(c, "ipv4_tso_len_zero_verify", &s, SEL_VERIFY, 0);
    seed(c, "ipv4_tso_len_zero_cut", &s, SEL_WIRE_PLUS_4K, 120);
    s.linktype = TCPSTATE_LINKTYPE_DLT_RAW;
    seed(c, "ipv4_tso_dlt_raw", &s, 0, 0);
}

static void seeds_ipv4(struct corpus *c)
{
    static const uint8_t opts[40] = {0x94,        0x04, 0,    0, /* router alert */
                                     0x07,        0x0B, 0x04,    /* record route */
                                     [40 - 1] = 0};
    char name[64];
    for (size_t n = 4; n <= 40; n += 12) {
        struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
        s.ip4_opts = opts;
        s.ip4_opts_len = n;
        snprintf(name, sizeof name, "ipv4_opts_%zu", n);
        seed(c, name, &s, 0, 0);
    }
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.fragment = 1;
    s.more_fragments = 1;
    seed(c, "ipv4_first_fragment", &s, 0, 0);
    s.frag_offset = 185;
    seed(c, "ipv4_later_fragment", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.ip_proto = 17;
    seed(c, "ipv4_udp", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.bad_ip_csum = 1;
    seed(c, "ipv4_bad_header_checksum", &s, SEL_VERIFY, 0);
}

static void seeds_ipv6(struct corpus *c)
{
    static const uint8_t rh0[38] = {0,    2,    0,        0,    0,    0,    0x20, 0x01,
                                    0x0d, 0xb8, [21] = 9, 0x20, 0x01, 0x0d, 0xb8, [37] = 7};
    static const uint8_t rh2[22] = {2, 1, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, [21] = 5};
    static const uint8_t srh[22] = {4, 1, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, [21] = 6};
    static const uint8_t ah[10] = {0, 0, 0, 0, 0x10, 0, 0, 1};
    static const uint8_t types[] = {0, 60, 135, 139, 140};
    char name[64];
    struct frame_spec s;
    for (size_t i = 0; i < sizeof types; i++) {
        s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
        s.n_ext = 1;
        s.ext[0].type = types[i];
        snprintf(name, sizeof name, "ipv6_ext_%u", types[i]);
        seed(c, name, &s, 0, 0);
    }
    const uint8_t *rh[] = {rh0, rh2, srh};
    const uint16_t rh_len[] = {40, 24, 24};
    for (int i = 0; i < 3; i++) {
        s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
        s.n_ext = 1;
        s.ext[0] = (struct fb_ext){43, rh_len[i], rh[i]};
        snprintf(name, sizeof name, "ipv6_routing_type_%u", rh[i][0]);
        seed(c, name, &s, SEL_VERIFY, 0);
    }
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.n_ext = 1;
    s.ext[0] = (struct fb_ext){51, 12, ah};
    seed(c, "ipv6_ah", &s, 0, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.fragment = 1;
    s.more_fragments = 1;
    seed(c, "ipv6_first_fragment", &s, 0, 0);
    s.frag_offset = 100;
    seed(c, "ipv6_later_fragment", &s, 0, 0);
    for (unsigned n = 8; n <= 9; n++) {
        s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
        s.n_ext = (uint8_t)n;
        for (unsigned i = 0; i < n; i++) {
            s.ext[i].type = i == 0 ? 0 : 60;
        }
        snprintf(name, sizeof name, "ipv6_chain_%u", n);
        seed(c, name, &s, 0, 0);
    }
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.ip_proto = 50;
    seed(c, "ipv6_esp", &s, 0, 0);
    s.ip_proto = 59;
    seed(c, "ipv6_no_next", &s, 0, 0);
    /* A jumbogram as a snap length would keep it: the head, and a wire length
     * that holds the whole packet. */
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.n_ext = 1;
    s.ext[0].type = 0;
    s.payload_len = 65600;
    seed(c, "ipv6_jumbogram_head", &s, SEL_WIRE_PLUS_256K, 256);
}

static void seeds_tcp(struct corpus *c)
{
    static const uint8_t cookie[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const uint32_t left[4] = {100, 300, 500, 700}, right[4] = {200, 400, 600, 800};
    uint8_t o[40];
    size_t n;
    char name[64];
    struct frame_spec s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.flags = TCPSTATE_TH_SYN;
    s.payload_len = 0;
    s.tcp_opts = o;

    n = tcpopt_mss(o, 1460);
    n += tcpopt_sack_perm(o + n);
    n += tcpopt_timestamp(o + n, 1, 0);
    n += tcpopt_nop(o + n);
    n += tcpopt_wscale(o + n, 7);
    s.tcp_opts_len = n;
    seed(c, "tcp_syn_linux_options", &s, 0, 0);
    seed(c, "tcp_syn_linux_options_verify", &s, SEL_VERIFY, 0);

    for (unsigned k = 1; k <= 4; k++) {
        s.flags = TCPSTATE_TH_ACK;
        n = tcpopt_nop(o);
        n += tcpopt_nop(o + n);
        n += tcpopt_sack(o + n, left, right, k);
        s.tcp_opts_len = n;
        snprintf(name, sizeof name, "tcp_sack_%u", k);
        seed(c, name, &s, 0, 0);
    }
    s.flags = TCPSTATE_TH_SYN;
    s.tcp_opts_len = tcpopt_tfo(o, NULL, 0);
    seed(c, "tcp_tfo_request", &s, 0, 0);
    s.tcp_opts_len = tcpopt_tfo(o, cookie, 8);
    seed(c, "tcp_tfo_cookie", &s, 0, 0);
    static const uint8_t exp_tfo[12] = {254, 12, 0xF9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8};
    s.tcp_opts = exp_tfo;
    s.tcp_opts_len = sizeof exp_tfo;
    seed(c, "tcp_tfo_experimental", &s, 0, 0);
    static const uint8_t odd[12] = {30, 4, 0, 0, 2, 3, 0, 3, 2, 4, 3, 0};
    s.tcp_opts = odd;
    s.tcp_opts_len = sizeof odd;
    seed(c, "tcp_unknown_and_wrong_lengths", &s, 0, 0);
    static const uint8_t bad[4] = {2, 1, 0, 0};
    s.tcp_opts = bad;
    s.tcp_opts_len = sizeof bad;
    seed(c, "tcp_option_length_1", &s, 0, 0);

    s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.flags = TCPSTATE_TH_ACK | TCPSTATE_TH_AE | TCPSTATE_TH_CWR | TCPSTATE_TH_ECE;
    s.bad_tcp_csum = 1;
    seed(c, "tcp_bad_checksum_v4", &s, SEL_VERIFY, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 1);
    s.bad_tcp_csum = 1;
    seed(c, "tcp_bad_checksum_v6", &s, SEL_VERIFY, 0);
    s = base(TCPSTATE_LINKTYPE_ETHERNET, 0);
    s.payload_len = 1460;
    seed(c, "tcp_payload_cut_by_snaplen", &s, SEL_WIRE_PLUS_4K | SEL_VERIFY, 100);
}

/* ------------------------------------------------------------ issue 8 */

static uint8_t inner_buf[2048];
static uint8_t wrap_buf[4096];

/* A segment as raw IP (or an Ethernet frame) for the outer layers below. */
static size_t inner_frame(uint32_t linktype, int v6)
{
    struct frame_spec s = base(linktype, v6);
    return frame_build(&s, inner_buf, sizeof inner_buf, NULL);
}

static void seed_wrap(struct corpus *c, const char *name, uint32_t linktype,
                      const struct fb_wrap *w, size_t in, unsigned extra)
{
    size_t len = frame_wrap(w, inner_buf, in, wrap_buf, sizeof wrap_buf, NULL, NULL);
    if (in == 0 || len == 0) {
        fprintf(stderr, "gen_corpus: cannot build %s\n", name);
        c->failed = 1;
        return;
    }
    seed_bytes(c, name, linktype, wrap_buf, len, extra, 0);
}

static void seed_link(struct corpus *c, const char *name, uint32_t linktype, const uint8_t *link,
                      size_t link_len, int v6)
{
    struct fb_wrap w;
    memset(&w, 0, sizeof w);
    w.link = link;
    w.link_len = link_len;
    seed_wrap(c, name, linktype, &w, inner_frame(TCPSTATE_LINKTYPE_RAW, v6), 0);
}

static void seeds_linktypes(struct corpus *c)
{
    static const uint8_t fddi[21] = {0x50, 1,    2,    3,    4, 5, 6, 7, 8,   9,   10,
                                     11,   12,   0xAA, 0xAA, 3, 0, 0, 0, 0x08, 0x00};
    static const uint8_t ppp[4] = {0xFF, 0x03, 0x00, 0x21};
    static const uint8_t ppp_pfc[1] = {0x57};
    static const uint8_t ppp_mpls[8] = {0xFF, 0x03, 0x02, 0x81, 0x01, 0x00, 0x01, 0x40};
    static const uint8_t ppp_dir[5] = {0x01, 0xFF, 0x03, 0x00, 0x21};
    static const uint8_t chdlc[4] = {0x0F, 0x00, 0x08, 0x00};
    static const uint8_t wlan[32] = {0x08, 0x01, [24] = 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};
    static const uint8_t wlan_qos4[40] = {0x88, 0x03, [32] = 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};
    static const uint8_t radiotap[49] = {0, 0, 17, 0, 0x03, [17] = 0x08, 0x02,
                                         [41] = 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};
    static const uint8_t arc_bsd[6] = {1, 2, 0xD4, 0, 0, 7};
    static const uint8_t arc_exc[10] = {1, 2, 0xD4, 0xFF, 0xFF, 0xFF, 0xD4, 0, 0, 7};
    static const uint8_t arc_linux[5] = {1, 2, 0, 0, 0xF0};
    static const uint8_t arc_linux6[8] = {1, 2, 0, 0, 0xC4, 0, 0, 1};
    static const uint8_t juniper[24] = {'M', 'G', 'C', 0x80, 0, 4, 1, 2, 3, 4, 2, 0,
                                        0,   0,   0,   2,    2, 0, 0, 0, 0, 1, 0x08, 0x00};
    static const uint8_t ipoib[44] = {[40] = 0x08, 0x00};
    seed_link(c, "fddi_snap", TCPSTATE_LINKTYPE_FDDI, fddi, sizeof fddi, 0);
    seed_link(c, "ppp", TCPSTATE_LINKTYPE_PPP, ppp, sizeof ppp, 0);
    seed_link(c, "ppp_pfc_v6", TCPSTATE_LINKTYPE_PPP, ppp_pfc, sizeof ppp_pfc, 1);
    seed_link(c, "ppp_mpls", TCPSTATE_LINKTYPE_PPP, ppp_mpls, sizeof ppp_mpls, 0);
    seed_link(c, "ppp_hdlc", TCPSTATE_LINKTYPE_PPP_HDLC, ppp, sizeof ppp, 0);
    seed_link(c, "ppp_with_dir", TCPSTATE_LINKTYPE_PPP_WITH_DIR, ppp_dir, sizeof ppp_dir, 0);
    seed_link(c, "c_hdlc", TCPSTATE_LINKTYPE_C_HDLC, chdlc, sizeof chdlc, 0);
    seed_link(c, "ppp_hdlc_cisco", TCPSTATE_LINKTYPE_PPP_HDLC, chdlc, sizeof chdlc, 0);
    seed_link(c, "wlan_data", TCPSTATE_LINKTYPE_IEEE802_11, wlan, sizeof wlan, 0);
    seed_link(c, "wlan_qos_4addr", TCPSTATE_LINKTYPE_IEEE802_11, wlan_qos4, sizeof wlan_qos4, 0);
    seed_link(c, "radiotap_wlan", TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP, radiotap,
              sizeof radiotap, 0);
    seed_link(c, "arcnet_bsd", TCPSTATE_LINKTYPE_ARCNET_BSD, arc_bsd, sizeof arc_bsd, 0);
    seed_link(c, "arcnet_bsd_exception", TCPSTATE_LINKTYPE_ARCNET_BSD, arc_exc, sizeof arc_exc,
              0);
    seed_link(c, "arcnet_linux", TCPSTATE_LINKTYPE_ARCNET_LINUX, arc_linux, sizeof arc_linux, 0);
    seed_link(c, "arcnet_linux_v6", TCPSTATE_LINKTYPE_ARCNET_LINUX, arc_linux6,
              sizeof arc_linux6, 1);
    seed_link(c, "juniper_ether", TCPSTATE_LINKTYPE_JUNIPER_ETHER, juniper, sizeof juniper, 0);
    seed_link(c, "ipoib", TCPSTATE_LINKTYPE_IPOIB, ipoib, sizeof ipoib, 0);
}

static struct fb_wrap eth_outer(int v6, uint8_t proto, uint16_t dport, const uint8_t *tun,
                                size_t tun_len)
{
    static const uint8_t eth4[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
    static const uint8_t eth6[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xDD};
    struct fb_wrap w;
    memset(&w, 0, sizeof w);
    w.link = v6 ? eth6 : eth4;
    w.link_len = 14;
    w.outer_v6 = v6;
    w.proto = proto;
    w.sport = 40000;
    w.dport = dport;
    w.tun = tun;
    w.tun_len = tun_len;
    return w;
}

static void seeds_tunnels(struct corpus *c)
{
    static const uint8_t gre_cks[16] = {0xB0, 0, 0x08, 0x00, 0, 0, 0, 0,
                                        0,    0, 0x12, 0x34, 0, 0, 0, 9};
    static const uint8_t gre_teb[8] = {0x20, 0, 0x65, 0x58, 0, 0, 0, 5};
    static const uint8_t erspan2[16] = {0x10, 0, 0x88, 0xBE, 0, 0, 0, 1, 0x10, 0x64, 0x03, 0xFF};
    static const uint8_t erspan3[24] = {0, 0, 0x22, 0xEB, 0x20, 0, 0x00, 0x2A, [15] = 1};
    static const uint8_t pptp[20] = {0x30, 0x81, 0x88, 0x0B, 0, 43,   0x00, 0x07, 0,    0,
                                     0,    1,    0,    0,    0, 0,    0xFF, 0x03, 0x00, 0x21};
    static const uint8_t gre_v6[4] = {0, 0, 0x86, 0xDD};
    static const uint8_t vxlan[8] = {0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0};
    static const uint8_t geneve[16] = {0x02, 0, 0x65, 0x58, 0xAB, 0xCD, 0xEF, 0, 1, 2, 3, 4};
    static const uint8_t teredo[24] = {0, 1, 2, 1, 'i', 'd', 'a', 1, 2,    3,    4, 5,
                                       6, 7, 8, 0, 0,   0,   0xAB, 0xCD, 1, 2, 3, 4};
    static const uint8_t ayiya[44] = {0x41, 0x52, 0x11, 41};
    uint8_t gtp[20] = {0x34, 0xFF, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 0x85, 2};
    size_t in4 = inner_frame(TCPSTATE_LINKTYPE_RAW, 0);
    gtp[2] = (uint8_t)((12 + in4) >> 8); /* GTP length: what follows the first 8 bytes */
    gtp[3] = (uint8_t)(12 + in4);
    struct fb_wrap w = eth_outer(0, 4, 0, NULL, 0);
    seed_wrap(c, "ipip_4in4", TCPSTATE_LINKTYPE_ETHERNET, &w, in4, 0);
    w = eth_outer(1, 4, 0, NULL, 0);
    seed_wrap(c, "ipip_4in6", TCPSTATE_LINKTYPE_ETHERNET, &w, in4, SEL_VERIFY);
    w = eth_outer(0, 47, 0, gre_cks, sizeof gre_cks);
    seed_wrap(c, "gre_csum_key_seq", TCPSTATE_LINKTYPE_ETHERNET, &w, in4, 0);
    w = eth_outer(0, 47, 0, pptp, sizeof pptp);
    seed_wrap(c, "gre_pptp", TCPSTATE_LINKTYPE_ETHERNET, &w, in4, 0);
    w = eth_outer(0, 17, 2152, gtp, sizeof gtp);
    seed_wrap(c, "gtpu_extension", TCPSTATE_LINKTYPE_ETHERNET, &w, in4, 0);
    size_t in6 = inner_frame(TCPSTATE_LINKTYPE_RAW, 1);
    w = eth_outer(0, 41, 0, NULL, 0);
    seed_wrap(c, "ipip_6in4", TCPSTATE_LINKTYPE_ETHERNET, &w, in6, 0);
    w = eth_outer(0, 17, 4754, gre_v6, sizeof gre_v6);
    seed_wrap(c, "gre_over_udp", TCPSTATE_LINKTYPE_ETHERNET, &w, in6, 0);
    w = eth_outer(0, 17, 3544, teredo, sizeof teredo);
    seed_wrap(c, "teredo_auth_origin", TCPSTATE_LINKTYPE_ETHERNET, &w, in6, 0);
    w = eth_outer(0, 17, 5072, ayiya, sizeof ayiya);
    seed_wrap(c, "ayiya", TCPSTATE_LINKTYPE_ETHERNET, &w, in6, 0);
    size_t ineth = inner_frame(TCPSTATE_LINKTYPE_ETHERNET, 0);
    w = eth_outer(0, 47, 0, gre_teb, sizeof gre_teb);
    seed_wrap(c, "gre_teb", TCPSTATE_LINKTYPE_ETHERNET, &w, ineth, 0);
    w = eth_outer(0, 47, 0, erspan2, sizeof erspan2);
    seed_wrap(c, "erspan2", TCPSTATE_LINKTYPE_ETHERNET, &w, ineth, 0);
    w = eth_outer(1, 47, 0, erspan3, sizeof erspan3);
    seed_wrap(c, "erspan3_platform", TCPSTATE_LINKTYPE_ETHERNET, &w, ineth, 0);
    w = eth_outer(0, 17, 4789, vxlan, sizeof vxlan);
    seed_wrap(c, "vxlan", TCPSTATE_LINKTYPE_ETHERNET, &w, ineth, 0);
    w = eth_outer(0, 17, 8472, vxlan, sizeof vxlan);
    seed_wrap(c, "vxlan_port_8472_options", TCPSTATE_LINKTYPE_ETHERNET, &w, ineth, SEL_OPTIONS);
    w = eth_outer(0, 17, 6081, geneve, sizeof geneve);
    seed_wrap(c, "geneve_options", TCPSTATE_LINKTYPE_ETHERNET, &w, ineth, 0);
    /* Four IP-in-IP layers, the deepest decoded. */
    static uint8_t deep[2][4096];
    w = eth_outer(0, 4, 0, NULL, 0);
    w.link = NULL;
    w.link_len = 0;
    in4 = inner_frame(TCPSTATE_LINKTYPE_RAW, 0);
    memcpy(deep[0], inner_buf, in4);
    size_t n = in4;
    for (int i = 0; i < 4 && n != 0; i++) {
        n = frame_wrap(&w, deep[i % 2], n, deep[(i + 1) % 2], sizeof deep[0], NULL, NULL);
    }
    if (n == 0) {
        fprintf(stderr, "gen_corpus: cannot build ipip_four_deep\n");
        c->failed = 1;
        return;
    }
    seed_bytes(c, "ipip_four_deep", TCPSTATE_LINKTYPE_RAW, deep[0], n, 0, 0);
}

static int gen_fuzz_decode(struct corpus *c)
{
    seeds_linktypes(c);
    seeds_tunnels(c);
    seeds_links(c);
    seeds_encap(c);
    seeds_shims(c);
    seeds_tso(c);
    seeds_ipv4(c);
    seeds_ipv6(c);
    seeds_tcp(c);
    return c->failed ? -1 : 0;
}

/* ------------------------------------------------------------ fuzz_feed */

/* fuzz_feed input: [u32 config selector] then records
 * [u8 link type selector][u32 time step ns][u16 length][frame], little-endian.
 * Selector bits as fuzz_feed.c reads them: 0-6 engine flags, 8-11 capacity - 1,
 * 12-16 user bytes, 20-21 expiry budget, 22-31 IP reassembly. Link selector 0
 * is Ethernet. */
struct feed_input {
    uint8_t bytes[16384];
    size_t len;
};

static void put_le(struct feed_input *in, uint32_t v, unsigned n)
{
    for (unsigned i = 0; i < n && in->len < sizeof in->bytes; i++) {
        in->bytes[in->len++] = (uint8_t)(v >> (8 * i));
    }
}

static void put_segment(struct feed_input *in, const char *from, const char *to, uint16_t flags,
                        uint32_t seq, uint32_t ack, size_t len)
{
    struct seg s = seg_make(from, to, flags, seq, ack, len);
    if (s.len == 0 || in->len + 7 + s.len > sizeof in->bytes) {
        return;
    }
    put_le(in, 0, 1);                /* Ethernet */
    put_le(in, 1000000, 4);          /* 1 ms later */
    put_le(in, (uint32_t)s.len, 2);
    memcpy(in->bytes + in->len, s.bytes, s.len);
    in->len += s.len;
}

#define CL "10.0.0.1:40000"
#define SV "10.0.0.2:80"
#define A TCPSTATE_TH_ACK
#define S TCPSTATE_TH_SYN
#define F TCPSTATE_TH_FIN
#define R TCPSTATE_TH_RST

static void feed_seed(struct corpus *c, const char *name, uint32_t selector,
                      void (*script)(struct feed_input *))
{
    static struct feed_input in;
    in.len = 0;
    put_le(&in, selector, 4);
    script(&in);
    static const uint8_t none[1];
    emit_bytes(c, name, in.bytes, in.len, none, 0);
}

static void handshake(struct feed_input *in)
{
    put_segment(in, CL, SV, S, 1000, 0, 0);
    put_segment(in, SV, CL, S | A, 5000, 1001, 0);
    put_segment(in, CL, SV, A, 1001, 5001, 0);
}

static void full_lifecycle(struct feed_input *in)
{
    handshake(in);
    put_segment(in, CL, SV, A | TCPSTATE_TH_PSH, 1001, 5001, 100);
    put_segment(in, SV, CL, A | TCPSTATE_TH_PSH, 5001, 1101, 300);
    put_segment(in, CL, SV, F | A, 1101, 5301, 0);
    put_segment(in, SV, CL, F | A, 5301, 1102, 0);
    put_segment(in, CL, SV, A, 1102, 5302, 0);
    put_segment(in, CL, SV, S, 9000, 0, 0); /* reuse from TIME_WAIT */
}

static void simultaneous(struct feed_input *in)
{
    put_segment(in, "10.0.0.1:4000", "10.0.0.2:5000", S, 1000, 0, 0);
    put_segment(in, "10.0.0.2:5000", "10.0.0.1:4000", S, 5000, 0, 0);
    put_segment(in, "10.0.0.1:4000", "10.0.0.2:5000", S | A, 1000, 5001, 0);
    put_segment(in, "10.0.0.2:5000", "10.0.0.1:4000", S | A, 5000, 1001, 0);
    put_segment(in, "10.0.0.1:4000", "10.0.0.2:5000", F | A, 1001, 5001, 0);
    put_segment(in, "10.0.0.2:5000", "10.0.0.1:4000", F | A, 5001, 1001, 0);
    put_segment(in, "10.0.0.1:4000", "10.0.0.2:5000", A, 1002, 5002, 0);
    put_segment(in, "10.0.0.2:5000", "10.0.0.1:4000", A, 5002, 1002, 0);
}

static void resets(struct feed_input *in)
{
    put_segment(in, CL, SV, S, 1000, 0, 0);
    put_segment(in, SV, CL, R | A, 0, 1001, 0);
    put_segment(in, CL, SV, S, 2000, 0, 0);
    put_segment(in, SV, CL, S | A, 6000, 2001, 0);
    put_segment(in, CL, SV, R, 2001 + 900000, 0, 0); /* out of window */
    put_segment(in, CL, SV, R, 2001, 0, 0);
    put_segment(in, "[2001:db8::1]:1", "[2001:db8::2]:443", A | TCPSTATE_TH_PSH, 7, 9, 10);
    put_segment(in, "[2001:db8::2]:443", "[2001:db8::1]:1", F | A, 9, 17, 0);
}

static void flood(struct feed_input *in)
{
    char from[32];
    handshake(in);
    for (unsigned p = 0; p < 40; p++) {
        snprintf(from, sizeof from, "10.9.0.%u:%u", p % 250, 1024 + p);
        put_segment(in, from, SV, S, p * 7919u, 0, 0);
    }
}

/* IP fragments (issue 8): a data segment cut into pieces, in and out of
 * order, duplicated, overlapping, in IPv4 and IPv6, for the reassembly pool. */
static void put_frame(struct feed_input *in, const uint8_t *b, size_t len)
{
    if (len == 0 || in->len + 7 + len > sizeof in->bytes) {
        return;
    }
    put_le(in, 0, 1); /* Ethernet */
    put_le(in, 1000000, 4);
    put_le(in, (uint32_t)len, 2);
    memcpy(in->bytes + in->len, b, len);
    in->len += len;
}

static void put_fragments(struct feed_input *in, const char *from, const char *to, uint32_t id)
{
    static uint8_t f[2048];
    struct seg s = seg_make(from, to, A | F | TCPSTATE_TH_PSH, 1001, 5001, 1400);
    uint32_t n = frag_payload_len(s.bytes, 14);
    static const uint32_t cuts[][3] = {/* off, len, more */
                                       {512, 512, 1}, {0, 512, 1}, {1024, 0, 0}, {0, 8, 1},
                                       {504, 520, 1}};
    for (unsigned i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        uint32_t len = cuts[i][1] ? cuts[i][1] : n - cuts[i][0];
        put_frame(in, f, frag_make(s.bytes, 14, cuts[i][0], len, (int)cuts[i][2], id, NULL, f,
                                   sizeof f));
    }
}

static void fragments(struct feed_input *in)
{
    handshake(in);
    put_fragments(in, CL, SV, 7);
    put_fragments(in, "[2001:db8::1]:40000", "[2001:db8::2]:80", 9);
}

static int gen_fuzz_feed(struct corpus *c)
{
    const uint32_t plain = TCPSTATE_F_PICKUP_MIDSTREAM | TCPSTATE_F_EVICT_ESTABLISHED;
    const uint32_t zeek = plain | TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME;
    feed_seed(c, "handshake", plain | 7u << 8, handshake);
    feed_seed(c, "lifecycle_and_reuse", plain | 7u << 8 | 1u << 20, full_lifecycle);
    feed_seed(c, "lifecycle_zeek", zeek | 7u << 8 | 8u << 12, full_lifecycle);
    feed_seed(c, "simultaneous_open_and_close", plain | 3u << 8, simultaneous);
    feed_seed(c, "resets_and_midstream_v6", zeek | TCPSTATE_F_VERIFY_CHECKSUMS | 3u << 8, resets);
    feed_seed(c, "syn_flood_small_table", plain | 3u << 8 | 2u << 20, flood);
    feed_seed(c, "syn_flood_refused", TCPSTATE_F_PICKUP_MIDSTREAM | 1u << 8, flood);
    /* Selector bits 24-27: reassembly contexts (0 off), 28-31: store KiB - 2. */
    feed_seed(c, "fragments_reassembled", zeek | 7u << 8 | 4u << 24 | 3u << 28, fragments);
    feed_seed(c, "fragments_tiny_pool", plain | 7u << 8 | 1u << 24, fragments);
    return c->failed ? -1 : 0;
}

/* ------------------------------------------------------------ driver */

static const struct target {
    const char *name;
    int (*gen)(struct corpus *c);
} targets[] = {
    {"fuzz_decode", gen_fuzz_decode},
    {"fuzz_feed", gen_fuzz_feed},
};

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen_corpus: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    if (make_dir(argv[1]) != 0) {
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", argv[1], targets[i].name);
        struct corpus c = {dir, 0, 0};
        if (make_dir(dir) != 0 || targets[i].gen(&c) != 0) {
            rc = 1;
        }
        printf("gen_corpus: %u seeds for %s\n", c.count, targets[i].name);
    }
    return rc;
}
