/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What tcpstate-pcap prints after the input ends: a ladder diagram per
 * connection (--ladder) and one summary row per connection (--conn), both in
 * order of each connection's first packet, as text or JSON lines.
 */
#include <stdlib.h>
#include <string.h>

#include "tcpstate-pcap.h"

/* ---------------------------------------------------------------- order */

static int by_first_packet(const void *pa, const void *pb)
{
    const struct conn *a = *(const struct conn *const *)pa;
    const struct conn *b = *(const struct conn *const *)pb;
    if (a->info.first_ts != b->info.first_ts) {
        return a->info.first_ts < b->info.first_ts ? -1 : 1;
    }
    /* Then in order of first sight; flows first heard of at one sweep or at
     * the finish (their end was their first event) by their endpoints. */
    if (a->ser_n != b->ser_n) {
        return a->ser_n < b->ser_n ? -1 : 1;
    }
    if (a->ser_phase != b->ser_phase) {
        return a->ser_phase < b->ser_phase ? -1 : 1;
    }
    if (a->ser_phase == PH_FRAME && a->ser_sub != b->ser_sub) {
        return a->ser_sub < b->ser_sub ? -1 : 1;
    }
    int c = memcmp(a->info.addr, b->info.addr, sizeof a->info.addr);
    if (c != 0) {
        return c;
    }
    return memcmp(a->info.port, b->info.port, sizeof a->info.port);
}

static const char *state(uint8_t s) { return tcpstate_state_name((tcpstate_tcp_state)s); }

static const char *conn_state(const struct conn *c)
{
    return c->have_conn_state ? tcpstate_conn_state_name(c->conn_state) : NULL;
}

static const char *end_reason(const struct conn *c)
{
    return tcpstate_end_reason_name((tcpstate_end_reason)c->end_reason);
}

/* ---------------------------------------------------------------- --conn */

static const char *const conn_fields =
    "ts\torig_h\torig_p\tresp_h\tresp_p\tconn_state\thistory\torig_state\tresp_state\t"
    "orig_pkts\tresp_pkts\tduration\torig_bytes\tresp_bytes\trtt_syn_synack\trtt_synack_ack\t"
    "end_reason";

/* Zeek's types of those columns, for the #types line of its log format. */
static const char *const conn_types =
    "time\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\t"
    "count\tcount\tinterval\tcount\tcount\tinterval\tinterval\tstring";

static void secs_or_unset(char *buf, size_t len, uint64_t ns, const char *unset)
{
    if (ns == 0) {
        snprintf(buf, len, "%s", unset);
    } else {
        fmt_secs(buf, len, ns);
    }
}

/* The opening of a JSON object about one connection: its type, when it began,
 * its endpoints, conn_state and history (the rest follows, then "}"). */
static void json_conn_head(FILE *out, const char *type, const struct conn *c)
{
    const tcpstate_flow_info *fi = &c->info;
    char ts[32], oh[64], rh[64];
    const char *cs = conn_state(c);

    fmt_secs(ts, sizeof ts, fi->first_ts);
    fmt_addr(oh, sizeof oh, fi->ip_version, fi->addr[TCPSTATE_ORIG]);
    fmt_addr(rh, sizeof rh, fi->ip_version, fi->addr[TCPSTATE_RESP]);
    fprintf(out, "{\"type\":\"%s\",\"ts\":%s,\"orig_h\":", type, ts);
    json_str(out, oh);
    fprintf(out, ",\"orig_p\":%u,\"resp_h\":", (unsigned)fi->port[0]);
    json_str(out, rh);
    fprintf(out, ",\"resp_p\":%u,\"conn_state\":", (unsigned)fi->port[1]);
    if (cs != NULL) {
        json_str(out, cs);
    } else {
        fputs("null", out);
    }
    fputs(",\"history\":", out);
    json_str(out, c->history);
}

static void conn_row(FILE *out, const struct conn *c, int json)
{
    const tcpstate_flow_info *fi = &c->info;
    char ts[32], dur[32], r1[32], r2[32], oh[64], rh[64];
    const char *cs = conn_state(c);

    fmt_secs(ts, sizeof ts, fi->first_ts);
    fmt_secs(dur, sizeof dur, fi->last_ts - fi->first_ts);
    secs_or_unset(r1, sizeof r1, fi->rtt_syn_synack, json ? "null" : "-");
    secs_or_unset(r2, sizeof r2, fi->rtt_synack_ack, json ? "null" : "-");
    fmt_addr(oh, sizeof oh, fi->ip_version, fi->addr[TCPSTATE_ORIG]);
    fmt_addr(rh, sizeof rh, fi->ip_version, fi->addr[TCPSTATE_RESP]);

    if (!json) {
        fprintf(out, "%s\t%s\t%u\t%s\t%u\t%s\t%s\t%s\t%s\t%u\t%u\t%s\t%llu\t%llu\t%s\t%s\t%s\n", ts,
                oh, (unsigned)fi->port[0], rh, (unsigned)fi->port[1], cs ? cs : "-",
                c->history[0] ? c->history : "-", state(fi->state[0]), state(fi->state[1]),
                (unsigned)fi->pkts[0], (unsigned)fi->pkts[1], dur, (unsigned long long)fi->bytes[0],
                (unsigned long long)fi->bytes[1], r1, r2, end_reason(c));
        return;
    }
    json_conn_head(out, "conn", c);
    fprintf(out,
            ",\"orig_state\":\"%s\",\"resp_state\":\"%s\",\"orig_pkts\":%u,\"resp_pkts\":%u,"
            "\"duration\":%s,\"orig_bytes\":%llu,\"resp_bytes\":%llu,\"rtt_syn_synack\":%s,"
            "\"rtt_synack_ack\":%s,\"end_reason\":\"%s\"}\n",
            state(fi->state[0]), state(fi->state[1]), (unsigned)fi->pkts[0], (unsigned)fi->pkts[1],
            dur, (unsigned long long)fi->bytes[0], (unsigned long long)fi->bytes[1], r1, r2,
            end_reason(c));
}

/* ---------------------------------------------------------------- --ladder */

/* Columns of the drawing, within 80: 0..4 frame, 7..18 client state (or the
 * time), 20..63 arrow, 66..77 server state. The client's side is flush left
 * at COL_LEFT, the server's flush right at RIGHT_END. */
#define COL_LEFT  7
#define STATE_W   12
#define COL_ARROW (COL_LEFT + STATE_W + 1)
#define ARROW_W   44
#define RIGHT_END (COL_ARROW + ARROW_W + 2 + STATE_W)

static void spaces(FILE *out, int n)
{
    while (n-- > 0) {
        putc(' ', out);
    }
}

/* "SYN,ACK seq=3880988084 (ISN) ack=1791872319 (ISN+1)", and the event
 * flags apart ("[retransmission]"), to go on a line of their own if need be. */
static void arrow_label(char *buf, size_t len, char *flags, size_t flen, const struct arrow *a)
{
    char names[64], evf[128];
    size_t n;
    fmt_tcp_names(names, sizeof names, a->tcp_flags);
    n = (size_t)snprintf(buf, len, "%s seq=%u", names, (unsigned)a->seq);
    if (n < len && note_text(a->seq_note) != NULL) {
        n += (size_t)snprintf(buf + n, len - n, " (%s)", note_text(a->seq_note));
    }
    if (n < len && (a->tcp_flags & TCPSTATE_TH_ACK)) {
        n += (size_t)snprintf(buf + n, len - n, " ack=%u", (unsigned)a->ack);
        if (n < len && note_text(a->ack_note) != NULL) {
            snprintf(buf + n, len - n, " (%s)", note_text(a->ack_note));
        }
    }
    /* The drawing itself shows a new flow, and a flow picked up midstream. */
    fmt_evflags(evf, sizeof evf,
                a->evflags & ~(TCPSTATE_EVF_NEW_FLOW | TCPSTATE_EVF_MIDSTREAM | TCPSTATE_EVF_DATA),
                ",");
    snprintf(flags, flen, evf[0] != '\0' ? "[%s]" : "%s", evf);
}

/* Text centred over the arrow, or ending at the right edge if longer, and
 * not over the first `used` columns. */
static void over_arrow(FILE *out, int used, const char *text)
{
    int len = (int)strlen(text);
    int start = len <= ARROW_W ? COL_ARROW + (ARROW_W - len) / 2 : RIGHT_END - len;
    if (start < used + 2) {
        start = used + 2;
    }
    spaces(out, start - used);
    fprintf(out, "%s\n", text);
}

/* Two lines per segment (three if its label is long): frame, time since the
 * first packet and the label over the arrow; then the states after it on
 * both sides. A segment that changed neither state gets a dotted arrow. */
static void ladder_arrow(FILE *out, const struct arrow *a, const uint8_t before[2], uint64_t t0)
{
    char fr[24], rel[32], label[160], flags[128], both[300];
    int changed = memcmp(before, a->after, 2) != 0;

    snprintf(fr, sizeof fr, "%llu", (unsigned long long)a->frame);
    rel[0] = '+';
    fmt_secs(rel + 1, sizeof rel - 1, a->ts - t0);
    arrow_label(label, sizeof label, flags, sizeof flags, a);

    int used = fprintf(out, "%5s  %s", fr, rel);
    snprintf(both, sizeof both, "%s%s%s", label, flags[0] ? " " : "", flags);
    if (used + 2 + (int)strlen(both) <= RIGHT_END) {
        over_arrow(out, used, both);
    } else {
        over_arrow(out, used, label);
        over_arrow(out, 0, flags);
    }

    spaces(out, COL_LEFT);
    fprintf(out, "%-*s ", STATE_W, state(a->after[TCPSTATE_ORIG]));
    for (int i = 0; i < ARROW_W; i++) {
        int head = a->from == TCPSTATE_ORIG ? i == ARROW_W - 1 : i == 0;
        putc(head ? (a->from == TCPSTATE_ORIG ? '>' : '<') : (changed || i % 2 ? '-' : ' '), out);
    }
    fprintf(out, " %*s\n", RIGHT_END - COL_ARROW - ARROW_W - 1, state(a->after[TCPSTATE_RESP]));
}

/* Text flush left at COL_LEFT and text flush right at RIGHT_END, on one line
 * if they fit, else on two. */
static void both_sides(FILE *out, const char *left, const char *right)
{
    int ll = (int)strlen(left), rl = (int)strlen(right);
    spaces(out, COL_LEFT);
    fputs(left, out);
    if (COL_LEFT + ll + 2 + rl > RIGHT_END) {
        putc('\n', out);
        spaces(out, RIGHT_END - rl);
    } else {
        spaces(out, RIGHT_END - COL_LEFT - ll - rl);
    }
    fprintf(out, "%s\n", right);
}

static void ladder_text(FILE *out, const struct conn *c)
{
    const tcpstate_flow_info *fi = &c->info;
    char o[80], r[80], t[48];
    const char *cs = conn_state(c);

    fmt_endpoint(o, sizeof o, fi->ip_version, fi->addr[TCPSTATE_ORIG], fi->port[TCPSTATE_ORIG]);
    fmt_endpoint(r, sizeof r, fi->ip_version, fi->addr[TCPSTATE_RESP], fi->port[TCPSTATE_RESP]);
    fmt_time(t, sizeof t, fi->first_ts);
    fprintf(out, "=== %s > %s\n", o, r);
    fprintf(out, "    first packet %s, ended: %s\n", t, end_reason(c));
    fprintf(out, "    conn_state %s  history %s\n\n", cs ? cs : "-",
            c->history[0] ? c->history : "-");

    /* Who is who, and the states before the first segment. */
    both_sides(out, "client", "server");
    both_sides(out, o, r);
    both_sides(out, state(c->start[TCPSTATE_ORIG]), state(c->start[TCPSTATE_RESP]));
    if (fi->flags & TCPSTATE_FLOW_MIDSTREAM) {
        spaces(out, COL_LEFT);
        fputs("(picked up midstream: the states above are inferred)\n", out);
    }

    const uint8_t *before = c->start;
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        ladder_arrow(out, &c->arrows[i], before, fi->first_ts);
        before = c->arrows[i].after;
    }
    if (c->n_arrows == 0) {
        spaces(out, COL_LEFT);
        fputs("(no segment changed a state or carried SYN, FIN or RST)\n", out);
    }
    if (c->arrows_dropped > 0) {
        spaces(out, COL_LEFT);
        fprintf(out, "... %llu more segments not drawn\n", (unsigned long long)c->arrows_dropped);
    }
    char last[32];
    fmt_secs(last, sizeof last, fi->last_ts - fi->first_ts);
    spaces(out, COL_LEFT);
    fprintf(out, "last packet at +%s; client %s, server %s\n\n", last, state(fi->state[0]),
            state(fi->state[1]));
}

static void ladder_json(FILE *out, const struct conn *c)
{
    json_conn_head(out, "ladder", c);
    fprintf(out, ",\"start_client_state\":\"%s\",\"start_server_state\":\"%s\",\"arrows\":[",
            state(c->start[0]), state(c->start[1]));
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const struct arrow *a = &c->arrows[i];
        char t[32], names[64];
        fmt_secs(t, sizeof t, a->ts);
        fmt_tcp_names(names, sizeof names, a->tcp_flags);
        fprintf(out,
                "%s{\"frame\":%llu,\"ts\":%s,\"sender\":\"%s\",\"tcp_flags\":\"%s\",\"seq\":%u,",
                i ? "," : "", (unsigned long long)a->frame, t, side_name(a->from), names,
                (unsigned)a->seq);
        fprintf(out, "\"seq_note\":%s%s%s,", note_text(a->seq_note) ? "\"" : "",
                note_text(a->seq_note) ? note_text(a->seq_note) : "null",
                note_text(a->seq_note) ? "\"" : "");
        if (a->tcp_flags & TCPSTATE_TH_ACK) {
            fprintf(out, "\"ack\":%u,", (unsigned)a->ack);
        } else {
            fputs("\"ack\":null,", out);
        }
        fprintf(out, "\"ack_note\":%s%s%s,", note_text(a->ack_note) ? "\"" : "",
                note_text(a->ack_note) ? note_text(a->ack_note) : "null",
                note_text(a->ack_note) ? "\"" : "");
        fprintf(out,
                "\"client_state\":\"%s\",\"server_state\":\"%s\",\"flags\":", state(a->after[0]),
                state(a->after[1]));
        json_evflags(out, a->evflags);
        putc('}', out);
    }
    fprintf(out, "],\"more\":%llu,\"end_reason\":\"%s\"}\n", (unsigned long long)c->arrows_dropped,
            end_reason(c));
}

/* ---------------------------------------------------------------- entry */

/* The header of a Zeek ASCII log, as Zeek writes it, so that zeek-cut and
 * other Zeek tooling read the rows. #open and #close carry the first and
 * last frame's time rather than the wall clock: the output of a file stays
 * the same from run to run. */
static void zeek_header(FILE *out, const struct summary *sum)
{
    char open[32];
    fmt_zeek_open(open, sizeof open, sum->first_ts);
    fprintf(out,
            "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
            "#path\tconn\n#open\t%s\n#fields\t%s\n#types\t%s\n",
            open, conn_fields, conn_types);
}

void report_print(struct app *app, const struct summary *sum)
{
    FILE *out = app->out;
    int text = !app->opt.json;
    int printed = !app->opt.quiet; /* event lines came first */

    if (app->n_done > 1) {
        qsort(app->done, app->n_done, sizeof *app->done, by_first_packet);
    }
    if (app->opt.ladder) {
        if (text && printed) {
            putc('\n', out);
        }
        for (size_t i = 0; i < app->n_done; i++) {
            if (text) {
                ladder_text(out, app->done[i]);
            } else {
                ladder_json(out, app->done[i]);
            }
        }
        printed = 1;
    }
    if (app->opt.conn) {
        if (text) {
            if (printed && !app->opt.ladder) {
                putc('\n', out); /* a ladder already ends with an empty line */
            }
            zeek_header(out, sum);
        }
        for (size_t i = 0; i < app->n_done; i++) {
            conn_row(out, app->done[i], !text);
        }
        if (text) {
            char close[32];
            fmt_zeek_open(close, sizeof close, sum->last_ts);
            fprintf(out, "#close\t%s\n", close);
        }
    }
}

void report_free(struct app *app)
{
    for (size_t i = 0; i < app->n_done; i++) {
        free(app->done[i]->arrows);
        free(app->done[i]->history);
        free(app->done[i]);
    }
    free(app->done);
    app->done = NULL;
    app->n_done = app->cap_done = 0;
}

void stats_print(const tcpstate_stats *st, int json)
{
    const struct {
        const char *name;
        uint64_t v;
    } rows[] = {
        {"frames", st->frames},
        {"flows_created", st->flows_created},
        {"flows_peak", st->flows_peak},
        {"flows_closed", st->flows_closed},
        {"flows_reset", st->flows_reset},
        {"flows_timed_out", st->flows_timed_out},
        {"flows_evicted", st->flows_evicted},
        {"flows_reused", st->flows_reused},
        {"flows_finished", st->flows_finished},
        {"flows_refused", st->flows_refused},
        {"midstream_pickups", st->midstream_pickups},
        {"rst_out_of_window", st->rst_out_of_window},
        {"fin_out_of_window", st->fin_out_of_window},
        {"syn_retransmits", st->syn_retransmits},
        {"bad_acks", st->bad_acks},
        {"time_backwards", st->time_backwards},
        {"acks_implausible", st->acks_implausible},
        {"seq_out_of_window", st->seq_out_of_window},
        {"rst_inexact", st->rst_inexact},
        {"syn_in_synchronized", st->syn_in_synchronized},
        {"weak_hash_key", st->weak_hash_key},
    };
    if (json) {
        fputs("{\"type\":\"stats\"", stdout);
    }
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        printf(json ? ",\"%s\":%llu" : "#stats\t%s\t%llu\n", rows[i].name,
               (unsigned long long)rows[i].v);
    }
    /* Frames by status, under the status names (TCPSTATE_OK, TCPSTATE_SKIP_NOT_TCP, ...). */
    if (json) {
        fputs(",\"status\":{", stdout);
    }
    int first = 1;
    for (int s = TCPSTATE_STATUS_MIN; s <= TCPSTATE_STATUS_MAX; s++) {
        uint64_t v = st->frames_by_status[tcpstate_status_index((tcpstate_status)s)];
        if (v == 0) {
            continue;
        }
        printf(json ? "%s\"%s\":%llu" : "%s#stats\t%s\t%llu\n", json && !first ? "," : "",
               tcpstate_status_name((tcpstate_status)s), (unsigned long long)v);
        first = 0;
    }
    if (json) {
        fputs("}}\n", stdout);
    }
}
