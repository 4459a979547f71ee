/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The flow table's index, directly: the two candidate buckets of a key, the
 * cuckoo step that makes room when both are full, the victims chosen when
 * nothing can move, the slot a new key takes; and, through the engine, a
 * flow-end callback walking the table while a bucket's victim leaves.
 * (test_flowtable.c holds the engine-level tests of memory, eviction and
 * expiry.)
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "flowtable.h"
#include "support/frames.h"
#include "tcpstate.h"

#define S  TCPSTATE_TH_SYN
#define NS UINT64_C(1000000000)

static _Alignas(64) uint8_t mem[1 << 20];

/* A client on port `p` talking to 10.0.0.2:80. */
static void client_ep(char *buf, unsigned p) { snprintf(buf, 32, "10.0.0.1:%u", p); }

/* ------------------------------------------------------------ the index, directly */

static _Alignas(64) uint32_t slots[8 * FT_BUCKET_SLOTS];
static struct tcpstate_flow pool[64];

/* A table of `cap` flows on the caller's slots (`slots_bytes` of them) and
 * pool, under the all-zero hash key. */
static struct flowtable table_on(uint32_t cap, uint32_t *s, size_t slots_bytes,
                                 struct tcpstate_flow *p)
{
    struct flowtable ft;
    uint8_t key[16] = {0};
    struct ft_sizes sz;
    cr_assert(eq(int, tcpstate__ft_sizes(cap, 0, &sz), 0));
    cr_assert(le(sz, sz.slots_bytes, slots_bytes));
    tcpstate__ft_init(&ft, cap, 0, s, p, NULL, key);
    return ft;
}

static struct flowtable small_table(void) { return table_on(64, slots, sizeof slots, pool); }

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

/* A record comes listed as the newest closed flow (a zeroed record's ends
 * are both CLOSED, which a SYN's new flow keeps until its segment is
 * tracked), whether taken from the pool or reused from a victim; filing it
 * elsewhere leaves that list as it was. */
Test(flowtable_index, a_new_record_is_the_newest_closed_flow_until_filed)
{
    struct flowtable ft = small_table();
    struct flow_key k1 = key_n(1), k2 = key_n(2), k3 = key_n(3);
    struct tcpstate_flow *a = tcpstate__ft_alloc(&ft, &k1, CLS_CLOSED);
    struct tcpstate_flow *b = tcpstate__ft_take(&ft, &k2);
    cr_assert(eq(int, b->cls, CLS_CLOSED));
    cr_assert(eq(ptr, tcpstate__ft_oldest(&ft, CLS_CLOSED), a));
    cr_assert(eq(ptr, tcpstate__ft_newer(&ft, a), b));
    cr_assert(eq(ptr, tcpstate__ft_newer(&ft, b), NULL));
    tcpstate__ft_touch(&ft, b, CLS_EMBRYONIC);
    cr_assert(eq(ptr, tcpstate__ft_newer(&ft, a), NULL));
    cr_assert(eq(ptr, tcpstate__ft_oldest(&ft, CLS_EMBRYONIC), b));
    cr_assert(eq(int, tcpstate__ft_insert(&ft, a, tcpstate__ft_hash(&ft, &k1)), 0));
    struct tcpstate_flow *c = tcpstate__ft_reuse(&ft, a, &k3);
    cr_assert(eq(ptr, c, a));
    cr_assert(eq(int, c->cls, CLS_CLOSED));
    cr_assert(eq(ptr, tcpstate__ft_oldest(&ft, CLS_CLOSED), c));
    cr_assert(eq(ptr, tcpstate__ft_newer(&ft, c), NULL));
    cr_assert(eq(ptr, tcpstate__ft_oldest(&ft, CLS_EMBRYONIC), b));
    cr_assert_null(tcpstate__ft_lookup(&ft, &k1, tcpstate__ft_hash(&ft, &k1)));
}

/* An IPv4 record keeps the hash it was indexed under (flowtable.c,
 * keeps_hash()): released, it leaves the slot that hash chose even when the
 * key's own hash would choose another, and nothing of it shows in the
 * flow's addresses. */
Test(flowtable_index, an_ipv4_record_leaves_the_slot_of_the_hash_it_was_indexed_under)
{
    struct flowtable ft = small_table();
    struct flow_key k = key_n(7);
    uint64_t other = ~tcpstate__ft_hash(&ft, &k); /* not the key's own */
    struct tcpstate_flow *f = tcpstate__ft_take(&ft, &k);
    cr_assert_not_null(f);
    cr_assert(eq(int, tcpstate__ft_insert(&ft, f, other), 0));
    cr_assert(eq(ptr, tcpstate__ft_lookup(&ft, &k, other), f));
    tcpstate_flow_info fi;
    cr_assert(eq(int, tcpstate_flow_get_info(f, &fi), TCPSTATE_OK));
    static const uint8_t zero[12];
    for (unsigned s = 0; s < 2; s++) {
        cr_assert(eq(int, memcmp(fi.addr[s] + 4, zero, 12), 0), "address %u shows more", s);
    }
    unsigned used = 0;
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        used += slots[i] != 0;
    }
    cr_assert(eq(u32, used, 1));
    tcpstate__ft_release(&ft, f);
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        cr_assert(eq(u32, slots[i], 0), "slot %u still holds the record", i);
    }
    cr_assert_null(tcpstate__ft_lookup(&ft, &k, other));
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

Test(flowtable_index, lookup_probes_two_buckets_and_full_buckets_refuse_insertion)
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

Test(flowtable_index, a_full_bucket_pair_makes_room_by_moving_a_flow_to_its_other_bucket)
{
    static _Alignas(64) uint32_t big_slots[32 * FT_BUCKET_SLOTS];
    static struct tcpstate_flow big_pool[256];
    struct flowtable ft = table_on(256, big_slots, sizeof big_slots, big_pool);

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

Test(flowtable_index, bucket_victim_prefers_finished_then_unconfirmed_then_oldest_confirmed)
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

Test(flowtable_index, pool_victim_is_the_oldest_list_head_of_the_best_rank_ties_to_the_first_class)
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

/* The first of key_n(n), key_n(n + 1), ... whose two buckets differ, into
 * *k and b; returns its hash. */
static uint64_t key_in_two_buckets(const struct flowtable *ft, unsigned n, struct flow_key *k,
                                   uint32_t b[2])
{
    for (;; n++) {
        *k = key_n(n);
        uint64_t h = tcpstate__ft_hash(ft, k);
        tcpstate__ft_buckets(ft, h, b);
        if (b[0] != b[1]) {
            return h;
        }
    }
}

Test(flowtable_index, a_new_key_takes_the_first_free_slot_of_the_emptier_bucket_the_first_on_a_tie)
{
    struct flowtable ft = small_table();
    struct flow_key k;
    uint32_t b[2];
    uint64_t h = key_in_two_buckets(&ft, 7, &k, b);
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

/* A slot of the first bucket that carries the key's tag but names another
 * record must not hide the key's own slot in the second; and the batch's
 * guess, which matches both buckets at once (flowtable_probe.h), is the
 * first bucket's candidate, wherever the second's slot lies. */
Test(flowtable_index, a_tag_match_in_the_first_bucket_does_not_hide_the_key_in_the_second)
{
    struct flowtable ft = small_table();
    struct flow_key k;
    uint32_t b[2];
    uint64_t h = key_in_two_buckets(&ft, 7, &k, b);
    struct ft_probe probe = tcpstate__ft_probe_of(&ft, h);
    /* b[0] fuller: the key goes to b[1]'s first slot. */
    occupy(&ft, b[0], 0);
    occupy(&ft, b[0], 5);
    struct tcpstate_flow *f = tcpstate__ft_alloc(&ft, &k, CLS_EMBRYONIC);
    cr_assert(eq(int, tcpstate__ft_insert(&ft, f, h), 0));
    cr_assert(eq(int, slot_of(&ft, b, f), (int)(b[1] * FT_BUCKET_SLOTS)));
    cr_assert(eq(ptr, tcpstate__ft_lookup(&ft, &k, h), f));
    cr_assert(eq(ptr, tcpstate__ft_lookup_hint(&ft, &probe), f));
    /* A decoy: another key's record, named in b[0]'s slot 5 under k's tag. */
    struct flow_key dk = key_n(1000);
    struct tcpstate_flow *d = tcpstate__ft_alloc(&ft, &dk, CLS_EMBRYONIC);
    ft.slots[(size_t)b[0] * FT_BUCKET_SLOTS + 5] = probe.tag + tcpstate__ft_index(&ft, d) + 1u;
    cr_assert(eq(ptr, tcpstate__ft_lookup(&ft, &k, h), f));
    cr_assert(eq(ptr, tcpstate__ft_lookup_hint(&ft, &probe), d));
    /* Without its own slot, the key is not there (the decoy is not it). */
    ft.slots[(size_t)b[1] * FT_BUCKET_SLOTS] = 0;
    cr_assert_null(tcpstate__ft_lookup(&ft, &k, h));
    cr_assert(eq(ptr, tcpstate__ft_lookup_hint(&ft, &probe), d));
    /* No slot with the tag at all: no guess. */
    ft.slots[(size_t)b[0] * FT_BUCKET_SLOTS + 5] = UINT32_MAX;
    cr_assert_null(tcpstate__ft_lookup_hint(&ft, &probe));
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

Test(flowtable_index, a_flow_end_callback_for_a_bucket_victim_sees_the_new_flow_in_the_table)
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
