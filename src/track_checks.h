/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tracker's tests of a segment's numbers, on endpoints (no segment
 * context): plausibility, what an off-path attacker cannot fake (RFC 5961),
 * and the acceptability predicates of the transition guards (RFC 9293
 * §3.10.7). Inline: track.c's general and fast paths both run them on every
 * segment. Included by track.c only.
 */
#ifndef TCPSTATE_TRACK_CHECKS_H
#define TCPSTATE_TRACK_CHECKS_H

#include <stdint.h>

#include "hints.h"
#include "seq.h"
#include "track.h"
#include "track_table.h"

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

/* The rest of ack_plausible_of() below, for the few acknowledgments beyond
 * what the peer was seen to send (lo and hi as it computed them): apart, so
 * that its values need not stay live on the common path. */
static RARE int ack_in_sender_window(const struct endpoint *s, const struct endpoint *peer,
                                     uint32_t ack, uint32_t lo, uint32_t hi)
{
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
    return seq_in_window(ack, lo, hi - lo + 1u);
}

/* The ACK test of the plausibility rules above, of acknowledgment number
 * ack (the segment has ACK) from s to peer. */
static HOT_INLINE int ack_plausible_of(const struct endpoint *s, const struct endpoint *peer,
                                       uint32_t ack)
{
    if (!(peer->flags & (EP_SYN | EP_BELIEVED))) {
        return 1;
    }
    uint32_t hi = peer->nxt + ((peer->flags & EP_SYN) ? 0u : ACK_UNSEEN);
    uint32_t lo = ((s->flags & EP_ACKED) ? s->ack : peer->isn) - ACK_BEHIND;
    if (!seq_gt(lo, hi) && seq_in_window(ack, lo, hi - lo + 1u)) {
        return 1; /* within what the peer was seen to send: the window below can
                     only widen the range, so it need not be computed */
    }
    return ack_in_sender_window(s, peer, ack, lo, hi);
}

/* ack_plausible_of() and then seq_acceptable_ep(.., UINT32_MAX) for a
 * segment with ACK from s to peer r, as the fast paths run them. Nearly every
 * segment of a connection seen from its SYNs is sent in order, to an end
 * whose SYN was seen: its sequence number is then the sender's next
 * (acceptable as it is) and its ACK test one range test, [s->ack - ACK_BEHIND
 * (the peer's ISN if s never acknowledged), r->nxt] (empty if it would wrap:
 * the full test decides then). Any other segment takes the two tests in
 * full. */
static HOT_INLINE int plausible_of(const struct endpoint *s, const struct endpoint *r, uint32_t ack,
                                   uint32_t seq)
{
    const unsigned sf = s->flags;
    if ((sf & (EP_BELIEVED | EP_SYN)) && (r->flags & EP_SYN) && seq == s->nxt) {
        uint32_t lo = ((sf & EP_ACKED) ? s->ack : r->isn) - ACK_BEHIND, span = r->nxt - lo;
        if (span < UINT32_C(0x80000000) && ack - lo <= span) {
            return 1;
        }
    }
    return ack_plausible_of(s, r, ack) && seq_acceptable_ep(s, r, seq, UINT32_MAX);
}

/* The ACK test above, for segment p from s to peer. */
static HOT_INLINE int ack_plausible_ep(const struct endpoint *s, const struct endpoint *peer,
                                       const tcpstate_packet *p)
{
    return !(p->tcp_flags & TCPSTATE_TH_ACK) || ack_plausible_of(s, peer, p->ack);
}

/* The ACK step's guards on the receiver (RFC 9293 §3.10.7.4 "fifth"): does
 * segment p acknowledge r's SYN (SND.UNA < SEG.ACK =< SND.NXT, the SYN
 * being SND.UNA), or cover r's FIN? */
static HOT_INLINE int acks_syn_of(const struct endpoint *r, const tcpstate_packet *p)
{
    return seq_ge(p->ack, r->isn + 1u) && seq_le(p->ack, r->nxt);
}

/* Acknowledgment number ack (the segment has ACK) covers r's FIN. */
static HOT_INLINE int covers_fin_of(const struct endpoint *r, uint32_t ack)
{
    return (r->flags & EP_FIN) && seq_ge(ack, r->nxt);
}

static HOT_INLINE int acks_fin_of(const struct endpoint *r, const tcpstate_packet *p)
{
    return (p->tcp_flags & TCPSTATE_TH_ACK) && covers_fin_of(r, p->ack);
}

/* Where the sender of a FIN goes by its FIN cell: the cell's target, but
 * from CLOSE_WAIT (G_FIN_CROSS) with the peer still in FIN_WAIT_1, CLOSING,
 * and *cross is TCPSTATE_EVF_SIMULTANEOUS (else 0). The ACK step already
 * ran, so if this segment acknowledged the peer's FIN the peer left
 * FIN_WAIT_1; if it is still there, our FIN was sent before theirs arrived.
 * Without a branch: whether a FIN is a close's first or its second (from
 * CLOSE_WAIT) is a coin flip per segment, and a branch on it was
 * mispredicted as often. */
static HOT_INLINE unsigned fin_target(const struct endpoint *rcv, const struct cell *cell,
                                      uint32_t *cross)
{
    const unsigned crossed =
        (unsigned)(cell->guard == G_FIN_CROSS) & (unsigned)(rcv->state == TCPSTATE_FIN_WAIT_1);
    *cross = crossed * TCPSTATE_EVF_SIMULTANEOUS;
    return cell->next ^ ((cell->next ^ TCPSTATE_CLOSING) & (0u - crossed));
}

/* "If SND.UNA < SEG.ACK =< SND.NXT then the ACK is acceptable" (RFC 9293
 * §3.10.7.3): a SYN-ACK acknowledges r's SYN, exactly ISN + 1 unless the SYN
 * carried data (TFO, RFC 7413). */
static HOT_INLINE int synack_acks_syn_of(const struct endpoint *r, const tcpstate_packet *p)
{
    return (r->flags & EP_SYN) && (p->tcp_flags & TCPSTATE_TH_ACK) && seq_gt(p->ack, r->isn) &&
           seq_le(p->ack, r->nxt);
}

#endif
