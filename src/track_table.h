/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tracker's transition tables (src/track_table.c) and the names the
 * tracker and its tables share. One table row per step, one cell per state:
 * a target state, "keep", or a target under a named guard that track.c
 * evaluates against the segment's numbers.
 */
#ifndef TCPSTATE_TRACK_TABLE_H
#define TCPSTATE_TRACK_TABLE_H

#include <stdint.h>

#include "track.h"

/* Short names for the table columns. */
#define sCL TCPSTATE_CLOSED
#define sLI TCPSTATE_LISTEN
#define sSS TCPSTATE_SYN_SENT
#define sSR TCPSTATE_SYN_RECEIVED
#define sES TCPSTATE_ESTABLISHED
#define sF1 TCPSTATE_FIN_WAIT_1
#define sF2 TCPSTATE_FIN_WAIT_2
#define sCW TCPSTATE_CLOSE_WAIT
#define sCG TCPSTATE_CLOSING
#define sLA TCPSTATE_LAST_ACK
#define sTW TCPSTATE_TIME_WAIT

#define KEEP  TRACK_KEEP
#define REUSE TRACK_CELL_REUSE


/* Guards: conditions a cell's target depends on. */
enum guard {
    G_NONE = 0,
    G_SYN_OPEN,      /* sender opens: SYN_SENT, or SYN_RECEIVED if the peer's SYN is
                        outstanding (simultaneous open), or REUSE after an ended flow */
    G_SYN_NEW_ISN,   /* a new ISN starts a new connection; the old ISN is a retransmission */
    G_SYN_SYNC,      /* SYN in a synchronized state: retransmission or unexpected */
    G_SYNACK_OPEN,   /* SYN-ACK from CLOSED: answers a SYN, unless the flow already ended */
    G_SYNACK_AGAIN,  /* SYN-ACK from an endpoint that already sent one */
    G_ACK_INFER,     /* ACK from SYN_SENT: the SYN-ACK was not seen */
    G_FIN_AGAIN,     /* FIN from an endpoint that already sent one */
    G_FIN_CROSS,     /* FIN from CLOSE-WAIT: LAST-ACK, or CLOSING if the FINs crossed */
    G_RCV_SYNACK,    /* SYN-ACK must acknowledge our SYN: ISN + 1 (+ SYN data) */
    G_RCV_ACK_SYN,   /* ACK must acknowledge our SYN */
    G_RCV_ACK_INFER, /* the peer's ACK proves a SYN-ACK we did not see */
    G_RCV_ACK_FIN    /* ACK must cover our FIN */
};

struct cell {
    uint8_t next;  /* target state, KEEP or REUSE */
    uint8_t guard; /* enum guard */
};


/* The SENDER's and the RECEIVER's new state, by step and current state. */
extern const struct cell tcpstate__sender_next[TRACK_STEPS][TCPSTATE_STATE_COUNT];
extern const struct cell tcpstate__receiver_next[TRACK_STEPS][TCPSTATE_STATE_COUNT];

#endif
