/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_feed: how fast tcpstate_feed() tracks protocol-correct traffic with
 * 1,000, 100,000 and 1,000,000 connections open at once.
 *
 * Traffic is generated in memory with a fixed seed, in chunks, and only the
 * tcpstate_feed() calls are timed. Each connection lives a full lifecycle
 * (handshake, a few data segments each way with their ACKs, FIN/ACK close
 * from either side), IPv4 and IPv6 mixed; some are reset midway and some are
 * SYNs nobody answers. When one ends, a new one takes its place, so the
 * number of open connections stays at the target.
 *
 * As a reference measured in the same run, the same frames go through
 * tcpstate_decode() alone: the ratio says what tracking adds to parsing.
 *
 * Usage: bench_feed [packets-per-size [flows]]   (default 4,000,000; all three sizes)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support/frames.h"
#include "tcpstate.h"

#define CHUNK     65536u
#define MAX_FRAME 128u

enum phase { P_SYN, P_SYNACK, P_ACK, P_DATA, P_FIN1, P_ACK1, P_FIN2, P_ACK2, P_DONE };

struct conn {
    uint32_t id;     /* selects addresses and ports */
    uint32_t seq[2]; /* next sequence number of client [0] and server [1] */
    uint8_t phase;
    uint8_t data_left; /* data segments still to send */
    uint8_t closer;    /* side that sends the first FIN */
    uint8_t kind;      /* 0 normal, 1 reset midway, 2 unanswered SYN */
    uint8_t v6;
};

static uint64_t rng = UINT64_C(0x243F6A8885A308D3);
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static void new_conn(struct conn *c, uint32_t id)
{
    memset(c, 0, sizeof *c);
    c->id = id;
    c->seq[0] = rnd();
    c->seq[1] = rnd();
    c->data_left = (uint8_t)(2 + rnd() % 8);
    c->closer = (uint8_t)(rnd() % 2);
    uint32_t r = rnd() % 100;
    c->kind = r < 5 ? 2 : r < 10 ? 1 : 0;
    c->v6 = rnd() % 10 < 3;
}

/* The next segment of a connection, as a frame spec; returns 0 when it is over. */
static int next_segment(struct conn *c, struct frame_spec *s, int *from_server)
{
    int side = 0;
    uint16_t flags = 0;
    size_t len = 0;
    switch ((enum phase)c->phase) {
    case P_SYN:
        flags = TCPSTATE_TH_SYN;
        c->phase = c->kind == 2 ? P_DONE : P_SYNACK;
        break;
    case P_SYNACK:
        side = 1;
        flags = TCPSTATE_TH_SYN | TCPSTATE_TH_ACK;
        c->phase = P_ACK;
        break;
    case P_ACK:
        flags = TCPSTATE_TH_ACK;
        c->phase = P_DATA;
        break;
    case P_DATA:
        side = (int)(rnd() % 2);
        flags = TCPSTATE_TH_ACK | TCPSTATE_TH_PSH;
        len = 64 + rnd() % 1000;
        if (c->kind == 1 && c->data_left == 1) {
            flags = TCPSTATE_TH_RST | TCPSTATE_TH_ACK;
            len = 0;
            c->phase = P_DONE;
        } else if (--c->data_left == 0) {
            c->phase = P_FIN1;
        }
        break;
    case P_FIN1:
    case P_FIN2:
        side = c->phase == P_FIN1 ? c->closer : !c->closer;
        flags = TCPSTATE_TH_FIN | TCPSTATE_TH_ACK;
        c->phase++;
        break;
    case P_ACK1:
    case P_ACK2:
        side = c->phase == P_ACK1 ? !c->closer : c->closer;
        flags = TCPSTATE_TH_ACK;
        c->phase++;
        break;
    case P_DONE:
        return 0;
    }
    memset(s, 0, sizeof *s);
    s->linktype = TCPSTATE_LINKTYPE_ETHERNET;
    s->flags = flags;
    s->seq = c->seq[side];
    s->ack = (flags & TCPSTATE_TH_ACK) ? c->seq[!side] : 0;
    s->payload_len = len;
    c->seq[side] += (uint32_t)len + ((flags & (TCPSTATE_TH_SYN | TCPSTATE_TH_FIN)) ? 1u : 0u);
    *from_server = side;
    return 1;
}

struct chunk {
    uint8_t *bytes; /* CHUNK frames of MAX_FRAME bytes, headers only */
    uint32_t caplen[CHUNK];
    uint32_t wirelen[CHUNK];
};

static char addr_buf[4][48];

/* Fill a chunk with the next frames; the payload itself is not captured (a 96-byte
 * snap length), as on a sensor that keeps headers only. */
static void generate(struct chunk *ch, struct conn *conns, uint32_t n_conns, uint32_t *next_id)
{
    for (uint32_t i = 0; i < CHUNK; i++) {
        struct frame_spec s;
        int from_server;
        struct conn *c = &conns[rnd() % n_conns];
        while (!next_segment(c, &s, &from_server)) {
            new_conn(c, (*next_id)++);
        }
        uint32_t id = c->id;
        if (c->v6) {
            snprintf(addr_buf[0], sizeof addr_buf[0], "2001:db8:%x:%x::1", (id >> 16) & 0xffff,
                     id & 0xffff);
            snprintf(addr_buf[1], sizeof addr_buf[1], "2001:db8:ffff::2");
        } else {
            snprintf(addr_buf[0], sizeof addr_buf[0], "10.%u.%u.%u", (id >> 16) & 0xff,
                     (id >> 8) & 0xff, id & 0xff);
            snprintf(addr_buf[1], sizeof addr_buf[1], "192.0.2.%u", 1 + (id >> 24) % 200);
        }
        uint16_t cport = (uint16_t)(1024 + id % 60000), sport = 443;
        s.src = from_server ? addr_buf[1] : addr_buf[0];
        s.dst = from_server ? addr_buf[0] : addr_buf[1];
        s.sport = from_server ? sport : cport;
        s.dport = from_server ? cport : sport;
        static uint8_t full[2048];
        struct frame_layout lay;
        size_t len = frame_build(&s, full, sizeof full, &lay);
        if (len == 0) {
            fprintf(stderr, "frame_build failed\n");
            exit(1);
        }
        size_t cap = len < MAX_FRAME ? len : MAX_FRAME;
        memcpy(ch->bytes + (size_t)i * MAX_FRAME, full, cap);
        ch->caplen[i] = (uint32_t)cap;
        ch->wirelen[i] = (uint32_t)len;
    }
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void run(uint32_t n_flows, uint64_t packets)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    /* Room for the open connections and the closed ones lingering in TIME_WAIT. */
    cfg.max_flows = n_flows + n_flows / 2;
    for (unsigned i = 0; i < 16; i++) {
        cfg.hash_key[i] = (uint8_t)(0x5a + i * 7);
    }
    size_t bytes = tcpstate_footprint(&cfg);
    void *mem = malloc(bytes);
    tcpstate_engine *e;
    if (mem == NULL || tcpstate_init(mem, bytes, &cfg, NULL, NULL, &e) != TCPSTATE_OK) {
        fprintf(stderr, "cannot build an engine of %zu bytes\n", bytes);
        exit(1);
    }
    struct conn *conns = calloc(n_flows, sizeof *conns);
    struct chunk *ch = malloc(sizeof *ch);
    ch->bytes = malloc((size_t)CHUNK * MAX_FRAME);
    uint32_t next_id = 0;
    for (uint32_t i = 0; i < n_flows; i++) {
        new_conn(&conns[i], next_id++);
    }

    /* Warm up until every connection slot has been opened once. */
    uint64_t ts = UINT64_C(1700000000) * 1000000000u;
    uint64_t warm_ok = 0;
    while (next_id < 2 * n_flows) {
        generate(ch, conns, n_flows, &next_id);
        for (uint32_t i = 0; i < CHUNK; i++) {
            warm_ok +=
                tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, ch->bytes + (size_t)i * MAX_FRAME,
                              ch->caplen[i], ch->wirelen[i], ts += 1000) == TCPSTATE_OK;
        }
    }
    (void)warm_ok;

    double t_feed = 0, t_decode = 0;
    uint64_t done = 0, ok = 0;
    tcpstate_packet pkt;
    while (done < packets) {
        generate(ch, conns, n_flows, &next_id);
        double t0 = now_s();
        for (uint32_t i = 0; i < CHUNK; i++) {
            ok += tcpstate_decode(TCPSTATE_LINKTYPE_ETHERNET, ch->bytes + (size_t)i * MAX_FRAME,
                                  ch->caplen[i], ch->wirelen[i], 0, &pkt) == TCPSTATE_OK;
        }
        double t1 = now_s();
        for (uint32_t i = 0; i < CHUNK; i++) {
            ok += tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, ch->bytes + (size_t)i * MAX_FRAME,
                                ch->caplen[i], ch->wirelen[i], ts += 1000) == TCPSTATE_OK;
        }
        double t2 = now_s();
        t_decode += t1 - t0;
        t_feed += t2 - t1;
        done += CHUNK;
    }
    tcpstate_stats st;
    tcpstate_get_stats(e, &st);
    double ns_feed = t_feed * 1e9 / (double)done, ns_dec = t_decode * 1e9 / (double)done;
    printf("%9u  %10llu  %7.2f  %11.1f  %13.1f  %10.2f  %10.1f  %8llu\n", n_flows,
           (unsigned long long)done, (double)done / t_feed / 1e6, ns_feed, ns_dec, ns_feed / ns_dec,
           (double)bytes / cfg.max_flows, (unsigned long long)st.flows_active);
    if (ok != 2 * done) {
        fprintf(stderr, "warning: %llu frames not OK\n", (unsigned long long)(2 * done - ok));
    }
    free(ch->bytes);
    free(ch);
    free(conns);
    free(mem);
}

int main(int argc, char **argv)
{
    uint64_t packets = argc > 1 ? strtoull(argv[1], NULL, 10) : 4000000u;
    printf("tcpstate %s, %llu timed packets per size\n", tcpstate_version_string(),
           (unsigned long long)packets);
    printf("%9s  %10s  %7s  %11s  %13s  %10s  %10s  %8s\n", "flows", "packets", "Mpps",
           "feed ns/pkt", "decode ns/pkt", "feed/decode", "bytes/flow", "in table");
    const uint32_t sizes[] = {1000, 100000, 1000000};
    for (unsigned i = 0; i < 3; i++) {
        if (argc <= 2 || strtoul(argv[2], NULL, 10) == sizes[i]) {
            run(sizes[i], packets);
        }
    }
    return 0;
}
