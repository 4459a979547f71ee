/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Floods and hash collisions against a table holding established flows,
 * rebuilt from findings 3 and 4 of the "Hostile traffic" issue: one-way
 * traffic from spoofed tuples must never push a confirmed flow out, and new
 * connections must still be tracked during the flood.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "attack.h"
#include "engine.h"
#include "flowtable.h"

#define NS UINT64_C(1000000000)

static _Alignas(64) uint8_t mem[4 << 20];
static struct tally tally;
static tcpstate_engine *eng;
static uint64_t now;
static const uint8_t known_key[16] = "0123456789abcdef";

#define A TCPSTATE_TH_ACK
#define S TCPSTATE_TH_SYN

static tcpstate_stats stats(void)
{
    tcpstate_stats st;
    cr_assert(eq(int, tcpstate_get_stats(eng, &st), TCPSTATE_OK));
    return st;
}

static unsigned count_established(const struct conn *c, unsigned n)
{
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++) {
        k += (unsigned)attack_is_established(eng, &c[i]);
    }
    return k;
}

/* Close every connection with FINs both ways; returns how many ended CLOSED/TIME_WAIT. */
static unsigned close_all(struct conn *c, unsigned n)
{
    unsigned ok = 0;
    for (unsigned i = 0; i < n; i++) {
        struct conn *x = &c[i];
        (void)attack_send(eng, x->cli, x->cport, x->srv, x->sport, TCPSTATE_TH_FIN | A, x->cli_nxt,
                          x->srv_nxt, 0, now++);
        (void)attack_send(eng, x->srv, x->sport, x->cli, x->cport, TCPSTATE_TH_FIN | A, x->srv_nxt,
                          x->cli_nxt + 1, 0, now++);
        (void)attack_send(eng, x->cli, x->cport, x->srv, x->sport, A, x->cli_nxt + 1,
                          x->srv_nxt + 1, 0, now++);
        tcpstate_tcp_state o, s;
        ok += attack_states(eng, x, &o, &s) == 0 && o == TCPSTATE_TIME_WAIT && s == TCPSTATE_CLOSED;
    }
    return ok;
}

/* One spoofed segment from a random tuple outside the victims' network. */
static void flood_one(struct rng *r, uint16_t flags)
{
    uint64_t v = rng_next(r);
    uint32_t src = UINT32_C(0x64400000) | (uint32_t)(v & 0x3fffffu); /* 100.64.0.0/10 */
    uint32_t dst = UINT32_C(0xc0a80000) | (uint32_t)((v >> 22) & 0xffffu);
    (void)attack_send(eng, src, (uint16_t)(v >> 38), dst, (uint16_t)(v >> 54 | 1u), flags,
                      rng_u32(r), rng_u32(r), 0, now);
    now += 1000; /* 1 Mpps */
}

/* 10,000-flow table (default flags less `flags_off`), 1,000 idle established
 * flows, then `n` flood packets; a new legitimate connection opens every 1,000
 * of them. */
static void flood_run(uint32_t flags_off, uint16_t flood_flags, uint32_t n, unsigned *survivors,
                      unsigned *new_tracked, unsigned *new_tried)
{
    static struct conn victims[1000], fresh[1000];
    eng = attack_engine(mem, sizeof mem, 10000, 0, flags_off, known_key, &tally);
    cr_assert_not_null(eng);
    now = NS;
    for (uint32_t i = 0; i < 1000; i++) {
        attack_establish(eng, &victims[i], UINT32_C(0x0a000000), i, now);
        now += 10000;
    }
    struct rng r = {UINT64_C(0xf100d) ^ flood_flags ^ flags_off};
    *new_tracked = *new_tried = 0;
    for (uint32_t k = 1; k <= n; k++) {
        flood_one(&r, flood_flags);
        if (k % 1000 == 0 && *new_tried < 1000) {
            struct conn *c = &fresh[*new_tried];
            attack_establish(eng, c, UINT32_C(0x0b000000), *new_tried, now);
            now += 6000;
            *new_tracked += (unsigned)attack_is_established(eng, c);
            (*new_tried)++;
        }
    }
    *survivors = count_established(victims, 1000);
    cr_assert(eq(u32, close_all(victims, 1000), *survivors), "victims closed correctly");
}

Test(hostile, a_bare_ack_flood_pushes_out_no_established_flow)
{
    /* Finding 3 (default flags): 0.1.0 lost 900+ flows within 10,000 packets. */
    unsigned alive, tracked, tried;
    flood_run(0, A, 1000000u / attack_scale(), &alive, &tracked, &tried);
    cr_assert(eq(u32, alive, 1000));
    cr_assert(ge(u32, tracked * 100, tried * 99), "%u of %u new connections tracked", tracked,
              tried);
    cr_assert(ge(u64, stats().midstream_pickups, 1001), "the flood did reach the table");
    cr_assert(ge(u64, stats().flows_evicted, 1), "the flood did fill the table");
}

Test(hostile, a_bare_ack_flood_cannot_pin_the_table_without_established_eviction)
{
    /* Finding 3, eviction of established flows off: 0.1.0's flood flows were
     * established (5-day timeout) and every new SYN got TABLE_FULL. */
    unsigned alive, tracked, tried;
    flood_run(TCPSTATE_F_EVICT_ESTABLISHED, A, 1000000u / attack_scale(), &alive, &tracked,
              &tried);
    cr_assert(eq(u32, alive, 1000));
    cr_assert(ge(u32, tracked * 100, tried * 99), "%u of %u new connections tracked", tracked,
              tried);
    cr_assert(eq(u64, stats().flows_refused, 0));
}

Test(hostile, a_syn_flood_pushes_out_no_established_flow)
{
    unsigned alive, tracked, tried;
    flood_run(0, S, 1000000u / attack_scale(), &alive, &tracked, &tried);
    cr_assert(eq(u32, alive, 1000));
    cr_assert(ge(u32, tracked * 100, tried * 99), "%u of %u", tracked, tried);
}

/* ------------------------------------------------------------ collisions */

static void tuple_key(struct flow_key *k, uint32_t src, uint16_t sport, uint32_t dst,
                      uint16_t dport)
{
    uint8_t frame[64] = {0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6};
    tcpstate_packet pkt;
    int hi;
    for (int i = 0; i < 4; i++) {
        frame[12 + i] = (uint8_t)(src >> (24 - 8 * i));
        frame[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    frame[20] = (uint8_t)(sport >> 8);
    frame[21] = (uint8_t)sport;
    frame[22] = (uint8_t)(dport >> 8);
    frame[23] = (uint8_t)dport;
    frame[32] = 0x50;
    frame[33] = A;
    cr_assert(eq(int, tcpstate_decode(TCPSTATE_LINKTYPE_RAW, frame, 40, 40, 0, &pkt), TCPSTATE_OK));
    tcpstate__ft_make_key(k, &pkt, 0, &hi);
}

static unsigned used_slots(uint32_t bucket)
{
    unsigned n = 0;
    for (unsigned i = 0; i < FT_BUCKET_SLOTS; i++) {
        n += eng->ft.slots[(size_t)bucket * FT_BUCKET_SLOTS + i] != 0;
    }
    return n;
}

Test(hostile, a_collision_flood_with_the_known_key_cannot_evict_a_confirmed_flow)
{
    /* Finding 4: with the key known, the attacker computes offline tuples
     * whose two candidate buckets are both the target's, and floods them at
     * 10% occupancy, as bare ACKs and as SYNs (eviction of established flows on). */
    static struct conn victims[100];
    struct { uint32_t src; uint16_t sport; } hits[128];
    eng = attack_engine(mem, sizeof mem, 1024, 0, 0, known_key, &tally);
    cr_assert_not_null(eng);
    now = NS;
    for (uint32_t i = 0; i < 100; i++) {
        attack_establish(eng, &victims[i], UINT32_C(0x0a000000), i, now);
        now += 10000;
    }
    const struct conn *t = &victims[0];
    struct flow_key k;
    uint32_t tb[2], b[2];
    tuple_key(&k, t->cli, t->cport, t->srv, t->sport);
    tcpstate__ft_buckets(&eng->ft, tcpstate__ft_hash(&eng->ft, &k), tb);
    unsigned n_hits = 0;
    for (uint32_t v = 0; n_hits < 128 && v < 50000000u; v++) {
        uint32_t src = UINT32_C(0x64400000) | (v >> 8);
        uint16_t sport = (uint16_t)(1024u + (v & 0xffu));
        tuple_key(&k, src, sport, t->srv, t->sport);
        tcpstate__ft_buckets(&eng->ft, tcpstate__ft_hash(&eng->ft, &k), b);
        if ((b[0] == tb[0] || b[0] == tb[1]) && (b[1] == tb[0] || b[1] == tb[1])) {
            hits[n_hits].src = src;
            hits[n_hits].sport = sport;
            n_hits++;
        }
    }
    cr_assert(eq(u32, n_hits, 128), "colliding tuples found offline");
    struct rng r = {9};
    for (unsigned round = 0; round < 20; round++) {
        for (unsigned i = 0; i < n_hits; i++) {
            (void)attack_send(eng, hits[i].src, hits[i].sport, t->srv, t->sport,
                              (round & 1u) ? S : A, rng_u32(&r), rng_u32(&r), 0, now);
            now += 1000;
        }
        cr_assert(eq(u32, used_slots(tb[0]) + used_slots(tb[1]), 2 * FT_BUCKET_SLOTS),
                  "the target's buckets are full");
        cr_assert(attack_is_established(eng, t), "round %u evicted the target", round);
    }
    cr_assert(eq(u32, count_established(victims, 100), 100));
    cr_assert(ge(u64, stats().flows_evicted + stats().flows_refused, 1));
}

Test(hostile, an_all_zero_hash_key_is_visible_in_the_stats)
{
    static const uint8_t zero[16];
    eng = attack_engine(mem, sizeof mem, 64, 0, 0, zero, &tally);
    cr_assert(eq(u64, stats().weak_hash_key, 1));
    cr_assert(eq(int, tcpstate_reset(eng), TCPSTATE_OK));
    cr_assert(eq(u64, stats().weak_hash_key, 1), "still after a reset");
    eng = attack_engine(mem, sizeof mem, 64, 0, 0, known_key, &tally);
    cr_assert(eq(u64, stats().weak_hash_key, 0));
}

Test(hostile, one_way_flows_live_on_the_embryonic_timeout_until_confirmed)
{
    eng = attack_engine(mem, sizeof mem, 64, 0, 0, known_key, &tally);
    now = NS;
    /* Two midstream pickups; only the second hears back from its peer. */
    (void)attack_send(eng, 0x0a000001, 5000, 0x0a000002, 80, A, 100, 900, 10, now++);
    (void)attack_send(eng, 0x0a000003, 5000, 0x0a000004, 80, A, 100, 900, 10, now++);
    (void)attack_send(eng, 0x0a000004, 80, 0x0a000003, 5000, A, 900, 110, 10, now++);
    cr_assert(eq(int, tcpstate_expire(eng, now + 121 * NS, 0), TCPSTATE_OK));
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.flows_timed_out, 1));
    cr_assert(eq(u64, st.flows_active, 1));
}
