/* SPDX-License-Identifier: BSD-2-Clause */
#include "support/recorder.h"

#include <stdio.h>
#include <string.h>

static const char *short_flag_names[] = {"retx",   "oow",   "mid",       "new",
                                            "badack", "simul", "data",      "implausible",
                                            "inexact"};

static void append(struct recorder *rec, const char *s)
{
    size_t n = strlen(s);
    if (rec->len + n + 1 >= sizeof rec->log) {
        return;
    }
    memcpy(rec->log + rec->len, s, n + 1);
    rec->len += n;
}

static int on_event(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct recorder *rec = user;
    char tok[160];

    rec->last_flow = flow;
    if (rec->any) {
        append(rec, ev->frame != rec->last_frame || ev->frame == 0 ? "; " : " ");
    }
    rec->any = 1;
    rec->last_frame = ev->frame;
    if (ev->kind < TCPSTATE_EV_COUNT) {
        rec->counts[ev->kind]++;
    }

    if (ev->kind == TCPSTATE_EV_STATE_CHANGE) {
        snprintf(tok, sizeof tok, "%c:%s>%s", ev->side == TCPSTATE_ORIG ? 'o' : 'r',
                 tcpstate_state_name((tcpstate_tcp_state)ev->before[ev->side]),
                 tcpstate_state_name((tcpstate_tcp_state)ev->after[ev->side]));
    } else if (ev->kind == TCPSTATE_EV_FLOW_END) {
        snprintf(tok, sizeof tok, "END(%s)",
                 tcpstate_end_reason_name((tcpstate_end_reason)ev->reason));
    } else {
        size_t n = (size_t)snprintf(tok, sizeof tok, "%s(%c",
                                    tcpstate_event_name((tcpstate_event_kind)ev->kind),
                                    ev->dir == TCPSTATE_ORIG ? 'o' : 'r');
        for (unsigned b = 0; b < sizeof short_flag_names / sizeof *short_flag_names; b++) {
            if (ev->flags & rec->show_flags & (1u << b)) {
                n += (size_t)snprintf(tok + n, sizeof tok - n, ",%s", short_flag_names[b]);
            }
        }
        snprintf(tok + n, sizeof tok - n, ")");
    }
    append(rec, tok);

    if (rec->try_reenter) {
        static const uint8_t nothing[1];
        rec->reenter_status = tcpstate_feed(rec->engine, TCPSTATE_LINKTYPE_RAW, nothing, 1, 1, 0);
        rec->try_reenter = 0;
    }
    if (rec->act_kind >= 0 && ev->kind == (unsigned)rec->act_kind && --rec->act_nth == 0) {
        rec->act_kind = -1;
        return rec->act_result;
    }
    return TCPSTATE_CB_CONTINUE;
}

void recorder_callbacks(tcpstate_callbacks *cb)
{
    memset(cb, 0, sizeof *cb);
    cb->on_syn = on_event;
    cb->on_synack = on_event;
    cb->on_ack = on_event;
    cb->on_fin = on_event;
    cb->on_rst = on_event;
    cb->on_state_change = on_event;
    cb->on_flow_end = on_event;
}

tcpstate_engine *recorder_start(struct recorder *rec, void *mem, size_t len,
                                const tcpstate_config *cfg)
{
    tcpstate_config def;
    tcpstate_callbacks cb;
    memset(rec, 0, sizeof *rec);
    rec->act_kind = -1;
    rec->show_flags = TCPSTATE_EVF_RETRANSMIT | TCPSTATE_EVF_OUT_OF_WINDOW | TCPSTATE_EVF_BAD_ACK |
                      TCPSTATE_EVF_SIMULTANEOUS | TCPSTATE_EVF_IMPLAUSIBLE |
                      TCPSTATE_EVF_RST_INEXACT;
    rec->frame_ts = UINT64_C(1000000000);
    if (cfg == NULL) {
        tcpstate_config_init(&def);
        def.max_flows = 64;
#ifndef TCPSTATE_NO_ZEEK /* refused in a build without the Zeek emulation */
        def.flags |= TCPSTATE_F_HISTORY;
#endif
        cfg = &def;
    }
    recorder_callbacks(&cb);
    if (tcpstate_init(mem, len, cfg, &cb, rec, &rec->engine) != TCPSTATE_OK) {
        return NULL;
    }
    return rec->engine;
}

tcpstate_status recorder_feed_at(struct recorder *rec, const struct seg *s, uint64_t ts)
{
    return tcpstate_feed(rec->engine, TCPSTATE_LINKTYPE_ETHERNET, s->bytes, s->len, s->len, ts);
}

tcpstate_status recorder_feed(struct recorder *rec, const struct seg *s)
{
    tcpstate_status st = recorder_feed_at(rec, s, rec->frame_ts);
    rec->frame_ts += UINT64_C(1000000);
    return st;
}

size_t recorder_play(struct recorder *rec, const struct step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct step *st = &steps[i];
        struct seg s = seg_make(st->from, st->to, st->flags, st->seq, st->ack, st->len);
        if (s.len == 0 || recorder_feed(rec, &s) != TCPSTATE_OK) {
            return i;
        }
    }
    return n;
}

const char *recorder_log(const struct recorder *rec) { return rec->log; }

void recorder_clear(struct recorder *rec)
{
    rec->len = 0;
    rec->log[0] = '\0';
    rec->any = 0;
}

tcpstate_flow *recorder_flow(const struct recorder *rec) { return rec->last_flow; }
