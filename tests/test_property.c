/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Property test: random frame sequences over a handful of 4-tuples (IPv4 and
 * IPv6, both directions, every flag combination, plausible and wild sequence
 * numbers, a table smaller than the tuple count). After every frame: the flow
 * count stays within capacity and every flow's pair of endpoint states is one
 * the two-endpoint model can reach.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>

#include "support/frames.h"
#include "support/options.h"
#include "tcpstate.h"

#define CAPACITY 3
#define TUPLES   6
/* The last two tuples are IPv6: a build without IPv6 uses the first four. */
#ifdef TCPSTATE_NO_IPV6
#define V4_TUPLES_OR_ALL 4u
#else
#define V4_TUPLES_OR_ALL TUPLES
#endif

enum { CL, LI, SS, SR, ES, F1, F2, CW, CG, LA, TW };

/* The pairs (originator, responder) the model allows, worked out from the
 * RFC transitions: a handshake (SYN_SENT with a silent peer; SYN_RECEIVED on
 * one or both sides), an established connection, the one-sided close
 * (FIN_WAIT_x facing CLOSE_WAIT, then TIME_WAIT facing LAST_ACK or CLOSED), the
 * simultaneous close (CLOSING, then TIME_WAIT), and both CLOSED after a reset.
 * LISTEN is never inferred. Both orders of each asymmetric pair are allowed,
 * as either side may open (midstream) or close first. */
static const int allowed_pairs[][2] = {
    {CL, CL}, {SS, CL}, {SR, SR}, {ES, SR}, {SR, ES}, {ES, ES}, {F1, CW}, {CW, F1}, {F2, CW},
    {CW, F2}, {TW, LA}, {LA, TW}, {CG, CG}, {TW, CG}, {CG, TW}, {TW, TW}, {TW, CL}, {CL, TW},
};

static int allowed(int o, int r)
{
    for (size_t i = 0; i < sizeof allowed_pairs / sizeof *allowed_pairs; i++) {
        if (allowed_pairs[i][0] == o && allowed_pairs[i][1] == r) {
            return 1;
        }
    }
    return 0;
}

static uint64_t rng;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static const char *const clients[TUPLES] = {
    "10.0.0.1:40000", "10.0.0.1:40001",      "10.0.0.3:40000",
    "10.0.0.4:5555",  "[2001:db8::1]:40000", "[2001:db8::1]:40001",
};
static const char *const servers[TUPLES] = {
    "10.0.0.2:80",   "10.0.0.2:80",      "10.0.0.2:443",
    "10.0.0.2:6000", "[2001:db8::2]:80", "[2001:db8::2]:22",
};

static const uint16_t flag_choices[] = {
    TCPSTATE_TH_SYN,
    TCPSTATE_TH_SYN | TCPSTATE_TH_ACK,
    TCPSTATE_TH_ACK,
    TCPSTATE_TH_ACK,
    TCPSTATE_TH_ACK | TCPSTATE_TH_PSH,
    TCPSTATE_TH_ACK | TCPSTATE_TH_PSH,
    TCPSTATE_TH_FIN | TCPSTATE_TH_ACK,
    TCPSTATE_TH_FIN | TCPSTATE_TH_ACK,
    TCPSTATE_TH_RST,
    TCPSTATE_TH_RST | TCPSTATE_TH_ACK,
    TCPSTATE_TH_FIN,
    TCPSTATE_TH_SYN | TCPSTATE_TH_FIN,
    TCPSTATE_TH_SYN | TCPSTATE_TH_RST,
    TCPSTATE_TH_FIN | TCPSTATE_TH_RST | TCPSTATE_TH_ACK,
    0,
};

static int seen[TCPSTATE_STATE_COUNT][TCPSTATE_STATE_COUNT];
static unsigned bad_pairs;

static int check_flow(void *user, tcpstate_flow *flow)
{
    (void)user;
    int o = tcpstate_flow_state(flow, TCPSTATE_ORIG), r = tcpstate_flow_state(flow, TCPSTATE_RESP);
    cr_assert(lt(int, o, TCPSTATE_STATE_COUNT));
    cr_assert(lt(int, r, TCPSTATE_STATE_COUNT));
    seen[o][r] = 1;
    if (!allowed(o, r)) {
        bad_pairs++;
        cr_log_error("unreachable pair %s/%s", tcpstate_state_name((tcpstate_tcp_state)o),
                     tcpstate_state_name((tcpstate_tcp_state)r));
    }
    return 0;
}

/* A sequence number near what this side would plausibly send, or anything. */
static uint32_t pick_seq(uint32_t base)
{
    switch (next_rand() % 6) {
    case 0:
        return base;
    case 1:
    case 2:
        return base + 1;
    case 3:
        return base + 1 + next_rand() % 300;
    case 4:
        return base + 2;
    default:
        return next_rand();
    }
}

static _Alignas(64) uint8_t mem[1 << 18];

Test(property, random_traffic_keeps_capacity_and_reachable_state_pairs)
{
    tcpstate_config cfg;
    tcpstate_engine *e;
    tcpstate_config_init(&cfg);
    cfg.max_flows = CAPACITY;
    unsigned frames = 0;

    for (uint64_t seed = 1; seed <= 120; seed++) {
        rng = seed * UINT64_C(0x9E3779B97F4A7C15);
        cfg.flags = (seed % 2 ? TCPSTATE_F_EVICT_ESTABLISHED : 0u) | TCPSTATE_F_PICKUP_MIDSTREAM |
                    (seed % 3 == 0 ? IF_ZEEK(TCPSTATE_F_HISTORY) : 0u);
        cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e), TCPSTATE_OK));
        uint32_t isn[TUPLES][2], nxt[TUPLES][2];
        for (unsigned t = 0; t < TUPLES; t++) {
            nxt[t][0] = isn[t][0] = next_rand();
            nxt[t][1] = isn[t][1] = next_rand();
        }
        uint64_t ts = UINT64_C(1) << 40;
        for (unsigned i = 0; i < 5000; i++, frames++) {
            unsigned t = next_rand() % V4_TUPLES_OR_ALL, from_server = next_rand() % 2;
            uint16_t flags =
                flag_choices[next_rand() % (sizeof flag_choices / sizeof *flag_choices)];
            /* Most frames continue the conversation coherently (the sequence number where
             * the sender left off, an acknowledgment of all the peer sent), each part
             * independently, so handshakes and closes (crossing ones too) complete. */
            int seq_coherent = next_rand() % 4 != 0, ack_coherent = next_rand() % 4 != 0;
            uint32_t seq = seq_coherent ? nxt[t][from_server] : pick_seq(isn[t][from_server]);
            uint32_t ack = ack_coherent ? nxt[t][!from_server] : pick_seq(isn[t][!from_server]);
            size_t len = (flags & TCPSTATE_TH_PSH) ? next_rand() % 64 : 0;
            if (seq_coherent) {
                nxt[t][from_server] = seq + (uint32_t)len + ((flags & TCPSTATE_TH_SYN) ? 1u : 0u) +
                                      ((flags & TCPSTATE_TH_FIN) ? 1u : 0u);
            }
            struct seg s = from_server ? seg_make(servers[t], clients[t], flags, seq, ack, len)
                                       : seg_make(clients[t], servers[t], flags, seq, ack, len);
            cr_assert(ge(sz, s.len, 1));
            ts += next_rand() % 2000000000u; /* up to 2 s: some flows time out */
            tcpstate_status st =
                tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, s.bytes, s.len, s.len, ts);
            cr_assert(st == TCPSTATE_OK || st == TCPSTATE_E_TABLE_FULL ||
                          st == TCPSTATE_SKIP_MIDSTREAM,
                      "status %s", tcpstate_status_name(st));
            tcpstate_stats stats;
            tcpstate_get_stats(e, &stats);
            cr_assert(le(u64, stats.flows_active, CAPACITY));
            cr_assert(eq(int, tcpstate_foreach(e, check_flow, NULL), TCPSTATE_OK));
            if (next_rand() % 64 == 0) {
                cr_assert(
                    eq(int, tcpstate_expire(e, ts + next_rand(), next_rand() % 3), TCPSTATE_OK));
            }
        }
        cr_assert(eq(int, tcpstate_finish(e), TCPSTATE_OK));
    }
    unsigned n_seen = 0;
    char list[1024] = "";
    for (int o = 0; o < TCPSTATE_STATE_COUNT; o++) {
        for (int r = 0; r < TCPSTATE_STATE_COUNT; r++) {
            if (seen[o][r]) {
                n_seen++;
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, " %s/%s",
                         tcpstate_state_name((tcpstate_tcp_state)o),
                         tcpstate_state_name((tcpstate_tcp_state)r));
            }
        }
    }
    cr_log_info("%u frames; %u state pairs seen:%s", frames, n_seen, list);
    cr_assert(eq(u32, bad_pairs, 0));
    /* The walk is rich enough to reach every allowed pair. */
    cr_assert(eq(u32, n_seen, (unsigned)(sizeof allowed_pairs / sizeof *allowed_pairs)));
}
