/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The flow table: memory budget, caller memory at any alignment, eviction
 * policy, bounded probing, expiry, iteration, per-flow user data, keys.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "flowtable.h"
#include "support/frames.h"
#include "support/options.h"
#include "support/recorder.h"
#include "tcpstate.h"

#define A  TCPSTATE_TH_ACK
#define S  TCPSTATE_TH_SYN
#define F  TCPSTATE_TH_FIN
#define NS UINT64_C(1000000000)

static _Alignas(64) uint8_t mem[1 << 20];
static struct recorder rec;

static tcpstate_stats stats(void)
{
    tcpstate_stats st;
    cr_assert(eq(int, tcpstate_get_stats(rec.engine, &st), TCPSTATE_OK));
    return st;
}

static void start_with(uint32_t max_flows, uint32_t flags_on, uint32_t flags_off)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = max_flows;
    cfg.flags = (cfg.flags | flags_on) & ~flags_off;
    cfg.expire_budget = 0;
    cr_assert_not_null(recorder_start(&rec, mem, sizeof mem, &cfg));
}

/* A client on port `p` talking to 10.0.0.2:80. */
static void client_ep(char *buf, unsigned p) { snprintf(buf, 32, "10.0.0.1:%u", p); }

static void feed(unsigned port, uint16_t flags, uint32_t seq, uint32_t ack, int from_server)
{
    char c[32];
    client_ep(c, port);
    struct seg s = from_server ? seg_make("10.0.0.2:80", c, flags, seq, ack, 0)
                               : seg_make(c, "10.0.0.2:80", flags, seq, ack, 0);
    cr_assert(eq(int, recorder_feed(&rec, &s), TCPSTATE_OK));
}

static void established(unsigned port)
{
    feed(port, S, 1000, 0, 0);
    feed(port, S | A, 5000, 1001, 1);
    feed(port, A, 1001, 5001, 0);
}

static void closed(unsigned port)
{
    established(port);
    feed(port, F | A, 1001, 5001, 0);
    feed(port, F | A, 5001, 1002, 1);
    feed(port, A, 1002, 5002, 0);
}

struct ports {
    unsigned n;
    unsigned port[64];
    char reason[64][16];
};

static int collect_port(void *user, tcpstate_flow *flow)
{
    struct ports *p = user;
    tcpstate_flow_info fi;
    tcpstate_flow_get_info(flow, &fi);
    if (p->n < 64) {
        p->port[p->n++] = fi.port[TCPSTATE_ORIG];
    }
    return 0;
}

static int has_port(unsigned port)
{
    struct ports p = {0};
    cr_assert(eq(int, tcpstate_foreach(rec.engine, collect_port, &p), TCPSTATE_OK));
    for (unsigned i = 0; i < p.n; i++) {
        if (p.port[i] == port) {
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ memory */

Test(flowtable, one_million_flows_cost_at_most_128_bytes_each)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 1000000;
    size_t bytes = tcpstate_footprint(&cfg);
    cr_log_info("footprint at 1,000,000 flows: %zu bytes, %.2f bytes/flow", bytes,
                (double)bytes / 1e6);
    cr_assert(le(sz, bytes, (size_t)128 * 1000000));
    cr_assert(eq(sz, sizeof(struct tcpstate_flow), 120));
}

Test(flowtable, engine_builds_in_a_buffer_of_any_alignment)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 8;
    size_t need = tcpstate_footprint(&cfg);
    cr_assert(lt(sz, need + 64, sizeof mem));
    for (size_t off = 0; off < 64; off++) {
        tcpstate_engine *e;
        memset(mem, 0xa5, sizeof mem);
        cr_assert(eq(int, tcpstate_init(mem + off, need, &cfg, NULL, NULL, &e), TCPSTATE_OK),
                  "offset %zu", off);
        struct seg syn = seg_make("10.0.0.1:1", "10.0.0.2:80", S, 1, 0, 0);
        cr_assert(eq(int, tcpstate_feed(e, 1, syn.bytes, syn.len, syn.len, 1), TCPSTATE_OK));
        /* Nothing outside [mem + off, mem + off + need) was touched. */
        for (size_t i = 0; i < off; i++) {
            cr_assert(eq(u8, mem[i], 0xa5), "offset %zu", off);
        }
        for (size_t i = off + need; i < off + need + 64; i++) {
            cr_assert(eq(u8, mem[i], 0xa5), "offset %zu", off);
        }
    }
}

Test(flowtable, a_buffer_one_byte_short_is_refused)
{
    tcpstate_config cfg;
    tcpstate_engine *e;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 100;
    size_t need = tcpstate_footprint(&cfg);
    cr_assert(eq(int, tcpstate_init(mem, need - 1, &cfg, NULL, NULL, &e), TCPSTATE_E_NOMEM));
    cr_assert(eq(int, tcpstate_init(mem, need, &cfg, NULL, NULL, &e), TCPSTATE_OK));
}

/* ------------------------------------------------------------ eviction */

Test(flowtable, full_table_evicts_closed_flows_first_then_embryonic)
{
    start_with(4, 0, 0);
    established(1001);
    closed(1002);
    feed(1003, S, 1000, 0, 0);
    established(1004);
    recorder_clear(&rec);
    feed(1005, S, 1000, 0, 0); /* full: the closed flow goes */
    cr_assert(eq(str, (char *)recorder_log(&rec), "END(evicted) SYN(o) o:CLOSED>SYN_SENT"));
    cr_assert(eq(int, has_port(1002), 0));
    feed(1006, S, 1000, 0, 0); /* then the oldest embryonic one */
    cr_assert(eq(int, has_port(1003), 0));
    cr_assert(eq(int, has_port(1005), 1));
    cr_assert(eq(u64, stats().flows_evicted, 2));
}

Test(flowtable, syn_flood_cannot_push_out_established_connections)
{
    start_with(8, 0, 0);
    for (unsigned p = 1; p <= 4; p++) {
        established(2000 + p);
    }
    for (unsigned p = 0; p < 500; p++) {
        feed(10000 + p, S, 7, 0, 0);
    }
    for (unsigned p = 1; p <= 4; p++) {
        cr_assert(eq(int, has_port(2000 + p), 1), "established flow %u was evicted", 2000 + p);
    }
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.flows_evicted, 500 - 4));
    cr_assert(eq(u64, st.flows_active, 8));
    cr_assert(eq(u64, st.flows_peak, 8));
}

Test(flowtable, only_established_left_evicts_the_longest_idle_one_when_allowed)
{
    start_with(2, 0, 0);
    established(3001);
    established(3002);
    /* 3001 is now the most recently active, by more than an aging period
     * (file_flow() in src/feed.c: 1/64 of the timeout, at most 2^30 ns). */
    rec.frame_ts += 2 * NS;
    feed(3001, A, 1001, 5001, 0);
    feed(3003, S, 1000, 0, 0);
    cr_assert(eq(int, has_port(3002), 0));
    cr_assert(eq(int, has_port(3001), 1));
}

/* Lazy aging (issue 7): within one aging period a segment writes its own
 * flow's record and nothing else; refiling it would write its two
 * neighbours on the activity list, cache misses for unrelated flows. */
Test(flowtable, a_segment_writes_no_other_flow_record_within_an_aging_period)
{
    start_with(8, 0, 0);
    established(3101);
    established(3102);
    established(3103);
    const struct tcpstate_flow *pool = rec.engine->ft.flows;
    static struct tcpstate_flow before[8];
    memcpy(before, pool, sizeof before);
    feed(3102, A | TCPSTATE_TH_PSH, 1001, 5001, 0); /* data from the middle flow, 1 ms later */
    unsigned changed = 0;
    for (unsigned i = 0; i < 8; i++) {
        if (memcmp(&before[i], &pool[i], sizeof before[i]) != 0) {
            changed++;
        }
    }
    cr_assert(eq(u32, changed, 1), "%u records written", changed);
}

/* Within an aging period the activity list keeps filing order, so eviction
 * (and expiry) may take a flow active a moment ago: the price of not
 * touching neighbours, bounded by one period. */
Test(flowtable, eviction_order_is_exact_to_one_aging_period)
{
    start_with(2, 0, 0);
    established(3201);
    established(3202);
    feed(3201, A, 1001, 5001, 0); /* 1 ms later: same period, not refiled */
    feed(3203, S, 1000, 0, 0);
    cr_assert(eq(int, has_port(3201), 0));
    cr_assert(eq(int, has_port(3202), 1));
}

Test(flowtable, only_established_left_refuses_when_eviction_is_off)
{
    start_with(2, 0, TCPSTATE_F_EVICT_ESTABLISHED);
    established(3001);
    established(3002);
    struct seg syn = seg_make("10.0.0.1:3003", "10.0.0.2:80", S, 1000, 0, 0);
    cr_assert(eq(int, recorder_feed(&rec, &syn), TCPSTATE_E_TABLE_FULL));
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.flows_refused, 1));
    cr_assert(eq(u64, st.frames_by_status[tcpstate_status_index(TCPSTATE_E_TABLE_FULL)], 1));
    cr_assert(eq(int, has_port(3001) && has_port(3002), 1));
}

Test(flowtable, both_directions_and_both_families_share_one_table)
{
    start_with(16, 0, 0);
    struct seg a = seg_make("10.0.0.1:40000", "10.0.0.2:80", S, 1, 0, 0);
    struct seg b = seg_make("10.0.0.2:80", "10.0.0.1:40000", S | A, 9, 2, 0);
    struct seg c = seg_make("[2001:db8::1]:40000", "[2001:db8::2]:80", S, 1, 0, 0);
    struct seg d = seg_make("[2001:db8::2]:80", "[2001:db8::1]:40000", S | A, 9, 2, 0);
    cr_assert(eq(int, recorder_feed(&rec, &a), TCPSTATE_OK));
    cr_assert(eq(int, recorder_feed(&rec, &b), TCPSTATE_OK));
#ifdef TCPSTATE_NO_IPV6
    /* Left out of this build: the IPv6 pair is not IP, and makes no flow. */
    cr_assert(eq(int, recorder_feed(&rec, &c), TCPSTATE_SKIP_NOT_IP));
    cr_assert(eq(int, recorder_feed(&rec, &d), TCPSTATE_SKIP_NOT_IP));
    cr_assert(eq(u64, stats().flows_created, 1));
    return;
#endif
    cr_assert(eq(int, recorder_feed(&rec, &c), TCPSTATE_OK));
    cr_assert(eq(int, recorder_feed(&rec, &d), TCPSTATE_OK));
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.flows_created, 2));
    cr_assert(eq(u64, st.flows_active, 2));
}

Test(flowtable, vlan_aware_key_separates_the_same_tuple_on_two_vlans)
{
    for (int keyed = 0; keyed < 2; keyed++) {
        start_with(16, keyed ? TCPSTATE_F_VLAN_KEY : 0, 0);
        for (uint16_t vlan = 10; vlan <= 20; vlan += 10) {
            struct frame_spec spec;
            memset(&spec, 0, sizeof spec);
            spec.n_vlan = 1;
            spec.vlan[0] = vlan;
            spec.flags = S;
            spec.seq = 1;
            struct seg s = seg_make_spec("10.0.0.1:40000", "10.0.0.2:80", spec);
            cr_assert(eq(int, recorder_feed(&rec, &s), TCPSTATE_OK));
        }
        cr_assert(eq(u64, stats().flows_active, keyed ? 2 : 1));
    }
}

/* ------------------------------------------------------------ expiry */

Test(flowtable, expiry_does_bounded_work_and_resumes)
{
    start_with(16, 0, 0);
    for (unsigned p = 0; p < 10; p++) {
        feed(4000 + p, S, 1, 0, 0);
    }
    uint64_t later = rec.frame_ts + 200 * NS;
    cr_assert(eq(int, tcpstate_expire(rec.engine, later, 3), TCPSTATE_OK));
    cr_assert(eq(u64, stats().flows_active, 7));
    cr_assert(eq(int, has_port(4000), 0)); /* oldest first */
    cr_assert(eq(int, has_port(4003), 1));
    cr_assert(eq(int, tcpstate_expire(rec.engine, later, 3), TCPSTATE_OK));
    cr_assert(eq(u64, stats().flows_active, 4));
    cr_assert(eq(int, tcpstate_expire(rec.engine, later, 0), TCPSTATE_OK));
    cr_assert(eq(u64, stats().flows_active, 0));
    cr_assert(eq(u64, stats().flows_timed_out, 10));
}

/* Lazy aging's bound: with flows active at random moments, every idle
 * timeout is reported at the flow's own deadline (its last segment plus the
 * timeout), never before it, and at most one aging period after it. */
struct late_probe {
    uint64_t now;          /* time of the tcpstate_expire() call being made */
    uint64_t last[64];     /* each flow's last segment, by client port - 7300 */
    uint64_t worst_late;   /* largest now - deadline seen */
    unsigned ended, wrong; /* timeouts seen; reported at a time other than the deadline */
};

static int late_on_end(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct late_probe *lp = user;
    tcpstate_flow_info fi;
    tcpstate_flow_get_info(flow, &fi);
    unsigned i = (unsigned)(fi.port[TCPSTATE_ORIG] - 7300u);
    if (ev->reason != TCPSTATE_END_TIMEOUT || i >= 64) {
        return TCPSTATE_CB_CONTINUE;
    }
    lp->ended++;
    /* The record keeps the last segment's time as a 27-bit minifloat offset
     * from the first (compact.h): exact to 2^-26 of the flow's age. */
    uint64_t want = lp->last[i] + 64 * NS, slack = (lp->last[i] - fi.first_ts) >> 26;
    if (ev->ts + slack < want || ev->ts > want + slack || ev->ts > lp->now) {
        lp->wrong++;
    } else if (lp->now - ev->ts > lp->worst_late) {
        lp->worst_late = lp->now - ev->ts;
    }
    return TCPSTATE_CB_CONTINUE;
}

Test(flowtable, idle_flows_end_at_their_deadline_at_most_one_aging_period_late)
{
    static struct late_probe lp;
    memset(&lp, 0, sizeof lp);
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    cfg.expire_budget = 0;
    cfg.timeout_established = 64 * NS; /* aging period: 2^29 ns (64 s / 64, rounded down) */
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_flow_end = late_on_end;
    tcpstate_engine *e = NULL;
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, &cb, &lp, &e), TCPSTATE_OK));
    uint64_t t = 1000 * NS, rnd = 12345;
    uint32_t cseq[64];
    for (unsigned i = 0; i < 64; i++) { /* 64 connections, 1 ms apart */
        char c[32];
        client_ep(c, 7300 + i);
        struct seg s1 = seg_make(c, "10.0.0.2:80", S, 1000, 0, 0);
        struct seg s2 = seg_make("10.0.0.2:80", c, S | A, 5000, 1001, 0);
        struct seg s3 = seg_make(c, "10.0.0.2:80", A, 1001, 5001, 0);
        cr_assert(eq(int, tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, s1.bytes, s1.len, s1.len, t),
                     TCPSTATE_OK));
        cr_assert(eq(int, tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, s2.bytes, s2.len, s2.len, t),
                     TCPSTATE_OK));
        cr_assert(eq(int, tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, s3.bytes, s3.len, s3.len, t),
                     TCPSTATE_OK));
        lp.last[i] = t;
        cseq[i] = 1001;
        t += NS / 1000;
    }
    for (unsigned k = 0; k < 2000; k++) { /* 10 bytes from a random client every 0-10 ms */
        rnd = rnd * 6364136223846793005u + 1442695040888963407u;
        unsigned i = (unsigned)(rnd >> 58);
        t += (rnd >> 20) % (10 * NS / 1000);
        char c[32];
        client_ep(c, 7300 + i);
        struct seg d = seg_make(c, "10.0.0.2:80", A, cseq[i], 5001, 10);
        cr_assert(eq(int, tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, d.bytes, d.len, d.len, t),
                     TCPSTATE_OK));
        cseq[i] += 10;
        lp.last[i] = t;
    }
    for (lp.now = t; lp.ended < 64 && lp.now < t + 70 * NS; lp.now += NS / 1000) {
        cr_assert(eq(int, tcpstate_expire(e, lp.now, 0), TCPSTATE_OK));
    }
    cr_assert(eq(u32, lp.ended, 64));
    cr_assert(eq(u32, lp.wrong, 0));
    cr_assert(le(u64, lp.worst_late, (UINT64_C(1) << 29) + NS / 1000), "%llu ns late",
              (unsigned long long)lp.worst_late);
}

Test(flowtable, each_class_has_its_own_timeout)
{
    start_with(16, 0, 0);
    established(5001);      /* 5 days */
    closed(5002);           /* TIME_WAIT: 2 minutes */
    feed(5003, S, 1, 0, 0); /* embryonic: 2 minutes */
    recorder_clear(&rec);
    cr_assert(eq(int, tcpstate_expire(rec.engine, rec.frame_ts + 3 * 60 * NS, 0), TCPSTATE_OK));
    cr_assert(eq(str, (char *)recorder_log(&rec), "END(closed); END(timeout)"));
    cr_assert(eq(int, has_port(5001), 1));
    cr_assert(
        eq(int, tcpstate_expire(rec.engine, rec.frame_ts + 6 * 24 * 3600 * NS, 0), TCPSTATE_OK));
    cr_assert(eq(u64, stats().flows_active, 0));
}

Test(flowtable, a_timeout_of_uint64_max_never_expires)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 4;
    cfg.timeout_established = UINT64_MAX;
    cr_assert_not_null(recorder_start(&rec, mem, sizeof mem, &cfg));
    established(5101);
    cr_assert(eq(int, tcpstate_expire(rec.engine, UINT64_MAX, 0), TCPSTATE_OK));
    cr_assert(eq(u64, stats().flows_active, 1));
}

Test(flowtable, expiry_sees_a_new_short_lived_class_after_a_long_one)
{
    /* The first flow sets the next deadline 5 days out; a reset flow filed later
     * must still go after its 10 s. */
    start_with(16, 0, 0);
    established(5201);
    cr_assert(eq(int, tcpstate_expire(rec.engine, rec.frame_ts, 0), TCPSTATE_OK));
    feed(5202, S, 1, 0, 0);
    feed(5202, TCPSTATE_TH_RST | A, 0, 2, 1);
    cr_assert(eq(int, tcpstate_expire(rec.engine, rec.frame_ts + 11 * NS, 0), TCPSTATE_OK));
    cr_assert(eq(int, has_port(5202), 0));
    cr_assert(eq(int, has_port(5201), 1));
}

Test(flowtable, feed_expires_a_few_idle_flows_on_its_own)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 16;
    cfg.expire_budget = 1;
    cr_assert_not_null(recorder_start(&rec, mem, sizeof mem, &cfg));
    feed(6001, S, 1, 0, 0);
    feed(6002, S, 1, 0, 0);
    rec.frame_ts += 300 * NS;
    feed(6003, S, 1, 0, 0); /* one old flow expires before this frame is tracked */
    cr_assert(eq(u64, stats().flows_active, 2));
    cr_assert(eq(int, has_port(6001), 0));
}

Test(flowtable, time_going_backwards_is_clamped_and_counted)
{
    start_with(16, 0, 0);
    struct seg syn = seg_make("10.0.0.1:7000", "10.0.0.2:80", S, 1, 0, 0);
    cr_assert(eq(int, recorder_feed_at(&rec, &syn, 100 * NS), TCPSTATE_OK));
    struct seg other = seg_make("10.0.0.1:7001", "10.0.0.2:80", S, 1, 0, 0);
    cr_assert(eq(int, recorder_feed_at(&rec, &other, 50 * NS), TCPSTATE_OK));
    cr_assert(eq(u64, stats().time_backwards, 1));
    /* The late frame was taken as happening at 100 s, so both flows idle out together
     * 120 s after that, and not before. */
    cr_assert(eq(int, tcpstate_expire(rec.engine, 219 * NS, 0), TCPSTATE_OK));
    cr_assert(eq(u64, stats().flows_active, 2));
    cr_assert(eq(int, tcpstate_expire(rec.engine, 220 * NS, 0), TCPSTATE_OK));
    cr_assert(eq(u64, stats().flows_active, 0));
}

Test(flowtable, finish_ends_every_flow_oldest_first_with_its_reason)
{
    start_with(16, 0, 0);
    closed(8001);
    feed(8002, S, 1, 0, 0);
    feed(8002, TCPSTATE_TH_RST | A, 0, 2, 1);
    established(8003);
    recorder_clear(&rec);
    cr_assert(eq(int, tcpstate_finish(rec.engine), TCPSTATE_OK));
    cr_assert(eq(str, (char *)recorder_log(&rec), "END(closed); END(reset); END(finished)"));
    cr_assert(eq(u64, stats().flows_active, 0));
    /* The engine is reusable. */
    established(8004);
    cr_assert(eq(u64, stats().flows_active, 1));
}

/* ------------------------------------------------------------ user data, iteration */

static int count_and_stop_at_two(void *user, tcpstate_flow *flow)
{
    (void)flow;
    return ++*(int *)user == 2;
}

Test(flowtable, iteration_visits_every_flow_and_can_stop)
{
    start_with(16, 0, 0);
    for (unsigned p = 0; p < 5; p++) {
        feed(9000 + p, S, 1, 0, 0);
    }
    struct ports all = {0};
    cr_assert(eq(int, tcpstate_foreach(rec.engine, collect_port, &all), TCPSTATE_OK));
    cr_assert(eq(u32, all.n, 5));
    int n = 0;
    cr_assert(eq(int, tcpstate_foreach(rec.engine, count_and_stop_at_two, &n), TCPSTATE_OK));
    cr_assert(eq(int, n, 2));
}

static int touch_user(void *user, tcpstate_flow *flow)
{
    tcpstate_engine *e = user;
    uint8_t *b = tcpstate_flow_user_bytes(e, flow);
    cr_assert_not_null(b);
    cr_assert(eq(u64, (uintptr_t)b % 8, 0));
    for (unsigned i = 0; i < 24; i++) {
        cr_assert(eq(u8, b[i], 0));
    }
    memset(b, 0x5a, 24);
    tcpstate_flow_set_user(flow, b);
    return 0;
}

static int check_user(void *user, tcpstate_flow *flow)
{
    tcpstate_engine *e = user;
    cr_assert(eq(ptr, tcpstate_flow_user(flow), tcpstate_flow_user_bytes(e, flow)));
    return 0;
}

Test(flowtable, per_flow_user_pointer_and_inline_bytes)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 4;
    cfg.flow_user_bytes = 20; /* rounded up to 24 */
    cfg.flags |= IF_ZEEK(TCPSTATE_F_HISTORY);
    cr_assert_not_null(recorder_start(&rec, mem, sizeof mem, &cfg));
    for (unsigned p = 0; p < 4; p++) {
        feed(9100 + p, S, 1, 0, 0);
    }
    tcpstate_foreach(rec.engine, touch_user, rec.engine);
    tcpstate_foreach(rec.engine, check_user, rec.engine);
    /* A flow created later in a recycled slot starts zeroed again. */
    tcpstate_finish(rec.engine);
    feed(9200, S, 1, 0, 0);
    tcpstate_foreach(rec.engine, touch_user, rec.engine);
}

Test(flowtable, no_inline_bytes_unless_configured)
{
    start_with(4, 0, 0);
    feed(9300, S, 1, 0, 0);
    tcpstate_flow *f = recorder_flow(&rec);
    cr_assert_null(tcpstate_flow_user_bytes(rec.engine, f));
    cr_assert_null(tcpstate_flow_user(f));
}

Test(flowtable, reset_forgets_flows_and_counters_without_callbacks)
{
    start_with(4, 0, 0);
    established(9400);
    recorder_clear(&rec);
    cr_assert(eq(int, tcpstate_reset(rec.engine), TCPSTATE_OK));
    cr_assert(eq(str, (char *)recorder_log(&rec), ""));
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.flows_active, 0));
    cr_assert(eq(u64, st.frames, 0));
}
