/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The engine object and the internal calls the modules make on it. Lives at the start of the
 * caller's memory.
 */
#ifndef TCPSTATE_ENGINE_H
#define TCPSTATE_ENGINE_H

#include <stdint.h>

#include "flowtable.h"
#include "reasm.h"
#include "tcpstate.h"

/* The likely-server-port set is sized by the configuration (issue 9: an 8 KiB
 * bitmap in every engine was most of a small engine's RAM). The default set
 * costs no RAM: "every port below 1024" plus a sorted list in flash. A
 * caller's list is copied after the flow table, sorted and deduplicated, and
 * searched by binary search; beyond SERVER_PORT_LIST_MAX ports a bitmap
 * (8 KiB) is smaller than the list and is used instead. */
#define SERVER_PORT_BITMAP_BYTES (65536u / 8u)
#define SERVER_PORT_LIST_MAX     (SERVER_PORT_BITMAP_BYTES / 2u)

/* The engine flags that add tests to every frame's path: the Zeek history
 * (and the Zeek lifetimes, which need it), zone and VLAN keying, no window
 * checks. An engine with none of them (the default configuration) runs a
 * copy of the per-frame path compiled with those tests known false (feed.c's
 * `opts` parameters). */
#define TCPSTATE_F_PER_FRAME_OPTS                                                                  \
    (TCPSTATE_F_HISTORY | TCPSTATE_F_ZONE_KEY | TCPSTATE_F_VLAN_KEY | TCPSTATE_F_NO_WINDOW_CHECK)

/* A frame's flow key, zone and hash (feed.c). */
struct keyed {
    struct flow_key key;
    uint32_t zone; /* tcpstate_packet::zone with TCPSTATE_F_ZONE_KEY, else 0 */
    int src_is_hi;
    uint64_t hash;
};

/* One frame of a batch between the stages (feed.c). */
struct batch_slot {
    tcpstate_packet pkt;
    struct keyed k;
    /* The frame's record as guessed in stage 2 from the tags alone, or NULL:
     * taken instead of a lookup when tcpstate__ft_holds() confirms it, which
     * reads only the record just fetched. */
    struct tcpstate_flow *hint;
    struct ft_probe probe; /* stage 1's buckets and tag for k.hash, for stage 2 */
    uint8_t keyed;         /* k and probe are set */
    uint8_t dirtied;       /* the decode dirtied pkt: scrub it once fed (decode_fast.h) */
    tcpstate_status status;
};

struct track_out; /* track.h */

struct tcpstate_engine {
    uint32_t flags;              /* TCPSTATE_F_* */
    uint32_t expire_budget;      /* flows tcpstate_feed() may expire per call */
    uint32_t user_bytes;         /* inline application bytes per flow (start of ext) */
    uint32_t history_offset;     /* history record's offset in ext, or UINT32_MAX */
    uint64_t timeout[CLS_COUNT]; /* idle timeout per flow class, ns */
    /* The callbacks, by event kind (NULL: none). */
    tcpstate_event_cb cb[TCPSTATE_EV_COUNT];
    void *user;
    uint64_t now;        /* newest timestamp seen */
    uint64_t frame_no;   /* frames fed; tcpstate_stats::frames too (stats.frames stays 0) */
    uint8_t in_callback; /* re-entry guard */
    uint8_t stop;        /* a callback returned STOP during this call */
    uint8_t weak_key;    /* the hash key is all zero (tcpstate_stats.weak_hash_key) */
    /* Lazy aging: a flow is refiled (moved to the newest end of its class's
     * list, which touches two other records) only when its class changes or
     * its segments cross a multiple of 2^file_shift[class] ns; see
     * file_flow() in feed.c. */
    uint8_t file_shift[CLS_COUNT];
    uint16_t ev_want;      /* 1u << kind for every event kind with a callback */
    uint32_t sweep;        /* next record the Zeek-lifetime expiry sweep looks at */
    uint64_t expiry_floor; /* no flow's idle deadline comes before this */
    tcpstate_stats stats;
    struct flowtable ft;
    struct batch_slot *batch; /* tcpstate_feed_batch() workspace, batch_max slots */
    uint32_t batch_max;
    /* tcpstate_create() bookkeeping: the block to give back, and how. */
    void *alloc_base;
    size_t alloc_size;
    tcpstate_allocator alloc;
    /* The tracker's events for the segment being fed. In the caller's memory
     * right after this struct rather than on the stack: tcpstate_feed()'s
     * frame holds it while an eviction may run a callback, and the worst-case
     * stack must stay within 512 bytes on Cortex-M4 (docs/embedding.md). */
    struct track_out *seg_out;
    /* The decoded frame, a reassembled datagram and the flow key of the
     * frame being fed: here rather than in the feed functions' stack frames,
     * for the same reason (the engine is never entered twice at once:
     * TCPSTATE_E_REENTRANT). */
    tcpstate_packet scratch_pkt;
    tcpstate_packet *scratch_whole; /* after the reassembly pool; NULL without reassembly */
    struct keyed scratch_key;       /* the key of the frame being fed, when built here */
    /* Likely server ports (see SERVER_PORT_LIST_MAX): */
    const uint16_t *port_list;      /* sorted, unique; NULL when port_bits is used */
    const uint8_t *port_bits;       /* one bit per port, or NULL */
    uint32_t n_port_list;           /* entries in port_list */
    uint32_t ports_below_1024;      /* the default set: every port below 1024 too */
    struct reasm *reasm;            /* IP fragment pool (reasm.c), NULL when reassembly is off */
    tcpstate_decode_options decode; /* issue 8: tunnel ports and kinds, from the config, and
                                       the checksum flag from the engine flags */
};

/* The engine's own calls, shared by its files (tcpstate.c: setup, events,
 * expiry; feed.c: the per-frame path and the batch). */
static inline tcpstate_event_cb tcpstate__callback_for(const tcpstate_engine *e, unsigned kind)
{
    return kind < TCPSTATE_EV_COUNT ? e->cb[kind] : NULL;
}
/* Call `fn` with `ev`, recording STOP and DROP_FLOW answers; after a STOP
 * only flow-end events are delivered, so the application can still release
 * per-flow resources. Inline: the per-frame path delivers a third of its
 * segments' events on short connections. */
static inline void tcpstate__emit(tcpstate_engine *e, struct tcpstate_flow *f,
                                  const tcpstate_event *ev, tcpstate_event_cb fn)
{
    if (e->stop && ev->kind != TCPSTATE_EV_FLOW_END) {
        return;
    }
    uint8_t was = e->in_callback;
    e->in_callback = 1;
    int r = fn(e->user, f, ev);
    e->in_callback = was;
    if (r == TCPSTATE_CB_CONTINUE) {
        return;
    }
    if (r == TCPSTATE_CB_DROP_FLOW) {
        if (ev->kind != TCPSTATE_EV_FLOW_END) {
            f->fflags |= FF_DROP;
        }
        return;
    }
    e->stop = 1;
}
/* Report a flow's end, count it, and free its record. */
void tcpstate__end_flow(tcpstate_engine *e, struct tcpstate_flow *f, tcpstate_end_reason reason,
                        uint64_t ts, const tcpstate_packet *pkt, tcpstate_side dir);
/* The same but the record stays as it is (an eviction hands it straight to
 * the new flow: tcpstate__ft_reuse()). */
void tcpstate__end_flow_report(tcpstate_engine *e, struct tcpstate_flow *f,
                               tcpstate_end_reason reason, uint64_t ts, const tcpstate_packet *pkt,
                               tcpstate_side dir);
/* End idle flows due by `now`, at most `budget` (0: all). */
void tcpstate__run_expiry(tcpstate_engine *e, uint64_t now, size_t budget);
/* a + b, saturating: a timeout of UINT64_MAX means "never". */
static inline uint64_t tcpstate__add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
/* A caller's timestamp, never earlier than the newest seen: time never goes
 * backwards inside the engine. */
static inline uint64_t tcpstate__clamp_time(tcpstate_engine *e, uint64_t ts)
{
    if (ts < e->now) {
        e->stats.time_backwards++;
        return e->now;
    }
    e->now = ts;
    return ts;
}

/* The status of a call, TCPSTATE_E_CALLBACK if a callback stopped it. */
static inline tcpstate_status tcpstate__call_result(tcpstate_engine *e, tcpstate_status st)
{
    if (e->stop) {
        e->stop = 0;
        if (st >= 0) {
            return TCPSTATE_E_CALLBACK;
        }
    }
    return st;
}
/* IP reassembly stage (tcpstate.c, issue 8), between decode and track: a
 * fragment goes into the pool; when it completes its datagram, *pkt is
 * pointed at `whole`, the decoded datagram. Returns the frame's status. */
tcpstate_status tcpstate__reasm_stage(tcpstate_engine *e, const tcpstate_packet **pkt,
                                      tcpstate_packet *whole, tcpstate_status st, uint64_t ts);

/* Whether a port is in the likely-server set. */
int tcpstate__is_server_port(const tcpstate_engine *e, uint16_t port);

/* The per-flow history record, or NULL without TCPSTATE_F_HISTORY. */
uint8_t *tcpstate__flow_history_record(const tcpstate_engine *e, const struct tcpstate_flow *f);

#endif
