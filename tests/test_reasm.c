/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IP fragment reassembly (src/reasm.c, issue 8) through tcpstate_feed(): a
 * TCP segment that arrives in fragments is tracked once, whole, exactly as
 * if it had arrived unfragmented; and the pool stays bounded and counts every
 * drop, whatever the fragments do. Each test builds whole packets with the
 * frame builder and cuts them with the test fragmenter (support/fragments.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>

#include "support/fragments.h"
#include "support/frames.h"
#include "support/options.h"
#include "tcpstate.h"

#define CLI  "10.0.0.1:40000"
#define SRV  "10.0.0.2:80"
#define CLI6 "[2001:db8::1]:40000"
#define SRV6 "[2001:db8::2]:80"

#define SYN TCPSTATE_TH_SYN
#define ACK TCPSTATE_TH_ACK
#define PSH TCPSTATE_TH_PSH
#define FIN TCPSTATE_TH_FIN

#define SEC UINT64_C(1000000000)

static _Alignas(64) uint8_t engine_mem[2 << 20];
static tcpstate_engine *eng;
static char evlog[16384]; /* events, comparable between fragmented and whole feeds */
static uint8_t last_frag_flags;
static uint32_t last_linktype;
static uint16_t last_vlan;
static uint8_t last_tcp_csum;
static uint8_t payload_seen[4096]; /* payload of the last data event */
static uint32_t payload_seen_len;

static int on_ev(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    (void)flow;
    const tcpstate_packet *p = ev->pkt;
    char line[160];
    snprintf(line, sizeof line, "%s/%u %u>%u seq=%u len=%u; ", tcpstate_event_name(ev->kind),
             ev->dir, ev->before[ev->side], ev->after[ev->side], p ? p->seq : 0,
             p ? p->payload_len : 0);
    cr_assert(lt(sz, strlen(evlog) + strlen(line), sizeof evlog));
    strcat(evlog, line);
    if (p != NULL) {
        last_frag_flags = p->frag_flags;
        last_linktype = p->linktype;
        last_vlan = p->vlan_count ? p->vlan_id[0] : 0;
        last_tcp_csum = p->tcp_csum;
        if (p->payload_caplen > 0 && p->payload_caplen <= sizeof payload_seen) {
            memcpy(payload_seen, p->frame + p->payload_offset, p->payload_caplen);
            payload_seen_len = p->payload_caplen;
        }
    }
    return TCPSTATE_CB_CONTINUE;
}

/* A fresh engine: defaults (reassembly on) unless the test changes cfg first. */
static void start_cfg(tcpstate_config *cfg)
{
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_syn = cb.on_synack = cb.on_ack = cb.on_fin = cb.on_rst = on_ev;
    cb.on_state_change = cb.on_flow_end = on_ev;
    cr_assert(le(sz, tcpstate_footprint(cfg), sizeof engine_mem));
    cr_assert(
        eq(int, tcpstate_init(engine_mem, sizeof engine_mem, cfg, &cb, NULL, &eng), TCPSTATE_OK));
    evlog[0] = '\0';
    last_frag_flags = 0;
    payload_seen_len = 0;
}

static void start(void)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    start_cfg(&cfg);
}

static tcpstate_stats stats(void)
{
    tcpstate_stats st;
    cr_assert(eq(int, tcpstate_get_stats(eng, &st), TCPSTATE_OK));
    return st;
}

/* A whole packet (Ethernet unless linktype says otherwise), into pkt[]. */
struct pkt {
    uint8_t b[FB_MAX_FRAME];
    size_t len;
    size_t l3;
    uint32_t linktype;
};

static int with_dstopts; /* build(): IPv6 with a destination options header */

static struct pkt *build(struct pkt *p, const char *from, const char *to, uint16_t flags,
                         uint32_t seq, uint32_t ack, size_t len, uint16_t vlan)
{
    struct frame_spec s;
    char a[64], b[64];
    memset(&s, 0, sizeof s);
    cr_assert(eq(int, endpoint_parse(from, a, &s.sport), 0));
    cr_assert(eq(int, endpoint_parse(to, b, &s.dport), 0));
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    s.src = a;
    s.dst = b;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.payload_len = len;
    s.ip_id = 0x1234;
    if (vlan) {
        s.n_vlan = 1;
        s.vlan[0] = vlan;
    }
    if (with_dstopts && strchr(from, '[') != NULL) {
        s.n_ext = 1;
        s.ext[0].type = 60;
        s.ext[0].len = 8;
    }
    struct frame_layout lay;
    p->len = frame_build(&s, p->b, sizeof p->b, &lay);
    cr_assert(ge(sz, p->len, 1));
    p->l3 = lay.l3;
    p->linktype = s.linktype;
    return p;
}

static tcpstate_status feed(const struct pkt *p, uint64_t ts)
{
    return tcpstate_feed(eng, p->linktype, p->b, p->len, p->len, ts);
}

/* Feed data bytes [off, off + n) of whole packet w as one fragment. */
static tcpstate_status feed_frag(const struct pkt *w, uint32_t off, uint32_t n, int more,
                                 uint32_t id, uint64_t ts)
{
    static uint8_t f[FB_MAX_FRAME];
    size_t len = frag_make(w->b, w->l3, off, n, more, id, NULL, f, sizeof f);
    cr_assert(ge(sz, len, 1));
    return tcpstate_feed(eng, w->linktype, f, len, len, ts);
}

/* Same, with the carried bytes replaced by `data`. */
static tcpstate_status feed_frag_data(const struct pkt *w, uint32_t off, uint32_t n, int more,
                                      uint32_t id, const uint8_t *data, uint64_t ts)
{
    static uint8_t f[FB_MAX_FRAME];
    size_t len = frag_make(w->b, w->l3, off, n, more, id, data, f, sizeof f);
    cr_assert(ge(sz, len, 1));
    return tcpstate_feed(eng, w->linktype, f, len, len, ts);
}

#define assert_status(got, want)                                                                   \
    cr_assert(eq(str, (char *)tcpstate_status_name(got), (char *)tcpstate_status_name(want)))

static struct pkt syn, synack, ack, data;

/* Handshake (whole), then a 3000-byte data segment the test feeds its way. */
static void handshake(const char *cli, const char *srv)
{
    build(&syn, cli, srv, SYN, 100, 0, 0, 0);
    build(&synack, srv, cli, SYN | ACK, 500, 101, 0, 0);
    build(&ack, cli, srv, ACK, 101, 501, 0, 0);
    build(&data, cli, srv, ACK | PSH | FIN, 101, 501, 3000, 0); /* FIN: an event shows the view */
    assert_status(feed(&syn, 1 * SEC), TCPSTATE_OK);
    assert_status(feed(&synack, 2 * SEC), TCPSTATE_OK);
    assert_status(feed(&ack, 3 * SEC), TCPSTATE_OK);
}

/* The event log and flow facts of the exchange with the data segment whole. */
static void reference(const char *cli, const char *srv, char *log, size_t cap)
{
    start();
    handshake(cli, srv);
    assert_status(feed(&data, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(int, tcpstate_finish(eng), TCPSTATE_OK));
    snprintf(log, cap, "%s", evlog);
}

static void finish_and_compare(const char *want)
{
    cr_assert(eq(int, tcpstate_finish(eng), TCPSTATE_OK));
    cr_assert(eq(str, evlog, (char *)want));
}

Test(reasm, in_order_fragments_track_the_segment_once_as_if_whole)
{
    NEEDS_REASSEMBLY();
    static char want[16384];
    reference(CLI, SRV, want, sizeof want);
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3); /* 20 TCP + 3000 */
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1480, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 2960, n - 2960, 0, 7, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(u8, last_frag_flags, TCPSTATE_FRAG_REASSEMBLED));
    cr_assert(eq(u32, last_linktype, TCPSTATE_LINKTYPE_RAW));
    cr_assert(eq(u32, payload_seen_len, 3000));
    cr_assert(eq(int, memcmp(payload_seen, data.b + data.l3 + 40, 3000), 0));
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_seen, 3));
    cr_assert(eq(u64, st.frag_reassembled, 1));
    cr_assert(eq(u64, st.frag_active, 0));
    finish_and_compare(want);
}

/* The same through tcpstate_feed_batch(): the fragment that completes the
 * datagram (the last, not the first: its frame decodes to no segment, so
 * the batch has not keyed it) is keyed and tracked as the whole segment. */
Test(reasm, fragments_in_one_batch_track_the_segment_as_one_by_one)
{
    NEEDS_REASSEMBLY();
    static char want[16384];
    static uint8_t f[3][FB_MAX_FRAME];
    reference(CLI, SRV, want, sizeof want);
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    const uint32_t off[3] = {0, 1480, 2960}, len[3] = {1480, 1480, n - 2960};
    tcpstate_frame fr[3];
    for (unsigned i = 0; i < 3; i++) {
        size_t l = frag_make(data.b, data.l3, off[i], len[i], i < 2, 7, NULL, f[i], sizeof f[i]);
        cr_assert(ge(sz, l, 1));
        fr[i] = (tcpstate_frame){f[i], (uint32_t)l, (uint32_t)l, 4 * SEC};
    }
    tcpstate_status st[3];
    cr_assert(eq(sz, tcpstate_feed_batch(eng, data.linktype, fr, 3, st), 3));
    assert_status(st[0], TCPSTATE_SKIP_FRAGMENT);
    assert_status(st[1], TCPSTATE_SKIP_FRAGMENT);
    assert_status(st[2], TCPSTATE_OK);
    cr_assert(eq(u32, payload_seen_len, 3000));
    finish_and_compare(want);
}

Test(reasm, out_of_order_fragments)
{
    NEEDS_REASSEMBLY();
    static char want[16384];
    reference(CLI, SRV, want, sizeof want);
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 2960, n - 2960, 0, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1480, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(int, memcmp(payload_seen, data.b + data.l3 + 40, 3000), 0));
    finish_and_compare(want);
}

Test(reasm, duplicate_fragment_is_ignored)
{
    NEEDS_REASSEMBLY();
    static char want[16384];
    reference(CLI, SRV, want, sizeof want);
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 7, 4 * SEC), TCPSTATE_OK);
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_duplicates, 1));
    cr_assert(eq(u64, st.frag_reassembled, 1));
    cr_assert(eq(u64, st.frag_active, 1), "the late duplicate opens a datagram that never ends");
    finish_and_compare(want);
}

Test(reasm, ipv4_overlap_keeps_the_bytes_that_came_first)
{
    NEEDS_REASSEMBLY();
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    static uint8_t junk[2048];
    memset(junk, 0xEE, sizeof junk);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    /* Overlaps bytes 1000..1480 with different contents, then runs on to the end. */
    assert_status(feed_frag_data(&data, 1000, n - 1000, 0, 7, junk, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(u8, last_frag_flags, TCPSTATE_FRAG_REASSEMBLED | TCPSTATE_FRAG_OVERLAP));
    /* Payload starts after the 20-byte TCP header: datagram bytes 20..1480 are original. */
    cr_assert(eq(int, memcmp(payload_seen, data.b + data.l3 + 40, 1460), 0));
    cr_assert(eq(u8, payload_seen[1460], 0xEE));
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_overlaps, 1));
    cr_assert(eq(u64, st.frag_reassembled, 1));
}

Test(reasm, ipv6_overlap_drops_the_datagram)
{
    NEEDS_REASSEMBLY();
    NEEDS_IPV6();
    start();
    handshake(CLI6, SRV6);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 0, 1480, 1, 9, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1472, n - 1472, 0, 9, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_drop_overlap, 1));
    cr_assert(eq(u64, st.frag_reassembled, 0));
    cr_assert(eq(u64, st.frag_active, 0));
    cr_assert(eq(u64, st.frames_by_status[tcpstate_status_index(TCPSTATE_OK)], 3),
              "only the handshake was tracked");
}

Test(reasm, ipv6_fragment_header_reassembles_as_if_whole)
{
    NEEDS_REASSEMBLY();
    NEEDS_IPV6();
    static char want[16384];
    reference(CLI6, SRV6, want, sizeof want);
    start();
    handshake(CLI6, SRV6);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 1448, n - 1448, 0, 0xA1B2C3D4u, 4 * SEC),
                  TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 0, 1448, 1, 0xA1B2C3D4u, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(int, memcmp(payload_seen, data.b + data.l3 + 60, 3000), 0));
    finish_and_compare(want);
}

Test(reasm, tiny_first_fragment_splitting_the_tcp_header)
{
    NEEDS_REASSEMBLY();
    static char want[16384];
    reference(CLI, SRV, want, sizeof want);
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    /* 8 bytes: ports and sequence number only; the flags come in the next fragment. */
    assert_status(feed_frag(&data, 0, 8, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 8, n - 8, 0, 7, 4 * SEC), TCPSTATE_OK);
    finish_and_compare(want);
}

Test(reasm, verified_checksums_hold_after_reassembly)
{
    NEEDS_REASSEMBLY();
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    cfg.flags |= TCPSTATE_F_VERIFY_CHECKSUMS;
    start_cfg(&cfg);
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 7, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(u8, last_tcp_csum, TCPSTATE_CSUM_GOOD));
}

Test(reasm, incomplete_datagram_times_out_in_packet_time)
{
    NEEDS_REASSEMBLY();
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    /* Linux's 30 s: 31 s later the first fragment is gone; the last one starts anew. */
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 7, 35 * SEC), TCPSTATE_SKIP_FRAGMENT);
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_drop_timeout, 1));
    cr_assert(eq(u64, st.frag_active, 1));
    cr_assert(eq(int, tcpstate_expire(eng, 100 * SEC, 0), TCPSTATE_OK));
    st = stats();
    cr_assert(eq(u64, st.frag_drop_timeout, 2), "tcpstate_expire() drops it too");
    cr_assert(eq(u64, st.frag_active, 0));
    cr_assert(eq(u64, st.frag_reassembled, 0));
}

Test(reasm, full_pool_drops_the_oldest_datagram)
{
    NEEDS_REASSEMBLY();
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    cfg.reasm_contexts = 2;
    start_cfg(&cfg);
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    for (uint32_t id = 1; id <= 3; id++) {
        assert_status(feed_frag(&data, 0, 1480, 1, id, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    }
    cr_assert(eq(u64, stats().frag_drop_pool_full, 1));
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 1, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 3, 4 * SEC), TCPSTATE_OK);
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_reassembled, 1));
    cr_assert(le(u64, st.frag_active, 2));
}

Test(reasm, byte_store_full_evicts_and_oversized_datagram_is_dropped)
{
    NEEDS_REASSEMBLY();
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    cfg.reasm_bytes = 4 * 1024; /* 4 blocks: a header and three data KiB */
    start_cfg(&cfg);
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3); /* 3020: header + 3 data blocks */
    assert_status(feed_frag(&data, 0, 1480, 1, 1, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 0, 1480, 1, 2, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    cr_assert(eq(u64, stats().frag_drop_pool_full, 1), "datagram 1 made room for 2");
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 2, 4 * SEC), TCPSTATE_OK);
    /* 4100 data bytes need 5 blocks with the header: more than the store. */
    build(&data, CLI, SRV, ACK | PSH, 3101, 501, 4080, 0);
    assert_status(feed_frag(&data, 0, 2000, 1, 3, 5 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 2000, 2100, 0, 3, 5 * SEC), TCPSTATE_SKIP_FRAGMENT);
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_drop_too_big, 1));
    cr_assert(eq(u64, st.frag_reassembled, 1));
    cr_assert(eq(u64, st.frag_active, 0));
}

Test(reasm, datagram_beyond_65535_bytes_is_dropped)
{
    NEEDS_REASSEMBLY();
    start();
    handshake(CLI, SRV);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    /* The last possible offset (8191 * 8) plus 16 bytes runs past 65,535. */
    assert_status(feed_frag(&data, 65528, 16, 0, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_drop_too_big, 1));
    cr_assert(eq(u64, st.frag_active, 0));
    /* With a 20-byte IPv4 header, 65,520 bytes of data is one too many. */
    assert_status(feed_frag(&data, 0, 1480, 1, 8, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 65512, 8, 0, 8, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    cr_assert(eq(u64, stats().frag_drop_too_big, 2));
}

Test(reasm, inconsistent_fragments_are_counted)
{
    NEEDS_REASSEMBLY();
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    /* A non-final fragment whose length is not a multiple of 8. */
    assert_status(feed_frag(&data, 0, 1481, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    cr_assert(eq(u64, stats().frag_drop_bad, 1));
    /* A final fragment, then data past its end. */
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 8, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 2960, 1480, 1, 8, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    cr_assert(eq(u64, stats().frag_drop_bad, 2));
    cr_assert(eq(u64, stats().frag_active, 0));
}

Test(reasm, fragment_cut_by_the_snap_length_is_not_reassembled)
{
    NEEDS_REASSEMBLY();
    start();
    handshake(CLI, SRV);
    static uint8_t f[FB_MAX_FRAME];
    size_t len = frag_make(data.b, data.l3, 0, 1480, 1, 7, NULL, f, sizeof f);
    /* Captured up to the TCP header only: tracked alone, as without reassembly. */
    assert_status(tcpstate_feed(eng, data.linktype, f, data.l3 + 20 + 20, len, 4 * SEC),
                  TCPSTATE_OK);
    cr_assert(eq(u64, stats().frag_drop_truncated, 1));
    cr_assert(eq(u64, stats().frag_active, 0));
}

Test(reasm, pool_of_zero_keeps_the_old_behaviour)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    cfg.reasm_contexts = 0;
    start_cfg(&cfg);
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(u8, last_frag_flags, TCPSTATE_FRAG_IS | TCPSTATE_FRAG_MORE));
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_seen, 0));
    cr_assert(eq(u64, st.frag_reassembled, 0));
}

Test(reasm, link_fields_come_from_the_completing_fragment)
{
    NEEDS_REASSEMBLY();
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    cfg.flags |= TCPSTATE_F_VLAN_KEY;
    start_cfg(&cfg);
    build(&syn, CLI, SRV, SYN, 100, 0, 0, 42);
    build(&data, CLI, SRV, SYN, 100, 0, 2000, 42);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 0, 1000, 1, 7, 1 * SEC), TCPSTATE_SKIP_FRAGMENT);
    /* The same id on another VLAN is another datagram. */
    build(&syn, CLI, SRV, SYN, 100, 0, 2000, 43);
    assert_status(feed_frag(&syn, 1000, n - 1000, 0, 7, 1 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1000, n - 1000, 0, 7, 1 * SEC), TCPSTATE_OK);
    cr_assert(eq(u16, last_vlan, 42));
    cr_assert(eq(u64, stats().frag_active, 1));
}

Test(reasm, hostile_flood_stays_within_the_pool_and_is_counted)
{
    NEEDS_REASSEMBLY();
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    start_cfg(&cfg);
    size_t before = tcpstate_footprint(&cfg);
    build(&data, CLI, SRV, ACK, 1, 1, 3000, 0);
    /* 20,000 datagrams that never complete: first fragments and middle ones. */
    for (uint32_t id = 0; id < 20000; id++) {
        uint32_t off = (id & 1) ? 1480 : 0;
        assert_status(feed_frag(&data, off, 1480, 1, id, (uint64_t)id * 1000),
                      TCPSTATE_SKIP_FRAGMENT);
        cr_assert(le(u64, stats().frag_active, cfg.reasm_contexts));
    }
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.frag_seen, 20000));
    cr_assert(eq(u64, st.frag_drop_pool_full + st.frag_active, 20000),
              "every datagram is either held or counted as dropped");
    cr_assert(eq(u64, st.flows_created, 0));
    cr_assert(eq(sz, tcpstate_footprint(&cfg), before));
}

Test(reasm, footprint_counts_the_pool)
{
    NEEDS_REASSEMBLY();
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 16;
    size_t with = tcpstate_footprint(&cfg);
    cfg.reasm_contexts = 0;
    size_t without = tcpstate_footprint(&cfg);
    cr_assert(ge(sz, with - without, 128 * 1024));
    cr_assert(le(sz, with - without, TCPSTATE_STATIC_REASM_BYTES(64, 128 * 1024)));
    static const uint32_t ctx[] = {1, 2, 63, 64, 65, 1000, 65534};
    static const uint32_t bytes[] = {2048, 2049, 65536, 1u << 20, 65534u * 1024u};
    for (unsigned i = 0; i < sizeof ctx / sizeof *ctx; i++) {
        for (unsigned j = 0; j < sizeof bytes / sizeof *bytes; j++) {
            cfg.reasm_contexts = ctx[i];
            cfg.reasm_bytes = bytes[j];
            size_t f = tcpstate_footprint(&cfg);
            cr_assert(f != 0, "%u contexts, %u bytes refused", ctx[i], bytes[j]);
            cr_assert(
                le(sz, f,
                   TCPSTATE_STATIC_BYTES(16, 0) + TCPSTATE_STATIC_REASM_BYTES(ctx[i], bytes[j])));
        }
    }
    cfg.reasm_contexts = 64;
    cfg.reasm_bytes = 2047; /* fewer than two blocks */
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
    cfg.reasm_bytes = 65535u * 1024u; /* one block too many */
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
    cfg.reasm_bytes = 65536;
    cfg.reasm_contexts = 65535; /* one context too many */
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
    cfg.reasm_bytes = 65536;
    cfg.reasm_contexts = 65536;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
    cfg.reasm_contexts = 64;
    cfg.reasm_timeout = 0;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
}

Test(reasm, reset_forgets_held_fragments)
{
    NEEDS_REASSEMBLY();
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    cr_assert(eq(int, tcpstate_reset(eng), TCPSTATE_OK));
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 7, 5 * SEC), TCPSTATE_SKIP_FRAGMENT);
    cr_assert(eq(u64, stats().frag_reassembled, 0));
    cr_assert(eq(u64, stats().frag_active, 1));
}

Test(reasm, ipv6_unfragmentable_extension_header_is_kept)
{
    NEEDS_REASSEMBLY();
    NEEDS_IPV6();
    static char want[16384];
    with_dstopts = 1;
    reference(CLI6, SRV6, want, sizeof want);
    start();
    handshake(CLI6, SRV6);
    /* Fragmentable part: TCP header and payload, after the 8-byte options header. */
    uint32_t n = frag_payload_len(data.b, data.l3) - 8;
    assert_status(feed_frag(&data, 0, 1448, 1, 5, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1448, n - 1448, 0, 5, 4 * SEC), TCPSTATE_OK);
    with_dstopts = 0;
    cr_assert(eq(int, memcmp(payload_seen, data.b + data.l3 + 68, 3000), 0));
    finish_and_compare(want);
}

Test(reasm, holes_filled_by_a_fragment_spanning_held_ranges)
{
    NEEDS_REASSEMBLY();
    static char want[16384];
    reference(CLI, SRV, want, sizeof want);
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 2960, n - 2960, 0, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1000, 480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 0, 8, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    /* One fragment over all but the last piece: only the holes are taken from it. */
    assert_status(feed_frag(&data, 0, 2960, 1, 7, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(u64, stats().frag_overlaps, 1));
    cr_assert(eq(int, memcmp(payload_seen, data.b + data.l3 + 40, 3000), 0));
    finish_and_compare(want);
}

Test(reasm, repeated_range_with_other_bytes)
{
    NEEDS_REASSEMBLY();
    static uint8_t junk[1480];
    memset(junk, 0x5A, sizeof junk);
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 1480, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag_data(&data, 1480, 1480, 1, 7, junk, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 0, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 2960, n - 2960, 0, 7, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(u64, stats().frag_overlaps, 1), "IPv4: the first copy wins");
    cr_assert(eq(int, memcmp(payload_seen, data.b + data.l3 + 40, 3000), 0));
    cr_assert(eq(u8, last_frag_flags, TCPSTATE_FRAG_REASSEMBLED | TCPSTATE_FRAG_OVERLAP));

#ifndef TCPSTATE_NO_IPV6
    start();
    handshake(CLI6, SRV6);
    assert_status(feed_frag(&data, 1480, 1480, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag_data(&data, 1480, 1480, 1, 7, junk, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    cr_assert(eq(u64, stats().frag_drop_overlap, 1), "IPv6: the datagram is dropped");
    cr_assert(eq(u64, stats().frag_active, 0));
#endif
}

Test(reasm, more_holes_than_tracked_drop_the_datagram)
{
    NEEDS_REASSEMBLY();
    start();
    handshake(CLI, SRV);
    /* 8-byte pieces 16 bytes apart, last first: the 33rd disjoint range is too many. */
    for (int k = 32; k >= 1; k--) {
        assert_status(feed_frag(&data, (uint32_t)k * 16u, 8, 1, 7, 4 * SEC),
                      TCPSTATE_SKIP_FRAGMENT);
    }
    cr_assert(eq(u64, stats().frag_active, 1));
    assert_status(feed_frag(&data, 0, 8, 1, 7, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    cr_assert(eq(u64, stats().frag_drop_bad, 1));
    cr_assert(eq(u64, stats().frag_active, 0));
}

Test(reasm, completing_a_newer_datagram_keeps_the_older_waiting)
{
    NEEDS_REASSEMBLY();
    start();
    handshake(CLI, SRV);
    uint32_t n = frag_payload_len(data.b, data.l3);
    assert_status(feed_frag(&data, 0, 1480, 1, 1, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 0, 1480, 1, 2, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 0, 1480, 1, 3, 4 * SEC), TCPSTATE_SKIP_FRAGMENT);
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 2, 4 * SEC), TCPSTATE_OK);
    cr_assert(eq(u64, stats().frag_active, 2));
    /* The age list still runs 1, 3: 1 times out first. */
    assert_status(feed_frag(&data, 0, 1480, 1, 4, 34500 * UINT64_C(1000000)),
                  TCPSTATE_SKIP_FRAGMENT);
    cr_assert(eq(u64, stats().frag_drop_timeout, 2));
    assert_status(feed_frag(&data, 1480, n - 1480, 0, 4, 35 * SEC), TCPSTATE_OK);
}
