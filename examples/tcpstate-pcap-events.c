/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The engine callbacks of tcpstate-pcap. Each event becomes one output line
 * (text or JSON) at once, in frame order; each connection gets a small record
 * that collects its ladder arrows and, when the flow ends, what the library
 * says about it (counters, states, Zeek's conn_state and history) for the
 * summaries printed after the input ends.
 */
#include <stdlib.h>
#include <string.h>

#include "tcpstate-pcap.h"

/* The record of a flow, created at its first event (the flow-end event at
 * the latest: every flow gets one). */
static struct conn *conn_of(struct app *app, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct conn *c = tcpstate_flow_user(flow);
    if (c == NULL) {
        c = xcalloc(1, sizeof *c);
        c->ser_n = app->item_n;
        c->ser_phase = app->item_phase;
        c->ser_sub = app->item_sub++;
        memcpy(c->start, ev->before, 2);
        tcpstate_flow_set_user(flow, c);
    }
    return c;
}

/* The frame number a sniffer shows for the frame being fed, or 0 when no
 * frame caused the event (flows ended by time or at the end of input). */
static uint64_t event_frame(const struct app *app, const tcpstate_event *ev)
{
    return ev->frame != 0 ? app->frame_no : 0;
}

static void frame_text(char *buf, size_t len, uint64_t frame)
{
    if (frame == 0) {
        snprintf(buf, len, "-");
    } else {
        snprintf(buf, len, "%llu", (unsigned long long)frame);
    }
}

/* Say what a sequence or acknowledgment number is. A SYN's sequence number
 * is its sender's ISN by definition; "ISN+1" is only claimed for a side whose
 * SYN the library saw (TCPSTATE_SYNOPT_SEEN), so that the first number seen
 * from a flow picked up midstream (which the library also keeps in the isn
 * field) is not presented as an ISN. */
static void note_numbers(const tcpstate_flow_info *fi, const tcpstate_packet *p, unsigned from,
                         struct arrow *a)
{
    unsigned peer = from ^ 1u;
    a->seq_note = NOTE_NONE;
    a->ack_note = NOTE_NONE;
    if (p->tcp_flags & TCPSTATE_TH_SYN) {
        a->seq_note = NOTE_ISN;
    } else if ((fi->syn_opts[from] & TCPSTATE_SYNOPT_SEEN) && p->seq == fi->isn[from] + 1u) {
        a->seq_note = NOTE_ISN1;
    }
    if ((p->tcp_flags & TCPSTATE_TH_ACK) && (fi->syn_opts[peer] & TCPSTATE_SYNOPT_SEEN) &&
        p->ack == fi->isn[peer] + 1u) {
        a->ack_note = NOTE_ISN1;
    }
}

/* Ladder: one arrow per frame; later events of the same frame only update
 * the states after it. */
static void ladder_record(struct conn *c, const struct arrow *a)
{
    if (c->n_arrows > 0 && c->arrows[c->n_arrows - 1].frame == a->frame) {
        struct arrow *last = &c->arrows[c->n_arrows - 1];
        memcpy(last->after, a->after, 2);
        last->evflags |= a->evflags;
        return;
    }
    if (c->n_arrows == LADDER_MAX_ARROWS) {
        c->arrows_dropped++;
        return;
    }
    if (c->arrows == NULL) {
        c->arrows = xcalloc(LADDER_MAX_ARROWS, sizeof *c->arrows);
    }
    c->arrows[c->n_arrows++] = *a;
}

/* A state change belongs to the arrow of its frame, if that one was drawn. */
static void ladder_update(struct conn *c, uint64_t frame, const uint8_t after[2])
{
    if (c->n_arrows > 0 && c->arrows[c->n_arrows - 1].frame == frame) {
        memcpy(c->arrows[c->n_arrows - 1].after, after, 2);
    }
}

/* ---------------------------------------------------------------- printing */

static const char *state(uint8_t s) { return tcpstate_state_name((tcpstate_tcp_state)s); }

static void json_head(const struct app *app, const char *name, uint64_t frame, uint64_t ts,
                      const tcpstate_flow_info *fi)
{
    char t[32], oh[64], rh[64];
    fmt_secs(t, sizeof t, ts);
    fmt_addr(oh, sizeof oh, fi->ip_version, fi->addr[TCPSTATE_ORIG]);
    fmt_addr(rh, sizeof rh, fi->ip_version, fi->addr[TCPSTATE_RESP]);
    fprintf(app->out, "{\"type\":\"event\",\"event\":\"%s\",\"frame\":", name);
    if (frame == 0) {
        fputs("null", app->out);
    } else {
        fprintf(app->out, "%llu", (unsigned long long)frame);
    }
    fprintf(app->out, ",\"ts\":%s,\"orig_h\":", t);
    json_str(app->out, oh);
    fprintf(app->out, ",\"orig_p\":%u,\"resp_h\":", (unsigned)fi->port[TCPSTATE_ORIG]);
    json_str(app->out, rh);
    fprintf(app->out, ",\"resp_p\":%u", (unsigned)fi->port[TCPSTATE_RESP]);
}

static void json_number(FILE *out, const char *key, uint32_t v, int present, uint8_t note)
{
    const char *n = note_text(note);
    if (present) {
        fprintf(out, ",\"%s\":%u", key, (unsigned)v);
    } else {
        fprintf(out, ",\"%s\":null", key);
    }
    if (n != NULL) {
        fprintf(out, ",\"%s_note\":\"%s\"", key, n);
    } else {
        fprintf(out, ",\"%s_note\":null", key);
    }
}

static void print_packet(const struct app *app, const tcpstate_flow_info *fi,
                         const tcpstate_event *ev, const struct arrow *a)
{
    const char *name = tcpstate_event_name((tcpstate_event_kind)ev->kind);
    int has_ack = (a->tcp_flags & TCPSTATE_TH_ACK) != 0;
    FILE *out = app->out;

    if (app->opt.json) {
        char fl[64];
        fmt_tcp_names(fl, sizeof fl, a->tcp_flags);
        json_head(app, name, a->frame, a->ts, fi);
        fprintf(out, ",\"sender\":\"%s\",\"tcp_flags\":\"%s\"", side_name(a->from), fl);
        json_number(out, "seq", a->seq, 1, a->seq_note);
        json_number(out, "ack", a->ack, has_ack, a->ack_note);
        fprintf(out, ",\"client_state\":\"%s\",\"server_state\":\"%s\",\"flags\":",
                state(ev->after[TCPSTATE_ORIG]), state(ev->after[TCPSTATE_RESP]));
        json_evflags(out, ev->flags);
        fputs("}\n", out);
        return;
    }
    char fr[24], t[48], src[80], dst[80], letters[16], bracketed[20], evf[128];
    unsigned to = a->from ^ 1u;
    frame_text(fr, sizeof fr, a->frame);
    fmt_time(t, sizeof t, a->ts);
    fmt_endpoint(src, sizeof src, fi->ip_version, fi->addr[a->from], fi->port[a->from]);
    fmt_endpoint(dst, sizeof dst, fi->ip_version, fi->addr[to], fi->port[to]);
    fmt_tcp_letters(letters, sizeof letters, a->tcp_flags);
    snprintf(bracketed, sizeof bracketed, "[%s]", letters);
    fprintf(out, "%4s %s  %-21s > %-21s  %-7s %-5s seq=%u", fr, t, src, dst, name, bracketed,
            (unsigned)a->seq);
    if (note_text(a->seq_note) != NULL) {
        fprintf(out, " (%s)", note_text(a->seq_note));
    }
    if (has_ack) {
        fprintf(out, " ack=%u", (unsigned)a->ack);
        if (note_text(a->ack_note) != NULL) {
            fprintf(out, " (%s)", note_text(a->ack_note));
        }
    } else {
        fputs(" ack=-", out);
    }
    fprintf(out, " client=%s server=%s", state(ev->after[TCPSTATE_ORIG]),
            state(ev->after[TCPSTATE_RESP]));
    fmt_evflags(evf, sizeof evf, ev->flags, " ");
    fprintf(out, "%s%s\n", evf[0] ? " " : "", evf);
}

/* Text lines of STATE and END events start like packet lines, with the
 * flow's client > server in place of the packet's source > destination. */
static void text_flow_head(const struct app *app, const tcpstate_flow_info *fi, uint64_t frame,
                           uint64_t ts, const char *name)
{
    char fr[24], t[48], o[80], r[80];
    frame_text(fr, sizeof fr, frame);
    fmt_time(t, sizeof t, ts);
    fmt_endpoint(o, sizeof o, fi->ip_version, fi->addr[TCPSTATE_ORIG], fi->port[TCPSTATE_ORIG]);
    fmt_endpoint(r, sizeof r, fi->ip_version, fi->addr[TCPSTATE_RESP], fi->port[TCPSTATE_RESP]);
    fprintf(app->out, "%4s %s  %-21s > %-21s  %-7s", fr, t, o, r, name);
}

static void print_state(const struct app *app, const tcpstate_flow_info *fi,
                        const tcpstate_event *ev, uint64_t frame)
{
    const char *from = state(ev->before[ev->side]), *to = state(ev->after[ev->side]);
    if (app->opt.json) {
        json_head(app, "STATE", frame, ev->ts, fi);
        fprintf(app->out,
                ",\"endpoint\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"client_state\":\"%s\","
                "\"server_state\":\"%s\",\"flags\":",
                side_name(ev->side), from, to, state(ev->after[TCPSTATE_ORIG]),
                state(ev->after[TCPSTATE_RESP]));
        json_evflags(app->out, ev->flags);
        fputs("}\n", app->out);
        return;
    }
    text_flow_head(app, fi, frame, ev->ts, "STATE");
    fprintf(app->out, " %s %s -> %s\n", side_name(ev->side), from, to);
}

static void print_end(const struct app *app, const struct conn *c, const tcpstate_event *ev,
                      uint64_t frame, const char *history)
{
    const tcpstate_flow_info *fi = &c->info;
    /* At the finish, flows end at the time of the last frame read, whichever
     * engine (--workers) they ran on. */
    uint64_t ts = app->item_phase == PH_FINISH ? app->finish_ts : ev->ts;
    const char *reason = tcpstate_end_reason_name((tcpstate_end_reason)ev->reason);
    const char *cs = c->have_conn_state ? tcpstate_conn_state_name(c->conn_state) : "-";
    if (app->opt.json) {
        json_head(app, "END", frame, ts, fi);
        fprintf(app->out,
                ",\"reason\":\"%s\",\"client_state\":\"%s\",\"server_state\":\"%s\","
                "\"conn_state\":",
                reason, state(ev->after[TCPSTATE_ORIG]), state(ev->after[TCPSTATE_RESP]));
        if (c->have_conn_state) {
            json_str(app->out, cs);
        } else {
            fputs("null", app->out);
        }
        fputs(",\"history\":", app->out);
        json_str(app->out, history);
        fputs("}\n", app->out);
        return;
    }
    text_flow_head(app, fi, frame, ts, "END");
    fprintf(app->out, " %s client=%s server=%s conn_state=%s history=%s\n", reason,
            state(ev->after[TCPSTATE_ORIG]), state(ev->after[TCPSTATE_RESP]), cs,
            history[0] ? history : "-");
}

/* ---------------------------------------------------------------- callbacks */

/* SYN, SYN-ACK, ACK, FIN and RST. */
static int on_packet(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct app *app = user;
    struct conn *c = conn_of(app, flow, ev);
    tcpstate_flow_info fi;
    struct arrow a;

    if (ev->pkt == NULL || tcpstate_flow_get_info(flow, &fi) != TCPSTATE_OK) {
        return TCPSTATE_CB_CONTINUE; /* never the case for packet events */
    }
    memset(&a, 0, sizeof a);
    a.frame = event_frame(app, ev);
    a.ts = ev->ts;
    a.seq = ev->pkt->seq;
    a.ack = ev->pkt->ack;
    a.evflags = ev->flags;
    a.tcp_flags = ev->pkt->tcp_flags;
    a.from = (uint8_t)(ev->dir & 1u);
    memcpy(a.after, ev->after, 2);
    note_numbers(&fi, ev->pkt, a.from, &a);
    if (!app->opt.quiet) {
        print_packet(app, &fi, ev, &a);
    }
    if (app->opt.ladder) {
        ladder_record(c, &a);
    }
    return TCPSTATE_CB_CONTINUE;
}

static int on_state_change(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct app *app = user;
    struct conn *c = conn_of(app, flow, ev);
    uint64_t frame = event_frame(app, ev);
    if (!app->opt.quiet) {
        tcpstate_flow_info fi;
        if (tcpstate_flow_get_info(flow, &fi) == TCPSTATE_OK) {
            print_state(app, &fi, ev, frame);
        }
    }
    if (app->opt.ladder) {
        ladder_update(c, frame, ev->after);
    }
    return TCPSTATE_CB_CONTINUE;
}

static int on_flow_end(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct app *app = user;
    struct conn *c = conn_of(app, flow, ev);
    char history[TCPSTATE_HISTORY_BYTES];

    (void)tcpstate_flow_get_info(flow, &c->info);
    c->have_conn_state = tcpstate_flow_conn_state(ev->engine, flow, &c->conn_state) == TCPSTATE_OK;
    if (tcpstate_flow_history(ev->engine, flow, history, sizeof history) != TCPSTATE_OK) {
        history[0] = '\0';
    }
    c->end_reason = ev->reason;
    if (!app->opt.quiet) {
        print_end(app, c, ev, event_frame(app, ev), history);
        if (app->recording && app->item_phase != PH_FRAME) {
            /* Ordered among the ends of the same sweep by their deadlines,
             * at the finish by last activity (oldest first, as an engine
             * finishes its flows). */
            rec_cut(app, c, app->item_phase == PH_FINISH ? c->info.last_ts : ev->ts);
        }
    }
    tcpstate_flow_set_user(flow, NULL);

    if (!app->opt.conn && !app->opt.ladder) {
        free(c->arrows);
        free(c);
        return TCPSTATE_CB_CONTINUE;
    }
    c->history = xstrdup(history);
    if (app->n_done == app->cap_done) {
        app->cap_done = app->cap_done ? app->cap_done * 2 : 256;
        app->done = xrealloc(app->done, app->cap_done * sizeof *app->done);
    }
    app->done[app->n_done++] = c;
    return TCPSTATE_CB_CONTINUE;
}

void events_callbacks(tcpstate_callbacks *cb)
{
    memset(cb, 0, sizeof *cb);
    cb->on_syn = on_packet;
    cb->on_synack = on_packet;
    cb->on_ack = on_packet;
    cb->on_fin = on_packet;
    cb->on_rst = on_packet;
    cb->on_state_change = on_state_change;
    cb->on_flow_end = on_flow_end;
}
