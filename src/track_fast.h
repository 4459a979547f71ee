/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tracker's fast paths: the segments that make up nearly all traffic
 * (docs/state-machine.md, "The common segments"), without the general
 * path's per-segment context. Inline in the per-frame path (feed.c), which
 * saves a call and its register saves on most segments; the segments they
 * decline go to tcpstate__track_general() (track.c).
 */
#ifndef TCPSTATE_TRACK_FAST_H
#define TCPSTATE_TRACK_FAST_H

#include <stdint.h>

#include "hints.h"
#include "seq.h"
#include "track.h"
#include "track_checks.h"
#include "track_facts.h"
#include "track_table.h"

/* Used unless TCPSTATE_TRACK_FAST is 0 (MinSizeRel builds, for size).
 * tests/test_track_fast.c holds them to the general path's results. */
#ifndef TCPSTATE_TRACK_FAST
#define TCPSTATE_TRACK_FAST 1
#endif

/* What the ACK step does for a sender in state s and a receiver in state r,
 * as the fast path takes it, read off the ACK rows of the transition tables
 * (track_table.c): one load instead of two cells and five compares per
 * segment. ACKF_NO: the sender's cell is not "keep" (SYN_SENT: G_ACK_INFER)
 * or the receiver's is guarded otherwise (CLOSED: G_RCV_ACK_INFER), so the
 * general path decides; ACKF_KEEP: nothing moves; ACKF_SYN / ACKF_FIN: the
 * receiver moves if the ACK acknowledges its SYN (SYN_RECEIVED) / covers its
 * FIN (FIN_WAIT_1, CLOSING, LAST_ACK). Here, not in track_table.c, so that a
 * build without the fast paths does not carry it; tests/test_transitions.c
 * checks every pair against the cells. */
enum ack_fast { ACKF_NO, ACKF_KEEP, ACKF_SYN, ACKF_FIN };
#define ACKF_MASK 3u
/* Above the ACKF_ bits, where the guarded receiver's cell moves it
 * (ACKF_SYN, ACKF_FIN; else 0): a shift of the value already loaded instead
 * of a second table's load. */
#define ACKF_NEXT_SHIFT 2
/* clang-format off */
#define ACKF(a, b)                                                                   \
    ((a) == sSS || (b) == sCL                  ? ACKF_NO                             \
     : (b) == sSR                              ? ACKF_SYN                            \
     : (b) == sF1 || (b) == sCG || (b) == sLA  ? ACKF_FIN                            \
                                               : ACKF_KEEP)
#define ACKN(b)                                                                      \
    ((b) == sSR ? sES : (b) == sF1 ? sF2 : (b) == sCG ? sTW : (b) == sLA ? sCL : 0)
#define ACKC(a, b) (ACKF(a, b) | (ACKF(a, b) >= ACKF_SYN ? ACKN(b) : 0) << ACKF_NEXT_SHIFT)
#define ROW(a) {ACKC(a, sCL), ACKC(a, sLI), ACKC(a, sSS), ACKC(a, sSR), ACKC(a, sES), ACKC(a, sF1), \
                ACKC(a, sF2), ACKC(a, sCW), ACKC(a, sCG), ACKC(a, sLA), ACKC(a, sTW)}
/* Rows of 16 (the rest ACKF_NO, never read): a shift indexes them. */
static const uint8_t tcpstate__ack_fast[TCPSTATE_STATE_COUNT][16] = {
    ROW(sCL), ROW(sLI), ROW(sSS), ROW(sSR), ROW(sES), ROW(sF1),
    ROW(sF2), ROW(sCW), ROW(sCG), ROW(sLA), ROW(sTW)};
#undef ROW
#undef ACKC
#undef ACKN
#undef ACKF
/* clang-format on */

/* The sender's and the receiver's endpoint, addressed by a byte offset
 * into the pair (the receiver's is the other one: the offset XOR one
 * endpoint's size). With the index form, &f->ep[sender], the compiler
 * recomputed sender * 24 (two instructions) at nearly every access. */
#define EP_AT(f, off) ((struct endpoint *)(void *)((char *)(f)->ep + (off)))

/* note_sender() for the segments track_common() takes: ACK, no SYN, no
 * RST, the sender not moved to a new connection (syn_new 0), the FIN (if
 * any) acceptable. The same updates in the same order, with the sender's
 * flags read once and written once (the compiler cannot merge the separate
 * read-modify-writes of s->flags and peer->flags: the two might alias). */
static HOT_INLINE void note_common_sender(struct endpoint *s, struct endpoint *peer,
                                          const tcpstate_packet *p, uint32_t seglen, int fin)
{
    const unsigned sf = s->flags;
    if (!(sf & (EP_SYN | EP_BELIEVED))) {
        /* First segment believed from it, no SYN known: sequence space starts here. */
        s->isn = p->seq;
        s->nxt = p->seq;
    }
    /* (note_sender() sets EP_BELIEVED before advance_nxt(); here it is set
     * below: advance_nxt() reads it only in seq_acceptable_ep()'s test of
     * x == s->nxt, which it reaches only for a sequence number past s->nxt.) */
    advance_nxt(s, peer, p, seglen);
    uint32_t ack = p->ack;
    if ((sf & EP_ACKED) && !seq_ge(ack, s->ack)) {
        ack = s->ack; /* an older acknowledgment does not move it back */
    }
    s->ack = ack;
    /* It acknowledged data of the peer that the capture did not show:
     * the peer's sequence space reaches at least that far. */
    const unsigned pf = peer->flags;
    if ((pf & (EP_BELIEVED | EP_SYN)) && seq_gt(ack, peer->nxt)) {
        peer->nxt = ack;
    }
    s->win = p->window;
    /* Traffic after an unconfirmed RST: the connection lives on. Its last
     * window came in a segment without SYN. */
    s->flags = (uint8_t)((sf | EP_BELIEVED | EP_ACKED | (fin ? EP_FIN : 0u)) &
                         ~(EP_WIN_SYN | EP_RST_PENDING));
    peer->flags = (uint8_t)(pf & ~EP_RST_PENDING);
}

/* note_flow() after a segment with ACK and no SYN or RST, with the class
 * `pc` the two states make (tcpstate__pair_class: one load for both tests,
 * which the class after the segment needs too): both ESTABLISHED is
 * CLS_ESTABLISHED, both CLOSED or TIME_WAIT is CLS_TIME_WAIT or CLS_CLOSED,
 * and no other pair is either (track_table.c). */
_Static_assert(CLS_CLOSED > CLS_TIME_WAIT && CLS_TIME_WAIT > CLS_CLOSING &&
                   CLS_TIME_WAIT > CLS_ESTABLISHED && CLS_TIME_WAIT > CLS_EMBRYONIC,
               "the classes of two finished ends are the highest");
static HOT_INLINE void note_common_flow(struct tcpstate_flow *f, unsigned pc)
{
    unsigned ff = f->fflags;
    if (pc == CLS_ESTABLISHED && !(ff & FF_MIDSTREAM)) {
        ff |= FF_HANDSHAKE;
    }
    /* Closed by FINs: both ends CLOSED or TIME_WAIT without a reset. */
    if (!(ff & FF_RESET) && pc >= CLS_TIME_WAIT && (f->ep[0].flags & f->ep[1].flags & EP_FIN)) {
        ff |= FF_CLOSED;
    }
    f->fflags = (uint8_t)(ff & ~(FF_PREV_SYN | FF_PREV_SYNACK));
}

/* The flags every event of a segment carries (the general path's
 * c.evflags). Formed where an event is recorded, not ahead: an engine
 * listens to few kinds (the yardstick's to ACK, RST and flow ends), and the
 * value kept live across a step cost more than forming it. */
#define EV_KIND(k) (1u << (k))
static HOT_INLINE uint32_t seg_evflags(const struct tcpstate_flow *f, const tcpstate_packet *pkt,
                                       uint32_t evflags)
{
    return evflags | (pkt->payload_len > 0 ? TCPSTATE_EVF_DATA : 0u) |
           ((f->fflags & FF_MIDSTREAM) ? TCPSTATE_EVF_MIDSTREAM : 0u);
}

/* The steps of track_common() that may move a state: the ACK step where
 * the receiver's cell is guarded (ACKF_SYN, ACKF_FIN), and the FIN step; their
 * events, and the handshake's round-trip time. Apart from the steady state's
 * ACKs (nothing moves there), for fewer live values on their path. */
static HOT_INLINE void common_steps(tcpstate_engine *e, struct tcpstate_flow *f, struct endpoint *s,
                                    struct endpoint *r, const tcpstate_packet *pkt,
                                    tcpstate_side sender, uint64_t ts, uint32_t evflags,
                                    struct track_out *out, unsigned af, const struct cell *sc,
                                    const int fin)
{
    const unsigned how = af & ACKF_MASK;
    if (how != ACKF_KEEP) {
        /* The ACK step: the receiver moves if the guard holds. */
        const uint8_t before[2] = {f->ep[0].state, f->ep[1].state};
        if (how == ACKF_SYN ? acks_syn_of(r, pkt) : covers_fin_of(r, pkt->ack)) {
            r->state = (uint8_t)(af >> ACKF_NEXT_SHIFT);
            if (out->want & (EV_KIND(TCPSTATE_EV_ACK) | EV_KIND(TCPSTATE_EV_STATE_CHANGE))) {
                const uint32_t flags = seg_evflags(f, pkt, evflags);
                const uint8_t after[2] = {f->ep[0].state, f->ep[1].state};
                emit_to(out, TCPSTATE_EV_ACK, sender, before, after, flags);
                emit_changes(out, sender, before, after, flags);
            }
        } else if (how == ACKF_SYN) {
            e->stats.bad_acks++; /* and no change (TCPSTATE_EVF_BAD_ACK, on no event) */
        }
        if (!fin) {
            /* The handshake's sample: only this step moves the responder
             * from SYN_RECEIVED to ESTABLISHED, as an ACK's sample needs
             * (after a FIN step it would be in CLOSE_WAIT). */
            note_rtt(f, before, sender, TCPSTATE_TH_ACK, ts);
        }
    }
    if (fin) {
        /* The FIN step (the receiver's FIN cells have no guards). Its
         * states before are formed only for an event. */
        const unsigned ss = s->state, rs = r->state;
        const struct cell *fr = &tcpstate__receiver_next[TRACK_FIN][rs];
        uint32_t cross; /* TCPSTATE_EVF_SIMULTANEOUS, or 0 */
        const unsigned ns = fin_target(r, sc, &cross);
        if (ns != KEEP) {
            s->state = (uint8_t)ns;
        }
        if (fr->next != KEEP) {
            r->state = fr->next;
        }
        if (out->want & (EV_KIND(TCPSTATE_EV_FIN) | EV_KIND(TCPSTATE_EV_STATE_CHANGE))) {
            const uint32_t flags = seg_evflags(f, pkt, evflags) | cross;
            const uint8_t after[2] = {f->ep[0].state, f->ep[1].state};
            uint8_t pre[2];
            pre[sender] = (uint8_t)ss;
            pre[sender ^ 1] = (uint8_t)rs;
            emit_to(out, TCPSTATE_EV_FIN, sender, pre, after, flags);
            emit_changes(out, sender, pre, after, flags);
        }
    }
}

/* What the fast paths return: 0 for a segment they decline, else 1 + the
 * flow's activity class after it (tcpstate__track_class()), which they know
 * more cheaply than the caller would (per-frame path: file_flow() in
 * feed.c). tests/test_track_fast.c checks it against tcpstate__track_class()
 * on every segment they take. */
#define TRACK_FAST_NO         0u
#define TRACK_FAST_CLASS(cls) (1u + (unsigned)(cls))

/* The activity class after a segment track_common() took, from the class
 * `pc` its states make: tcpstate__track_class() with what the segment
 * leaves known (the sender believed, no RST pending on either end), so
 * only the receiver's flags `rf` are read. */
static HOT_INLINE unsigned common_class(unsigned pc, unsigned rf)
{
    if (pc <= CLS_CLOSING && pc != CLS_EMBRYONIC && !(rf & EP_BELIEVED)) {
        return CLS_EMBRYONIC;
    }
    return pc;
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
 * same guards and events in run_step()'s order, and the same bookkeeping
 * (note_sender() and note_flow() as specialised above).
 * Returns TRACK_FAST_NO (nothing done) for any other segment: SYN, RST, a
 * retransmitted FIN, an implausible segment, an ACK from SYN_SENT or to
 * CLOSED; else TRACK_FAST_CLASS(the flow's class after it). */
static HOT_INLINE unsigned track_common(tcpstate_engine *e, struct tcpstate_flow *f,
                                        const tcpstate_packet *pkt, tcpstate_side sender,
                                        uint64_t ts, uint32_t evflags, struct track_out *out,
                                        const int fin, const int opts)
{
    const size_t so = (size_t)sender * sizeof(struct endpoint);
    struct endpoint *s = EP_AT(f, so), *r = EP_AT(f, so ^ sizeof(struct endpoint));
    const unsigned af = tcpstate__ack_fast[s->state][r->state], how = af & ACKF_MASK;
    if (how == ACKF_NO) {
        return TRACK_FAST_NO;
    }
    if (!(opts && (e->flags & TCPSTATE_F_NO_WINDOW_CHECK))) {
        if (!plausible_of(s, r, pkt->ack, pkt->seq)) {
            return TRACK_FAST_NO; /* implausible: the general path reports it */
        }
        /* FIN acceptability (fin_acceptable()), unchanged by the ACK step. */
        if (fin && !seq_acceptable_ep(s, r, pkt->seq + pkt->payload_len, 1)) {
            return TRACK_FAST_NO;
        }
    }
    /* The sender's FIN cell: the ACK step (the sender's cell keeps) leaves
     * its state as it is. */
    const struct cell *sc = &tcpstate__sender_next[TRACK_FIN][s->state];
    /* The guard's bit in a mask, not two compares: which of the two a FIN
     * meets (G_NONE, a close's first FIN; G_FIN_CROSS, its second) is a coin
     * flip per segment, and a branch on it was mispredicted as often. */
    if (fin && ((1u << sc->guard) & ~(1u << G_NONE | 1u << G_FIN_CROSS)) != 0) {
        return TRACK_FAST_NO; /* G_FIN_AGAIN: the general path tells a retransmission */
    }
    out->n = 0;
    if (fin || how != ACKF_KEEP) {
        /* (With neither, the steady state's ACK: no state moves, no event.) */
        common_steps(e, f, s, r, pkt, sender, ts, evflags, out, af, sc, fin);
    }
    s->pkts++;
    note_common_sender(s, r, pkt, pkt->payload_len + (fin ? 1u : 0u), fin);
    const unsigned pc = tcpstate__pair_class[f->ep[0].state][f->ep[1].state];
    note_common_flow(f, pc);
    return TRACK_FAST_CLASS(common_class(pc, r->flags));
}

/* note_sender() for the segments track_opening() takes, the same updates
 * in the same order with the sender's flags read once: a SYN from CLOSED
 * (syn_new: its sequence space starts here), or a SYN-ACK from CLOSED,
 * whose SYN starts one only if it moved the sender (it acknowledged the SYN
 * it answers). */
static HOT_INLINE void note_opening_sender(struct endpoint *s, struct endpoint *peer,
                                           const tcpstate_packet *p, const int synack)
{
    const uint32_t seq = p->seq;
    const unsigned sf0 = s->flags;
    unsigned sf = sf0 | EP_BELIEVED;
    if (!synack || (!(sf0 & EP_SYN) && s->state != sCL)) {
        /* (This also covers note_sender()'s first-believed start.) */
        s->isn = seq;
        s->nxt = seq;
        s->wraps = 0;
        sf |= EP_SYN;
        note_syn_options(s, p);
    } else if (!(sf0 & (EP_SYN | EP_BELIEVED))) {
        s->isn = seq;
        s->nxt = seq;
    }
    if (synack && (sf & EP_SYN)) {
        sf |= EP_SYNACK;
    }
    s->flags = (uint8_t)sf; /* advance_nxt() reads them */
    advance_nxt(s, peer, p, p->payload_len + 1u);
    unsigned pf = peer->flags;
    if (synack) {
        uint32_t ack = p->ack;
        if ((sf & EP_ACKED) && !seq_ge(ack, s->ack)) {
            ack = s->ack; /* an older acknowledgment does not move it back */
        }
        s->ack = ack;
        /* The peer's sequence space reaches at least that far (note_sender()). */
        if ((pf & (EP_BELIEVED | EP_SYN)) && seq_gt(ack, peer->nxt)) {
            peer->nxt = ack;
        }
        s->win = p->window;
        sf |= EP_ACKED | EP_WIN_SYN; /* its window came in a SYN: never scaled */
    }
    s->flags = (uint8_t)(sf & ~EP_RST_PENDING);
    peer->flags = (uint8_t)(pf & ~EP_RST_PENDING);
}

/* Where track_opening()'s segments move the ends (the G_SYN_OPEN,
 * G_SYNACK_OPEN and G_RCV_SYNACK cells of track_table.c, from CLOSED and,
 * for the SYN-ACK's receiver, SYN_SENT). */
#define OPEN_SYN_SENDER      sSS
#define OPEN_SYNACK_SENDER   sSR
#define OPEN_SYNACK_RECEIVER sES

/* The opening of a connection: a SYN between two CLOSED ends (RFC 9293
 * §3.10.1: SYN_SENT; the receiver stays CLOSED, LISTEN not being
 * observable), or the plausible SYN-ACK answering it (the sender to
 * SYN_RECEIVED, and the receiver to ESTABLISHED if it acknowledges the SYN,
 * §3.10.7.3; else nothing moves, TCPSTATE_EVF_BAD_ACK), in a flow not
 * already reset or closed. What run_step() does for them (G_SYN_OPEN,
 * G_SYNACK_OPEN, G_RCV_SYNACK), without the per-segment context. Returns
 * TRACK_FAST_NO for any other SYN, else TRACK_FAST_CLASS(CLS_EMBRYONIC):
 * the states it leaves, SYN_SENT / CLOSED, SYN_RECEIVED / ESTABLISHED and
 * (a wrong acknowledgment) CLOSED / SYN_SENT, all make a flow embryonic. */
static HOT_INLINE unsigned track_opening(tcpstate_engine *e, struct tcpstate_flow *f,
                                         const tcpstate_packet *pkt, tcpstate_side sender,
                                         uint64_t ts, uint32_t evflags, struct track_out *out,
                                         const int synack, const int opts)
{
    const unsigned fl = synack ? TCPSTATE_TH_SYN | TCPSTATE_TH_ACK : TCPSTATE_TH_SYN;
    const size_t so = (size_t)sender * sizeof(struct endpoint);
    struct endpoint *s = EP_AT(f, so), *r = EP_AT(f, so ^ sizeof(struct endpoint));
    if (s->state != sCL || r->state != (synack ? sSS : sCL) ||
        (f->fflags & (FF_RESET | FF_CLOSED))) {
        return TRACK_FAST_NO;
    }
    if (synack && !(opts && (e->flags & TCPSTATE_F_NO_WINDOW_CHECK)) &&
        !ack_plausible_of(s, r, pkt->ack)) {
        return TRACK_FAST_NO;
    }
    out->n = 0;
    uint32_t bad = 0; /* TCPSTATE_EVF_BAD_ACK, or not */
    if (!synack || synack_acks_syn_of(r, pkt)) {
        /* The cells' targets as constants (tests/test_transitions.c checks
         * them against tcpstate__sender_next / tcpstate__receiver_next):
         * the tables are extern, so their loads would stay. */
        s->state = synack ? OPEN_SYNACK_SENDER : OPEN_SYN_SENDER;
        if (synack) {
            r->state = OPEN_SYNACK_RECEIVER;
        }
    } else {
        bad = TCPSTATE_EVF_BAD_ACK; /* a wrong acknowledgment moves neither end */
        e->stats.bad_acks++;
    }
    const tcpstate_event_kind kind = synack ? TCPSTATE_EV_SYNACK : TCPSTATE_EV_SYN;
    if (out->want & (EV_KIND(kind) | EV_KIND(TCPSTATE_EV_STATE_CHANGE))) {
        const uint32_t flags = seg_evflags(f, pkt, evflags) | bad;
        const uint8_t after[2] = {f->ep[0].state, f->ep[1].state};
        uint8_t before[2]; /* as tested above; formed only for an event */
        before[sender] = sCL;
        before[sender ^ 1] = synack ? sSS : sCL;
        emit_to(out, kind, sender, before, after, flags);
        emit_changes(out, sender, before, after, flags);
    }
    if (synack && sender == TCPSTATE_RESP) {
        /* The SYN's sample (note_rtt(): a SYN completes no handshake, and a
         * SYN-ACK completes one only sent by the responder to the
         * originator's SYN_SENT). */
        const uint8_t pre[2] = {sSS, sCL}; /* ORIG, RESP: as tested above */
        note_rtt(f, pre, sender, fl, ts);
    }
    s->pkts++;
    note_opening_sender(s, r, pkt, synack);
    /* note_flow(): the sender is in SYN_SENT, SYN_RECEIVED or (a wrong
     * acknowledgment) CLOSED with its peer in SYN_SENT, so neither the
     * handshake nor the close is complete; the previous segment is this one. */
    f->fflags = (uint8_t)((f->fflags & ~(FF_PREV_SYN | FF_PREV_SYNACK)) |
                          (synack ? FF_PREV_SYNACK : FF_PREV_SYN));
    return TRACK_FAST_CLASS(CLS_EMBRYONIC);
}

/* The fast paths: track_common() for a segment with ACK, or ACK and FIN,
 * and track_opening() for a SYN or SYN-ACK (a copy for each, where the
 * compiler makes copies, with the flags known). `opts` 0 promises that the
 * engine has none of TCPSTATE_F_PER_FRAME_OPTS (engine.h): the windows are
 * checked. Returns TRACK_FAST_NO when the segment needs the general path,
 * else TRACK_FAST_CLASS(the flow's class after it).
 * tests/test_track_fast.c holds the two to the same results. */
static HOT_INLINE unsigned tcpstate__track_fast(tcpstate_engine *e, struct tcpstate_flow *f,
                                                const tcpstate_packet *pkt, tcpstate_side sender,
                                                uint64_t ts, uint32_t evflags,
                                                struct track_out *out, const int opts)
{
    const unsigned fl =
        pkt->tcp_flags & (TCPSTATE_TH_SYN | TCPSTATE_TH_ACK | TCPSTATE_TH_FIN | TCPSTATE_TH_RST);
    if (fl == TCPSTATE_TH_ACK) {
        return track_common(e, f, pkt, sender, ts, evflags, out, 0, opts);
    }
    if (fl == (TCPSTATE_TH_ACK | TCPSTATE_TH_FIN)) {
        return track_common(e, f, pkt, sender, ts, evflags, out, 1, opts);
    }
    if (fl == TCPSTATE_TH_SYN) {
        return track_opening(e, f, pkt, sender, ts, evflags, out, 0, opts);
    }
    if (fl == (TCPSTATE_TH_SYN | TCPSTATE_TH_ACK)) {
        return track_opening(e, f, pkt, sender, ts, evflags, out, 1, opts);
    }
    return TRACK_FAST_NO;
}

#endif
