/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * firmware_static: tcpstate the way firmware uses it.
 *
 * - The engine lives in a static buffer sized at compile time
 *   (TCPSTATE_STATIC_BYTES); nothing is allocated, ever.
 * - Frames come from a const array, as from a NIC ring: raw IPv4 (pcap link
 *   type 101), here the seed article's handshake and close.
 * - Callbacks only count: no stdio, no malloc, no clock in the tracking path.
 *   The counts are printed once at the end, which a real device would export
 *   some other way.
 *
 * - Nothing assumes alignment: the engine's buffer and every frame sit at
 *   odd addresses (as frames do in many NIC rings, after a 2-byte pad or
 *   none). tests/cross/run.sh runs this on a Cortex-M4 under QEMU with
 *   unaligned accesses trapping (examples/firmware/: start-up code and
 *   linker script), so a misaligned load anywhere in the library fails it.
 *
 * Exit status 0 if the counts are the expected ones (ctest runs it).
 * docs/embedding.md walks through it.
 */
#include <stdint.h>
#include <stdio.h>

#include "tcpstate.h"

/* Board hook: the QEMU build (examples/firmware/startup.c, built with
 * -DTCPSTATE_FIRMWARE_BOARD) makes unaligned accesses trap while the library
 * runs; newlib's printf, built assuming they are allowed, runs without. */
#ifdef TCPSTATE_FIRMWARE_BOARD
void board_strict_alignment(int on);
#else
static void board_strict_alignment(int on) { (void)on; }
#endif

#define MAX_FLOWS 64

/* The bound for no user bytes, no history and no batch workspace (batch_max 0:
 * frames are fed one at a time), plus one byte so that the engine can start
 * at an odd address. */
static uint8_t engine_mem[TCPSTATE_STATIC_BYTES_BATCH(MAX_FLOWS, 0, 0) + 1];
/* The "receive buffer" a frame is copied to before feeding, at an odd address too. */
static uint8_t rx_buf[64 + 1];

/* A 40-byte IPv4 + TCP segment, no options, checksums left zero (not verified). */
#define BE16(v) (uint8_t)((v) >> 8), (uint8_t)(v)
#define BE32(v) (uint8_t)((v) >> 24), (uint8_t)((v) >> 16), (uint8_t)((v) >> 8), (uint8_t)(v)
#define SEGMENT(src, sport, dst, dport, seq, ack, flags)                                           \
    {                                                                                              \
        0x45, 0x00, BE16(40), BE16(0), 0x40, 0x00, 128, 6, BE16(0), src, dst, BE16(sport),         \
            BE16(dport), BE32(seq), BE32(ack), 0x50, (flags), BE16(65535), BE16(0), BE16(0)        \
    }

#define CLIENT 76, 88, 16, 104
#define SERVER 76, 88, 16, 16
#define F      0x01
#define S      0x02
#define A      0x10

static const uint8_t frames[][40] = {
    /* The handshake (article frames 1-3). */
    SEGMENT(CLIENT, 1038, SERVER, 21, 1791872318u, 0, S),
    SEGMENT(SERVER, 21, CLIENT, 1038, 3880988084u, 1791872318u + 1, S | A),
    SEGMENT(CLIENT, 1038, SERVER, 21, 1791872318u + 1, 3880988084u + 1, A),
    /* The close of another connection, server first (article frames 17-20). */
    SEGMENT(SERVER, 21, CLIENT, 1028, 1803774978u, 846902939u, F | A),
    SEGMENT(CLIENT, 1028, SERVER, 21, 846902939u, 1803774978u + 1, A),
    SEGMENT(CLIENT, 1028, SERVER, 21, 846902939u, 1803774978u + 1, F | A),
    SEGMENT(SERVER, 21, CLIENT, 1028, 1803774978u + 1, 846902939u + 1, A),
};

struct counters {
    unsigned events[TCPSTATE_EV_COUNT];
    unsigned time_wait; /* endpoints that entered TIME_WAIT */
};

static int count(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct counters *c = user;
    (void)flow;
    c->events[ev->kind]++;
    if (ev->kind == TCPSTATE_EV_STATE_CHANGE && ev->after[ev->side] == TCPSTATE_TIME_WAIT) {
        c->time_wait++;
    }
    return TCPSTATE_CB_CONTINUE;
}

int main(void)
{
    static struct counters counts;
    tcpstate_config cfg;
    tcpstate_callbacks cb = {0};
    tcpstate_engine *e;

    board_strict_alignment(1);
    tcpstate_config_init(&cfg);
    cfg.max_flows = MAX_FLOWS;
    cfg.reasm_contexts = 0; /* no IP reassembly (TCPSTATE_STATIC_REASM_BYTES() otherwise) */
    cfg.batch_max = 0;      /* no tcpstate_feed_batch() workspace */
    cb.on_syn = cb.on_synack = cb.on_ack = cb.on_fin = cb.on_rst = count;
    cb.on_state_change = cb.on_flow_end = count;
    if (tcpstate_footprint(&cfg) > sizeof engine_mem - 1 ||
        tcpstate_init(engine_mem + 1, sizeof engine_mem - 1, &cfg, &cb, &counts, &e) !=
            TCPSTATE_OK) {
        return 2;
    }

    uint64_t now = 0;
    for (size_t i = 0; i < sizeof frames / sizeof *frames; i++) {
        now += 1000000; /* 1 ms apart: the device's own clock, in ns */
        uint8_t *frame = rx_buf + 1; /* odd address */
        for (size_t k = 0; k < sizeof frames[i]; k++) {
            frame[k] = frames[i][k];
        }
        if (tcpstate_feed(e, TCPSTATE_LINKTYPE_RAW, frame, sizeof frames[i], sizeof frames[i], now) !=
            TCPSTATE_OK) {
            return 3;
        }
    }
    if (tcpstate_finish(e) != TCPSTATE_OK) {
        return 4;
    }
    board_strict_alignment(0);

    printf("engine: %lu of %lu static bytes for %d flows\n",
           (unsigned long)tcpstate_footprint(&cfg), (unsigned long)(sizeof engine_mem - 1),
           MAX_FLOWS);
    for (int k = 0; k < TCPSTATE_EV_COUNT; k++) {
        printf("%-8s %u\n", tcpstate_event_name((tcpstate_event_kind)k), counts.events[k]);
    }
    /* SYN, SYN-ACK, two ACKs completing things in each exchange, two FINs, one TIME_WAIT,
     * two flows ended. */
    int ok = counts.events[TCPSTATE_EV_SYN] == 1 && counts.events[TCPSTATE_EV_SYNACK] == 1 &&
             counts.events[TCPSTATE_EV_ACK] == 3 && counts.events[TCPSTATE_EV_FIN] == 2 &&
             counts.events[TCPSTATE_EV_RST] == 0 && counts.events[TCPSTATE_EV_FLOW_END] == 2 &&
             counts.time_wait == 1;
    printf("%s\n", ok ? "as expected" : "UNEXPECTED COUNTS");
    return ok ? 0 : 1;
}
