/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The engines of tcpstate-pcap and how frames reach them.
 *
 * With --workers N, N engines run in N threads. The main thread reads the
 * capture, numbers the frames, and sends each to the engine that
 * tcpstate_flow_hash() picks, copying it into that worker's batches (bounded:
 * the reader waits when a worker is behind). Engines share nothing, and every
 * frame of a connection, both directions, reaches the same one, so each
 * engine sees its connections exactly as a single engine would.
 *
 * The output must not depend on N. Three things would make it depend:
 * - Expiry. An engine's own sweep visits its table in slot order, which
 *   depends on which flows it holds. So for files the engines do not expire
 *   flows as they are fed; instead, every second of capture time, all of
 *   them sweep their whole table (tcpstate_expire with no budget) between
 *   the same two frames, and the flow ends of one sweep are printed in an
 *   order of their own (deadline, first packet, endpoints), not the table's.
 * - Time. An engine clamps timestamps that go backwards to the newest it
 *   has seen, which differs per engine; the reader clamps them first,
 *   against every frame, and counts them itself.
 * - Order. Every engine prints into its own memory stream, cut into records
 *   tagged with the frame number (or sweep, or the finish); at barriers the
 *   main thread merges the records of all engines in that order and writes
 *   them out. --conn rows are sorted by a key that is the same whichever
 *   engine ran the flow (tcpstate-pcap-report.c).
 * One worker takes the same path without threads, so --workers 1 and N print
 * the same bytes (--stats differs only in flows_peak, a sum of the engines'
 * peaks). A live capture with one worker prints events as they happen.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tcpstate-pcap.h"

#define NS_PER_S      UINT64_C(1000000000)
#define SWEEP_EVERY   NS_PER_S       /* capture time between sweeps (files) */
#define BATCH_ITEMS   1024           /* items per batch */
#define BATCH_BYTES   (1u << 20)     /* frame bytes per batch (> any snap length) */
#define BATCHES       8              /* per worker: how far the reader may run ahead */
#define MERGE_EVERY   32768          /* frames between merges of the event output */
#define PROGRESS_MIN  (2 * NS_PER_S) /* a read shorter than this shows no progress */

enum item_type { IT_FRAME, IT_SWEEP, IT_BARRIER, IT_FINISH };

struct item {
    uint8_t type;
    uint32_t caplen, wirelen;
    uint64_t n, ts;
    size_t off; /* frame bytes in the batch */
};

struct batch {
    struct item items[BATCH_ITEMS];
    size_t n_items, used;
    uint8_t *bytes;
};

struct pool;

struct worker {
    struct app app;
    void *mem; /* the engine's memory */
    struct pool *pool;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a batch became ready, or free */
    struct batch *ready[BATCHES];
    unsigned r_head, r_count;
    struct batch *free_b[BATCHES];
    unsigned n_free;
    struct batch *filling; /* the reader's, not yet handed over */
    struct batch slots[BATCHES];
    int fd; /* live fanout: this worker's socket */
};

struct pool {
    unsigned n;
    int threaded;
    uint32_t linktype;
    struct worker *w;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned arrived;    /* workers waiting at the current barrier */
    uint64_t generation; /* barriers passed */
};

/* ---------------------------------------------------------------- engines */

static void die_msg(const char *msg)
{
    fprintf(stderr, "tcpstate-pcap: %s\n", msg);
    exit(1);
}

static void *make_engine(struct app *app, int file_mode)
{
    static const uint16_t no_ports[1] = {0}; /* a non-NULL empty list: "none" */
    tcpstate_config cfg;
    tcpstate_callbacks cb;

    tcpstate_config_init(&cfg);
    memcpy(cfg.hash_key, app->opt.hash_key, sizeof cfg.hash_key);
    /* Zeek's conn_state and history, and flows delimited as Zeek delimits
     * connections, so that --conn rows compare with a conn.log. */
    cfg.flags |= TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME;
    if (app->opt.verify_checksums) {
        cfg.flags |= TCPSTATE_F_VERIFY_CHECKSUMS;
    }
    if (file_mode) {
        cfg.expire_budget = 0; /* the reader schedules sweeps (see the top) */
    }
    cfg.max_flows = app->opt.max_flows;
    /* A file cannot hold more connections than it holds frames of at least
     * a record header and minimal IPv4 and TCP headers (56 bytes): size the
     * table down for small files instead of taking 1M flows' worth of memory. */
    struct stat sb;
    if (!app->opt.max_flows_set && app->opt.file != NULL && stat(app->opt.file, &sb) == 0 &&
        S_ISREG(sb.st_mode) && (uint64_t)sb.st_size / 56u + 1024u < cfg.max_flows) {
        cfg.max_flows = (uint32_t)((uint64_t)sb.st_size / 56u + 1024u);
    }
    if (app->opt.server_ports_mode) {
        cfg.server_ports = app->opt.n_server_ports ? app->opt.server_ports : no_ports;
        cfg.n_server_ports = app->opt.n_server_ports;
    }
    size_t need = tcpstate_footprint(&cfg);
    if (need == 0) {
        die_msg("invalid engine configuration");
    }
    void *mem = malloc(need);
    if (mem == NULL) {
        die_msg("cannot allocate the flow table (try a smaller --max-flows)");
    }
    events_callbacks(&cb);
    if (tcpstate_init(mem, need, &cfg, &cb, app, &app->engine) != TCPSTATE_OK) {
        die_msg("tcpstate_init failed");
    }
    return mem;
}

void rec_cut(struct app *app, const struct conn *c, uint64_t ts)
{
    fflush(app->out);
    off_t pos = ftello(app->out);
    if (pos <= app->mark) {
        return;
    }
    if (app->n_recs == app->cap_recs) {
        app->cap_recs = app->cap_recs ? app->cap_recs * 2 : 1024;
        app->recs = xrealloc(app->recs, app->cap_recs * sizeof *app->recs);
    }
    struct rec *r = &app->recs[app->n_recs++];
    memset(r, 0, sizeof *r);
    r->n = app->item_n;
    r->phase = app->item_phase;
    r->off = (size_t)app->mark;
    r->len = (size_t)(pos - app->mark);
    if (c != NULL) {
        r->ip_version = c->info.ip_version;
        memcpy(r->port, c->info.port, sizeof r->port);
        memcpy(r->addr, c->info.addr, sizeof r->addr);
        r->ts = ts;
        r->first_ts = c->info.first_ts;
    }
    app->mark = pos;
}

static void process(struct app *app, const struct item *it, const uint8_t *frame, uint32_t lt)
{
    app->item_n = it->n;
    app->item_phase = it->type == IT_SWEEP ? PH_SWEEP : it->type == IT_FINISH ? PH_FINISH : PH_FRAME;
    app->item_sub = 0;
    switch (it->type) {
    case IT_FRAME:
        app->frame_no = it->n;
        /* Every status is counted by the engine (--stats); none stops the run. */
        (void)!tcpstate_feed(app->engine, lt, frame, it->caplen, it->wirelen, it->ts);
        if (app->recording) {
            rec_cut(app, NULL, 0);
        }
        break;
    case IT_SWEEP:
        (void)tcpstate_expire(app->engine, it->ts, 0);
        break;
    case IT_FINISH:
        app->finish_ts = it->ts;
        (void)tcpstate_finish(app->engine);
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------- merging */

struct rec_ref {
    const struct rec *r;
    const struct app *app;
    unsigned worker;
    size_t idx;
};

static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }

static int by_output_order(const void *pa, const void *pb)
{
    const struct rec_ref *a = pa, *b = pb;
    int c;
    if ((c = cmp_u64(a->r->n, b->r->n)) != 0 || (c = (int)a->r->phase - (int)b->r->phase) != 0) {
        return c;
    }
    if (a->r->phase != PH_FRAME) {
        /* Flow ends of one sweep or of the finish: by the time they ended,
         * then as --conn orders connections. */
        if ((c = cmp_u64(a->r->ts, b->r->ts)) != 0 ||
            (c = cmp_u64(a->r->first_ts, b->r->first_ts)) != 0 ||
            (c = memcmp(a->r->addr, b->r->addr, sizeof a->r->addr)) != 0 ||
            (c = memcmp(a->r->port, b->r->port, sizeof a->r->port)) != 0) {
            return c;
        }
    }
    if ((c = (int)a->worker - (int)b->worker) != 0) {
        return c;
    }
    return cmp_u64(a->idx, b->idx);
}

/* Write out every record of every engine in output order and empty the
 * streams. Only while no worker runs (at a barrier, or at the end). */
static void merge_output(struct pool *pool, FILE *out)
{
    size_t total = 0;
    for (unsigned i = 0; i < pool->n; i++) {
        fflush(pool->w[i].app.out);
        total += pool->w[i].app.n_recs;
    }
    if (total == 0) {
        return;
    }
    struct rec_ref *refs = xcalloc(total, sizeof *refs);
    size_t k = 0;
    for (unsigned i = 0; i < pool->n; i++) {
        struct app *a = &pool->w[i].app;
        for (size_t j = 0; j < a->n_recs; j++) {
            refs[k++] = (struct rec_ref){&a->recs[j], a, i, j};
        }
    }
    qsort(refs, total, sizeof *refs, by_output_order);
    for (size_t j = 0; j < total; j++) {
        fwrite(refs[j].app->buf + refs[j].r->off, 1, refs[j].r->len, out);
    }
    free(refs);
    for (unsigned i = 0; i < pool->n; i++) {
        struct app *a = &pool->w[i].app;
        rewind(a->out);
        a->mark = 0;
        a->n_recs = 0;
    }
}

/* Live: write out one engine's records at once, in its own order. */
static void merge_one(struct app *a, FILE *out)
{
    fflush(a->out);
    for (size_t j = 0; j < a->n_recs; j++) {
        fwrite(a->buf + a->recs[j].off, 1, a->recs[j].len, out);
    }
    fflush(out);
    rewind(a->out);
    a->mark = 0;
    a->n_recs = 0;
}

/* ---------------------------------------------------------------- threads */

static void barrier_wait(struct pool *pool)
{
    pthread_mutex_lock(&pool->mu);
    uint64_t gen = pool->generation;
    pool->arrived++;
    pthread_cond_broadcast(&pool->cv);
    while (pool->generation == gen) {
        pthread_cond_wait(&pool->cv, &pool->mu);
    }
    pthread_mutex_unlock(&pool->mu);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (int done = 0; !done;) {
        pthread_mutex_lock(&w->mu);
        while (w->r_count == 0) {
            pthread_cond_wait(&w->cv, &w->mu);
        }
        struct batch *b = w->ready[w->r_head];
        w->r_head = (w->r_head + 1) % BATCHES;
        w->r_count--;
        pthread_mutex_unlock(&w->mu);

        for (size_t i = 0; i < b->n_items; i++) {
            const struct item *it = &b->items[i];
            if (it->type == IT_BARRIER) {
                barrier_wait(w->pool);
                continue;
            }
            process(&w->app, it, b->bytes + it->off, w->pool->linktype);
            done |= it->type == IT_FINISH;
        }
        pthread_mutex_lock(&w->mu);
        b->n_items = b->used = 0;
        w->free_b[w->n_free++] = b;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
    }
    return NULL;
}

/* Hand the reader's batch of worker w over to it. */
static void submit(struct worker *w)
{
    if (w->filling == NULL) {
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->ready[(w->r_head + w->r_count) % BATCHES] = w->filling;
    w->r_count++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    w->filling = NULL;
}

/* Queue an item (and its frame's bytes) for worker w; with one worker, run it now. */
static void dispatch(struct pool *pool, unsigned wi, const struct item *it, const uint8_t *frame)
{
    struct worker *w = &pool->w[wi];
    if (!pool->threaded) {
        if (it->type != IT_BARRIER) {
            process(&w->app, it, frame, pool->linktype);
        }
        return;
    }
    size_t len = it->type == IT_FRAME ? it->caplen : 0;
    if (w->filling != NULL &&
        (w->filling->n_items == BATCH_ITEMS || BATCH_BYTES - w->filling->used < len)) {
        submit(w);
    }
    if (w->filling == NULL) {
        pthread_mutex_lock(&w->mu);
        while (w->n_free == 0) {
            pthread_cond_wait(&w->cv, &w->mu);
        }
        w->filling = w->free_b[--w->n_free];
        pthread_mutex_unlock(&w->mu);
    }
    struct batch *b = w->filling;
    struct item *dst = &b->items[b->n_items++];
    *dst = *it;
    dst->off = b->used;
    if (len > 0) {
        memcpy(b->bytes + b->used, frame, len);
        b->used += len;
    }
    if (it->type != IT_FRAME) {
        submit(w); /* control items go at once: the others wait for them */
    }
}

static void dispatch_all(struct pool *pool, uint8_t type, uint64_t n, uint64_t ts)
{
    struct item it = {.type = type, .n = n, .ts = ts};
    for (unsigned i = 0; i < pool->n; i++) {
        dispatch(pool, i, &it, NULL);
    }
}

/* Every worker past every item sent so far; then merge their output. */
static void sync_and_merge(struct pool *pool, FILE *out)
{
    if (pool->threaded) {
        dispatch_all(pool, IT_BARRIER, 0, 0);
        pthread_mutex_lock(&pool->mu);
        while (pool->arrived < pool->n) {
            pthread_cond_wait(&pool->cv, &pool->mu);
        }
        pthread_mutex_unlock(&pool->mu);
    }
    merge_output(pool, out);
    if (pool->threaded) {
        pthread_mutex_lock(&pool->mu);
        pool->arrived = 0;
        pool->generation++;
        pthread_cond_broadcast(&pool->cv);
        pthread_mutex_unlock(&pool->mu);
    }
}

/* ---------------------------------------------------------------- setup */

static void pool_start(struct pool *pool, const struct options *opt, int file_mode,
                       uint32_t linktype)
{
    memset(pool, 0, sizeof *pool);
    pool->n = opt->workers;
    pool->threaded = pool->n > 1;
    pool->linktype = linktype;
    pool->w = xcalloc(pool->n, sizeof *pool->w);
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->cv, NULL);
    for (unsigned i = 0; i < pool->n; i++) {
        struct worker *w = &pool->w[i];
        w->pool = pool;
        w->app.opt = *opt;
        /* Files: every engine prints into memory, merged in frame order.
         * Live: the one engine prints as events happen. */
        w->app.recording = file_mode && !opt->quiet;
        if (w->app.recording) {
            w->app.out = open_memstream(&w->app.buf, &w->app.buf_size);
            if (w->app.out == NULL) {
                die_msg("cannot open a memory stream");
            }
        } else {
            w->app.out = stdout;
        }
        w->mem = make_engine(&w->app, file_mode);
        if (!pool->threaded) {
            continue;
        }
        pthread_mutex_init(&w->mu, NULL);
        pthread_cond_init(&w->cv, NULL);
        for (unsigned b = 0; b < BATCHES; b++) {
            w->slots[b].bytes = xcalloc(1, BATCH_BYTES);
            w->free_b[w->n_free++] = &w->slots[b];
        }
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            die_msg("cannot start a worker thread");
        }
    }
}

static void pool_join(struct pool *pool)
{
    for (unsigned i = 0; pool->threaded && i < pool->n; i++) {
        pthread_join(pool->w[i].thread, NULL);
    }
}

/* Counters of all engines added up; flows_peak is then the sum of their peaks. */
static void print_stats(const struct pool *pool, const struct options *opt, uint64_t backwards)
{
    tcpstate_stats st, one;
    memset(&st, 0, sizeof st);
    for (unsigned i = 0; i < pool->n; i++) {
        if (tcpstate_get_stats(pool->w[i].app.engine, &one) != TCPSTATE_OK) {
            return;
        }
        uint64_t *dst = (uint64_t *)(void *)&st;
        const uint64_t *src = (const uint64_t *)(const void *)&one;
        for (size_t k = 0; k < sizeof st / sizeof(uint64_t); k++) {
            dst[k] += src[k]; /* every field is a uint64_t counter */
        }
    }
    st.time_backwards += backwards;
    stats_print(&st, opt->json);
}

/* The summaries: every engine's ended connections, in one order. */
static void report(struct pool *pool, const struct options *opt, const struct summary *sum)
{
    struct app all;
    memset(&all, 0, sizeof all);
    all.opt = *opt;
    all.out = stdout;
    for (unsigned i = 0; i < pool->n; i++) {
        all.cap_done += pool->w[i].app.n_done;
    }
    all.done = xcalloc(all.cap_done + 1, sizeof *all.done);
    for (unsigned i = 0; i < pool->n; i++) {
        struct app *a = &pool->w[i].app;
        if (a->n_done > 0) { /* a->done is NULL when the engine had none */
            memcpy(all.done + all.n_done, a->done, a->n_done * sizeof *a->done);
        }
        all.n_done += a->n_done;
        free(a->done);
        a->done = NULL;
        a->n_done = 0;
    }
    report_print(&all, sum);
    report_free(&all);
}

/* ---------------------------------------------------------------- progress */

struct progress {
    int forced, shown;
    uint64_t start_ns, total, bytes, frames;
};

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * NS_PER_S + (uint64_t)t.tv_nsec;
}

/* On a terminal, a line rewritten in place once the read takes over 2 s;
 * forced (--progress), a line per report, for logs. */
static void progress_report(struct progress *pr, int last)
{
    uint64_t el = now_ns() - pr->start_ns;
    if (!pr->forced && (el < PROGRESS_MIN || !isatty(STDERR_FILENO))) {
        return;
    }
    char line[128];
    fmt_progress(line, sizeof line, pr->frames, pr->bytes, (double)el / 1e9,
                 last && pr->total ? pr->bytes : pr->total);
    if (pr->forced) {
        fprintf(stderr, "tcpstate-pcap: %s\n", line);
    } else {
        fprintf(stderr, "\r%s   %s", line, last ? "\n" : "");
    }
    pr->shown = 1;
}

/* ---------------------------------------------------------------- the run */

/* The engine for a frame: its connection's, or any (the first) for a frame
 * without one, which every engine only counts. By the outermost address
 * pair: the engines reassemble IP fragments, a fragment without the TCP
 * header has no ports, and a fragment of a tunnel's outer datagram shows only
 * the outer addresses; so only those keep a datagram's fragments, and so its
 * connection, on one engine. The key is fixed so that a file's split, and so
 * its output, never varies. */
static unsigned pick_worker(const struct pool *pool, const uint8_t *frame, uint32_t caplen,
                            uint32_t wirelen)
{
    static const uint8_t key[16] = {'t', 'c', 'p', 's', 't', 'a', 't', 'e',
                                    '-', 'p', 'c', 'a', 'p', '-', 'v', '1'};
    uint64_t h;
    if (pool->n == 1 ||
        tcpstate_flow_hash(pool->linktype, frame, caplen, wirelen, key, TCPSTATE_FLOW_HASH_OUTER,
                           &h) != TCPSTATE_OK) {
        return 0;
    }
    return (unsigned)(h % pool->n);
}

int run_capture(const struct options *opt, struct capture *cap)
{
    int file_mode = opt->file != NULL;
    struct pool pool;
    struct summary sum = {0, 0};
    struct progress pr;
    uint64_t frame_no = 0, fed = 0, backwards = 0, next_sweep = 0;
    struct stat sb;

    pool_start(&pool, opt, file_mode, cap->linktype);
    memset(&pr, 0, sizeof pr);
    pr.forced = opt->progress;
    pr.start_ns = now_ns();
    if (file_mode && stat(opt->file, &sb) == 0 && S_ISREG(sb.st_mode)) {
        pr.total = (uint64_t)sb.st_size;
    }
    pr.bytes = 24; /* the file header */
    if (!file_mode) {
        setvbuf(stdout, NULL, _IOLBF, 0); /* live: show events as they happen */
    }
    g_capture = cap->p;

    struct pcap_pkthdr *h;
    const u_char *bytes;
    int rc;
    while ((rc = pcap_next_ex(cap->p, &h, &bytes)) >= 0) {
        if (rc == 0) {
            continue; /* live: the read timed out */
        }
        frame_no++; /* every frame counts, filtered out or not */
        pr.frames++;
        pr.bytes += 16u + h->caplen;
        if ((pr.frames & 0xFFFFu) == 0) {
            progress_report(&pr, 0);
        }
        if (cap->offline_filter && !pcap_offline_filter(&cap->prog, h, bytes)) {
            continue;
        }
        uint64_t ts = (uint64_t)h->ts.tv_sec * NS_PER_S + (uint64_t)h->ts.tv_usec * cap->ts_mult;
        if (fed > 0 && ts < sum.last_ts) {
            backwards++; /* as an engine would: taken as the newest time */
            ts = sum.last_ts;
        }
        if (fed == 0) {
            sum.first_ts = ts;
            next_sweep = ts + SWEEP_EVERY;
        } else if (file_mode && ts >= next_sweep) {
            dispatch_all(&pool, IT_SWEEP, frame_no, ts);
            next_sweep = ts + SWEEP_EVERY;
        }
        sum.last_ts = ts;
        /* A batch holds any frame libpcap returns (its snap length is at
         * most 256 KiB); cut anything longer, as a snap length would. */
        uint32_t caplen = h->caplen < BATCH_BYTES ? h->caplen : BATCH_BYTES;
        struct item it = {.type = IT_FRAME, .n = frame_no, .ts = ts, .caplen = caplen,
                          .wirelen = h->len};
        dispatch(&pool, pick_worker(&pool, bytes, caplen, h->len), &it, bytes);
        fed++;
        if (pool.w[0].app.recording && fed % MERGE_EVERY == 0) {
            sync_and_merge(&pool, stdout);
        }
        /* -c counts the frames that passed the filter, as tcpdump's does. */
        if (opt->count > 0 && fed == (uint64_t)opt->count) {
            break;
        }
    }
    char err[PCAP_ERRBUF_SIZE + 64] = "";
    if (rc == PCAP_ERROR) {
        /* A truncated or damaged file: summarise what was read, then say so. */
        snprintf(err, sizeof err, "%s: %s", cap->name, pcap_geterr(cap->p));
    }
    g_capture = NULL;
    if (pr.forced || pr.shown) {
        progress_report(&pr, 1);
    }

    /* Every flow still open ends now, through the same flow-end callback. */
    dispatch_all(&pool, IT_FINISH, UINT64_MAX, sum.last_ts);
    pool_join(&pool);
    pool.threaded = 0;
    merge_output(&pool, stdout);
    report(&pool, opt, &sum);
    if (opt->stats) {
        print_stats(&pool, opt, backwards);
    }
    fflush(stdout);

    for (unsigned i = 0; i < pool.n; i++) {
        struct worker *w = &pool.w[i];
        if (w->app.recording) {
            fclose(w->app.out);
            free(w->app.buf);
        }
        free(w->app.recs);
        free(w->mem);
        for (unsigned b = 0; b < BATCHES; b++) {
            free(w->slots[b].bytes);
        }
    }
    free(pool.w);
    if (err[0] != '\0') {
        fprintf(stderr, "tcpstate-pcap: %s\n", err);
        return 1;
    }
    return ferror(stdout) ? 1 : 0;
}

/* ---------------------------------------------------------------- live fanout */

struct live {
    struct pool *pool;
    pthread_mutex_t out_mu; /* one worker's frame output at a time */
    pthread_mutex_t n_mu;
    uint64_t frames;     /* numbered in the order the workers take them */
    uint64_t first_ts, last_ts;
    const struct options *opt;
};

static struct live *g_live;

static void *live_main(void *arg)
{
    struct worker *w = arg;
    struct live *lv = g_live;
    uint8_t *buf = xcalloc(1, 65536);
    uint32_t caplen, wirelen;
    uint64_t ts;
    int fd = w->fd;
    while (!g_stop) {
        int r = fanout_read(fd, buf, 65536, &caplen, &wirelen, &ts);
        if (r < 0) {
            break;
        }
        if (r == 0) {
            continue;
        }
        pthread_mutex_lock(&lv->n_mu);
        uint64_t n = ++lv->frames;
        lv->first_ts = n == 1 || ts < lv->first_ts ? ts : lv->first_ts;
        lv->last_ts = ts > lv->last_ts ? ts : lv->last_ts;
        if (lv->opt->count > 0 && n >= (uint64_t)lv->opt->count) {
            g_stop = 1; /* -c: this is the last frame */
        }
        pthread_mutex_unlock(&lv->n_mu);
        if (lv->opt->count > 0 && n > (uint64_t)lv->opt->count) {
            break;
        }
        struct item it = {.type = IT_FRAME, .n = n, .ts = ts, .caplen = caplen, .wirelen = wirelen};
        process(&w->app, &it, buf, w->pool->linktype);
        if (w->app.n_recs > 0) {
            pthread_mutex_lock(&lv->out_mu);
            merge_one(&w->app, stdout);
            pthread_mutex_unlock(&lv->out_mu);
        }
    }
    free(buf);
    return NULL;
}

int run_live_fanout(const struct options *opt)
{
    struct pool pool;
    struct live lv;
    char err[256];
    uint32_t linktype = TCPSTATE_LINKTYPE_ETHERNET;
    int fds[64];

    memset(&lv, 0, sizeof lv);
    lv.pool = &pool;
    lv.opt = opt;
    pthread_mutex_init(&lv.out_mu, NULL);
    pthread_mutex_init(&lv.n_mu, NULL);
    g_live = &lv;
    uint16_t group = (uint16_t)(getpid() & 0xFFFF);
    for (unsigned i = 0; i < opt->workers; i++) {
        fds[i] = fanout_open(opt->iface, group, opt->filter, &linktype, err, sizeof err);
        if (fds[i] < 0) {
            fprintf(stderr, "tcpstate-pcap: %s\n", err);
            return 1;
        }
    }
    /* Engines as for one live worker (their own expiry), printing into
     * memory; each frame's lines go out whole. */
    struct options o = *opt;
    o.workers = 1;
    memset(&pool, 0, sizeof pool);
    pool.n = opt->workers;
    pool.linktype = linktype;
    pool.w = xcalloc(pool.n, sizeof *pool.w);
    for (unsigned i = 0; i < pool.n; i++) {
        struct worker *w = &pool.w[i];
        w->pool = &pool;
        w->app.opt = o;
        w->app.recording = 1;
        w->app.out = open_memstream(&w->app.buf, &w->app.buf_size);
        w->mem = make_engine(&w->app, 0);
        w->fd = fds[i];
        if (w->app.out == NULL || pthread_create(&w->thread, NULL, live_main, w) != 0) {
            die_msg("cannot start a worker");
        }
    }
    for (unsigned i = 0; i < pool.n; i++) {
        pthread_join(pool.w[i].thread, NULL);
        close(fds[i]);
    }
    struct summary sum = {lv.first_ts, lv.last_ts};
    for (unsigned i = 0; i < pool.n; i++) {
        struct item it = {.type = IT_FINISH, .n = UINT64_MAX, .ts = lv.last_ts};
        process(&pool.w[i].app, &it, NULL, linktype);
        pool.w[i].app.recording = !opt->quiet; /* quiet engines printed nothing */
    }
    merge_output(&pool, stdout);
    report(&pool, opt, &sum);
    if (opt->stats) {
        print_stats(&pool, opt, 0);
    }
    fflush(stdout);
    for (unsigned i = 0; i < pool.n; i++) {
        fclose(pool.w[i].app.out);
        free(pool.w[i].app.buf);
        free(pool.w[i].app.recs);
        free(pool.w[i].mem);
    }
    free(pool.w);
    return ferror(stdout) ? 1 : 0;
}
