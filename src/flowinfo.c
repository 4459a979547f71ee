/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the engine tells the application about its flows: states, facts,
 * user data, Zeek conn_state and history, iteration, and the counters. All
 * read-only (but for the user pointer), so all of it is fine from callbacks.
 */
#include <string.h>

#include "compact.h"
#include "engine.h"
#include "tcpstate.h"
#include "zeek.h"

tcpstate_tcp_state tcpstate_flow_state(const tcpstate_flow *flow, tcpstate_side side)
{
    if (flow == NULL || (unsigned)side > 1u) {
        return TCPSTATE_CLOSED;
    }
    return (tcpstate_tcp_state)flow->ep[side].state;
}

void *tcpstate_flow_user(const tcpstate_flow *flow) { return flow != NULL ? flow->user : NULL; }

void tcpstate_flow_set_user(tcpstate_flow *flow, void *ptr)
{
    if (flow != NULL) {
        flow->user = ptr;
    }
}

void *tcpstate_flow_user_bytes(const tcpstate_engine *e, tcpstate_flow *flow)
{
    if (e == NULL || flow == NULL || e->user_bytes == 0) {
        return NULL;
    }
    return tcpstate__ft_ext(&e->ft, flow);
}

uint8_t *tcpstate__flow_history_record(const tcpstate_engine *e, const struct tcpstate_flow *f)
{
#ifdef TCPSTATE_NO_ZEEK /* TCPSTATE_F_HISTORY is refused: never a record */
    (void)e, (void)f;
    return NULL;
#else
    if (e->history_offset == UINT32_MAX) {
        return NULL;
    }
    return tcpstate__ft_ext(&e->ft, f) + e->history_offset;
#endif
}

/* Payload bytes an endpoint sent: the sequence space it consumed, less its
 * SYN and FIN. */
static uint64_t endpoint_bytes(const struct endpoint *ep)
{
    uint64_t n = ((uint64_t)ep->wraps << 32) + (uint32_t)(ep->nxt - ep->isn);
    unsigned controls = ((ep->flags & EP_SYN) ? 1u : 0u) + ((ep->flags & EP_FIN) ? 1u : 0u);
    return n >= controls ? n - controls : 0;
}

/* A round-trip time from its minifloat (us) in ns. Out of line when built
 * for size: one copy of the 64-bit shift and multiply serves both times. */
#if defined(__GNUC__) && defined(__OPTIMIZE_SIZE__)
__attribute__((noinline))
#endif
static uint64_t rtt_ns(uint16_t code)
{
    return u16f_decode(code) * 1000u;
}

tcpstate_status tcpstate_flow_get_info(const tcpstate_flow *flow, tcpstate_flow_info *info)
{
    if (flow == NULL || info == NULL) {
        return TCPSTATE_E_INVAL;
    }
    memset(info, 0, sizeof *info);
    int orig_hi = (flow->fflags & FF_ORIG_IS_HI) != 0;
    int v6 = (flow->key.tag & FT_KEY_V6) != 0;
    info->ip_version = (uint8_t)(v6 ? 6 : 4);
    info->vlan = (uint16_t)(flow->key.tag & 0x0fffu);
    for (unsigned s = 0; s < 2; s++) {
        unsigned k = s == TCPSTATE_ORIG ? (unsigned)orig_hi : (unsigned)!orig_hi;
        const struct endpoint *ep = &flow->ep[s];
        /* (4 bytes of an IPv4 key: the table keeps a value after them.) */
        memcpy(info->addr[s], flow->key.addr[k], v6 ? 16u : 4u);
        info->port[s] = flow->key.port[k];
        info->state[s] = ep->state;
        info->isn[s] = ep->isn;
        info->pkts[s] = ep->pkts;
        info->bytes[s] = endpoint_bytes(ep);
        info->mss[s] = ep->mss;
        uint8_t so = 0;
        if (ep->flags & EP_SYN) {
            so |= TCPSTATE_SYNOPT_SEEN;
            so |= ep->mss ? TCPSTATE_SYNOPT_MSS : 0u;
            so |= (ep->synopt >> 4) ? TCPSTATE_SYNOPT_WSCALE : 0u;
            so |= (ep->synopt & EP_OPT_SACK_PERM) ? TCPSTATE_SYNOPT_SACK_PERM : 0u;
            so |= (ep->synopt & EP_OPT_TIMESTAMP) ? TCPSTATE_SYNOPT_TIMESTAMP : 0u;
            so |= (ep->synopt & EP_OPT_TFO) ? TCPSTATE_SYNOPT_TFO : 0u;
        }
        info->syn_opts[s] = so;
        info->wscale[s] = (uint8_t)((ep->synopt >> 4) ? (ep->synopt >> 4) - 1u : 0u);
    }
    uint8_t fl = 0;
    fl |= (flow->fflags & FF_MIDSTREAM) ? TCPSTATE_FLOW_MIDSTREAM : 0u;
    fl |= (flow->fflags & FF_HANDSHAKE) ? TCPSTATE_FLOW_HANDSHAKE : 0u;
    fl |= (flow->fflags & FF_RESET) ? TCPSTATE_FLOW_RESET : 0u;
    fl |= (flow->fflags & FF_CLOSED) ? TCPSTATE_FLOW_CLOSED : 0u;
    info->flags = fl;
    info->first_ts = flow->first_ts;
    info->last_ts = tcpstate__flow_last_ts(flow);
    info->rtt_syn_synack = rtt_ns(flow->rtt[0]);
    info->rtt_synack_ack = rtt_ns(flow->rtt[1]);
    return TCPSTATE_OK;
}

tcpstate_status tcpstate_foreach(tcpstate_engine *e, tcpstate_flow_visitor fn, void *user)
{
    if (e == NULL || fn == NULL) {
        return TCPSTATE_E_INVAL;
    }
    uint8_t was = e->in_callback;
    e->in_callback = 1; /* the visitor must not feed the engine while we walk its lists */
    for (unsigned c = 0; c < CLS_COUNT; c++) {
        struct tcpstate_flow *f = tcpstate__ft_oldest(&e->ft, (enum flow_class)c);
        while (f != NULL) {
            struct tcpstate_flow *next = tcpstate__ft_newer(&e->ft, f);
            if (fn(user, f) != 0) {
                e->in_callback = was;
                return TCPSTATE_OK;
            }
            f = next;
        }
    }
    e->in_callback = was;
    return TCPSTATE_OK;
}

tcpstate_status tcpstate_get_stats(const tcpstate_engine *e, tcpstate_stats *out)
{
    if (e == NULL || out == NULL) {
        return TCPSTATE_E_INVAL;
    }
    *out = e->stats;
    out->frames = e->frame_no; /* the same count: kept once (feed.c) */
    out->flows_active = e->ft.used;
    return TCPSTATE_OK;
}

tcpstate_status tcpstate_flow_conn_state(const tcpstate_engine *e, const tcpstate_flow *flow,
                                         tcpstate_conn_state *out)
{
    if (e == NULL || flow == NULL || out == NULL) {
        return TCPSTATE_E_INVAL;
    }
#ifndef TCPSTATE_NO_ZEEK /* else TCPSTATE_F_HISTORY is refused: never a record */
    if (e->history_offset != UINT32_MAX) {
        *out = tcpstate__zeek_conn_state(tcpstate__flow_history_record(e, flow));
        return TCPSTATE_OK;
    }
#endif
    return TCPSTATE_E_DISABLED;
}

tcpstate_status tcpstate_flow_history(const tcpstate_engine *e, const tcpstate_flow *flow,
                                      char *buf, size_t len)
{
    if (e == NULL || flow == NULL || buf == NULL || len == 0) {
        return TCPSTATE_E_INVAL;
    }
#ifndef TCPSTATE_NO_ZEEK /* else TCPSTATE_F_HISTORY is refused: never a record */
    if (e->history_offset != UINT32_MAX) {
        (void)tcpstate__zeek_history(tcpstate__flow_history_record(e, flow), buf, len);
        return TCPSTATE_OK;
    }
#endif
    buf[0] = '\0';
    return TCPSTATE_E_DISABLED;
}
