/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a segment leaves behind, on endpoints and flows (no segment
 * context): its events in the tracker's output, the sender's facts (ISN,
 * highest sequence number, acknowledgment, window, options), the
 * handshake's round-trip times and the flow's facts. Inline: track.c's
 * general and fast paths both record every segment with them. Included by
 * track.c only.
 */
#ifndef TCPSTATE_TRACK_FACTS_H
#define TCPSTATE_TRACK_FACTS_H

#include <stdint.h>
#include <string.h>

#include "compact.h"
#include "divfree.h"
#include "hints.h"
#include "seq.h"
#include "track.h"
#include "track_checks.h"
#include "track_table.h"

/* ------------------------------------------------------------------ events */

static HOT_INLINE void emit_to(struct track_out *o, tcpstate_event_kind kind, tcpstate_side side,
                               const uint8_t before[2], const uint8_t after[2], uint32_t flags)
{
    if (!((unsigned)o->want & (1u << kind)) || o->n == TRACK_MAX_EVENTS) {
        return; /* nobody listens; (the second cannot happen: see TRACK_MAX_EVENTS) */
    }
    struct track_event *ev = &o->ev[o->n++];
    ev->kind = (uint8_t)kind;
    ev->side = (uint8_t)side;
    memcpy(ev->before, before, 2); /* (each pair in one load and store) */
    memcpy(ev->after, after, 2);
    ev->flags = flags;
}

/* The state changes of one step, sender (side s) first, each from the states
 * just before it. */
static HOT_INLINE void emit_changes(struct track_out *o, unsigned s, const uint8_t before[2],
                                    const uint8_t after[2], uint32_t flags)
{
    if (!(o->want & (1u << TCPSTATE_EV_STATE_CHANGE))) {
        return;
    }
    uint8_t cur[2] = {before[0], before[1]};
    const uint8_t order[2] = {(uint8_t)s, (uint8_t)(s ^ 1u)};
    for (unsigned i = 0; i < 2; i++) {
        unsigned side = order[i];
        if (cur[side] != after[side]) {
            uint8_t pre[2] = {cur[0], cur[1]};
            cur[side] = after[side];
            emit_to(o, TCPSTATE_EV_STATE_CHANGE, (tcpstate_side)side, pre, cur, flags);
        }
    }
}

/* ------------------------------------------------------------------ endpoint facts */

/* The SYN options' bits move to EP_OPT_* with two shifts (no test per
 * option): SACK-permitted from bit 2, timestamps and TFO from bits 4 and 5. */
_Static_assert(TCPSTATE_OPT_SACK_PERM >> 2 == EP_OPT_SACK_PERM &&
                   TCPSTATE_OPT_TIMESTAMP >> 3 == EP_OPT_TIMESTAMP &&
                   TCPSTATE_OPT_TFO >> 3 == EP_OPT_TFO && (TCPSTATE_OPT_SACK >> 3 & 6u) == 0,
               "SYN option bits");

static void note_syn_options(struct endpoint *ep, const tcpstate_packet *p)
{
    const unsigned o = p->opts;
    ep->mss = (o & TCPSTATE_OPT_MSS) ? p->mss : 0;
    unsigned opt = ((o >> 2) & EP_OPT_SACK_PERM) | ((o >> 3) & (EP_OPT_TIMESTAMP | EP_OPT_TFO));
    /* RFC 7323 §2.3: a shift above 14 is used as 14. */
    unsigned ws = p->wscale > 14 ? 14u : p->wscale;
    if (o & TCPSTATE_OPT_WSCALE) {
        opt |= (ws + 1u) << 4;
    }
    ep->synopt = (uint8_t)opt;
}

/* Advance the sender's highest sequence number, counting the times its
 * distance from the ISN passes 2^32 (for byte counts beyond 4 GiB). A jump
 * beyond the receiver's window is not believed. */
static HOT_INLINE void advance_nxt(struct endpoint *s, const struct endpoint *r,
                                   const tcpstate_packet *p, uint32_t seglen)
{
    uint32_t end = p->seq + seglen;
    if (!seq_gt(end, s->nxt)) {
        return;
    }
    if (!seq_le(p->seq, s->nxt) && !seq_acceptable_ep(s, r, p->seq, 0)) {
        return;
    }
    if (end - s->isn < s->nxt - s->isn && s->wraps < UINT8_MAX) {
        s->wraps++;
    }
    s->nxt = end;
}

/* What a believed segment from s (its flags fl, seglen sequence numbers)
 * says about s and its peer, after the steps (guards compare against the
 * values from before this segment). syn_new: the SYN step opened a new
 * connection; fin_taken: the FIN was acceptable. */
static HOT_INLINE void note_sender(struct endpoint *s, struct endpoint *peer,
                                   const tcpstate_packet *p, unsigned fl, uint32_t seglen,
                                   int syn_new, int fin_taken)
{
    const int syn = (fl & TCPSTATE_TH_SYN) != 0, ack = (fl & TCPSTATE_TH_ACK) != 0;
    const int rst = (fl & TCPSTATE_TH_RST) != 0;
    if (!(s->flags & (EP_SYN | EP_BELIEVED))) {
        /* First segment believed from it, no SYN known: sequence space starts here. */
        s->isn = p->seq;
        s->nxt = p->seq;
    }
    s->flags |= EP_BELIEVED;
    if (syn_new || (syn && !(s->flags & EP_SYN) && s->state != sCL)) {
        s->isn = p->seq;
        s->nxt = p->seq;
        s->wraps = 0;
        s->flags |= EP_SYN;
        note_syn_options(s, p);
    }
    if (syn && ack && (s->flags & EP_SYN)) {
        s->flags |= EP_SYNACK;
    }
    if (!rst) {
        advance_nxt(s, peer, p, seglen);
    }
    if (fin_taken) {
        s->flags |= EP_FIN;
    }
    if (ack && !rst) {
        if (!(s->flags & EP_ACKED) || seq_ge(p->ack, s->ack)) {
            s->ack = p->ack;
        }
        /* It acknowledged data of the peer that the capture did not show:
         * the peer's sequence space reaches at least that far. */
        if ((peer->flags & (EP_BELIEVED | EP_SYN)) && seq_gt(s->ack, peer->nxt)) {
            peer->nxt = s->ack;
        }
        s->win = p->window;
        s->flags |= EP_ACKED;
        if (syn) {
            s->flags |= EP_WIN_SYN;
        } else {
            s->flags &= (uint8_t)~EP_WIN_SYN;
        }
    }
    if (!rst) {
        /* Traffic after an unconfirmed RST: the connection lives on. */
        s->flags &= (uint8_t)~EP_RST_PENDING;
        peer->flags &= (uint8_t)~EP_RST_PENDING;
    }
}

/* Handshake round-trip times, measured from the latest SYN to the first
 * SYN-ACK answering it and from that SYN-ACK to the ACK completing the
 * handshake (the "previous segment" bits say the latest segment was that SYN
 * or SYN-ACK, so retransmissions do not inflate the sample). */
static HOT_INLINE void note_rtt(struct tcpstate_flow *f, const uint8_t before[2], unsigned sender,
                                unsigned fl, uint64_t ts)
{
    int syn = (fl & TCPSTATE_TH_SYN) != 0;
    int i = -1;
    if (before[TCPSTATE_ORIG] == sSS && f->ep[TCPSTATE_ORIG].state == sES &&
        sender == TCPSTATE_RESP && syn && (f->fflags & FF_PREV_SYN)) {
        i = 0;
    } else if (before[TCPSTATE_RESP] == sSR && f->ep[TCPSTATE_RESP].state == sES &&
               sender == TCPSTATE_ORIG && !syn && (f->fflags & FF_PREV_SYNACK)) {
        i = 1;
    }
    if (i >= 0 && f->rtt[i] == 0) {
        /* In microseconds, rounded: what the record keeps (compact.h); no
         * 64-bit division (divfree.h). */
        uint64_t gap = ns_to_us_round(ts - tcpstate__flow_last_ts(f));
        f->rtt[i] = u16f_encode(gap == 0 ? 1 : gap);
    }
}

/* The flow's facts after a segment with flags fl: handshake seen, closed by
 * FINs, and what the latest segment was. */
static HOT_INLINE void note_flow(struct tcpstate_flow *f, unsigned fl)
{
    unsigned a = f->ep[0].state, b = f->ep[1].state;
    if (a == sES && b == sES && !(f->fflags & FF_MIDSTREAM)) {
        f->fflags |= FF_HANDSHAKE;
    }
    /* Closed by FINs: both ends CLOSED or TIME_WAIT without a reset. */
    if (!(f->fflags & FF_RESET) && (a == sCL || a == sTW) && (b == sCL || b == sTW) &&
        (f->ep[0].flags & EP_FIN) && (f->ep[1].flags & EP_FIN)) {
        f->fflags |= FF_CLOSED;
    }
    f->fflags = (uint8_t)(f->fflags & ~(FF_PREV_SYN | FF_PREV_SYNACK));
    if ((fl & (TCPSTATE_TH_SYN | TCPSTATE_TH_RST)) == TCPSTATE_TH_SYN) {
        f->fflags |= (fl & TCPSTATE_TH_ACK) ? FF_PREV_SYNACK : FF_PREV_SYN;
    }
}

#endif
