/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What Zeek would log for a connection, read from the record zeek.c keeps
 * (zeek_rec.h): its conn_state and its history string. Nothing here
 * changes the record.
 */
#include <string.h>

#include "zeek.h"
#ifndef TCPSTATE_NO_ZEEK

#include "zeek_rec.h"

/* Sequence space an endpoint used, as Zeek sizes it (only "is it zero"
 * matters here, for telling a rejection from a reset). */
static uint64_t ep_size(const struct zeek_ep *x, const struct zeek_ep *peer)
{
    uint64_t start = (x->flags & EPF_START_NEG) ? UINT64_MAX : x->start_seq;
    uint64_t last = ((uint64_t)x->seq_wraps << 32) + x->last_seq;
    uint64_t acked = ((uint64_t)x->ack_wraps << 32) + x->ack_seq;
    /* 64-bit arithmetic as Zeek does it: with a start of -1, start + 1 is 0. */
    int no_data_acked = acked == start || acked == start + 1u;
    if (x->prev_state == ZK_SYN_SENT && x->state == ZK_RESET && peer->state == ZK_INACTIVE &&
        !no_data_acked) {
        return 0;
    }
    uint64_t n = (last > acked ? last : acked) - start;
    if (n != 0) {
        n--; /* the SYN (or the pretended one of a midstream start) */
    }
    if ((x->flags & EPF_FIN_SEEN) && n != 0) {
        n--;
    }
    return n;
}

/* Zeek's RSTOS0 test on the history: an optional '^', the originator's 'S',
 * then its 'R' before any of its H, A, F, G, I or Q (case matters). */
static int history_is_syn_then_rst(const struct zeek_rec *r)
{
    unsigned i = 0;
    if (i < r->hist_len && r->hist[i] == '^') {
        i++;
    }
    if (i >= r->hist_len || r->hist[i] != 'S') {
        return 0;
    }
    for (i++; i < r->hist_len; i++) {
        switch (r->hist[i]) {
        case 'R':
            return 1;
        case 'H':
        case 'A':
        case 'F':
        case 'G':
        case 'I':
        case 'Q':
            return 0;
        default:
            break;
        }
    }
    return 0;
}

/* Zeek's conn_state by the two endpoint states, [originator][responder],
 * as one table (smaller than the tests it replaces). Two cells depend on
 * more than the states: both reset (REJ if neither side used any sequence
 * space, else RSTR), and the originator reset while the responder is
 * inactive or partial (RSTOS0 if the history is SYN then RST, else OTH). */
enum {
    CS_REJ_IF_EMPTY = TCPSTATE_CONN_COUNT,
    CS_RSTOS0_IF_SYN_RST
};
#define CS(x) TCPSTATE_CONN_##x
/* clang-format off */
static const uint8_t conn_states[ZK_RESET + 1][ZK_RESET + 1] = {
    /* resp:            INACTIVE  SYN_SENT  SYN_ACK   PARTIAL   ESTAB     CLOSED    RESET */
    [ZK_INACTIVE]     = {CS(OTH),  CS(OTH),  CS(OTH),  CS(OTH),  CS(OTH),  CS(SHR),  CS(RSTRH)},
    [ZK_SYN_SENT]     = {CS(S0),   CS(OTH),  CS(OTH),  CS(OTH),  CS(OTH),  CS(S3),   CS(REJ)},
    [ZK_SYN_ACK_SENT] = {CS(OTH),  CS(OTH),  CS(OTH),  CS(OTH),  CS(OTH),  CS(S3),   CS(REJ)},
    [ZK_PARTIAL]      = {CS(OTH),  CS(OTH),  CS(OTH),  CS(OTH),  CS(OTH),  CS(SHR),  CS(RSTRH)},
    [ZK_ESTABLISHED]  = {CS(OTH),  CS(OTH),  CS(OTH),  CS(OTH),  CS(S1),   CS(S3),   CS(RSTR)},
    [ZK_CLOSED]       = {CS(SH),   CS(S2),   CS(S2),   CS(SH),   CS(S2),   CS(SF),   CS(RSTR)},
    [ZK_RESET]        = {CS_RSTOS0_IF_SYN_RST, CS(RSTO), CS(RSTO), CS_RSTOS0_IF_SYN_RST,
                         CS(RSTO), CS(RSTO), CS_REJ_IF_EMPTY},
};
/* clang-format on */
#undef CS

/* Endpoint states are only ever set from enum zk_state (set_state()), so
 * both indexes are in range. */
tcpstate_conn_state tcpstate__zeek_conn_state(const uint8_t *rec)
{
    const struct zeek_rec *r = crec_of(rec);
    const struct zeek_ep *o = &r->ep[0], *s = &r->ep[1];
    unsigned c = conn_states[o->state][s->state];
    if (c == CS_REJ_IF_EMPTY) {
        c = ep_size(o, s) == 0 && ep_size(s, o) == 0 ? TCPSTATE_CONN_REJ : TCPSTATE_CONN_RSTR;
    } else if (c == CS_RSTOS0_IF_SYN_RST) {
        c = history_is_syn_then_rst(r) ? TCPSTATE_CONN_RSTOS0 : TCPSTATE_CONN_OTH;
    }
    return (tcpstate_conn_state)c;
}

size_t tcpstate__zeek_history(const uint8_t *rec, char *buf, size_t len)
{
    const struct zeek_rec *r = crec_of(rec);
    size_t n = r->hist_len;
    if (len == 0) {
        return n;
    }
    size_t k = n < len - 1u ? n : len - 1u;
    memcpy(buf, r->hist, k);
    buf[k] = '\0';
    return n;
}

#else
typedef int tcpstate__zeek_report_left_out; /* ISO C: no empty translation unit */
#endif
