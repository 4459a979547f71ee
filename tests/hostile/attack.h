/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The attacker's toolkit for tests/hostile/: raw IPv4 frames written straight
 * into a buffer (fast enough for million-packet floods), a population of
 * established connections with large scaled windows, and a seeded PRNG so
 * every attack is deterministic.
 */
#ifndef TCPSTATE_TEST_ATTACK_H
#define TCPSTATE_TEST_ATTACK_H

#include <stddef.h>
#include <stdint.h>

#include "tcpstate.h"

/* splitmix64: small, seedable, good enough to stand for an attacker's guesses. */
struct rng {
    uint64_t s;
};
uint64_t rng_next(struct rng *r);
static inline uint32_t rng_u32(struct rng *r) { return (uint32_t)(rng_next(r) >> 32); }

/* One connection as its two real endpoints see it. */
struct conn {
    uint32_t cli, srv;       /* IPv4 addresses, host order */
    uint16_t cport, sport;
    uint32_t cli_nxt;        /* the client's next sequence number */
    uint32_t srv_nxt;        /* the server's next sequence number */
};

/* What a test engine counts from callbacks. */
struct tally {
    uint64_t rst_applied; /* RST events that changed state */
    uint64_t fin_applied; /* FIN events that changed state */
    uint64_t ended_live;  /* flows that left the table while not finished */
    uint64_t events;
};

/* The window every connection advertises: 24,000 << 7 = 3,072,000 bytes,
 * what Linux receive autotuning reaches on a fast path. */
#define ATTACK_WSCALE 7u
#define ATTACK_WINDOW 24000u

/* An engine in `mem` (static storage of the test) with the default config
 * but for `max_flows`, `flags_or` added, `flags_off` removed and `key` (16 bytes, NULL = zero). */
tcpstate_engine *attack_engine(void *mem, size_t len, uint32_t max_flows, uint32_t flags_or,
                               uint32_t flags_off, const uint8_t *key, struct tally *t);

/* Feed one TCP/IPv4 segment (raw IP link type) at `ts` ns. */
tcpstate_status attack_send(tcpstate_engine *e, uint32_t src, uint16_t sport, uint32_t dst,
                            uint16_t dport, uint16_t flags, uint32_t seq, uint32_t ack,
                            uint32_t payload_len, uint64_t ts);

/* Make connection i of a population (distinct tuples for distinct i and
 * `net`), handshake with window scaling, and one data segment each way, so
 * both ends are ESTABLISHED and confirmed. */
void attack_establish(tcpstate_engine *e, struct conn *c, uint32_t net, uint32_t i, uint64_t ts);

/* The state of connection c's flow on each side, or -1 if it has no flow. */
int attack_states(tcpstate_engine *e, const struct conn *c, tcpstate_tcp_state *orig,
                  tcpstate_tcp_state *resp);

/* Both ends ESTABLISHED. */
int attack_is_established(tcpstate_engine *e, const struct conn *c);

/* A scale knob for the million-packet floods: TCPSTATE_HOSTILE_SCALE=N in the
 * environment divides them by N (valgrind runs use it); default 1. */
uint32_t attack_scale(void);

#endif
