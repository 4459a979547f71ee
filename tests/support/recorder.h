/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event recorder for tracker tests: every callback appends a token to a log,
 * so a test asserts a whole callback sequence as one readable string:
 *
 *   "SYN(o) o:CLOSED>SYN_SENT; SYN-ACK(r) r:CLOSED>SYN_RECEIVED o:SYN_SENT>ESTABLISHED"
 *
 * Tokens: a packet event is NAME(d[,flag...]) with d the sending side (o
 * originator, r responder); a state change is s:FROM>TO for side s; a flow
 * end is END(reason). Events of one frame are separated by spaces, frames by
 * "; ". Flags shown: retx, oow, badack, simul, implausible, inexact (others via `show_flags`).
 */
#ifndef TCPSTATE_TEST_RECORDER_H
#define TCPSTATE_TEST_RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "support/frames.h"
#include "tcpstate.h"

struct recorder {
    tcpstate_engine *engine;
    char log[16384];
    size_t len;
    uint64_t last_frame; /* frame of the last logged event */
    int any;             /* something logged */
    unsigned counts[TCPSTATE_EV_COUNT];
    uint32_t show_flags; /* TCPSTATE_EVF_* bits printed; default set by recorder_start */
    /* Behaviour switches for callback-result tests: answer `result` to the
     * n-th event (1-based) of kind `act_kind` (-1: none). */
    int act_kind;
    unsigned act_nth;
    int act_result;
    /* Re-entry probe: the status a nested tcpstate_feed() returned (0 if not tried). */
    int try_reenter;
    tcpstate_status reenter_status;
    tcpstate_flow *last_flow;
    uint64_t frame_ts; /* timestamp recorder_feed uses next (advances 1 ms per frame) */
};

/* Route every callback to the recorder. */
void recorder_callbacks(tcpstate_callbacks *cb);

/* Build an engine in `mem` with `cfg` (NULL: defaults, history on
 * unless the build has TCPSTATE_NO_ZEEK) wired to the recorder. */
tcpstate_engine *recorder_start(struct recorder *rec, void *mem, size_t len,
                                const tcpstate_config *cfg);

/* Feed one Ethernet frame at the recorder's clock (then advance it by 1 ms). */
tcpstate_status recorder_feed(struct recorder *rec, const struct seg *s);

/* Feed at an explicit timestamp (ns). */
tcpstate_status recorder_feed_at(struct recorder *rec, const struct seg *s, uint64_t ts);

/* One segment of a scripted exchange. */
struct step {
    const char *from, *to; /* "a.b.c.d:port" */
    uint16_t flags;        /* TCPSTATE_TH_* */
    uint32_t seq, ack;
    size_t len; /* payload bytes */
};

/* Feed steps in order at the recorder's clock; returns the number fed with
 * TCPSTATE_OK (stops at the first other status). */
size_t recorder_play(struct recorder *rec, const struct step *steps, size_t n);

/* The log so far, and forget it. */
const char *recorder_log(const struct recorder *rec);
void recorder_clear(struct recorder *rec);

/* One flow of the engine (the only one, or the last one an event named). */
tcpstate_flow *recorder_flow(const struct recorder *rec);

#endif
