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
 */
#include "track.h"
#include "track_table.h"

#include <string.h>

#include "compact.h"
#include "divfree.h"
#include "hints.h"
#include "seq.h"

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

/* The window endpoint w last advertised, in bytes (o is its peer). Scaling
 * applies only when both SYNs carried the option, and never to a window sent
 * in a SYN (RFC 7323 §2.2, §2.3). A SYN-ACK carries the option only if the
 * SYN it answers did (RFC 7323 §1.3), so a SYN implied by its SYN-ACK had it
 * exactly when the SYN-ACK has it, at an unknown shift. Where w's shift is
 * unknown (its SYN not seen), assume the largest (14) and say so in *known:
 * leniency rather than false out-of-window verdicts. */
static HOT_INLINE uint32_t window_of(const struct endpoint *w, const struct endpoint *o, int *known)
{
    unsigned shift = 14;
    *known = 0;
    if (w->flags & EP_WIN_SYN) {
        shift = 0;
        *known = 1;
    } else if ((w->flags & EP_SYN) && !(w->flags & EP_SYN_IMPLIED) && (o->flags & EP_SYN)) {
        unsigned ws = w->synopt >> 4;
        int o_ws = (o->flags & EP_SYN_IMPLIED) ? ws != 0 : (o->synopt >> 4) != 0;
        shift = (ws != 0 && o_ws) ? ws - 1u : 0u;
        *known = 1;
    }
    uint32_t win = (uint32_t)w->win << shift;
    return win == 0 ? 1u : win;
}


/* Plausibility: what an off-path attacker cannot fake (RFC 5961 §1, §5).
 *
 * A segment's ACK and window are believed only when the segment fits what
 * the two endpoints have actually sent, as Linux conntrack's tcp_in_window()
 * and Suricata's stream ACK validation require:
 *  - its ACK acknowledges nothing the peer never sent: SEG.ACK =< the peer's
 *    highest sequence number seen (RFC 9293 §3.10.7.4 "fifth": "If the ACK
 *    acks something not yet sent (SEG.ACK > SND.NXT) then send an ACK, drop
 *    the segment"), and lies at most ACK_BEHIND below the sender's last
 *    acknowledgment (reordering; conntrack's MAXACKWINDOW default is 66000);
 *  - its sequence number lies in the receiver's window (below).
 * The capture may have missed some of the peer's data (one-sided or lossy
 * capture, midstream pickup), so an ACK may also run up to the sender's own
 * last ACK plus its advertised window: no peer can have sent more than that
 * (capped at ACK_UNSEEN where the window's scale is unknown); a peer picked up
 * midstream may also have sent ACK_UNSEEN before we saw it. A peer we know
 * nothing of yet gives no bound. A segment failing either test is
 * reported and counted and changes no state, so forged segments can neither
 * move the tracker's picture of a connection nor pass for its real ones.
 * A blind attacker must guess both numbers: the odds are (window / 2^32) *
 * (ACK_BEHIND / 2^32) per try, about 1e-8 for a 3 MB window. */
#define ACK_BEHIND UINT32_C(65536)
#define ACK_UNSEEN UINT32_C(1048576)

/* Is sequence number x in the receiver's window? RCV.NXT is taken from the
 * receiver's last ACK (a lower bound: ACKs lag what arrived) and RCV.WND from
 * its last advertisement; the right edge is exclusive (RFC 9293 §3.10.7.4:
 * "RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND"). `below` extends the window that
 * far to the left. x equal to the sender's own next sequence number, as we
 * saw it, is accepted too. A receiver that has not acknowledged anything
 * yet gives no bound, so anything goes. */
static HOT_INLINE int seq_acceptable_ep(const struct endpoint *s, const struct endpoint *r,
                                         uint32_t x, uint32_t below)
{
    if (!(r->flags & EP_ACKED)) {
        return 1;
    }
    if ((s->flags & (EP_BELIEVED | EP_SYN)) && x == s->nxt) {
        return 1;
    }
    int known;
    uint32_t w = window_of(r, s, &known); /* RCV.WND as last advertised */
    /* below == UINT32_MAX: a window (at least ACK_BEHIND) to the left. */
    if (below == UINT32_MAX) {
        below = w > ACK_BEHIND ? w : ACK_BEHIND;
    }
    return seq_in_window(x, r->ack - below, w + below);
}

static HOT_INLINE int seq_acceptable(const struct seg *c, uint32_t x, uint32_t below)
{
    return seq_acceptable_ep(c->snd, c->rcv, x, below);
}

/* The ACK test above, for segment p from s to peer. */
static HOT_INLINE int ack_plausible_ep(const struct endpoint *s, const struct endpoint *peer,
                                       const tcpstate_packet *p)
{
    if (!(p->tcp_flags & TCPSTATE_TH_ACK) || !(peer->flags & (EP_SYN | EP_BELIEVED))) {
        return 1;
    }
    uint32_t hi = peer->nxt + ((peer->flags & EP_SYN) ? 0u : ACK_UNSEEN);
    uint32_t lo = ((s->flags & EP_ACKED) ? s->ack : peer->isn) - ACK_BEHIND;
    if (!seq_gt(lo, hi) && seq_in_window(p->ack, lo, hi - lo + 1u)) {
        return 1; /* within what the peer was seen to send: the window below can
                     only widen the range, so it need not be computed */
    }
    if (s->flags & EP_ACKED) {
        int known;
        uint32_t w = window_of(s, peer, &known);
        uint32_t edge = s->ack + (!known && w > ACK_UNSEEN ? ACK_UNSEEN : w);
        if (seq_gt(edge, hi)) {
            hi = edge;
        }
    }
    if (seq_gt(lo, hi)) {
        lo = hi - ACK_BEHIND;
    }
    return seq_in_window(p->ack, lo, hi - lo + 1u);
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

/* The ACK step's guards on the receiver (RFC 9293 §3.10.7.4 "fifth"): does
 * segment p acknowledge r's SYN (SND.UNA < SEG.ACK =< SND.NXT, the SYN
 * being SND.UNA), or cover r's FIN? */
static HOT_INLINE int acks_syn_of(const struct endpoint *r, const tcpstate_packet *p)
{
    return seq_ge(p->ack, r->isn + 1u) && seq_le(p->ack, r->nxt);
}

static HOT_INLINE int acks_fin_of(const struct endpoint *r, const tcpstate_packet *p)
{
    return (r->flags & EP_FIN) && (p->tcp_flags & TCPSTATE_TH_ACK) && seq_ge(p->ack, r->nxt);
}

/* Where the sender of a FIN goes from CLOSE_WAIT (G_FIN_CROSS): the ACK step
 * already ran, so if this segment acknowledged the peer's FIN the peer left
 * FIN_WAIT_1; if it is still there, our FIN was sent before theirs arrived. */
static HOT_INLINE unsigned fin_from_close_wait(const struct endpoint *rcv, const struct cell *cell,
                                               uint32_t *flags)
{
    if (rcv->state == TCPSTATE_FIN_WAIT_1) {
        *flags |= TCPSTATE_EVF_SIMULTANEOUS;
        return TCPSTATE_CLOSING;
    }
    return cell->next;
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
    case G_FIN_CROSS:
        return fin_from_close_wait(rcv, cell, flags);
    case G_RCV_SYNACK:
        /* "If SND.UNA < SEG.ACK =< SND.NXT then the ACK is acceptable" (RFC 9293
         * §3.10.7.3): exactly ISN + 1, unless the SYN carried data (TFO, RFC 7413). */
        if ((rcv->flags & EP_SYN) && has(c, TCPSTATE_TH_ACK) && seq_gt(p->ack, rcv->isn) &&
            seq_le(p->ack, rcv->nxt)) {
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

static HOT_INLINE void emit_to(struct track_out *o, tcpstate_event_kind kind, tcpstate_side side,
                               const uint8_t before[2], const uint8_t after[2], uint32_t flags)
{
    if (!((unsigned)o->want & (1u << kind)) || o->n == TRACK_MAX_EVENTS) {
        return; /* nobody listens; (the second cannot happen: see TRACK_MAX_EVENTS) */
    }
    struct track_event *ev = &o->ev[o->n++];
    ev->kind = (uint8_t)kind;
    ev->side = (uint8_t)side;
    ev->before[0] = before[0];
    ev->before[1] = before[1];
    ev->after[0] = after[0];
    ev->after[1] = after[1];
    ev->flags = flags;
}

static HOT_INLINE void emit(struct seg *c, tcpstate_event_kind kind, tcpstate_side side,
                            const uint8_t before[2], const uint8_t after[2], uint32_t flags)
{
    emit_to(c->out, kind, side, before, after, flags);
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

static void note_syn_options(struct endpoint *ep, const tcpstate_packet *p)
{
    ep->mss = (p->opts & TCPSTATE_OPT_MSS) ? p->mss : 0;
    uint8_t opt = 0;
    if (p->opts & TCPSTATE_OPT_SACK_PERM) {
        opt |= EP_OPT_SACK_PERM;
    }
    if (p->opts & TCPSTATE_OPT_TIMESTAMP) {
        opt |= EP_OPT_TIMESTAMP;
    }
    if (p->opts & TCPSTATE_OPT_TFO) {
        opt |= EP_OPT_TFO;
    }
    if (p->opts & TCPSTATE_OPT_WSCALE) {
        /* RFC 7323 §2.3: a shift above 14 is used as 14. */
        unsigned ws = p->wscale > 14 ? 14u : p->wscale;
        opt = (uint8_t)(opt | ((ws + 1u) << 4));
    }
    ep->synopt = opt;
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

/* Handshake round-trip times, measured from the latest SYN to the first
 * SYN-ACK answering it and from that SYN-ACK to the ACK completing the
 * handshake (the "previous segment" bits say the latest segment was that SYN
 * or SYN-ACK, so retransmissions do not inflate the sample). */
static HOT_INLINE void note_rtt(struct tcpstate_flow *f, const uint8_t before[2],
                                 unsigned sender, unsigned fl, uint64_t ts)
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

static void note_handshake(struct seg *c, const uint8_t before[2])
{
    note_rtt(c->f, before, c->s, c->pkt->tcp_flags, c->ts);
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

void tcpstate__track_open(tcpstate_engine *e, struct tcpstate_flow *f, const tcpstate_packet *p,
                          int src_is_hi)
{
    unsigned fl = p->tcp_flags;
    int syn = (fl & (TCPSTATE_TH_SYN | TCPSTATE_TH_RST)) == TCPSTATE_TH_SYN;
    int sender_is_orig;

    /* Roles (DESIGN "Tracking semantics"): the sender of a SYN originates, the
     * sender of a SYN-ACK responds. Otherwise the side on a likely server port
     * responds, with Zeek's tie-break when both ports are likely: the lower
     * port is the server. Otherwise the first sender originates. */
    if (syn) {
        sender_is_orig = (fl & TCPSTATE_TH_ACK) == 0;
    } else if (tcpstate__is_server_port(e, p->sport)) {
        sender_is_orig = tcpstate__is_server_port(e, p->dport) && p->sport >= p->dport;
    } else {
        sender_is_orig = 1;
    }
    int orig_is_hi = sender_is_orig ? src_is_hi : !src_is_hi;
    f->fflags = (uint8_t)(orig_is_hi ? FF_ORIG_IS_HI : 0u);

    if (syn && (fl & TCPSTATE_TH_ACK)) {
        /* A SYN-ACK first: the originator's SYN was missed, but the SYN-ACK says
         * what it was (ISN = ack - 1) and that it was in SYN_SENT. */
        struct endpoint *o = &f->ep[TCPSTATE_ORIG];
        o->state = sSS;
        o->isn = p->ack - 1u;
        o->nxt = p->ack;
        o->flags = EP_SYN | EP_SYN_IMPLIED;
        f->fflags |= FF_MIDSTREAM;
    } else if (!syn) {
        /* Picked up midstream: both ends assumed ESTABLISHED. */
        f->ep[0].state = sES;
        f->ep[1].state = sES;
        f->fflags |= FF_MIDSTREAM;
        e->stats.midstream_pickups++;
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

/* The ACK path below is always built; tests/test_track_ack_only.c builds
 * this file a second time without it, to compare the two. */
#ifndef TCPSTATE_TRACK_ACK_ONLY
#define TCPSTATE_TRACK_ACK_ONLY 1
#endif

/* Is a cell "keep, unguarded": the step can change nothing for that end? */
static HOT_INLINE int cell_keeps(const struct cell *cell)
{
    return cell->next == KEEP && cell->guard == G_NONE;
}

/* The common segments: a plausible segment with ACK and no SYN or RST, and
 * with or without a FIN (RFC 9293 §3.10.7.4 "fifth" and "eighth"), where
 *  - the ACK step: the sender's cell keeps, and the receiver's keeps or is
 *    guarded by "acknowledges our SYN" / "covers our FIN" (the steady state,
 *    a half-closed flow's data, the ACKs that complete a handshake or a
 *    close);
 *  - the FIN step (with FIN): the FIN is acceptable and the sender's cell is
 *    unguarded or CLOSE_WAIT's (the first FIN of a close, the second).
 * Handled here without the general path's per-segment context, with the
 * same guards, events and bookkeeping functions, in run_step()'s order.
 * Returns 0 (nothing done) for any other segment: SYN, RST, a retransmitted
 * FIN, an implausible segment, an ACK from SYN_SENT or to CLOSED.
 * tests/test_track_ack_only.c holds the two paths to the same result. */
static HOT_INLINE int track_common(tcpstate_engine *e, struct tcpstate_flow *f,
                                   const tcpstate_packet *pkt, tcpstate_side sender, uint64_t ts,
                                   uint32_t evflags, struct track_out *out, const int fin)
{
    const unsigned fl = fin ? TCPSTATE_TH_ACK | TCPSTATE_TH_FIN : TCPSTATE_TH_ACK;
    struct endpoint *s = &f->ep[sender], *r = &f->ep[sender ^ 1];
    const struct cell *rc = &tcpstate__receiver_next[TRACK_ACK][r->state];
    if (!cell_keeps(&tcpstate__sender_next[TRACK_ACK][s->state]) ||
        (rc->guard != G_NONE && rc->guard != G_RCV_ACK_SYN && rc->guard != G_RCV_ACK_FIN) ||
        (rc->guard == G_NONE && rc->next != KEEP)) {
        return 0;
    }
    const int checks = !(e->flags & TCPSTATE_F_NO_WINDOW_CHECK);
    if (checks &&
        !(ack_plausible_ep(s, r, pkt) && seq_acceptable_ep(s, r, pkt->seq, UINT32_MAX))) {
        return 0; /* implausible: the general path reports it */
    }
    if (fin) {
        /* FIN acceptability (fin_acceptable()), unchanged by the ACK step. */
        const struct cell *fc = &tcpstate__sender_next[TRACK_FIN][s->state];
        if ((fc->guard != G_NONE && fc->guard != G_FIN_CROSS) ||
            (checks && !seq_acceptable_ep(s, r, pkt->seq + pkt->payload_len, 1))) {
            return 0;
        }
    }
    out->n = 0;
    const uint32_t flags0 = evflags | (pkt->payload_len > 0 ? TCPSTATE_EVF_DATA : 0u) |
                            ((f->fflags & FF_MIDSTREAM) ? TCPSTATE_EVF_MIDSTREAM : 0u);
    const uint8_t before[2] = {f->ep[0].state, f->ep[1].state};
    if (rc->guard != G_NONE) {
        /* The ACK step: the receiver moves if the guard holds. */
        if (rc->guard == G_RCV_ACK_SYN ? acks_syn_of(r, pkt) : acks_fin_of(r, pkt)) {
            r->state = rc->next;
            const uint8_t after[2] = {f->ep[0].state, f->ep[1].state};
            emit_to(out, TCPSTATE_EV_ACK, sender, before, after, flags0);
            emit_changes(out, sender, before, after, flags0);
        } else if (rc->guard == G_RCV_ACK_SYN) {
            e->stats.bad_acks++; /* and no change (TCPSTATE_EVF_BAD_ACK, on no event) */
        }
    }
    if (fin) {
        /* The FIN step (the receiver's FIN cells have no guards). */
        const uint8_t pre[2] = {f->ep[0].state, f->ep[1].state};
        const struct cell *sc = &tcpstate__sender_next[TRACK_FIN][s->state];
        const struct cell *fr = &tcpstate__receiver_next[TRACK_FIN][r->state];
        uint32_t flags = flags0;
        unsigned ns = sc->guard == G_FIN_CROSS ? fin_from_close_wait(r, sc, &flags) : sc->next;
        if (ns != KEEP) {
            s->state = (uint8_t)ns;
        }
        if (fr->next != KEEP) {
            r->state = fr->next;
        }
        const uint8_t after[2] = {f->ep[0].state, f->ep[1].state};
        emit_to(out, TCPSTATE_EV_FIN, sender, pre, after, flags);
        emit_changes(out, sender, pre, after, flags);
    }
    note_rtt(f, before, sender, TCPSTATE_TH_ACK, ts);
    s->pkts++;
    /* The flags as far as the two below look, as constants where they can be
     * (the compiler then drops the SYN and RST branches). */
    note_sender(s, r, pkt, fl, pkt->payload_len + (fin ? 1u : 0u), 0, fin);
    note_flow(f, TCPSTATE_TH_ACK);
    return 1;
}

/* track_common() for a segment with ACK, or ACK and FIN (a copy for each,
 * where the compiler makes copies, with the FIN branches known). */
static HOT_INLINE int track_ack_only(tcpstate_engine *e, struct tcpstate_flow *f,
                                     const tcpstate_packet *pkt, tcpstate_side sender,
                                     uint64_t ts, uint32_t evflags, struct track_out *out)
{
    const unsigned fl = pkt->tcp_flags & (TCPSTATE_TH_SYN | TCPSTATE_TH_ACK | TCPSTATE_TH_FIN |
                                          TCPSTATE_TH_RST);
    if (fl == TCPSTATE_TH_ACK) {
        return track_common(e, f, pkt, sender, ts, evflags, out, 0);
    }
    if (fl == (TCPSTATE_TH_ACK | TCPSTATE_TH_FIN)) {
        return track_common(e, f, pkt, sender, ts, evflags, out, 1);
    }
    return 0;
}

enum track_verdict tcpstate__track_segment(tcpstate_engine *e, struct tcpstate_flow *f,
                                           const tcpstate_packet *pkt, tcpstate_side sender,
                                           uint64_t ts, uint32_t evflags, struct track_out *out)
{
#if TCPSTATE_TRACK_ACK_ONLY
    if (track_ack_only(e, f, pkt, sender, ts, evflags, out)) {
        return TRACK_DONE;
    }
#endif
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
