/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Zeek emulation's per-flow record (struct zeek_rec), shared by its two
 * files: zeek.c writes it as packets arrive and works out when Zeek would
 * remove the connection; zeek_report.c reads the conn_state and history
 * Zeek would log from it. Internal to those two; the engine sees zeek.h.
 */
#ifndef TCPSTATE_ZEEK_REC_H
#define TCPSTATE_ZEEK_REC_H

#include <stdint.h>

#include "tcpstate.h"

#define ZEEK_HISTORY_CAP 38 /* letters the record holds; see the layout below */

/* Zeek's endpoint states. PARTIAL: seen only midstream. */
enum zk_state {
    ZK_INACTIVE = 0,
    ZK_SYN_SENT,
    ZK_SYN_ACK_SENT,
    ZK_PARTIAL,
    ZK_ESTABLISHED,
    ZK_CLOSED,
    ZK_RESET
};

/* Letters Zeek writes only once per direction (the first SYN or SYN-ACK, FIN
 * and RST also only once unless their position changes). */
enum zk_once {
    ONCE_SYN = 0x01, /* S and H share it */
    ONCE_FIN = 0x02,
    ONCE_RST = 0x04,
    ONCE_FINRST = 0x08, /* I */
    ONCE_DATA = 0x10,   /* D */
    ONCE_ACK = 0x20,    /* A */
    ONCE_MULTI = 0x40   /* Q */
};

/* Letters written on a logarithmic scale, one counter each per endpoint. */
enum zk_scaled { SC_C = 0, SC_T, SC_W, SC_COUNT };

/* Endpoint flags. */
#define EPF_DID_CLOSE 0x01u /* its close was reported (connection_closed ran for it) */
#define EPF_FIN_SEEN  0x02u /* it sent a FIN (endpoint size excludes the FIN octet) */
#define EPF_START_NEG 0x04u /* start_seq is -1: a midstream start at seq 0, or ack 0 */
#define EPF_SCALE_TOP 0x08u /* + zk_scaled: that counter passed ZK_SCALE_TOP once */

/* Connection flags. */
#define CF_ACTIVE   0x01u /* Zeek's "still interesting": ATTEMPT / EXPIRE may remove it */
#define CF_IDLE_TCP 0x02u /* past the handshake: the 300 s idle limit applies */
#define CF_CLOSING  0x04u /* a complete close happened: only DELETE is armed */

/*
 * Sequence values. Zeek tracks each endpoint's positions as 32-bit values
 * plus wrap counters, and the repeat tests of S/H, F and R compare 64-bit
 * positions relative to the endpoint's start. We keep those relative
 * positions as their low 32 bits: two positions that differ only in their
 * upper 32 bits are a multiple of 4 GiB apart (or one lies before the
 * start), which a retransmitted SYN, FIN or RST never is; storing 32 bits
 * leaves room for the history. Wrap counters are 16 bits, saturating; they are only ever tested
 * for zero or added above the 32-bit position, so they are exact for the
 * first 256 TiB of a direction.
 */
struct zeek_ep {
    uint32_t start_seq;        /* where its sequence space starts (EPF_START_NEG: -1) */
    uint32_t last_seq;         /* one past the highest sequence number it sent */
    uint32_t ack_seq;          /* highest ack the peer sent for its data */
    uint32_t last_syn;         /* relative position of its last SYN / SYN-ACK */
    uint32_t last_fin;         /* ... of its last FIN (after the FIN's payload) */
    uint32_t last_rst;         /* ... of its last RST */
    uint32_t scaled[SC_COUNT]; /* occurrences of C, T, W so far */
    uint16_t seq_wraps;
    uint16_t ack_wraps;
    uint8_t state;      /* enum zk_state */
    uint8_t prev_state; /* the state before the last change */
    uint8_t flags;      /* EPF_* */
    uint8_t once;       /* enum zk_once bits already written */
};

/*
 * Record layout (160 bytes): 4 timestamps (32), two endpoints (2 x 44), two
 * flag bytes, and the history in the remaining 38 bytes (no terminator is
 * stored). Times are nanoseconds on the caller's clock; a timer time of 0
 * means "not armed" (every armed time is at least 5 s after a timestamp).
 */
struct zeek_rec {
    uint64_t last_time;    /* Zeek's last_time: the last packet that counted */
    uint64_t expire_at[2]; /* next firing of the EXPIRE timer armed at creation, and of the
                              one armed by a half close */
    union {
        uint64_t attempt_at; /* before a complete close: the ATTEMPT timer */
        uint64_t delete_at;  /* after it (CF_CLOSING): the DELETE timer, which is then the
                                only analyzer timer left */
    } once_timer;
    struct zeek_ep ep[2]; /* [0] the flow's originator, [1] its responder */
    uint8_t cflags;       /* CF_* */
    uint8_t hist_len;
    char hist[ZEEK_HISTORY_CAP];
};

_Static_assert(sizeof(struct zeek_rec) <= TCPSTATE_HISTORY_BYTES,
               "the Zeek record must fit the per-flow history bytes");
_Static_assert(sizeof(struct zeek_rec) == TCPSTATE_HISTORY_BYTES,
               "no byte wasted: grow ZEEK_HISTORY_CAP with TCPSTATE_HISTORY_BYTES");
_Static_assert(ZEEK_HISTORY_CAP >= 32, "at least 32 history letters");
_Static_assert(ZEEK_HISTORY_CAP < 256, "hist_len is a byte");

static inline struct zeek_rec *rec_of(uint8_t *rec) { return (struct zeek_rec *)(void *)rec; }

static inline const struct zeek_rec *crec_of(const uint8_t *rec)
{
    return (const struct zeek_rec *)(const void *)rec;
}

#endif
