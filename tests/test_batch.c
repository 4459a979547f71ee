/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpstate_feed_batch() against tcpstate_feed(): the same frames through
 * both give identical callbacks (every field, in order), statuses, stats and
 * final flow states, on random traffic and on every capture of the shared
 * corpora (skipped when ../shared is absent).
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/corpus.h"
#include "support/options.h"
#include "tcpstate.h"

/* One callback, as comparable data (the flow as its offset in the engine's
 * memory: both engines have the same layout). */
struct rec {
    uint8_t kind, dir, side, reason, before[2], after[2];
    uint32_t flags;
    uint64_t ts, frame;
    uintptr_t flow;
    uint32_t seq, ack;
    int32_t state[2];
};

struct run {
    uint8_t *mem;
    size_t len;
    tcpstate_engine *e;
    struct rec *log;
    size_t n, cap;
    int stop_at; /* answer STOP to this event (1-based), 0: never */
    int drop_at; /* answer DROP_FLOW to this event, 0: never */
};

static int on_event(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct run *r = user;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->log = realloc(r->log, r->cap * sizeof *r->log);
        cr_assert_not_null(r->log);
    }
    struct rec *x = &r->log[r->n++];
    memset(x, 0, sizeof *x);
    x->kind = ev->kind;
    x->dir = ev->dir;
    x->side = ev->side;
    x->reason = ev->reason;
    memcpy(x->before, ev->before, 2);
    memcpy(x->after, ev->after, 2);
    x->flags = ev->flags;
    x->ts = ev->ts;
    x->frame = ev->frame;
    x->flow = (uintptr_t)flow - (uintptr_t)r->mem;
    x->seq = ev->pkt ? ev->pkt->seq : 0;
    x->ack = ev->pkt ? ev->pkt->ack : 0;
    x->state[0] = (int32_t)tcpstate_flow_state(flow, TCPSTATE_ORIG);
    x->state[1] = (int32_t)tcpstate_flow_state(flow, TCPSTATE_RESP);
    if ((int)r->n == r->stop_at) {
        return TCPSTATE_CB_STOP;
    }
    if ((int)r->n == r->drop_at) {
        return TCPSTATE_CB_DROP_FLOW;
    }
    return TCPSTATE_CB_CONTINUE;
}

static void run_start(struct run *r, const tcpstate_config *cfg)
{
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_syn = cb.on_synack = cb.on_ack = cb.on_fin = cb.on_rst = on_event;
    cb.on_state_change = cb.on_flow_end = on_event;
    r->len = tcpstate_footprint(cfg);
    cr_assert(ge(sz, r->len, 1));
    r->mem = aligned_alloc(64, (r->len + 63) & ~(size_t)63);
    cr_assert_not_null(r->mem);
    cr_assert(eq(int, tcpstate_init(r->mem, r->len, cfg, &cb, r, &r->e), TCPSTATE_OK));
}

static void run_free(struct run *r)
{
    free(r->mem);
    free(r->log);
    memset(r, 0, sizeof *r);
}

struct flowstate {
    uintptr_t flow;
    tcpstate_flow_info info;
};

struct walk {
    struct run *r;
    struct flowstate *v;
    size_t n;
};

static int visit(void *user, tcpstate_flow *flow)
{
    struct walk *w = user;
    w->v = realloc(w->v, (w->n + 1) * sizeof *w->v);
    cr_assert_not_null(w->v);
    memset(&w->v[w->n], 0, sizeof w->v[w->n]);
    w->v[w->n].flow = (uintptr_t)flow - (uintptr_t)w->r->mem;
    cr_assert(eq(int, tcpstate_flow_get_info(flow, &w->v[w->n].info), TCPSTATE_OK));
    w->n++;
    return 0;
}

/* Compare two runs: callbacks, stats, and every flow still in the table. */
static void expect_same(struct run *a, struct run *b, const char *what)
{
    cr_assert(eq(sz, a->n, b->n), "%s: %zu callbacks one by one, %zu batched", what, a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        cr_assert(memcmp(&a->log[i], &b->log[i], sizeof a->log[i]) == 0,
                  "%s: callback %zu differs (kind %u/%u frame %llu/%llu)", what, i,
                  a->log[i].kind, b->log[i].kind, (unsigned long long)a->log[i].frame,
                  (unsigned long long)b->log[i].frame);
    }
    tcpstate_stats sa, sb;
    cr_assert(eq(int, tcpstate_get_stats(a->e, &sa), TCPSTATE_OK));
    cr_assert(eq(int, tcpstate_get_stats(b->e, &sb), TCPSTATE_OK));
    cr_assert(memcmp(&sa, &sb, sizeof sa) == 0, "%s: stats differ", what);
    struct walk wa = {a, NULL, 0}, wb = {b, NULL, 0};
    cr_assert(eq(int, tcpstate_foreach(a->e, visit, &wa), TCPSTATE_OK));
    cr_assert(eq(int, tcpstate_foreach(b->e, visit, &wb), TCPSTATE_OK));
    cr_assert(eq(sz, wa.n, wb.n), "%s: flows left", what);
    for (size_t i = 0; i < wa.n; i++) {
        cr_assert(memcmp(&wa.v[i], &wb.v[i], sizeof wa.v[i]) == 0, "%s: flow %zu differs", what,
                  i);
    }
    free(wa.v);
    free(wb.v);
}

/* Feed `frames` to a fresh engine one by one and to another in batches of
 * `batch` (varying chunk sizes up to it), then compare. */
static void compare(const tcpstate_config *cfg, uint32_t linktype, const tcpstate_frame *frames,
                    size_t n, size_t batch, const char *what)
{
    struct run a = {0}, b = {0};
    run_start(&a, cfg);
    run_start(&b, cfg);
    tcpstate_status *sa = calloc(n + 1, sizeof *sa), *sb = calloc(n + 1, sizeof *sb);
    cr_assert(sa != NULL && sb != NULL);
    for (size_t i = 0; i < n; i++) {
        sa[i] = tcpstate_feed(a.e, linktype, frames[i].data, frames[i].caplen, frames[i].wirelen,
                              frames[i].ts);
    }
    size_t at = 0, call = 0;
    while (at < n) {
        size_t k = batch == 0 ? n - at : 1 + (call++ * 7) % batch; /* odd chunk sizes too */
        if (k > n - at) {
            k = n - at;
        }
        cr_assert(eq(sz, tcpstate_feed_batch(b.e, linktype, frames + at, k, sb + at), k));
        at += k;
    }
    for (size_t i = 0; i < n; i++) {
        cr_assert(eq(int, sa[i], sb[i]), "%s: frame %zu status %d one by one, %d batched", what,
                  i + 1, sa[i], sb[i]);
    }
    expect_same(&a, &b, what);
    cr_assert(eq(int, tcpstate_finish(a.e), TCPSTATE_OK));
    cr_assert(eq(int, tcpstate_finish(b.e), TCPSTATE_OK));
    expect_same(&a, &b, what);
    free(sa);
    free(sb);
    run_free(&a);
    run_free(&b);
}

/* ------------------------------------------------------------ random traffic */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Raw IPv4 TCP segments over few tuples with plausible and implausible
 * numbers, every flag mix, and time jumps across the timeouts. */
static size_t random_traffic(uint64_t seed, uint8_t *buf, tcpstate_frame *fr, size_t n)
{
    uint64_t s = seed | 1u, ts = 1000000000u;
    uint32_t seqs[8];
    for (unsigned i = 0; i < 8; i++) {
        seqs[i] = (uint32_t)rnd(&s);
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t *f = buf + i * 64;
        uint64_t v = rnd(&s);
        unsigned t = (unsigned)(v % 6), dir = (unsigned)(v >> 8) & 1u;
        uint32_t a = 0x0a000001u + t, b = 0x0a000100u + (t & 1u);
        uint16_t pa = (uint16_t)(40000 + t), pb = 80;
        uint32_t src = dir ? b : a, dst = dir ? a : b;
        uint16_t sp = dir ? pb : pa, dp = dir ? pa : pb;
        unsigned len = (unsigned)(v >> 16) % 3 == 0 ? (unsigned)(v >> 20) % 20 : 0;
        uint32_t seq = (v >> 24) % 4 ? seqs[2 * (t % 4) + dir] : (uint32_t)rnd(&s);
        uint32_t ack = (v >> 28) % 4 ? seqs[2 * (t % 4) + !dir] : (uint32_t)rnd(&s);
        uint8_t flags = (uint8_t)((v >> 32) % 8 ? (0x10u | ((v >> 40) & 0x07u)) : (v >> 40));
        if ((v >> 48) % 4 == 0) {
            flags = 0x02; /* a SYN */
        }
        memset(f, 0, 64);
        f[0] = 0x45;
        f[2] = 0;
        f[3] = (uint8_t)(40 + len);
        f[8] = 64;
        f[9] = 6;
        for (int k = 0; k < 4; k++) {
            f[12 + k] = (uint8_t)(src >> (24 - 8 * k));
            f[16 + k] = (uint8_t)(dst >> (24 - 8 * k));
            f[24 + k] = (uint8_t)(seq >> (24 - 8 * k));
            f[28 + k] = (uint8_t)(ack >> (24 - 8 * k));
        }
        f[20] = (uint8_t)(sp >> 8);
        f[21] = (uint8_t)sp;
        f[22] = (uint8_t)(dp >> 8);
        f[23] = (uint8_t)dp;
        f[32] = 0x50;
        f[33] = flags;
        f[34] = 0xff;
        f[35] = 0xff;
        seqs[2 * (t % 4) + dir] = seq + len + ((flags & 0x03u) ? 1u : 0u);
        ts += (v >> 56) == 0 ? 200000000000u : 1000u + (v >> 50) % 1000000u;
        fr[i].data = f;
        fr[i].caplen = fr[i].wirelen = 40 + len;
        fr[i].ts = ts;
    }
    return n;
}

static void config_variant(tcpstate_config *cfg, unsigned v)
{
    tcpstate_config_init(cfg);
    cfg->max_flows = 3 + v % 4; /* eviction happens */
    if (v & 1u) {
        cfg->flags |= IF_ZEEK(TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME);
    }
    if (v & 2u) {
        cfg->flags &= ~(uint32_t)TCPSTATE_F_EVICT_ESTABLISHED;
    }
    if (v & 4u) {
        cfg->batch_max = 5;
    }
}

Test(batch, random_traffic_gives_the_same_callbacks_stats_and_states)
{
    enum { N = 20000 };
    uint8_t *buf = malloc((size_t)N * 64);
    tcpstate_frame *fr = malloc(N * sizeof *fr);
    cr_assert(buf != NULL && fr != NULL);
    for (unsigned v = 0; v < 8; v++) {
        random_traffic(v + 1, buf, fr, N);
        tcpstate_config cfg;
        config_variant(&cfg, v);
        char what[64];
        snprintf(what, sizeof what, "random traffic, variant %u", v);
        compare(&cfg, TCPSTATE_LINKTYPE_RAW, fr, N, 16, what);
        compare(&cfg, TCPSTATE_LINKTYPE_RAW, fr, N, 0, what);
    }
    free(buf);
    free(fr);
}

Test(batch, a_stop_ends_the_batch_after_that_frame)
{
    enum { N = 200 };
    static uint8_t buf[N * 64];
    static tcpstate_frame fr[N];
    random_traffic(99, buf, fr, N);
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    struct run a = {0}, b = {0};
    a.stop_at = b.stop_at = 25;
    a.drop_at = b.drop_at = 7;
    run_start(&a, &cfg);
    run_start(&b, &cfg);
    tcpstate_status sb[N];
    size_t stopped = 0;
    for (size_t i = 0; i < N; i++) {
        if (tcpstate_feed(a.e, TCPSTATE_LINKTYPE_RAW, fr[i].data, fr[i].caplen, fr[i].wirelen,
                          fr[i].ts) == TCPSTATE_E_CALLBACK) {
            stopped = i + 1;
            break;
        }
    }
    cr_assert(ge(sz, stopped, 1), "the 25th event stops");
    cr_assert(eq(sz, tcpstate_feed_batch(b.e, TCPSTATE_LINKTYPE_RAW, fr, N, sb), stopped));
    cr_assert(eq(int, sb[stopped - 1], TCPSTATE_E_CALLBACK));
    expect_same(&a, &b, "stop");
    run_free(&a);
    run_free(&b);
}

Test(batch, bad_arguments)
{
    tcpstate_status st[1] = {TCPSTATE_OK};
    tcpstate_frame fr = {0};
    cr_assert(eq(sz, tcpstate_feed_batch(NULL, 1, &fr, 1, st), 0));
    struct run a = {0};
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    run_start(&a, &cfg);
    cr_assert(eq(sz, tcpstate_feed_batch(a.e, 1, NULL, 1, st), 0));
    cr_assert(eq(sz, tcpstate_feed_batch(a.e, 1, &fr, 1, NULL), 0));
    cr_assert(eq(sz, tcpstate_feed_batch(a.e, 1, NULL, 0, NULL), 0));
    cfg.batch_max = 257;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0), "batch_max is bounded");
    run_free(&a);
}

/* ------------------------------------------------------------ corpora */

static void compare_capture(const char *path)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    if (p == NULL) {
        return;
    }
    int lt = pcap_datalink(p);
    size_t n = 0, cap = 0, bytes = 0;
    tcpstate_frame *fr = NULL;
    uint8_t **copies = NULL;
    struct pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(p, &h, &d) == 1) {
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            fr = realloc(fr, cap * sizeof *fr);
            copies = realloc(copies, cap * sizeof *copies);
            cr_assert(fr != NULL && copies != NULL);
        }
        copies[n] = malloc(h->caplen + 1);
        cr_assert_not_null(copies[n]);
        memcpy(copies[n], d, h->caplen);
        fr[n].data = copies[n];
        fr[n].caplen = h->caplen;
        fr[n].wirelen = h->len;
        fr[n].ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000u;
        bytes += h->caplen;
        n++;
    }
    pcap_close(p);
    for (unsigned v = 0; v < 3; v++) {
        tcpstate_config cfg;
        tcpstate_config_init(&cfg);
        cfg.max_flows = v == 2 ? 4 : 4096;
        if (v >= 1) {
            cfg.flags |=
                IF_ZEEK(TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME) | TCPSTATE_F_VERIFY_CHECKSUMS;
        }
        compare(&cfg, (uint32_t)lt, fr, n, 16, path);
    }
    for (size_t i = 0; i < n; i++) {
        free(copies[i]);
    }
    free(copies);
    free(fr);
    (void)bytes;
}

static void compare_one(const char *path, void *user)
{
    (void)user;
    compare_capture(path);
}

Test(batch, every_capture_of_the_shared_corpora)
{
    char dir[4096];
    if (!corpus_dir(dir, sizeof dir)) {
        cr_skip_test("the shared corpus is not at %s", dir);
    }
    unsigned files = corpus_walk(dir, compare_one, NULL);
    cr_log_info("batch == one by one on %u captures", files);
    cr_assert(ge(u32, files, 151), "%u captures compared", files);
}
