/*
 * bench-tcpstate-batch.c - tcpstate through tcpstate_feed_batch(), for the
 * speed yardstick in ../shared/perf (run.sh builds every tests/perf/bench-*.c).
 * CFLAGS: -I${TCPSTATE_PREFIX}/include -DTCPSTATE_STATIC
 * LIBS: ${TCPSTATE_PREFIX}/lib/libtcpstate.a
 *
 * Same settings and the same counting as the yardstick's bench-tcpstate.c
 * (table sized at the trace's max_live, TS_TABLE_PCT to change it; default
 * config otherwise), except that frames are queued and handed over BATCH at
 * a time (BATCH environment variable, default 128; tcpstate_config::batch_max
 * is set to it). 128 because trace M, whose records the streamed trace keeps
 * pushing out of the last-level cache, was fastest there: median ns/packet
 * 93.2 at 32, 89.0 at 64, 85.7 at 128 (5 interleaved runs each; S and L
 * within noise; BENCHMARKS.md). The queue holds pointers into the
 * harness's in-memory trace, which stays valid, so nothing is copied.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tcpstate.h>

static tcpstate_engine *eng;
static tcpstate_frame *queue;
static tcpstate_status *status;
static size_t queued, batch = 128;
static uint32_t max_flows;
static size_t conc, mem_bytes;
static uint64_t linger_evicted;

static int finished(unsigned s) { return s == TCPSTATE_CLOSED || s == TCPSTATE_TIME_WAIT; }

static int on_ack(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    (void)flow;
    const uint8_t *b = ev->before, *a = ev->after;
    if (a[0] == TCPSTATE_ESTABLISHED && a[1] == TCPSTATE_ESTABLISHED &&
        !(b[0] == TCPSTATE_ESTABLISHED && b[1] == TCPSTATE_ESTABLISHED)) {
        g_counts.established++;
    } else if (finished(a[0]) && finished(a[1]) && !(finished(b[0]) && finished(b[1]))) {
        g_counts.closed++;
    }
    return TCPSTATE_CB_CONTINUE;
}

static int on_rst(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    (void)flow;
    const uint8_t *b = ev->before;
    uint32_t ignored = TCPSTATE_EVF_OUT_OF_WINDOW | TCPSTATE_EVF_RETRANSMIT |
                       TCPSTATE_EVF_RST_INEXACT | TCPSTATE_EVF_IMPLAUSIBLE;
    if (!(ev->flags & ignored) && b[0] >= TCPSTATE_ESTABLISHED && b[1] >= TCPSTATE_ESTABLISHED &&
        !(finished(b[0]) && finished(b[1]))) {
        g_counts.reset++;
    }
    return TCPSTATE_CB_CONTINUE;
}

static int on_flow_end(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    (void)flow;
    switch (ev->reason) {
    case TCPSTATE_END_TIMEOUT:
    case TCPSTATE_END_EVICTED:
    case TCPSTATE_END_REUSED:
    case TCPSTATE_END_DROPPED:
        if (finished(ev->after[0]) && finished(ev->after[1])) {
            linger_evicted++;
        } else {
            g_counts.timed_out++;
        }
        break;
    default:
        break;
    }
    return TCPSTATE_CB_CONTINUE;
}

void backend_init(size_t concurrency)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    conc = concurrency < 1 ? 1 : concurrency;
    const char *pct = getenv("TS_TABLE_PCT"), *bs = getenv("BATCH");
    size_t flows = conc * (pct ? strtoull(pct, NULL, 10) : 100) / 100;
    if (bs != NULL) {
        batch = strtoull(bs, NULL, 10);
    }
    if (batch < 1 || batch > 256) {
        batch = 128;
    }
    if (flows < 1) {
        flows = 1;
    }
    cfg.max_flows = (uint32_t)flows;
    cfg.batch_max = (uint32_t)batch;
    max_flows = cfg.max_flows;
    mem_bytes = tcpstate_footprint(&cfg);
    if (mem_bytes == 0) {
        fprintf(stderr, "tcpstate_footprint: invalid config\n");
        exit(1);
    }
    size_t len = (mem_bytes + 63) & ~(size_t)63;
    void *mem = aligned_alloc(64, len);
    queue = calloc(batch, sizeof *queue);
    status = calloc(batch, sizeof *status);
    if (mem == NULL || queue == NULL || status == NULL) {
        perror("alloc");
        exit(1);
    }
    memset(mem, 0, len); /* fault in every page up front */
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_ack = on_ack;
    cb.on_rst = on_rst;
    cb.on_flow_end = on_flow_end;
    tcpstate_status st = tcpstate_init(mem, len, &cfg, &cb, NULL, &eng);
    if (st != TCPSTATE_OK) {
        fprintf(stderr, "tcpstate_init: %s\n", tcpstate_strerror(st));
        exit(1);
    }
}

static void drain(void)
{
    size_t n = tcpstate_feed_batch(eng, TCPSTATE_LINKTYPE_ETHERNET, queue, queued, status);
    for (size_t i = 0; i < n; i++) {
        g_counts.sink += (uint64_t)(int64_t)status[i];
    }
    queued = 0;
}

void backend_feed(const uint8_t *frame, uint32_t caplen, uint32_t wirelen, uint64_t ts_ns)
{
    tcpstate_frame *f = &queue[queued++];
    f->data = frame;
    f->caplen = caplen;
    f->wirelen = wirelen;
    f->ts = ts_ns;
    if (queued == batch) {
        drain();
    }
}

void backend_flush(void)
{
    if (queued != 0) {
        drain();
    }
}

void backend_report(void)
{
    tcpstate_stats s;
    if (tcpstate_get_stats(eng, &s) != TCPSTATE_OK) {
        return;
    }
    printf("  tcpstate %s batch=%zu: max_flows=%u (%.0f%% of concurrency), footprint=%zu B\n",
           tcpstate_version_string(), batch, max_flows, 100.0 * max_flows / conc, mem_bytes);
    printf("  flows: created=%llu peak=%llu evicted=%llu (lingering closed/reset: %llu, live: %llu) "
           "refused=%llu midstream=%llu\n",
           (unsigned long long)s.flows_created, (unsigned long long)s.flows_peak,
           (unsigned long long)s.flows_evicted, (unsigned long long)linger_evicted,
           (unsigned long long)g_counts.timed_out, (unsigned long long)s.flows_refused,
           (unsigned long long)s.midstream_pickups);
}
