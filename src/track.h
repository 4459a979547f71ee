/* SPDX-License-Identifier: BSD-2-Clause */
/* The two-endpoint RFC 793 / RFC 9293 tracker. */
#ifndef TCPSTATE_TRACK_H
#define TCPSTATE_TRACK_H

#include <stdint.h>

#include "engine.h"

enum track_verdict {
    TRACK_DONE = 0, /* segment applied */
    TRACK_REUSE = 1 /* a new connection reuses the 4-tuple: end this flow, start a new one
                       and apply the segment to it; nothing was changed */
};

/* Set roles and assumed states of a flow created by `pkt` (the key's endpoint
 * [src_is_hi] sent it). */
void tcpstate__track_open(tcpstate_engine *e, struct tcpstate_flow *f, const tcpstate_packet *pkt,
                          int src_is_hi);

/* Forget both endpoints' TCP state but keep the flow (key, roles, times,
 * application data): the tracker sees a new connection start inside it. */
void tcpstate__track_restart(struct tcpstate_flow *f);

/* Whether a segment with no flow may create one (a SYN, or midstream pickup on). */
int tcpstate__track_may_open(const tcpstate_engine *e, const tcpstate_packet *pkt);

/* The side that sent a segment whose source is key endpoint [src_is_hi]
 * (0 or 1, as the key builders set it): the originator (0) when the
 * originator's end of the key is the source's, else the responder (1). One
 * XOR of the two bits: every packet asks. */
_Static_assert(FF_ORIG_IS_HI == 1u && TCPSTATE_ORIG == 0 && TCPSTATE_RESP == 1,
               "the sender is the XOR of two bits");
static inline tcpstate_side tcpstate__track_sender(const struct tcpstate_flow *f, int src_is_hi)
{
    return (tcpstate_side)(((unsigned)f->fflags ^ (unsigned)src_is_hi) & 1u);
}

/* What a segment did, in callback order: the tracker returns its events and
 * the engine delivers them (data flows one way: the tracker calls nothing
 * above it). A segment raises at most two steps of three events each (a
 * SYN or the ACK field, then a FIN; or a RST). */
#define TRACK_MAX_EVENTS 8u

struct track_event {
    uint8_t kind;      /* tcpstate_event_kind */
    uint8_t side;      /* the endpoint that changed (state change), else the sender */
    uint8_t before[2]; /* states of ORIG and RESP before */
    uint8_t after[2];  /* and after */
    uint32_t flags;    /* TCPSTATE_EVF_* */
};

struct track_out {
    uint16_t n;
    uint16_t want; /* kinds to report, 1u << tcpstate_event_kind (set by the caller): an event
                      nobody has a callback for is not even recorded */
    struct track_event ev[TRACK_MAX_EVENTS];
};

/* Apply one segment sent by `sender`, through the general path (any
 * segment): the per-frame path runs the fast paths first (track_fast.h,
 * inline there) and calls this for the segments they decline. Its events of
 * the kinds in out->want go to `out` (emptied first). `evflags` are added to
 * every event (TCPSTATE_EVF_NEW_FLOW for the creating segment). */
enum track_verdict tcpstate__track_general(tcpstate_engine *e, struct tcpstate_flow *f,
                                           const tcpstate_packet *pkt, tcpstate_side sender,
                                           uint64_t ts, uint32_t evflags, struct track_out *out);

/* The steps of a segment, in the order they apply (RFC 9293 §3.10.7.4 checks
 * RST first; then SYN or SYN-ACK, the ACK field, and FIN): the rows of the
 * transition tables. */
enum track_step { TRACK_SYN, TRACK_SYNACK, TRACK_ACK, TRACK_FIN, TRACK_RST, TRACK_STEPS };

#define TRACK_KEEP       0xffu /* cell target: no change */
#define TRACK_CELL_REUSE 0xfeu /* cell target: a new connection on this 4-tuple (sender only) */

/* One cell of the transition tables (for tests): its target state, TRACK_KEEP
 * or TRACK_CELL_REUSE, and whether a guard decides between it and no change. */
void tcpstate__track_cell(int receiver, enum track_step step, tcpstate_tcp_state state,
                          unsigned *next, int *guarded);

/* The activity class two states put a flow in, before the confirmation
 * test below: CLS_CLOSED (both CLOSED), CLS_TIME_WAIT (both CLOSED or
 * TIME_WAIT), CLS_EMBRYONIC (either end short of ESTABLISHED), else
 * CLS_ESTABLISHED (both ESTABLISHED) or CLS_CLOSING (src/track_table.c: one
 * load instead of a chain of compares on every packet). Rows of 16 (the
 * rest never read): a shift indexes them, not a multiply by 11. */
#define TRACK_PAIR_ROW 16
_Static_assert(TCPSTATE_STATE_COUNT <= TRACK_PAIR_ROW, "pair class rows");
extern const uint8_t tcpstate__pair_class[TCPSTATE_STATE_COUNT][TRACK_PAIR_ROW];

/* The activity class of a flow (inline: every packet). */
static inline enum flow_class tcpstate__track_class(const struct tcpstate_flow *f)
{
    unsigned cls = tcpstate__pair_class[f->ep[0].state][f->ep[1].state];
    if (cls <= CLS_CLOSING && cls != CLS_EMBRYONIC) {
        /* Live: confirmed only when both ends sent believed segments (a
         * one-way flow, such as a flood of bare ACKs from spoofed tuples,
         * never is) and no unconfirmed RST is pending. */
        unsigned fl0 = f->ep[0].flags, fl1 = f->ep[1].flags;
        if (!(fl0 & fl1 & EP_BELIEVED) || ((fl0 | fl1) & EP_RST_PENDING)) {
            return CLS_EMBRYONIC;
        }
    }
    return (enum flow_class)cls;
}

/* The end reason of a flow that leaves the table on its own (expiry, finish). */
tcpstate_end_reason tcpstate__track_end_reason(const struct tcpstate_flow *f, int finishing);

#endif
