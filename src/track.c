/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The two-endpoint tracker: RFC 9293 (RFC 793) state machines for both ends
 * of a connection, driven by the segments a passive observer sees.
 *
 * A segment from S to R moves S as its sender and R as if R received it.
 * Its effects apply in the order of RFC 9293 §3.10.7.4 (SEGMENT ARRIVES):
 * RST first (and nothing after an accepted RST), then SYN, then the ACK
 * field, then FIN. So a FIN+ACK arriving in FIN-WAIT-1 first takes the ACK
 * of our FIN (to FIN-WAIT-2), then the FIN (to TIME-WAIT).
 *
 * Each step looks up two tables, one for the sender's new state and one for
 * the receiver's. A cell is an RFC target state, "keep", or a target under a
 * named guard: the data-dependent conditions (is this ACK for our SYN, does
 * it cover our FIN, is this SYN a retransmission) are small predicates in
 * guard_eval(). A segment changes state only when it is plausible: its ACK
 * acknowledges only what the peer sent and its sequence number lies in the
 * receiver's window (ack_plausible(), seq_plausible()); a RST only at the
 * exact sequence number the receiver expects (rst_check(), RFC 5961 §3.2); a
 * FIN only where the receiver can take it (fin_acceptable()). Anything else
 * is reported, counted and changes nothing.
 *
 * LISTEN is never inferred: an observer cannot see a passive OPEN, so the
 * responder stays CLOSED until its SYN-ACK shows it accepted the SYN.
 *
 * The tests of a segment's numbers are in track_checks.h, what it leaves
 * behind (events, endpoint and flow facts) in track_facts.h, the fast paths
 * for the segments that make up nearly all traffic in track_fast.h
 * (docs/state-machine.md, "The common segments"). This file has the general
 * path, which takes any segment through the tables with a per-segment
 * context.
 */
#include "track.h"
#include "track_table.h"

#include <string.h>

#include "hints.h"
#include "seq.h"
#include "track_checks.h"
#include "track_facts.h"

/* ------------------------------------------------------------------ segment context */

struct seg {
    tcpstate_engine *e;
    struct tcpstate_flow *f;
    const tcpstate_packet *pkt;
    struct endpoint *snd, *rcv;
    uint8_t s, r;      /* sides */
    uint8_t reuse;     /* the SYN step decided: new connection */
    uint8_t fin_taken; /* the FIN was acceptable */
    uint8_t syn_new;   /* the SYN opened (not a retransmission or stray) */
    uint8_t believed;  /* the segment is plausible: it may update the sender's ack/window */
    uint32_t evflags;  /* flags on every event of this segment */
    uint32_t seglen;   /* payload + SYN + FIN, in sequence space */
    uint64_t ts;
    struct track_out *out; /* the events, in order */
};

static int has(const struct seg *c, unsigned th) { return (c->pkt->tcp_flags & th) != 0; }

static HOT_INLINE int seq_acceptable(const struct seg *c, uint32_t x, uint32_t below)
{
    return seq_acceptable_ep(c->snd, c->rcv, x, below);
}

static HOT_INLINE int ack_plausible(const struct seg *c)
{
    return ack_plausible_ep(c->snd, c->rcv, c->pkt);
}

/* The sequence test above, for a segment that is not a SYN: it starts in the
 * receiver's window, or at most a window (at least 64 KiB) to its left, where
 * retransmissions and keep-alives fall. */
static int seq_plausible(const struct seg *c) { return seq_acceptable(c, c->pkt->seq, UINT32_MAX); }

/* RST acceptability. In SYN-SENT a reset is valid only if it acknowledges
 * our SYN (RFC 9293 §3.10.7.3: "If the ACK bit is set ... if the ACK was
 * acceptable then ... enter CLOSED state"; without ACK, drop it). Elsewhere
 * RFC 5961 §3.2: "If the RST bit is set and the sequence number exactly
 * matches the next expected sequence number (RCV.NXT), then TCP MUST reset
 * the connection"; an in-window but inexact RST gets a challenge ACK and
 * changes nothing. As observed, the receiver's RCV.NXT is its last ACK, or the
 * sender's next sequence number if all it sent arrived: either matches. */
enum rst_verdict { RST_APPLY, RST_INEXACT, RST_OUT_OF_WINDOW };

static enum rst_verdict rst_check(const struct seg *c)
{
    const struct endpoint *r = c->rcv;
    if (c->e->flags & TCPSTATE_F_NO_WINDOW_CHECK) {
        return RST_APPLY;
    }
    if (r->state == TCPSTATE_SYN_SENT) {
        return has(c, TCPSTATE_TH_ACK) && c->pkt->ack == r->isn + 1u ? RST_APPLY
                                                                     : RST_OUT_OF_WINDOW;
    }
    uint32_t seq = c->pkt->seq;
    int anchored = (c->snd->flags & (EP_BELIEVED | EP_SYN)) != 0;
    if (!(r->flags & EP_ACKED) && !anchored) {
        return RST_APPLY; /* nothing known to check against */
    }
    /* A stack may reset at its SYN's or FIN's own number, one below SND.NXT. */
    uint32_t nxt = c->snd->nxt;
    int after_flag = c->snd->state == sSS || (c->snd->flags & EP_FIN);
    if (((r->flags & EP_ACKED) && seq == r->ack) ||
        (anchored && (seq == nxt || (after_flag && seq == nxt - 1u)))) {
        return RST_APPLY;
    }
    if (!seq_acceptable(c, seq, 0)) {
        return RST_OUT_OF_WINDOW;
    }
    return (c->e->flags & TCPSTATE_F_RST_IN_WINDOW) ? RST_APPLY : RST_INEXACT;
}

/* FIN acceptability: the FIN sits at seq + payload. A real FIN can be at most
 * one below the receiver's last ACK (when that ACK already covered it). */
static int fin_acceptable(const struct seg *c)
{
    if (c->e->flags & TCPSTATE_F_NO_WINDOW_CHECK) {
        return 1;
    }
    return seq_acceptable(c, c->pkt->seq + c->pkt->payload_len, 1);
}

/* Is this FIN one the sender already sent (same position)? */
static int fin_repeats(const struct seg *c)
{
    return (c->snd->flags & EP_FIN) && c->pkt->seq + c->pkt->payload_len + 1u == c->snd->nxt;
}

/* ------------------------------------------------------------------ guards */

static HOT_INLINE unsigned guard_eval(struct seg *c, const struct cell *cell, uint32_t *flags)
{
    const struct endpoint *snd = c->snd, *rcv = c->rcv;
    const tcpstate_packet *p = c->pkt;
    tcpstate_stats *st = &c->e->stats;

    switch ((enum guard)cell->guard) {
    case G_NONE:
        return cell->next;
    case G_SYN_OPEN:
        if (c->f->fflags & (FF_RESET | FF_CLOSED)) {
            return REUSE;
        }
        c->syn_new = 1;
        if (rcv->state == TCPSTATE_SYN_SENT && (rcv->flags & EP_SYN)) {
            *flags |= TCPSTATE_EVF_SIMULTANEOUS;
            return TCPSTATE_SYN_RECEIVED;
        }
        return cell->next;
    case G_SYN_NEW_ISN:
        if ((snd->flags & EP_SYN) && p->seq == snd->isn) {
            *flags |= TCPSTATE_EVF_RETRANSMIT;
            st->syn_retransmits++;
            return KEEP;
        }
        return REUSE;
    case G_SYN_SYNC:
        if ((snd->flags & EP_SYN) && p->seq == snd->isn) {
            *flags |= TCPSTATE_EVF_RETRANSMIT;
            st->syn_retransmits++;
        } else {
            /* A new ISN on a synchronized connection: RFC 5961 §4.2 answers it with a
             * challenge ACK and changes nothing. */
            *flags |= TCPSTATE_EVF_OUT_OF_WINDOW;
            st->syn_in_synchronized++;
        }
        return KEEP;
    case G_SYNACK_OPEN:
        if (c->f->fflags & (FF_RESET | FF_CLOSED)) {
            *flags |= TCPSTATE_EVF_OUT_OF_WINDOW;
            return KEEP;
        }
        return cell->next;
    case G_SYNACK_AGAIN:
        if ((snd->flags & EP_SYNACK) && p->seq == snd->isn) {
            *flags |= TCPSTATE_EVF_RETRANSMIT;
            st->syn_retransmits++;
        } else if (!(snd->flags & EP_SYNACK) && (snd->flags & EP_SYN) && p->seq == snd->isn) {
            /* First SYN-ACK of a simultaneous open (its own SYN was seen; from
             * SYN_SENT, the crossing SYN it answers was not). */
            *flags |= TCPSTATE_EVF_SIMULTANEOUS;
        } else {
            *flags |= TCPSTATE_EVF_OUT_OF_WINDOW;
        }
        return KEEP;
    case G_ACK_INFER:
        if (!(rcv->flags & EP_SYNACK)) {
            *flags |= TCPSTATE_EVF_MIDSTREAM;
            c->f->fflags |= FF_MIDSTREAM;
        }
        return cell->next;
    case G_RCV_ACK_INFER:
        return snd->state == TCPSTATE_SYN_SENT ? cell->next : KEEP;
    case G_FIN_AGAIN:
        if (fin_repeats(c)) {
            *flags |= TCPSTATE_EVF_RETRANSMIT;
        }
        return KEEP;
    case G_FIN_CROSS: {
        uint32_t cross;
        unsigned next = fin_target(rcv, cell, &cross);
        *flags |= cross;
        return next;
    }
    case G_RCV_SYNACK:
        if (synack_acks_syn_of(rcv, p)) {
            return cell->next;
        }
        *flags |= TCPSTATE_EVF_BAD_ACK;
        st->bad_acks++;
        return KEEP;
    case G_RCV_ACK_SYN:
        if (acks_syn_of(rcv, p)) {
            return cell->next;
        }
        *flags |= TCPSTATE_EVF_BAD_ACK;
        st->bad_acks++;
        return KEEP;
    case G_RCV_ACK_FIN:
        return acks_fin_of(rcv, p) ? cell->next : KEEP;
    }
    return KEEP;
}

/* ------------------------------------------------------------------ events */

static HOT_INLINE void emit(struct seg *c, tcpstate_event_kind kind, tcpstate_side side,
                            const uint8_t before[2], const uint8_t after[2], uint32_t flags)
{
    emit_to(c->out, kind, side, before, after, flags);
}

/* Run one step: look up both cells against the states before the step, apply,
 * then report: the named event (if any), the sender's change, the receiver's. */
static HOT_INLINE void run_step(struct seg *c, enum track_step stp, int named)
{
    struct endpoint *ep = c->f->ep;
    const struct cell *sc = &tcpstate__sender_next[stp][c->snd->state];
    const struct cell *rc = &tcpstate__receiver_next[stp][c->rcv->state];
    if (named < 0 && sc->next == KEEP && sc->guard == G_NONE && rc->next == KEEP &&
        rc->guard == G_NONE) {
        return; /* an unnamed step both cells keep: nothing changes, nothing to report */
    }
    uint8_t before[2] = {ep[0].state, ep[1].state};
    uint32_t flags = c->evflags;
    unsigned ns = guard_eval(c, sc, &flags);
    unsigned nr = guard_eval(c, rc, &flags);

    if (ns == REUSE) {
        c->reuse = 1;
        return;
    }
    if (flags & TCPSTATE_EVF_BAD_ACK) {
        ns = KEEP; /* a wrong acknowledgment does not advance the handshake at all */
    }
    if (ns != KEEP) {
        c->snd->state = (uint8_t)ns;
    }
    if (nr != KEEP) {
        c->rcv->state = (uint8_t)nr;
    }
    uint8_t after[2] = {ep[0].state, ep[1].state};

    /* The ACK event is for ACKs that complete a handshake or acknowledge a FIN:
     * the ACK step's only transitions. */
    if (stp == TRACK_ACK) {
        named = memcmp(before, after, 2) != 0 ? TCPSTATE_EV_ACK : -1;
    }
    if (named >= 0) {
        emit(c, (tcpstate_event_kind)named, (tcpstate_side)c->s, before, after, flags);
    }
    /* Then each change, sender first, from the states just before it. */
    emit_changes(c->out, c->s, before, after, flags);
}

/* ------------------------------------------------------------------ endpoint facts */

/* Record what the sender's segment says about it: counted always, believed
 * only if plausible. */
static HOT_INLINE void update_sender(struct seg *c)
{
    /* The flags in a local: the byte stores below could alias the packet. */
    const unsigned fl = c->pkt->tcp_flags;
    c->snd->pkts++;
    if (!c->believed) {
        return; /* implausible: counted, believed in nothing */
    }
    note_sender(c->snd, c->rcv, c->pkt, fl, c->seglen, c->syn_new, c->fin_taken);
}

static void note_handshake(struct seg *c, const uint8_t before[2])
{
    note_rtt(c->f, before, c->s, c->pkt->tcp_flags, c->ts);
}

/* ------------------------------------------------------------------ public to the engine */

tcpstate_end_reason tcpstate__track_end_reason(const struct tcpstate_flow *f, int finishing)
{
    if (f->fflags & FF_RESET) {
        return TCPSTATE_END_RESET;
    }
    if (f->fflags & FF_CLOSED) {
        return TCPSTATE_END_CLOSED;
    }
    return finishing ? TCPSTATE_END_FINISHED : TCPSTATE_END_TIMEOUT;
}

void tcpstate__track_restart(struct tcpstate_flow *f)
{
    memset(f->ep, 0, sizeof f->ep);
    memset(f->rtt, 0, sizeof f->rtt);
    f->fflags &= FF_ORIG_IS_HI;
}

int tcpstate__track_may_open(const tcpstate_engine *e, const tcpstate_packet *p)
{
    unsigned mask = TCPSTATE_TH_SYN | TCPSTATE_TH_ACK | TCPSTATE_TH_RST;
    int opening_syn = (p->tcp_flags & mask) == TCPSTATE_TH_SYN;
    return opening_syn || (e->flags & TCPSTATE_F_PICKUP_MIDSTREAM) != 0;
}

/* The originator's side of the key in fflags, from who sent the first segment. */
static void set_roles(struct tcpstate_flow *f, int sender_is_orig, int src_is_hi)
{
    int orig_is_hi = sender_is_orig ? src_is_hi : !src_is_hi;
    f->fflags = (uint8_t)(orig_is_hi ? FF_ORIG_IS_HI : 0u);
}

/* A flow picked up midstream (its first segment is no SYN): the side on a
 * likely server port responds, with Zeek's tie-break when both ports are
 * likely (the lower port is the server); otherwise the first sender
 * originates. Both ends are assumed ESTABLISHED. Out of line: the usual
 * first segment, a SYN, then needs no registers saved. */
static RARE void open_midstream(tcpstate_engine *e, struct tcpstate_flow *f,
                                const tcpstate_packet *p, int src_is_hi)
{
    int sender_is_orig = 1;
    if (tcpstate__is_server_port(e, p->sport)) {
        sender_is_orig = tcpstate__is_server_port(e, p->dport) && p->sport >= p->dport;
    }
    set_roles(f, sender_is_orig, src_is_hi);
    f->ep[0].state = sES;
    f->ep[1].state = sES;
    f->fflags |= FF_MIDSTREAM;
    e->stats.midstream_pickups++;
}

void tcpstate__track_open(tcpstate_engine *e, struct tcpstate_flow *f, const tcpstate_packet *p,
                          int src_is_hi)
{
    unsigned fl = p->tcp_flags;
    /* Roles (DESIGN "Tracking semantics"): the sender of a SYN originates, the
     * sender of a SYN-ACK responds; without either, open_midstream(). */
    if ((fl & (TCPSTATE_TH_SYN | TCPSTATE_TH_RST)) != TCPSTATE_TH_SYN) {
        open_midstream(e, f, p, src_is_hi);
        return;
    }
    set_roles(f, (fl & TCPSTATE_TH_ACK) == 0, src_is_hi);
    if (fl & TCPSTATE_TH_ACK) {
        /* A SYN-ACK first: the originator's SYN was missed, but the SYN-ACK says
         * what it was (ISN = ack - 1) and that it was in SYN_SENT. */
        struct endpoint *o = &f->ep[TCPSTATE_ORIG];
        o->state = sSS;
        o->isn = p->ack - 1u;
        o->nxt = p->ack;
        o->flags = EP_SYN | EP_SYN_IMPLIED;
        f->fflags |= FF_MIDSTREAM;
    }
}

/* RFC 9293 §3.10.7.4 "second, check the RST bit": an acceptable RST closes
 * both ends; nothing else in the segment is processed. */
static void apply_rst(struct seg *c, const uint8_t before[2])
{
    switch (rst_check(c)) {
    case RST_OUT_OF_WINDOW:
        c->e->stats.rst_out_of_window++;
        emit(c, TCPSTATE_EV_RST, (tcpstate_side)c->s, before, before,
             c->evflags | TCPSTATE_EVF_OUT_OF_WINDOW);
        return;
    case RST_INEXACT:
        /* Reported, not applied; the flow ages on the short (embryonic) timeout
         * until later traffic shows the connection alive, or the exact RST that
         * follows the receiver's challenge ACK ends it. */
        c->e->stats.rst_inexact++;
        c->snd->flags |= EP_RST_PENDING;
        emit(c, TCPSTATE_EV_RST, (tcpstate_side)c->s, before, before,
             c->evflags | TCPSTATE_EVF_RST_INEXACT);
        return;
    case RST_APPLY:
        break;
    }
    if (c->f->fflags & FF_RESET) {
        c->evflags |= TCPSTATE_EVF_RETRANSMIT;
    }
    c->f->fflags |= FF_RESET;
    run_step(c, TRACK_RST, TCPSTATE_EV_RST);
}

/* RFC 9293 §3.10.7.4 "eighth, check the FIN bit". A segment without ACK is
 * dropped in synchronized states ("fifth"), so a bare FIN changes nothing;
 * a FIN where the receiver cannot take it changes nothing either. */
static void apply_fin(struct seg *c)
{
    uint8_t now[2] = {c->f->ep[0].state, c->f->ep[1].state};
    if (!has(c, TCPSTATE_TH_ACK)) {
        emit(c, TCPSTATE_EV_FIN, (tcpstate_side)c->s, now, now, c->evflags | TCPSTATE_EVF_BAD_ACK);
    } else if (!fin_acceptable(c) && !fin_repeats(c)) {
        c->e->stats.fin_out_of_window++;
        emit(c, TCPSTATE_EV_FIN, (tcpstate_side)c->s, now, now,
             c->evflags | TCPSTATE_EVF_OUT_OF_WINDOW);
    } else {
        c->fin_taken = 1;
        run_step(c, TRACK_FIN, TCPSTATE_EV_FIN);
    }
}

/* Plausibility of a segment that is not a RST (see ack_plausible()). A SYN
 * starts a sequence space, so only its ACK (a SYN-ACK's) is tested. */
static int segment_plausible(const struct seg *c)
{
    if (c->e->flags & TCPSTATE_F_NO_WINDOW_CHECK) {
        return 1;
    }
    int ack_ok = ack_plausible(c);
    if (has(c, TCPSTATE_TH_SYN)) {
        return ack_ok;
    }
    return ack_ok && seq_plausible(c);
}

/* An implausible segment (not a SYN) changes nothing: it is counted, and a
 * FIN it carries is reported with TCPSTATE_EVF_IMPLAUSIBLE. */
static void report_implausible(struct seg *c, const uint8_t now[2])
{
    tcpstate_stats *st = &c->e->stats;
    if (!ack_plausible(c)) {
        st->acks_implausible++;
    } else {
        st->seq_out_of_window++;
    }
    if (has(c, TCPSTATE_TH_FIN)) {
        st->fin_out_of_window++;
        emit(c, TCPSTATE_EV_FIN, (tcpstate_side)c->s, now, now,
             c->evflags | TCPSTATE_EVF_IMPLAUSIBLE);
    }
}

/* After the steps: the facts the segment leaves behind. */
static void finish_segment(struct seg *c, const uint8_t before[2])
{
    note_handshake(c, before);
    update_sender(c);
    note_flow(c->f, c->pkt->tcp_flags);
}

enum track_verdict tcpstate__track_general(tcpstate_engine *e, struct tcpstate_flow *f,
                                           const tcpstate_packet *pkt, tcpstate_side sender,
                                           uint64_t ts, uint32_t evflags, struct track_out *out)
{
    struct seg c;
    memset(&c, 0, sizeof c);
    out->n = 0;
    const unsigned fl = pkt->tcp_flags; /* a local: stores below could alias the packet */
    c.out = out;
    c.e = e;
    c.f = f;
    c.pkt = pkt;
    c.s = (uint8_t)sender;
    c.r = (uint8_t)(sender ^ 1);
    c.snd = &f->ep[c.s];
    c.rcv = &f->ep[c.r];
    c.ts = ts;
    c.seglen =
        seq_seg_len(pkt->payload_len, (fl & TCPSTATE_TH_SYN) != 0, (fl & TCPSTATE_TH_FIN) != 0);
    c.evflags = evflags | (pkt->payload_len > 0 ? TCPSTATE_EVF_DATA : 0u) |
                ((f->fflags & FF_MIDSTREAM) ? TCPSTATE_EVF_MIDSTREAM : 0u);
    uint8_t before[2] = {f->ep[0].state, f->ep[1].state};

    /* The steps in RFC 9293 §3.10.7.4 order: RST, SYN, the ACK field, FIN. */
    if (fl & TCPSTATE_TH_RST) {
        apply_rst(&c, before);
    } else if (!(c.believed = (uint8_t)segment_plausible(&c)) && !(fl & TCPSTATE_TH_SYN)) {
        report_implausible(&c, before);
    } else {
        /* A SYN starts a sequence space; a SYN-ACK's ACK is checked by the
         * handshake guards (TCPSTATE_EVF_BAD_ACK) and believed only if plausible. */
        if (fl & TCPSTATE_TH_SYN) {
            int synack = (fl & TCPSTATE_TH_ACK) != 0;
            run_step(&c, synack ? TRACK_SYNACK : TRACK_SYN,
                     synack ? TCPSTATE_EV_SYNACK : TCPSTATE_EV_SYN);
            if (c.reuse) {
                return TRACK_REUSE;
            }
        } else if (fl & TCPSTATE_TH_ACK) {
            run_step(&c, TRACK_ACK, -1);
        }
        if (fl & TCPSTATE_TH_FIN) {
            apply_fin(&c);
        }
    }
    finish_segment(&c, before);
    return TRACK_DONE;
}
