/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every cell of the tracker's transition tables against a table written here,
 * independently, from RFC 9293 §3.10 (SEGMENT ARRIVES and the user calls) and
 * RFC 5961. Each expectation reads "what does sending / receiving this step
 * do to an endpoint in this state?". A trailing '?' marks a target that holds
 * only under a condition on the segment (acceptable ACK, covered FIN, new ISN,
 * ...); "-" is no change; "NEW" starts a new connection on the 4-tuple.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>

#include "tcpstate.h"
#include "track.h"
#include "track_fast.h"
#include "track_table.h"

static const char *const step_names[TRACK_STEPS] = {"SYN", "SYN-ACK", "ACK", "FIN", "RST"};

/* Columns: CLOSED LISTEN SYN_SENT SYN_RECEIVED ESTABLISHED FIN_WAIT_1 FIN_WAIT_2
 *          CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT */
static const char *const rfc_sender[TRACK_STEPS][TCPSTATE_STATE_COUNT] = {
    /* Sending a SYN: OPEN from CLOSED or LISTEN (§3.10.1, §3.10.2 SEND in LISTEN) goes to
     * SYN-SENT, or to SYN-RECEIVED when it crosses the peer's SYN (§3.5 simultaneous open)
     * and starts a new connection when the old one had ended. A second SYN is a
     * retransmission (same ISN, no change) or a new attempt (new ISN). In synchronized
     * states a SYN changes nothing (RFC 5961 §4). From TIME-WAIT a new ISN reopens the
     * 4-tuple (RFC 1122 §4.2.2.13). */
    [TRACK_SYN] = {"SYN_SENT?", "SYN_SENT?", "NEW?", "NEW?", "-?", "-?", "-?", "-?", "-?", "-?",
                   "NEW?"},
    /* Sending a SYN-ACK: a listener that got a SYN is in SYN-RECEIVED (§3.10.7.2), unless the
     * flow had ended. A SYN-SENT endpoint answers a crossing SYN from SYN-RECEIVED
     * (§3.10.7.3 "fourth"), and the observer moves it there when it sees that SYN, so a
     * SYN-ACK from SYN-SENT answers a SYN never seen, as one from SYN-RECEIVED or
     * ESTABLISHED may be a retransmission: no change either way. Later: stray. */
    [TRACK_SYNACK] = {"SYN_RECEIVED?", "SYN_RECEIVED?", "-?", "-?", "-?", "-", "-", "-", "-", "-",
                      "-"},
    /* Sending an ACK changes the sender only in SYN-SENT: it must have accepted a SYN-ACK
     * (§3.10.7.3 "fifth"). */
    [TRACK_ACK] = {"-", "-", "ESTABLISHED?", "-", "-", "-", "-", "-", "-", "-", "-"},
    /* Sending a FIN is the CLOSE call (§3.10.4): SYN-RECEIVED and ESTABLISHED go to
     * FIN-WAIT-1, CLOSE-WAIT to LAST-ACK (or CLOSING if the FINs crossed, §3.6); nothing
     * to close before a connection exists; a second FIN retransmits. */
    [TRACK_FIN] = {"-", "-", "-", "FIN_WAIT_1", "FIN_WAIT_1", "-?", "-?", "LAST_ACK?", "-?", "-?",
                   "-?"},
    /* Sending a RST is ABORT (§3.10.5): CLOSED from anywhere. */
    [TRACK_RST] = {"CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED",
                   "CLOSED", "CLOSED", "CLOSED"},
};

static const char *const rfc_receiver[TRACK_STEPS][TCPSTATE_STATE_COUNT] = {
    /* Receiving a SYN: LISTEN answers (§3.10.7.2) and SYN-SENT meets a simultaneous open
     * (§3.10.7.3 "fourth"), both to SYN-RECEIVED. A CLOSED endpoint would reset; whether
     * it listens shows only in its SYN-ACK. Others: duplicate, or challenge ACK. */
    [TRACK_SYN] = {"-", "SYN_RECEIVED", "SYN_RECEIVED", "-", "-", "-", "-", "-", "-", "-", "-"},
    /* Receiving a SYN-ACK: SYN-SENT becomes ESTABLISHED if ISS < SEG.ACK =< SND.NXT
     * (§3.10.7.3); SYN-RECEIVED (simultaneous open) likewise on an acceptable ACK
     * (§3.10.7.4 "fifth"). */
    [TRACK_SYNACK] = {"-", "-", "ESTABLISHED?", "ESTABLISHED?", "-", "-", "-", "-", "-", "-", "-"},
    /* Receiving an ACK (§3.10.7.4 "fifth"): SYN-RECEIVED to ESTABLISHED if it acknowledges
     * the SYN; FIN-WAIT-1 to FIN-WAIT-2, CLOSING to TIME-WAIT, LAST-ACK to CLOSED if it
     * covers our FIN. A CLOSED peer of a SYN-SENT sender must have sent the SYN-ACK we
     * missed. */
    [TRACK_ACK] = {"ESTABLISHED?", "-", "-", "ESTABLISHED?", "-", "FIN_WAIT_2?", "-", "-",
                   "TIME_WAIT?", "CLOSED?", "-"},
    /* Receiving a FIN (§3.10.7.4 "eighth"): not processed in CLOSED, LISTEN or SYN-SENT;
     * SYN-RECEIVED and ESTABLISHED to CLOSE-WAIT; FIN-WAIT-1 to CLOSING (its FIN not yet
     * acknowledged: the ACK step already ran); FIN-WAIT-2 to TIME-WAIT; the rest stay. */
    [TRACK_FIN] = {"-", "-", "-", "CLOSE_WAIT", "CLOSE_WAIT", "CLOSING", "TIME_WAIT", "-", "-", "-",
                   "-"},
    /* Receiving an (acceptable) RST: ignored in CLOSED and LISTEN (§3.10.7.1-2), CLOSED
     * everywhere else (§3.10.7.3 "second", §3.10.7.4 "second"). */
    [TRACK_RST] = {"-", "-", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED",
                   "CLOSED", "CLOSED"},
};

static void describe(unsigned next, int guarded, char *out, size_t len)
{
    const char *base = next == TRACK_KEEP    ? "-"
                       : next == TRACK_CELL_REUSE ? "NEW"
                                             : tcpstate_state_name((tcpstate_tcp_state)next);
    snprintf(out, len, "%s%s", base, guarded ? "?" : "");
}

static void check_table(int receiver, const char *const want[TRACK_STEPS][TCPSTATE_STATE_COUNT])
{
    for (unsigned st = 0; st < TRACK_STEPS; st++) {
        for (unsigned s = 0; s < TCPSTATE_STATE_COUNT; s++) {
            unsigned next;
            int guarded;
            char got[48];
            tcpstate__track_cell(receiver, (enum track_step)st, (tcpstate_tcp_state)s, &next,
                                 &guarded);
            describe(next, guarded, got, sizeof got);
            cr_expect(eq(str, got, (char *)want[st][s]), "%s %s %s",
                      receiver ? "receiving" : "sending", step_names[st],
                      tcpstate_state_name((tcpstate_tcp_state)s));
        }
    }
}

Test(transitions, every_sender_cell_matches_the_rfc) { check_table(0, rfc_sender); }

Test(transitions, every_receiver_cell_matches_the_rfc) { check_table(1, rfc_receiver); }

/* The activity class (eviction rank and idle timeout) of every pair of
 * states, with every combination of the two confirmation facts on each end,
 * against the rule written out here: both CLOSED is closed; both CLOSED or
 * TIME_WAIT is TIME_WAIT; a live flow is established or closing only when
 * both ends reached ESTABLISHED, both sent believed segments and no
 * unconfirmed RST is pending; anything else live is embryonic. */
Test(transitions, the_class_of_every_pair_of_states)
{
    static const char *const cls_names[CLS_COUNT] = {"EMBRYONIC", "ESTABLISHED", "CLOSING",
                                                     "TIME_WAIT", "CLOSED"};
    const uint8_t facts[4] = {0, EP_BELIEVED, EP_RST_PENDING, EP_BELIEVED | EP_RST_PENDING};
    for (unsigned a = 0; a < TCPSTATE_STATE_COUNT; a++) {
        for (unsigned b = 0; b < TCPSTATE_STATE_COUNT; b++) {
            for (unsigned fa = 0; fa < 4; fa++) {
                for (unsigned fb = 0; fb < 4; fb++) {
                    struct tcpstate_flow f;
                    memset(&f, 0, sizeof f);
                    f.ep[0].state = (uint8_t)a;
                    f.ep[1].state = (uint8_t)b;
                    f.ep[0].flags = facts[fa];
                    f.ep[1].flags = facts[fb];
                    int done_a = a == TCPSTATE_CLOSED || a == TCPSTATE_TIME_WAIT;
                    int done_b = b == TCPSTATE_CLOSED || b == TCPSTATE_TIME_WAIT;
                    int confirmed = (facts[fa] & facts[fb] & EP_BELIEVED) &&
                                    !((facts[fa] | facts[fb]) & EP_RST_PENDING);
                    enum flow_class want;
                    if (a == TCPSTATE_CLOSED && b == TCPSTATE_CLOSED) {
                        want = CLS_CLOSED;
                    } else if (done_a && done_b) {
                        want = CLS_TIME_WAIT;
                    } else if (!confirmed || a < TCPSTATE_ESTABLISHED ||
                               b < TCPSTATE_ESTABLISHED) {
                        want = CLS_EMBRYONIC;
                    } else if (a == TCPSTATE_ESTABLISHED && b == TCPSTATE_ESTABLISHED) {
                        want = CLS_ESTABLISHED;
                    } else {
                        want = CLS_CLOSING;
                    }
                    enum flow_class got = tcpstate__track_class(&f);
                    cr_expect(eq(int, got, want), "%s/%s facts %u/%u: %s, want %s",
                              tcpstate_state_name((tcpstate_tcp_state)a),
                              tcpstate_state_name((tcpstate_tcp_state)b), fa, fb,
                              got < CLS_COUNT ? cls_names[got] : "?", cls_names[want]);
                }
            }
        }
    }
}

/* The fast path's one-load view of the ACK step (tcpstate__ack_fast) against
 * the ACK cells it stands for, for every pair of states: it may take the
 * segment only where the sender's cell keeps unguarded, and then says what
 * the receiver's cell does (keeps, or moves under "acknowledges our SYN" or
 * "covers our FIN"); any other receiver cell is the general path's. */
Test(transitions, the_fast_ack_view_matches_the_cells)
{
    for (unsigned a = 0; a < TCPSTATE_STATE_COUNT; a++) {
        for (unsigned b = 0; b < TCPSTATE_STATE_COUNT; b++) {
            const struct cell *sc = &tcpstate__sender_next[TRACK_ACK][a];
            const struct cell *rc = &tcpstate__receiver_next[TRACK_ACK][b];
            unsigned want = ACKF_NO;
            if (sc->next == TRACK_KEEP && sc->guard == G_NONE) {
                if (rc->guard == G_NONE && rc->next == TRACK_KEEP) {
                    want = ACKF_KEEP;
                } else if (rc->guard == G_RCV_ACK_SYN) {
                    want = ACKF_SYN;
                } else if (rc->guard == G_RCV_ACK_FIN) {
                    want = ACKF_FIN;
                }
            }
            const unsigned got = tcpstate__ack_fast[a][b];
            cr_expect(eq(u32, got & ACKF_MASK, want), "%s -> %s: %u, want %u",
                      tcpstate_state_name((tcpstate_tcp_state)a),
                      tcpstate_state_name((tcpstate_tcp_state)b), got & ACKF_MASK, want);
            /* Where a guarded receiver moves: its cell's target. */
            if (want == ACKF_SYN || want == ACKF_FIN) {
                cr_expect(eq(u32, got >> ACKF_NEXT_SHIFT, rc->next), "%s -> %s: next %u, want %u",
                          tcpstate_state_name((tcpstate_tcp_state)a),
                          tcpstate_state_name((tcpstate_tcp_state)b), got >> ACKF_NEXT_SHIFT,
                          rc->next);
            }
        }
    }
}

/* track_opening()'s targets, constants in track_fast.h, are the cells'. */
Test(transitions, the_fast_opening_targets_match_the_cells)
{
    cr_expect(eq(u8, tcpstate__sender_next[TRACK_SYN][sCL].next, (uint8_t)OPEN_SYN_SENDER));
    cr_expect(eq(u8, tcpstate__sender_next[TRACK_SYNACK][sCL].next, (uint8_t)OPEN_SYNACK_SENDER));
    cr_expect(
        eq(u8, tcpstate__receiver_next[TRACK_SYNACK][sSS].next, (uint8_t)OPEN_SYNACK_RECEIVER));
}
