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

/* ------------------------------------------------------------ the index, directly */

static _Alignas(64) uint32_t slots[8 * FT_BUCKET_SLOTS];
static struct tcpstate_flow pool[64];

static struct flowtable small_table(void)
{
    struct flowtable ft;
    uint8_t key[16] = {0};
    struct ft_sizes sz;
    cr_assert(eq(int, tcpstate__ft_sizes(64, 0, &sz), 0));
    cr_assert(le(sz, sz.slots_bytes, sizeof slots));
    tcpstate__ft_init(&ft, 64, 0, slots, pool, NULL, key);
    return ft;
}

static struct flow_key key_n(unsigned n)
{
    struct flow_key k;
    memset(&k, 0, sizeof k);
    k.addr[0][3] = 1;
    k.addr[1][3] = 2;
    k.port[0] = (uint16_t)n;
    k.port[1] = 80;
    return k;
}

/* The n-th key (from `from` on) whose real hash picks buckets {b0, b1} in
 * either order, or whose pair contains b0 when `b1` is UINT32_MAX. */
static struct flow_key key_in(const struct flowtable *ft, uint32_t b0, uint32_t b1, unsigned *from)
{
    for (;; (*from)++) {
        struct flow_key k = key_n(*from);
        uint32_t b[2];
        tcpstate__ft_buckets(ft, tcpstate__ft_hash(ft, &k), b);
        int hit = b1 == UINT32_MAX ? (b[0] == b0 || b[1] == b0)
                                   : ((b[0] == b0 && b[1] == b1) || (b[0] == b1 && b[1] == b0));
        if (hit) {
            (*from)++;
            return k;
        }
    }
}

Test(flowtable, lookup_probes_two_buckets_and_full_buckets_refuse_insertion)
{
    struct flowtable ft = small_table();
    /* 32 keys that all hash to the same two buckets fill them. */
    struct flow_key first = key_n(0);
    uint32_t b[2];
    tcpstate__ft_buckets(&ft, tcpstate__ft_hash(&ft, &first), b);
    unsigned from = 0;
    struct flow_key keys[2 * FT_BUCKET_SLOTS + 1];
    for (unsigned i = 0; i < 2 * FT_BUCKET_SLOTS + 1; i++) {
        keys[i] = key_in(&ft, b[0], b[1], &from);
    }
    for (unsigned i = 0; i < 2 * FT_BUCKET_SLOTS; i++) {
        struct tcpstate_flow *f = tcpstate__ft_alloc(&ft, &keys[i], CLS_ESTABLISHED);
        cr_assert_not_null(f);
        cr_assert(eq(int, tcpstate__ft_insert(&ft, f, tcpstate__ft_hash(&ft, &keys[i])), 0));
    }
    /* A 33rd: no flow of the pair has anywhere else to go. */
    struct flow_key extra = keys[2 * FT_BUCKET_SLOTS];
    uint64_t h = tcpstate__ft_hash(&ft, &extra);
    struct tcpstate_flow *f = tcpstate__ft_alloc(&ft, &extra, CLS_EMBRYONIC);
    cr_assert(eq(int, tcpstate__ft_insert(&ft, f, h), -1));
    /* Everything inserted is still found; the uninserted key is not. */
    for (unsigned i = 0; i < 2 * FT_BUCKET_SLOTS; i++) {
        cr_assert_not_null(tcpstate__ft_lookup(&ft, &keys[i], tcpstate__ft_hash(&ft, &keys[i])),
                           "key %u", i);
    }
    cr_assert_null(tcpstate__ft_lookup(&ft, &extra, h));
    /* Established flows only: a victim only if established ones may go. */
    cr_assert_null(tcpstate__ft_bucket_victim(&ft, h, 0));
    cr_assert_not_null(tcpstate__ft_bucket_victim(&ft, h, 1));
}

static unsigned used_in(const struct flowtable *ft, uint32_t bucket)
{
    unsigned n = 0;
    for (unsigned i = 0; i < FT_BUCKET_SLOTS; i++) {
        n += ft->slots[(size_t)bucket * FT_BUCKET_SLOTS + i] != 0;
    }
    return n;
}

static struct tcpstate_flow *add(struct flowtable *ft, const struct flow_key *k)
{
    struct tcpstate_flow *f = tcpstate__ft_alloc(ft, k, CLS_ESTABLISHED);
    cr_assert_not_null(f);
    cr_assert(eq(int, tcpstate__ft_insert(ft, f, tcpstate__ft_hash(ft, k)), 0));
    return f;
}

Test(flowtable, a_full_bucket_pair_makes_room_by_moving_a_flow_to_its_other_bucket)
{
    static _Alignas(64) uint32_t big_slots[32 * FT_BUCKET_SLOTS];
    static struct tcpstate_flow big_pool[256];
    struct flowtable ft;
    uint8_t key[16] = {0};
    struct ft_sizes sz;
    cr_assert(eq(int, tcpstate__ft_sizes(256, 0, &sz), 0));
    cr_assert(le(sz, sz.slots_bytes, sizeof big_slots));
    tcpstate__ft_init(&ft, 256, 0, big_slots, big_pool, NULL, key);

    struct flow_key target = key_n(100000);
    uint64_t h = tcpstate__ft_hash(&ft, &target);
    uint32_t b[2];
    tcpstate__ft_buckets(&ft, h, b);
    unsigned from = 0;
    /* A key K of the pair {b0, Y} lands in b0 while Y is full; then Y empties. */
    struct flow_key kk;
    uint32_t y;
    do {
        kk = key_in(&ft, b[0], UINT32_MAX, &from);
        uint32_t kb[2];
        tcpstate__ft_buckets(&ft, tcpstate__ft_hash(&ft, &kk), kb);
        y = kb[0] == b[0] ? kb[1] : kb[0];
    } while (y == b[1]);
    struct tcpstate_flow *in_y[64];
    unsigned n_y = 0;
    unsigned from_y = 200000;
    uint32_t y2 = (y + 1) % ft.n_buckets == b[0] ? (y + 2) % ft.n_buckets : (y + 1) % ft.n_buckets;
    while (used_in(&ft, y) < FT_BUCKET_SLOTS) { /* fill Y (and a partner Y2) */
        struct flow_key k = key_in(&ft, y, y2, &from_y);
        struct tcpstate_flow *f = add(&ft, &k);
        in_y[n_y++] = f;
        cr_assert(lt(u32, n_y, 64));
    }
    struct tcpstate_flow *fk = add(&ft, &kk);
    for (unsigned i = 0; i < n_y; i++) {
        tcpstate__ft_release(&ft, in_y[i]);
    }
    /* Now fill the target's pair with keys of exactly that pair. */
    unsigned from_t = 300000;
    while (used_in(&ft, b[0]) + used_in(&ft, b[1]) < 2 * FT_BUCKET_SLOTS) {
        struct flow_key k = key_in(&ft, b[0], b[1], &from_t);
        add(&ft, &k);
    }
    /* Both full: the target still gets in, K moved to Y. */
    struct tcpstate_flow *f = tcpstate__ft_alloc(&ft, &target, CLS_EMBRYONIC);
    cr_assert(eq(int, tcpstate__ft_insert(&ft, f, h), 0));
    cr_assert(eq(ptr, tcpstate__ft_lookup(&ft, &target, h), f));
    cr_assert(eq(ptr, tcpstate__ft_lookup(&ft, &kk, tcpstate__ft_hash(&ft, &kk)), fk));
    cr_assert(eq(u32, used_in(&ft, y), 1));
    /* Every flow is still found where its own hash says. */
    for (uint32_t i = 0; i < ft.cap; i++) {
        struct tcpstate_flow *g = &ft.flows[i];
        if (g->cls != CLS_FREE) {
            cr_assert(
                eq(ptr, tcpstate__ft_lookup(&ft, &g->key, tcpstate__ft_hash(&ft, &g->key)), g));
        }
    }
}

Test(flowtable, bucket_victim_prefers_finished_then_unconfirmed_then_oldest_confirmed)
{
    struct flowtable ft = small_table();
    const uint64_t h = UINT64_C(0xfedcba9876543210);
    struct tcpstate_flow *fl[4];
    /* Oldest first: a confirmed established flow, an embryonic one, a closing
     * (still live) one, a TIME_WAIT one. */
    const enum flow_class cls[4] = {CLS_ESTABLISHED, CLS_EMBRYONIC, CLS_CLOSING, CLS_TIME_WAIT};
    for (unsigned i = 0; i < 4; i++) {
        struct flow_key k = key_n(i);
        fl[i] = tcpstate__ft_alloc(&ft, &k, cls[i]);
        fl[i]->first_ts = 100 + i;
        cr_assert(eq(int, tcpstate__ft_insert(&ft, fl[i], h), 0));
    }
    /* Confirmed live flows are never victims unless allowed. */
    cr_assert(eq(ptr, tcpstate__ft_bucket_victim(&ft, h, 0), fl[3]));
    cr_assert(eq(ptr, tcpstate__ft_bucket_victim(&ft, h, 1), fl[3]));
    tcpstate__ft_release(&ft, fl[3]);
    cr_assert(eq(ptr, tcpstate__ft_bucket_victim(&ft, h, 1), fl[1]));
    tcpstate__ft_release(&ft, fl[1]);
    cr_assert(eq(ptr, tcpstate__ft_bucket_victim(&ft, h, 0), NULL));
    /* Closing flows are live: ranked with established ones, by age. */
    cr_assert(eq(ptr, tcpstate__ft_bucket_victim(&ft, h, 1), fl[0]));
    tcpstate__ft_release(&ft, fl[0]);
    cr_assert(eq(ptr, tcpstate__ft_bucket_victim(&ft, h, 1), fl[2]));
    tcpstate__ft_release(&ft, fl[2]);
    cr_assert(eq(u32, ft.used, 0));
}

Test(flowtable, pool_victim_is_the_oldest_list_head_of_the_best_rank_ties_to_the_first_class)
{
    struct flowtable ft = small_table();
    const enum flow_class cls[5] = {CLS_CLOSED, CLS_TIME_WAIT, CLS_EMBRYONIC, CLS_CLOSING,
                                    CLS_ESTABLISHED};
    struct tcpstate_flow *fl[5];
    for (unsigned i = 0; i < 5; i++) {
        struct flow_key k = key_n(i);
        fl[i] = tcpstate__ft_alloc(&ft, &k, cls[i]);
        fl[i]->first_ts = 100; /* all equally idle */
        cr_assert(eq(int, tcpstate__ft_insert(&ft, fl[i], tcpstate__ft_hash(&ft, &k)), 0));
    }
    /* Finished flows first; on a tie TIME_WAIT's head, whichever was listed first. */
    cr_assert(eq(ptr, tcpstate__ft_victim(&ft, 0), fl[1]));
    cr_assert(eq(ptr, tcpstate__ft_victim(&ft, 1), fl[1]));
    fl[0]->first_ts = 99; /* the closed one is older now */
    cr_assert(eq(ptr, tcpstate__ft_victim(&ft, 1), fl[0]));
    tcpstate__ft_release(&ft, fl[0]);
    cr_assert(eq(ptr, tcpstate__ft_victim(&ft, 0), fl[1]));
    tcpstate__ft_release(&ft, fl[1]);
    /* Then the embryonic one, however recent. */
    fl[2]->first_ts = 1000;
    cr_assert(eq(ptr, tcpstate__ft_victim(&ft, 1), fl[2]));
    tcpstate__ft_release(&ft, fl[2]);
    /* Confirmed ones only if allowed; on a tie the established one. */
    cr_assert_null(tcpstate__ft_victim(&ft, 0));
    cr_assert(eq(ptr, tcpstate__ft_victim(&ft, 1), fl[4]));
    fl[4]->first_ts = 101;
    cr_assert(eq(ptr, tcpstate__ft_victim(&ft, 1), fl[3]));
}

/* Slot i of `bucket` set to a non-zero value that names no record. */
static void occupy(struct flowtable *ft, uint32_t bucket, unsigned i)
{
    ft->slots[(size_t)bucket * FT_BUCKET_SLOTS + i] = UINT32_MAX;
}

/* Which slot of buckets b[0], b[1] holds record f (bucket * 16 + slot), or -1. */
static int slot_of(const struct flowtable *ft, const uint32_t b[2], const struct tcpstate_flow *f)
{
    for (unsigned k = 0; k < 2; k++) {
        for (unsigned i = 0; i < FT_BUCKET_SLOTS; i++) {
            uint32_t v = ft->slots[(size_t)b[k] * FT_BUCKET_SLOTS + i];
            if (v != 0 && v != UINT32_MAX &&
                tcpstate__ft_slot_index(ft, v) == tcpstate__ft_index(ft, f)) {
                return (int)(b[k] * FT_BUCKET_SLOTS + i);
            }
        }
    }
    return -1;
}

Test(flowtable, a_new_key_takes_the_first_free_slot_of_the_emptier_bucket_the_first_on_a_tie)
{
    struct flowtable ft = small_table();
    struct flow_key k = key_n(7);
    uint64_t h = tcpstate__ft_hash(&ft, &k);
    uint32_t b[2];
    tcpstate__ft_buckets(&ft, h, b);
    /* b[0]: 3 taken, first free slot 1; b[1]: 2 taken, first free slot 0. */
    occupy(&ft, b[0], 0);
    occupy(&ft, b[0], 2);
    occupy(&ft, b[0], 15);
    occupy(&ft, b[1], 1);
    occupy(&ft, b[1], 9);
    struct tcpstate_flow *f = tcpstate__ft_alloc(&ft, &k, CLS_EMBRYONIC);
    cr_assert(eq(int, tcpstate__ft_insert(&ft, f, h), 0));
    cr_assert(eq(int, slot_of(&ft, b, f), (int)(b[1] * FT_BUCKET_SLOTS)));
    cr_assert(eq(ptr, tcpstate__ft_lookup(&ft, &k, h), f));
    /* Now 3 and 3: the first bucket, at its first free slot. */
    tcpstate__ft_release(&ft, f);
    occupy(&ft, b[1], 0);
    f = tcpstate__ft_alloc(&ft, &k, CLS_EMBRYONIC);
    cr_assert(eq(int, tcpstate__ft_insert(&ft, f, h), 0));
    cr_assert(eq(int, slot_of(&ft, b, f), (int)(b[0] * FT_BUCKET_SLOTS + 1)));
    /* Released: its slot is empty again, the others stay. */
    tcpstate__ft_release(&ft, f);
    cr_assert(eq(int, slot_of(&ft, b, f), -1));
    cr_assert(eq(u32, ft.slots[(size_t)b[0] * FT_BUCKET_SLOTS + 1], 0));
    cr_assert(eq(u32, used_in(&ft, b[0]) + used_in(&ft, b[1]), 6));
}

/* A flow-end callback that walks the table, as an application may. */
static unsigned walked;
static int count_flow(void *user, tcpstate_flow *flow)
{
    (void)user, (void)flow;
    walked++;
    return 0;
}
static int walk_on_end(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user, (void)flow;
    walked = 0;
    cr_assert(eq(int, tcpstate_foreach(ev->engine, count_flow, NULL), TCPSTATE_OK));
    return TCPSTATE_CB_CONTINUE;
}

Test(flowtable, a_flow_end_callback_for_a_bucket_victim_sees_the_new_flow_in_the_table)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    cfg.expire_budget = 0;
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_flow_end = walk_on_end;
    tcpstate_engine *e = NULL;
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, &cb, NULL, &e), TCPSTATE_OK));
    /* 33 clients whose keys all pick the same two buckets: the 33rd finds
     * both full, and nothing of the pair can move, so the oldest goes. */
    struct flow_key first;
    memset(&first, 0, sizeof first);
    first.addr[0][0] = first.addr[1][0] = 10;
    first.addr[0][3] = 1;
    first.addr[1][3] = 2;
    first.port[1] = 80;
    first.port[0] = 1024;
    uint32_t b[2];
    tcpstate__ft_buckets(&e->ft, tcpstate__ft_hash(&e->ft, &first), b);
    unsigned n = 0;
    for (unsigned p = 1024; n < 2 * FT_BUCKET_SLOTS + 1; p++) {
        struct flow_key k = first;
        k.port[0] = (uint16_t)p;
        uint32_t kb[2];
        tcpstate__ft_buckets(&e->ft, tcpstate__ft_hash(&e->ft, &k), kb);
        if (!((kb[0] == b[0] && kb[1] == b[1]) || (kb[0] == b[1] && kb[1] == b[0]))) {
            continue;
        }
        char c[32];
        client_ep(c, p);
        struct seg syn = seg_make(c, "10.0.0.2:80", S, 1000, 0, 0);
        cr_assert(eq(
            int, tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, syn.bytes, syn.len, syn.len, NS + n),
            TCPSTATE_OK));
        cr_assert_not_null(tcpstate__ft_lookup(&e->ft, &k, tcpstate__ft_hash(&e->ft, &k)));
        n++;
    }
    tcpstate_stats st;
    cr_assert(eq(int, tcpstate_get_stats(e, &st), TCPSTATE_OK));
    cr_assert(eq(u64, st.flows_evicted, 1));
    cr_assert(eq(u64, st.flows_active, 2 * FT_BUCKET_SLOTS));
    /* The victim (still there while its end is reported), the 31 others and the new one. */
    cr_assert(eq(u32, walked, 2 * FT_BUCKET_SLOTS + 1));
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
