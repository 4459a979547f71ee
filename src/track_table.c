/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The transition tables of the two-endpoint tracker (RFC 9293 / RFC 793),
 * with the RFC section of every row beneath it. track.c applies them;
 * docs/state-machine.md has them as one table, and tests/test_transitions.c
 * checks every cell against a table written from the RFC.
 */
#include "track_table.h"

/* clang-format off */
#define T(s) {(s), G_NONE}
#define TG(s, g) {(s), (g)}
#define K {KEEP, G_NONE}

/*
 * The SENDER's new state: what sending this step says about the endpoint.
 *
 *               CLOSED             LISTEN             SYN_SENT             SYN_RECEIVED           ESTABLISHED            FIN_WAIT_1           FIN_WAIT_2           CLOSE_WAIT           CLOSING              LAST_ACK             TIME_WAIT
 */
const struct cell tcpstate__sender_next[TRACK_STEPS][TCPSTATE_STATE_COUNT] = {
    [TRACK_SYN] = {TG(sSS, G_SYN_OPEN), TG(sSS, G_SYN_OPEN), TG(REUSE, G_SYN_NEW_ISN), TG(REUSE, G_SYN_NEW_ISN), TG(KEEP, G_SYN_SYNC), TG(KEEP, G_SYN_SYNC), TG(KEEP, G_SYN_SYNC), TG(KEEP, G_SYN_SYNC), TG(KEEP, G_SYN_SYNC), TG(KEEP, G_SYN_SYNC), TG(REUSE, G_SYN_NEW_ISN)},
/*  CLOSED/LISTEN + SYN    -> SYN_SENT      active OPEN                          RFC 9293 §3.10.1 (793 §3.9 OPEN)
 *                         -> SYN_RECEIVED  peer's SYN in flight: simultaneous  RFC 9293 §3.5 Fig. 7 (793 Fig. 8)
 *                         -> new flow      the old flow ended (reset/closed)   RFC 9293 §3.10.7.1
 *  SYN_SENT/RCVD + SYN    -> new flow      new ISN: a new attempt
 *                         -> keep          same ISN: retransmission            RFC 9293 §3.8.1
 *  synchronized + SYN     -> keep          challenge ACK, no state change      RFC 5961 §4.2
 *  TIME_WAIT + SYN        -> new flow      new ISN reopens the 4-tuple         RFC 1122 §4.2.2.13, RFC 9293 §3.6.1
 *                         -> keep          old ISN: a delayed duplicate */
    [TRACK_SYNACK] = {TG(sSR, G_SYNACK_OPEN), TG(sSR, G_SYNACK_OPEN), TG(KEEP, G_SYNACK_AGAIN), TG(KEEP, G_SYNACK_AGAIN), TG(KEEP, G_SYNACK_AGAIN), K, K, K, K, K, K},
/*  CLOSED/LISTEN + SYN-ACK -> SYN_RECEIVED it had a passive OPEN and got a SYN  RFC 9293 §3.10.7.2 (793 §3.9)
 *                         -> keep          stray, in a flow already reset or closed
 *  SYN_SENT + SYN-ACK      -> keep         it would answer a crossing SYN (RFC 9293 §3.10.7.3
 *                                          "fourth"), but a crossing SYN we saw already moved it
 *                                          to SYN_RECEIVED: this one answers a SYN never seen
 *  SYN_RECEIVED/ESTAB      -> keep         retransmitted SYN-ACK (lost ACK)    RFC 9293 §3.8.1
 *  later states            -> keep         stray SYN-ACK                       RFC 5961 §4.2 */
    [TRACK_ACK] = {K, K, TG(sES, G_ACK_INFER), K, K, K, K, K, K, K, K},
/*  SYN_SENT + ACK         -> ESTABLISHED   it must have accepted a SYN-ACK     RFC 9293 §3.10.7.3 "fifth"
 *  other states + ACK     -> keep          acknowledging changes only the receiver */
    [TRACK_FIN] = {K, K, K, T(sF1), T(sF1), TG(KEEP, G_FIN_AGAIN), TG(KEEP, G_FIN_AGAIN), TG(sLA, G_FIN_CROSS), TG(KEEP, G_FIN_AGAIN), TG(KEEP, G_FIN_AGAIN), TG(KEEP, G_FIN_AGAIN)},
/*  CLOSED/LISTEN/SYN_SENT + FIN -> keep    no connection to close              RFC 9293 §3.10.4 (CLOSE call)
 *  SYN_RECEIVED + FIN     -> FIN_WAIT_1    CLOSE in SYN-RECEIVED               RFC 9293 §3.10.4
 *  ESTABLISHED + FIN      -> FIN_WAIT_1    CLOSE in ESTABLISHED                RFC 9293 §3.10.4, §3.6
 *  CLOSE_WAIT + FIN       -> LAST_ACK      CLOSE after the peer's FIN          RFC 9293 §3.10.4, §3.6
 *                         -> CLOSING       FINs crossed: simultaneous close    RFC 9293 §3.6 Fig. 13 (793 Fig. 14)
 *  FIN already sent       -> keep          retransmitted FIN                   RFC 9293 §3.8.1 */
    [TRACK_RST] = {T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL)},
/*  any + RST              -> CLOSED        ABORT: send a reset, enter CLOSED    RFC 9293 §3.10.5 (793 §3.9 ABORT) */
};

/*
 * The RECEIVER's new state: what receiving this step does to the endpoint.
 *
 *               CLOSED   LISTEN   SYN_SENT                SYN_RECEIVED              ESTABLISHED  FIN_WAIT_1                FIN_WAIT_2  CLOSE_WAIT  CLOSING                   LAST_ACK                  TIME_WAIT
 */
const struct cell tcpstate__receiver_next[TRACK_STEPS][TCPSTATE_STATE_COUNT] = {
    [TRACK_SYN] = {K, T(sSR), T(sSR), K, K, K, K, K, K, K, K},
/*  CLOSED + SYN           -> keep          LISTEN is not observable: wait for its SYN-ACK
 *  LISTEN + SYN           -> SYN_RECEIVED  passive OPEN answers                RFC 9293 §3.10.7.2
 *  SYN_SENT + SYN         -> SYN_RECEIVED  simultaneous open                   RFC 9293 §3.10.7.3 "fourth"
 *  other states + SYN     -> keep          duplicate, or challenge ACK         RFC 5961 §4.2 */
    [TRACK_SYNACK] = {K, K, TG(sES, G_RCV_SYNACK), TG(sES, G_RCV_SYNACK), K, K, K, K, K, K, K},
/*  SYN_SENT + SYN-ACK     -> ESTABLISHED   if ISS < SEG.ACK =< SND.NXT         RFC 9293 §3.10.7.3 "first", "fourth"
 *  SYN_RECEIVED + SYN-ACK -> ESTABLISHED   simultaneous open, acceptable ACK   RFC 9293 §3.10.7.4 "fifth"
 *  other states           -> keep          duplicate SYN-ACK */
    [TRACK_ACK] = {TG(sES, G_RCV_ACK_INFER), K, K, TG(sES, G_RCV_ACK_SYN), K, TG(sF2, G_RCV_ACK_FIN), K, K, TG(sTW, G_RCV_ACK_FIN), TG(sCL, G_RCV_ACK_FIN), K},
/*  CLOSED + ACK           -> ESTABLISHED   only when the sender was SYN_SENT: the ACK proves
 *                                          a SYN-ACK we did not see (then both become ESTABLISHED)
 *  SYN_RECEIVED + ACK     -> ESTABLISHED   if it acknowledges our SYN          RFC 9293 §3.10.7.4 "fifth"
 *  FIN_WAIT_1 + ACK       -> FIN_WAIT_2    if it covers our FIN                RFC 9293 §3.10.7.4 "fifth"
 *  CLOSING + ACK          -> TIME_WAIT     if it covers our FIN                RFC 9293 §3.10.7.4 "fifth"
 *  LAST_ACK + ACK         -> CLOSED        if it covers our FIN                RFC 9293 §3.10.7.4 "fifth" */
    [TRACK_FIN] = {K, K, K, T(sCW), T(sCW), T(sCG), T(sTW), K, K, K, K},
/*  CLOSED/LISTEN/SYN_SENT -> keep          "do not process the FIN"            RFC 9293 §3.10.7.4 "eighth"
 *  SYN_RECEIVED, ESTAB    -> CLOSE_WAIT                                        RFC 9293 §3.10.7.4 "eighth"
 *  FIN_WAIT_1 + FIN       -> CLOSING       our FIN not yet acknowledged        RFC 9293 §3.10.7.4 "eighth"
 *  FIN_WAIT_2 + FIN       -> TIME_WAIT                                         RFC 9293 §3.10.7.4 "eighth"
 *  CLOSE_WAIT .. TIME_WAIT-> keep          duplicate FIN (TIME-WAIT restarts 2 MSL) */
    [TRACK_RST] = {K, K, T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL), T(sCL)},
/*  CLOSED/LISTEN + RST    -> keep          "an incoming RST should be ignored" RFC 9293 §3.10.7.1, §3.10.7.2
 *  SYN_SENT + RST         -> CLOSED        if its ACK was acceptable           RFC 9293 §3.10.7.3 "second"
 *  SYN_RECEIVED + RST     -> CLOSED        (LISTEN if passive: not observable) RFC 9293 §3.10.7.4 "second"
 *  other states + RST     -> CLOSED                                            RFC 9293 §3.10.7.4 "second" */
};

/*
 * The activity class of a pair of states (tcpstate__track_class() adds the
 * confirmation test). Eviction and idle timeouts go by class (flowtable.h).
 */
#define DONE(a) ((a) == sCL || (a) == sTW)
#define PAIR(a, b)                                                                   \
    ((a) == sCL && (b) == sCL       ? CLS_CLOSED                                     \
     : DONE(a) && DONE(b)           ? CLS_TIME_WAIT                                  \
     : (a) < sES || (b) < sES       ? CLS_EMBRYONIC                                  \
     : (a) == sES && (b) == sES     ? CLS_ESTABLISHED                                \
                                    : CLS_CLOSING)
#define ROW(a) {PAIR(a, sCL), PAIR(a, sLI), PAIR(a, sSS), PAIR(a, sSR), PAIR(a, sES), PAIR(a, sF1), \
                PAIR(a, sF2), PAIR(a, sCW), PAIR(a, sCG), PAIR(a, sLA), PAIR(a, sTW)}
const uint8_t tcpstate__pair_class[TCPSTATE_STATE_COUNT][TRACK_PAIR_ROW] = {
    ROW(sCL), ROW(sLI), ROW(sSS), ROW(sSR), ROW(sES), ROW(sF1),
    ROW(sF2), ROW(sCW), ROW(sCG), ROW(sLA), ROW(sTW)};
#undef ROW
#undef PAIR
#undef DONE
/* clang-format on */


void tcpstate__track_cell(int receiver, enum track_step step, tcpstate_tcp_state state,
                          unsigned *next, int *guarded)
{
    const struct cell *c = receiver ? &tcpstate__receiver_next[step][state] : &tcpstate__sender_next[step][state];
    *next = c->next;
    *guarded = c->guard != G_NONE;
}

