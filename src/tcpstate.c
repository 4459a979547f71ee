/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Glue: configuration, memory carving, feed / expire / finish and event
 * delivery. The decoding lives in decode*.c, the table in flowtable.c, the
 * state machine in track.c, the Zeek emulation in zeek.c, and what the
 * application can ask about flows in flowinfo.c.
 */
#include <stddef.h>
#include <string.h>

#include "decode.h"
#include "engine.h"
#include "reasm.h"
#include "tcpstate.h"
#include "track.h"
#include "zeek.h"

#define NS_PER_S UINT64_C(1000000000)

/* Ports that mark the responder of a flow picked up midstream, besides all
 * ports below 1024: common services on registered ports. */
static const uint16_t default_server_ports[] = {
    1080, 1194, 1433, 1521, 1723, 1883, 2049, 2181, 2375, 2376,  3128,  3260,
    3268, 3306, 3389, 3690, 4369, 5000, 5060, 5061, 5222, 5269,  5432,  5601,
    5671, 5672, 5900, 5984, 6379, 6443, 6667, 6697, 7001, 8000,  8008,  8080,
    8081, 8443, 8888, 9000, 9042, 9092, 9200, 9300, 9418, 11211, 27017,
};

#define KNOWN_FLAGS                                                                                \
    (TCPSTATE_F_PICKUP_MIDSTREAM | TCPSTATE_F_EVICT_ESTABLISHED | TCPSTATE_F_VERIFY_CHECKSUMS |    \
     TCPSTATE_F_VLAN_KEY | TCPSTATE_F_NO_WINDOW_CHECK | TCPSTATE_ZEEK_FLAGS |                      \
     TCPSTATE_F_RST_IN_WINDOW | TCPSTATE_F_ZONE_KEY)

#define MAX_USER_BYTES 4096u
#define MAX_BATCH      256u
#define ENGINE_ALIGN   64u /* the bucket array is cache-line aligned */

/* TCPSTATE_STATIC_BYTES() (tcpstate.h) mirrors plan() below with constants:
 * alignment slack plus the engine rounded to ENGINE_ALIGN, the bucket array,
 * and a record per flow. If these fail, the engine or the record grew:
 * raise TCPSTATE_STATIC_FIXED_ / TCPSTATE_STATIC_FLOW_ to match (the test
 * tests/test_sizes.c checks the bound stays within 5%). */
#define SEG_OUT_OFFSET ((sizeof(struct tcpstate_engine) + 7u) & ~(size_t)7u)
#define ENGINE_REGION  (SEG_OUT_OFFSET + sizeof(struct track_out))
_Static_assert(ENGINE_ALIGN - 1u +
                       ((ENGINE_REGION + ENGINE_ALIGN - 1u) & ~(size_t)(ENGINE_ALIGN - 1u)) <=
                   TCPSTATE_STATIC_FIXED_,
               "engine outgrew TCPSTATE_STATIC_FIXED_ (tcpstate.h)");
_Static_assert(sizeof(struct tcpstate_flow) <= TCPSTATE_STATIC_FLOW_,
               "flow record outgrew TCPSTATE_STATIC_FLOW_ (tcpstate.h)");
_Static_assert(sizeof(struct batch_slot) <= TCPSTATE_STATIC_SLOT_,
               "batch slot outgrew TCPSTATE_STATIC_SLOT_ (tcpstate.h)");
_Static_assert(SERVER_PORT_LIST_MAX == 4096u && SERVER_PORT_BITMAP_BYTES == 8192u,
               "TCPSTATE_STATIC_PORT_BYTES (tcpstate.h) assumes these");

void tcpstate_config_init(tcpstate_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    memset(cfg, 0, sizeof *cfg);
    cfg->max_flows = 65536;
    cfg->flags = TCPSTATE_F_PICKUP_MIDSTREAM | TCPSTATE_F_EVICT_ESTABLISHED;
    cfg->expire_budget = 2;
    cfg->batch_max = 16;
    /* Linux nf_conntrack_proto_tcp.c tcp_timeouts[]: SYN_SENT 2 min, ESTABLISHED
     * 5 days, FIN_WAIT 2 min, TIME_WAIT 2 min (2 * MSL with MSL = 60 s), CLOSE 10 s. */
    cfg->timeout_embryonic = 120 * NS_PER_S;
    cfg->timeout_established = 5 * 24 * 3600 * NS_PER_S;
    cfg->timeout_closing = 120 * NS_PER_S;
    cfg->timeout_time_wait = 120 * NS_PER_S;
    cfg->timeout_closed = 10 * NS_PER_S;
    /* IP reassembly: 64 datagrams at once in 128 KiB, the largest datagram with as much again
     * beside it; Linux's ipfrag_time of 30 s. */
#ifndef TCPSTATE_NO_REASSEMBLY
    cfg->reasm_contexts = 64;
#endif
    cfg->reasm_bytes = 128 * 1024;
    cfg->reasm_timeout = 30 * NS_PER_S;
}

/* ------------------------------------------------------------------ layout */

struct layout {
    size_t engine_bytes; /* engine struct and its seg_out, rounded to ENGINE_ALIGN */
    struct ft_sizes ft;
    uint64_t port_bytes; /* the caller's server-port set, after the table */
    uint32_t user_bytes;
    uint32_t ext_stride;
    uint32_t zone_offset; /* of the zone in a flow's extension bytes, UINT32_MAX: none */
    size_t batch_bytes;   /* tcpstate_feed_batch() workspace */
    uint64_t reasm_bytes; /* IP fragment pool, 8-byte aligned after everything else */
    size_t total;         /* including alignment slack */
};

/* Round up to a power of two: a mask, so no division reaches the object code. */
static size_t round_up(size_t v, size_t pow2) { return (v + pow2 - 1u) & ~(pow2 - 1u); }

/* Whether the caller gave its own server-port set. A build with
 * TCPSTATE_NO_SERVER_PORT_LIST (docs/embedding.md) has only the default set
 * (config_valid() refuses a list), and the code for a list is left out. */
static int caller_ports(const tcpstate_config *cfg)
{
#ifdef TCPSTATE_NO_SERVER_PORT_LIST
    (void)cfg;
    return 0;
#else
    return cfg->server_ports != NULL;
#endif
}

static int config_valid(const tcpstate_config *cfg)
{
    return cfg != NULL && cfg->max_flows >= 1 && cfg->max_flows <= (1u << 28) &&
           (cfg->flags & ~KNOWN_FLAGS) == 0 && cfg->flow_user_bytes <= MAX_USER_BYTES &&
           cfg->timeout_embryonic != 0 && cfg->timeout_established != 0 &&
           cfg->timeout_closing != 0 && cfg->timeout_time_wait != 0 && cfg->timeout_closed != 0 &&
           !(cfg->server_ports == NULL && cfg->n_server_ports != 0) &&
           (cfg->server_ports == NULL || caller_ports(cfg)) &&
           !((cfg->flags & TCPSTATE_F_ZEEK_LIFETIME) && !(cfg->flags & TCPSTATE_F_HISTORY)) &&
           cfg->n_server_ports <= 65536u && cfg->batch_max <= MAX_BATCH &&
           (cfg->reasm_contexts == 0 ||
            (cfg->reasm_timeout != 0 &&
             tcpstate__reasm_footprint(cfg->reasm_contexts, cfg->reasm_bytes) != UINT64_MAX));
}

/* RAM the caller's server-port set takes after the flow table: nothing for
 * the default set (it stays in flash), else the smaller of a sorted list and
 * a bitmap (engine.h). */
static uint64_t server_port_bytes(const tcpstate_config *cfg)
{
    if (!caller_ports(cfg)) {
        return 0;
    }
    if (cfg->n_server_ports > SERVER_PORT_LIST_MAX) {
        return SERVER_PORT_BITMAP_BYTES;
    }
    return (uint64_t)cfg->n_server_ports * sizeof(uint16_t);
}

static int plan(const tcpstate_config *cfg, struct layout *lay)
{
    if (!config_valid(cfg)) {
        return -1;
    }
    /* Before the call below, which the compiler must assume changes *cfg:
     * here it still knows what config_valid() checked (built without
     * reassembly: that there is no pool), and leaves the code out. */
    lay->reasm_bytes = tcpstate__reasm_footprint(cfg->reasm_contexts, cfg->reasm_bytes);
    lay->user_bytes = (uint32_t)round_up(cfg->flow_user_bytes, 8);
    lay->ext_stride = lay->user_bytes +
                      ((cfg->flags & TCPSTATE_F_HISTORY) ? (uint32_t)TCPSTATE_HISTORY_BYTES : 0u);
    /* A zone-keyed flow keeps its zone beside its record (8 bytes keep the
     * stride 8-aligned): the record itself has no room left (flowtable.h). */
    lay->zone_offset = (cfg->flags & TCPSTATE_F_ZONE_KEY) ? lay->ext_stride : UINT32_MAX;
    lay->ext_stride += (cfg->flags & TCPSTATE_F_ZONE_KEY) ? 8u : 0u;
    if (tcpstate__ft_sizes(cfg->max_flows, lay->ext_stride, &lay->ft) != 0) {
        return -1;
    }
    lay->engine_bytes = round_up(ENGINE_REGION, ENGINE_ALIGN);
    lay->port_bytes = server_port_bytes(cfg);
    lay->batch_bytes = (size_t)cfg->batch_max * sizeof(struct batch_slot); /* <= 256 slots */
    /* Sum in 64 bits (each term is below 2^61) and check, so that a 32-bit
     * target refuses what its size_t cannot count instead of wrapping. */
    uint64_t total = (uint64_t)ENGINE_ALIGN - 1u + lay->engine_bytes + lay->ft.slots_bytes +
                     lay->ft.flows_bytes + lay->ft.ext_bytes + lay->batch_bytes + lay->port_bytes;
    /* The pool, its alignment, and the view of a reassembled datagram after
     * it (engine.h: not on the stack, and not in engines without a pool). */
    total += lay->reasm_bytes != 0 ? lay->reasm_bytes + 7u + sizeof(tcpstate_packet)
                                   : 0u; /* < 2^37: no overflow */
    if (total > SIZE_MAX) {
        return -1;
    }
    lay->total = (size_t)total;
    return 0;
}

size_t tcpstate_footprint(const tcpstate_config *cfg)
{
    struct layout lay;
    return plan(cfg, &lay) == 0 ? lay.total : 0;
}

/* Build the likely-server-port set in `mem` (server_port_bytes() of it). */
static void set_server_ports(tcpstate_engine *e, const tcpstate_config *cfg, uint8_t *mem)
{
    e->port_list = NULL;
    e->port_bits = NULL;
    e->n_port_list = 0;
    e->ports_below_1024 = 0;
    if (!caller_ports(cfg)) {
        e->port_list = default_server_ports;
        e->n_port_list = (uint32_t)(sizeof default_server_ports / sizeof *default_server_ports);
        e->ports_below_1024 = 1;
        return;
    }
    if (cfg->n_server_ports > SERVER_PORT_LIST_MAX) {
        memset(mem, 0, SERVER_PORT_BITMAP_BYTES);
        for (uint32_t i = 0; i < cfg->n_server_ports; i++) {
            uint16_t p = cfg->server_ports[i];
            mem[p >> 3] = (uint8_t)(mem[p >> 3] | (1u << (p & 7u)));
        }
        e->port_bits = mem;
        return;
    }
    /* Insertion sort by adjacent swaps (a shifting loop would become a
     * memmove call, which the library does not take from libc), then drop
     * duplicates. At most SERVER_PORT_LIST_MAX entries, once, at init: small
     * code beats a faster sort here. `mem` follows the 8-byte-aligned table,
     * so it is aligned for uint16_t. */
    uint16_t *list = (uint16_t *)(void *)mem;
    uint32_t n = 0;
    for (uint32_t i = 0; i < cfg->n_server_ports; i++) {
        list[i] = cfg->server_ports[i];
        for (uint32_t j = i; j > 0 && list[j - 1] > list[j]; j--) {
            uint16_t t = list[j - 1];
            list[j - 1] = list[j];
            list[j] = t;
        }
    }
    for (uint32_t i = 0; i < cfg->n_server_ports; i++) {
        if (n == 0 || list[n - 1] != list[i]) {
            list[n++] = list[i];
        }
    }
    e->port_list = list;
    e->n_port_list = n;
}

/* Binary search without data-dependent branches (the comparison becomes a
 * conditional move): 6 probes for the default list, 12 for the longest
 * caller's list. Called once per flow picked up midstream, never per segment
 * of a known flow; tests/bench/bench_server_ports.c measures it. */
int tcpstate__is_server_port(const tcpstate_engine *e, uint16_t port)
{
#ifndef TCPSTATE_NO_SERVER_PORT_LIST /* else only the default list, never a bitmap */
    if (e->port_bits != NULL) {
        return (e->port_bits[port >> 3] >> (port & 7u)) & 1;
    }
#endif
    if (port < 1024u && e->ports_below_1024) {
        return 1;
    }
    const uint16_t *base = e->port_list;
    uint32_t n = e->n_port_list;
    if (n == 0) {
        return 0;
    }
    while (n > 1) { /* the last entry <= port, if any, stays in [base, base + n) */
        uint32_t half = n >> 1;
        base = base[half] <= port ? base + half : base;
        n -= half;
    }
    return *base == port;
}

static uint8_t key_is_zero(const uint8_t key[16])
{
    unsigned acc = 0;
    for (unsigned i = 0; i < 16; i++) {
        acc |= key[i];
    }
    return acc == 0;
}

/* The aging period of a class (file_flow() in feed.c): the largest power of
 * two not above 1/64 of its timeout, capped at 2^30 ns. */
static uint8_t aging_shift(uint64_t timeout)
{
    /* Capped below 2^31 the answer is the same (30 either way) and the loop
     * runs in 32 bits: no 64-bit shifts on a 32-bit core (issue 9). */
    uint64_t limit64 = timeout >> 6;
    uint32_t limit = limit64 > 0x7FFFFFFFu ? 0x7FFFFFFFu : (uint32_t)limit64;
    uint8_t s = 0;
    while ((2u << s) <= limit) { /* stops at s = 30 at the latest: 2^31 > limit */
        s++;
    }
    return s;
}

tcpstate_status tcpstate_init(void *mem, size_t len, const tcpstate_config *cfg,
                              const tcpstate_callbacks *cb, void *user, tcpstate_engine **out)
{
    struct layout lay;
    if (mem == NULL || out == NULL || plan(cfg, &lay) != 0) {
        return TCPSTATE_E_INVAL;
    }
    if (len < lay.total) {
        return TCPSTATE_E_NOMEM;
    }
    uintptr_t addr = (uintptr_t)mem;
    uint8_t *base = (uint8_t *)mem + ((ENGINE_ALIGN - addr % ENGINE_ALIGN) % ENGINE_ALIGN);
    tcpstate_engine *e = (tcpstate_engine *)(void *)base;
    uint8_t *slots = base + lay.engine_bytes;
    uint8_t *flows = slots + (size_t)lay.ft.slots_bytes; /* plan() checked the sum */
    uint8_t *ext = flows + (size_t)lay.ft.flows_bytes;
    uint8_t *batch = ext + (size_t)lay.ft.ext_bytes; /* 8-byte aligned: every region above is */
    uint8_t *ports = batch + (size_t)lay.batch_bytes;

    memset(e, 0, sizeof *e);
    e->seg_out = (struct track_out *)(void *)(base + SEG_OUT_OFFSET);
    e->flags = cfg->flags;
    e->expire_budget = cfg->expire_budget;
    e->user_bytes = lay.user_bytes;
    e->history_offset = (cfg->flags & TCPSTATE_F_HISTORY) ? lay.user_bytes : UINT32_MAX;
    e->timeout[CLS_EMBRYONIC] = cfg->timeout_embryonic;
    e->timeout[CLS_ESTABLISHED] = cfg->timeout_established;
    e->timeout[CLS_CLOSING] = cfg->timeout_closing;
    e->timeout[CLS_TIME_WAIT] = cfg->timeout_time_wait;
    e->timeout[CLS_CLOSED] = cfg->timeout_closed;
    for (unsigned c = 0; c < CLS_COUNT; c++) {
        e->file_shift[c] = aging_shift(e->timeout[c]);
    }
    if (cb != NULL) {
        /* Indexed by kind: one load per event on the per-frame path. */
        e->cb[TCPSTATE_EV_SYN] = cb->on_syn;
        e->cb[TCPSTATE_EV_SYNACK] = cb->on_synack;
        e->cb[TCPSTATE_EV_ACK] = cb->on_ack;
        e->cb[TCPSTATE_EV_FIN] = cb->on_fin;
        e->cb[TCPSTATE_EV_RST] = cb->on_rst;
        e->cb[TCPSTATE_EV_STATE_CHANGE] = cb->on_state_change;
        e->cb[TCPSTATE_EV_FLOW_END] = cb->on_flow_end;
    }
    for (unsigned k = 0; k < TCPSTATE_EV_COUNT; k++) {
        if (tcpstate__callback_for(e, k) != NULL) {
            e->ev_want = (uint16_t)(e->ev_want | 1u << k);
        }
    }
    e->seg_out->want = e->ev_want; /* the callbacks never change: once, not per segment */
    e->user = user;
    e->expiry_floor = UINT64_MAX;
    e->batch = cfg->batch_max != 0 ? (struct batch_slot *)(void *)batch : NULL;
    if (e->batch != NULL) {
        /* Clean views (decode_fast.h): the batch keeps them so, as tcpstate_feed() its own. */
        memset(batch, 0, lay.batch_bytes);
    }
    e->batch_max = cfg->batch_max;
    set_server_ports(e, cfg, ports);
    e->weak_key = key_is_zero(cfg->hash_key);
    e->stats.weak_hash_key = e->weak_key;
    e->decode = cfg->decode; /* issue 8: tunnel ports and kinds */
    e->decode.flags = cfg->flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS; /* ready to pass */
    tcpstate__ft_init(&e->ft, cfg->max_flows, lay.ext_stride, slots, flows,
                      lay.ext_stride ? ext : NULL, cfg->hash_key);
    e->ft.zone_offset = lay.zone_offset;
#ifndef TCPSTATE_NO_REASSEMBLY /* else plan() let no pool through */
    if (lay.reasm_bytes != 0) {
        uint8_t *pool = ports + (size_t)lay.port_bytes;
        uintptr_t at = (uintptr_t)pool;
        e->reasm = tcpstate__reasm_init(pool + ((8u - at % 8u) % 8u), cfg->reasm_contexts,
                                        cfg->reasm_bytes, cfg->reasm_timeout, cfg->hash_key);
        /* The pool's size is a multiple of 8: the view is aligned. */
        e->scratch_whole =
            (tcpstate_packet *)(void *)(pool + ((8u - at % 8u) % 8u) + (size_t)lay.reasm_bytes);
    }
#endif
    *out = e;
    return TCPSTATE_OK;
}

tcpstate_status tcpstate_reset(tcpstate_engine *e)
{
    if (e == NULL) {
        return TCPSTATE_E_INVAL;
    }
    if (e->in_callback) {
        return TCPSTATE_E_REENTRANT;
    }
    tcpstate__ft_clear(&e->ft);
    if (e->reasm != NULL) {
        tcpstate__reasm_reset(e->reasm);
    }
    memset(&e->stats, 0, sizeof e->stats);
    e->stats.weak_hash_key = e->weak_key;
    e->now = 0;
    e->frame_no = 0;
    e->stop = 0;
    e->sweep = 0;
    e->expiry_floor = UINT64_MAX;
    return TCPSTATE_OK;
}

/* ------------------------------------------------------------------ events, ends */

/* Where each end reason is counted in tcpstate_stats (a table, not a
 * switch: smaller, and one load on every flow's end). */
static const uint16_t end_counter[TCPSTATE_END_COUNT] = {
    [TCPSTATE_END_CLOSED] = offsetof(tcpstate_stats, flows_closed),
    [TCPSTATE_END_RESET] = offsetof(tcpstate_stats, flows_reset),
    [TCPSTATE_END_TIMEOUT] = offsetof(tcpstate_stats, flows_timed_out),
    [TCPSTATE_END_EVICTED] = offsetof(tcpstate_stats, flows_evicted),
    [TCPSTATE_END_REUSED] = offsetof(tcpstate_stats, flows_reused),
    [TCPSTATE_END_FINISHED] = offsetof(tcpstate_stats, flows_finished),
    [TCPSTATE_END_DROPPED] = offsetof(tcpstate_stats, flows_dropped),
};

static void count_end(tcpstate_stats *st, tcpstate_end_reason reason)
{
    if (reason > TCPSTATE_END_NONE && reason < TCPSTATE_END_COUNT) {
        uint64_t n;
        uint8_t *at = (uint8_t *)st + end_counter[reason];
        memcpy(&n, at, sizeof n);
        n++;
        memcpy(at, &n, sizeof n);
    }
}

/* The flow-end event and count, merged into both callers below even when
 * built for size: end_flow() calling end_flow_report() would stack two
 * frames between the engine and the callback (Cortex-M4: 40 + 72 bytes
 * against 72, docs/embedding.md "Stack"). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
report_end(tcpstate_engine *e, struct tcpstate_flow *f, tcpstate_end_reason reason, uint64_t ts,
           const tcpstate_packet *pkt, tcpstate_side dir)
{
    tcpstate_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TCPSTATE_EV_FLOW_END;
    ev.dir = (uint8_t)dir;
    ev.side = (uint8_t)dir;
    ev.reason = (uint8_t)reason;
    ev.before[0] = ev.after[0] = f->ep[0].state;
    ev.before[1] = ev.after[1] = f->ep[1].state;
    ev.flags = (f->fflags & FF_MIDSTREAM) ? TCPSTATE_EVF_MIDSTREAM : 0u;
    ev.ts = ts;
    ev.frame = pkt != NULL ? e->frame_no : 0;
    ev.pkt = pkt;
    ev.engine = e;
    tcpstate_event_cb fn = tcpstate__callback_for(e, TCPSTATE_EV_FLOW_END);
    if (fn != NULL) {
        tcpstate__emit(e, f, &ev, fn);
    }
    count_end(&e->stats, reason);
}

void tcpstate__end_flow_report(tcpstate_engine *e, struct tcpstate_flow *f,
                               tcpstate_end_reason reason, uint64_t ts, const tcpstate_packet *pkt,
                               tcpstate_side dir)
{
    report_end(e, f, reason, ts, pkt, dir);
}

void tcpstate__end_flow(tcpstate_engine *e, struct tcpstate_flow *f, tcpstate_end_reason reason,
                        uint64_t ts, const tcpstate_packet *pkt, tcpstate_side dir)
{
    report_end(e, f, reason, ts, pkt, dir);
    tcpstate__ft_release(&e->ft, f);
}

/* ------------------------------------------------------------------ expiry */

/* The flow whose idle deadline comes first, over the heads of all classes. */
static struct tcpstate_flow *next_due(const tcpstate_engine *e, uint64_t *deadline)
{
    struct tcpstate_flow *best = NULL;
    for (unsigned c = 0; c < CLS_COUNT; c++) {
        struct tcpstate_flow *f = tcpstate__ft_oldest(&e->ft, (enum flow_class)c);
        if (f == NULL) {
            continue;
        }
        uint64_t d = tcpstate__add_sat(tcpstate__flow_last_ts(f), e->timeout[c]);
        if (best == NULL || d < *deadline) {
            best = f;
            *deadline = d;
        }
    }
    return best;
}

/* Zeek's deadlines do not follow last activity (an unanswered SYN ends 5 s
 * after the SYN however busy the flow), so with Zeek lifetimes the table is
 * swept round-robin instead, `budget` records per call. A flow's next packet
 * checks its deadline too (find_flow), so a late sweep never changes what a
 * flow contains, only when its end is reported. */
#ifndef TCPSTATE_NO_ZEEK /* else TCPSTATE_F_ZEEK_LIFETIME is refused at init */
static void run_zeek_expiry(tcpstate_engine *e, uint64_t now, size_t budget)
{
    size_t n = budget == 0 || budget > e->ft.cap ? e->ft.cap : budget;
    for (size_t i = 0; i < n; i++) {
        struct tcpstate_flow *f = &e->ft.flows[e->sweep];
        e->sweep = e->sweep + 1 < e->ft.cap ? e->sweep + 1 : 0;
        if (f->cls == CLS_FREE) {
            continue;
        }
        uint64_t deadline = tcpstate__zeek_deadline(tcpstate__flow_history_record(e, f));
        if (deadline <= now) {
            tcpstate__end_flow(e, f, tcpstate__track_end_reason(f, 0), deadline, NULL,
                               TCPSTATE_ORIG);
        }
    }
}
#endif

/* End idle flows, earliest deadline first; each is reported at its deadline.
 * e->expiry_floor is a lower bound of every deadline, so most calls return
 * without touching a single flow record (at a million flows each would be a
 * cache miss): it is recomputed here and lowered whenever a flow is filed. */
void tcpstate__run_expiry(tcpstate_engine *e, uint64_t now, size_t budget)
{
#ifndef TCPSTATE_NO_ZEEK
    if (e->flags & TCPSTATE_F_ZEEK_LIFETIME) {
        run_zeek_expiry(e, now, budget);
        return;
    }
#endif
    if (now < e->expiry_floor) {
        return;
    }
    for (size_t n = 0;; n++) {
        uint64_t deadline = UINT64_MAX;
        struct tcpstate_flow *f = next_due(e, &deadline);
        if (f == NULL || deadline == UINT64_MAX || deadline > now || (budget != 0 && n == budget)) {
            e->expiry_floor = f == NULL ? UINT64_MAX : deadline;
            return;
        }
        tcpstate__end_flow(e, f, tcpstate__track_end_reason(f, 0), deadline, NULL, TCPSTATE_ORIG);
    }
}

tcpstate_status tcpstate_expire(tcpstate_engine *e, uint64_t now, size_t budget)
{
    if (e == NULL) {
        return TCPSTATE_E_INVAL;
    }
    if (e->in_callback) {
        return TCPSTATE_E_REENTRANT;
    }
    e->stop = 0;
    now = tcpstate__clamp_time(e, now);
    if (e->reasm != NULL) {
        tcpstate__reasm_expire(e->reasm, now, &e->stats);
    }
    tcpstate__run_expiry(e, now, budget);
    return tcpstate__call_result(e, TCPSTATE_OK);
}

tcpstate_status tcpstate_finish(tcpstate_engine *e)
{
    if (e == NULL) {
        return TCPSTATE_E_INVAL;
    }
    if (e->in_callback) {
        return TCPSTATE_E_REENTRANT;
    }
    e->stop = 0;
    for (;;) {
        struct tcpstate_flow *oldest = NULL;
        for (unsigned c = 0; c < CLS_COUNT; c++) {
            struct tcpstate_flow *f = tcpstate__ft_oldest(&e->ft, (enum flow_class)c);
            if (f != NULL &&
                (oldest == NULL || tcpstate__flow_last_ts(f) < tcpstate__flow_last_ts(oldest))) {
                oldest = f;
            }
        }
        if (oldest == NULL) {
            break;
        }
        tcpstate__end_flow(e, oldest, tcpstate__track_end_reason(oldest, 1), e->now, NULL,
                           TCPSTATE_ORIG);
    }
    return tcpstate__call_result(e, TCPSTATE_OK);
}

/* ------------------------------------------------------------------ reassembly stage */

/* Between decode and track (issue 8): an IP fragment goes into the pool
 * (reasm.c). Returns the frame's status: TCPSTATE_SKIP_FRAGMENT while its
 * datagram is incomplete (or when the fragment was dropped; counted); the
 * decoder's own status when the pool refused it (cut by the snap length: a
 * first fragment is then tracked alone, as without reassembly); or, when it
 * completed a datagram, the status of decoding the whole datagram as a raw IP
 * frame, *pkt then pointing to `whole`: its frame is in the pool (valid until
 * the next frame), its link-layer fields are those of the completing fragment. */
tcpstate_status tcpstate__reasm_stage(tcpstate_engine *e, const tcpstate_packet **pkt,
                                      tcpstate_packet *whole, tcpstate_status st, uint64_t ts)
{
#ifdef TCPSTATE_NO_REASSEMBLY /* no pool ever (plan()): every fragment goes on as decoded */
    (void)e, (void)pkt, (void)whole, (void)ts;
    return st;
#else
    const tcpstate_packet *p = *pkt;
    if (e->reasm == NULL || !(p->frag_flags & TCPSTATE_FRAG_IS)) {
        return st;
    }
    if (p->ip_csum == TCPSTATE_CSUM_BAD) {
        return TCPSTATE_E_BAD_IPV4_CHECKSUM; /* verified and wrong: not believed */
    }
    uint32_t zone = (e->flags & TCPSTATE_F_VLAN_KEY) && p->vlan_count > 0
                        ? (uint32_t)(p->vlan_id[0] & 0x0fffu)
                        : 0u;
    const uint8_t *ip;
    size_t len;
    uint8_t fflags;
    switch (tcpstate__reasm_add(e->reasm, p, zone, ts, &e->stats, &ip, &len, &fflags)) {
    case REASM_REFUSED:
        return st;
    case REASM_HELD:
        return TCPSTATE_SKIP_FRAGMENT;
    case REASM_DONE:
        break;
    }
    st = tcpstate_decode_ex(TCPSTATE_LINKTYPE_RAW, ip, len, len, &e->decode, whole);
    whole->frag_flags = fflags;
    whole->encap = p->encap;
    whole->vlan_count = p->vlan_count;
    memcpy(whole->vlan_id, p->vlan_id, sizeof whole->vlan_id);
    whole->mpls_count = p->mpls_count;
    whole->mpls_label = p->mpls_label;
    whole->pppoe_session = p->pppoe_session;
    st = tcpstate__decode_outer_tunnels(whole, p, st); /* issue 8: tunnels around the fragments */
    *pkt = whole;
    return st;
#endif
}
