/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_hostile: what each flood of the "Hostile traffic" issue costs per
 * packet, next to the same engine tracking ordinary traffic, measured the
 * same way in the same run.
 *
 * Each scenario builds a fresh 10,000-flow engine holding 1,000 established
 * connections (window scale 7), then times tcpstate_feed() over N packets
 * of one kind (frames are built outside the timed region, a batch at a
 * time). It also prints how many of the 1,000 connections are still
 * established afterwards.
 *
 * Usage: bench_hostile [packets]   (default 2,000,000)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attack.h"

#define VICTIMS 1000u
#define CHUNK   4096u
#define FRAME   64u

static _Alignas(64) uint8_t mem[4 << 20];
static struct conn victims[VICTIMS];
static uint8_t frames[CHUNK][FRAME];
static uint32_t lens[CHUNK];

enum kind { K_NORMAL, K_BARE_ACK, K_SYN, K_SYNACK, K_FINACK, K_RST, K_BLIND_RST, K_BLIND_ACK };
static const char *const names[] = {"ordinary traffic (reference)", "bare ACKs, random tuples",
                                    "SYNs, random tuples",          "SYN-ACKs, random tuples",
                                    "FIN+ACKs, random tuples",      "RSTs, random tuples",
                                    "blind RSTs on tracked tuples", "blind ACKs on tracked tuples"};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t build(uint8_t *f, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp,
                      uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    memset(f, 0, 40);
    f[0] = 0x45;
    f[3] = (uint8_t)(40 + len);
    f[8] = 64;
    f[9] = 6;
    put32(f + 12, src);
    put32(f + 16, dst);
    f[20] = (uint8_t)(sp >> 8);
    f[21] = (uint8_t)sp;
    f[22] = (uint8_t)(dp >> 8);
    f[23] = (uint8_t)dp;
    put32(f + 24, seq);
    put32(f + 28, ack);
    f[32] = 0x50;
    f[33] = flags;
    f[34] = (uint8_t)(ATTACK_WINDOW >> 8);
    f[35] = (uint8_t)ATTACK_WINDOW;
    return 40 + len;
}

static void make_chunk(enum kind k, struct rng *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = rng_next(r);
        uint32_t src = UINT32_C(0x64400000) | (uint32_t)(v & 0x3fffffu);
        uint32_t dst = UINT32_C(0xc0a80000) | (uint32_t)((v >> 22) & 0xffffu);
        uint16_t sp = (uint16_t)(v >> 38), dp = (uint16_t)(v >> 54 | 1u);
        struct conn *c = &victims[(v >> 8) % VICTIMS];
        switch (k) {
        case K_NORMAL: {
            /* The next data segment of a victim, from either side, with a plausible ACK. */
            int from_srv = (v >> 1) & 1u;
            if (from_srv) {
                lens[i] = build(frames[i], c->srv, c->sport, c->cli, c->cport, 0x18, c->srv_nxt,
                                c->cli_nxt, 20);
                c->srv_nxt += 20;
            } else {
                lens[i] = build(frames[i], c->cli, c->cport, c->srv, c->sport, 0x18, c->cli_nxt,
                                c->srv_nxt, 20);
                c->cli_nxt += 20;
            }
            break;
        }
        case K_BARE_ACK:
        case K_SYN:
        case K_SYNACK:
        case K_FINACK:
        case K_RST: {
            static const uint8_t fl[] = {0, 0x10, 0x02, 0x12, 0x11, 0x04};
            lens[i] = build(frames[i], src, sp, dst, dp, fl[k], rng_u32(r), rng_u32(r), 0);
            break;
        }
        case K_BLIND_RST:
            lens[i] = build(frames[i], c->srv, c->sport, c->cli, c->cport, 0x04, rng_u32(r), 0, 0);
            break;
        case K_BLIND_ACK:
            lens[i] = build(frames[i], c->cli, c->cport, c->srv, c->sport, 0x10, rng_u32(r),
                            rng_u32(r), 0);
            break;
        }
    }
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    unsigned long packets = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000ul;
    static const uint8_t key[16] = "bench-hostile-k";
    printf("%-32s %10s %12s %10s\n", "flood", "packets", "ns/packet", "survivors");
    for (unsigned k = K_NORMAL; k <= K_BLIND_ACK; k++) {
        struct tally t;
        tcpstate_engine *e = attack_engine(mem, sizeof mem, 10000, 0, 0, key, &t);
        if (e == NULL) {
            return 1;
        }
        uint64_t ts = UINT64_C(1000000000);
        for (uint32_t i = 0; i < VICTIMS; i++) {
            attack_establish(e, &victims[i], UINT32_C(0x0a000000), i, ts);
            ts += 10000;
        }
        struct rng r = {k + 1u};
        double spent = 0;
        for (unsigned long done = 0; done < packets; done += CHUNK) {
            unsigned n = packets - done < CHUNK ? (unsigned)(packets - done) : CHUNK;
            make_chunk((enum kind)k, &r, n);
            double t0 = now_ns();
            for (unsigned i = 0; i < n; i++) {
                tcpstate_status st =
                    tcpstate_feed(e, TCPSTATE_LINKTYPE_RAW, frames[i], lens[i], lens[i], ts);
                (void)st;
                ts += 1000;
            }
            spent += now_ns() - t0;
        }
        unsigned alive = 0;
        for (uint32_t i = 0; i < VICTIMS; i++) {
            alive += (unsigned)attack_is_established(e, &victims[i]);
        }
        printf("%-32s %10lu %12.1f %6u/%u\n", names[k], packets, spent / (double)packets, alive,
               VICTIMS);
    }
    return 0;
}
