/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-frame path: decode, key and hash, find or open the flow, track
 * the segment, deliver its events; and the batch call, which runs the first
 * stages over many frames (so that the memory each frame needs is fetched
 * while others are worked on) and then the rest frame by frame, exactly as
 * tcpstate_feed() would.
 */
#include <string.h>

#include "decode_fast.h"
#include "engine.h"
#include "hints.h"
#include "tcpstate.h"
#include "track.h"
#include "track_fast.h"
#include "zeek.h"

/* Ask for the neighbours of flow `f` (NULL: none) on its activity list: a
 * segment that changes the flow's class (most do, in short connections)
 * moves it to another list, which writes both. A macro, not a function: GCC
 * finds a function of loads and prefetches free of side effects and drops
 * its calls. A link is a pool index or FT_NIL; rather than test each (two
 * compares and branches per packet), the address is computed from link + 1
 * in 32 bits, so FT_NIL names the record slot just before the pool: inside
 * the engine's block (the index precedes the pool, tcpstate_init()), and a
 * prefetch never faults anyway. In integers, since that slot is no object. */
#define PREFETCH_LINK(e, link, member)                                                             \
    PREFETCH((const void *)((uintptr_t)(e)->ft.flows - sizeof(struct tcpstate_flow) +              \
                            offsetof(struct tcpstate_flow, member) +                               \
                            (uintptr_t)((link) + 1u) * sizeof(struct tcpstate_flow)))
#define PREFETCH_NEIGHBOURS(e, f)                                                                  \
    do {                                                                                           \
        const struct tcpstate_flow *nf_ = (f);                                                     \
        if (nf_ != NULL) {                                                                         \
            PREFETCH_LINK(e, nf_->prev, next);                                                     \
            PREFETCH_LINK(e, nf_->next, prev);                                                     \
        }                                                                                          \
    } while (0)

/* `opts` 0 here and below: the engine has none of TCPSTATE_F_PER_FRAME_OPTS
 * (engine.h), and the tests of those flags leave that copy of the code. */
static HOT_INLINE void make_keyed(const tcpstate_engine *e, const tcpstate_packet *pkt,
                                  struct keyed *k, const int opts)
{
    uint32_t zone = 0;
    if (opts) {
        /* (Without the options the table has no zones and nothing reads
         * k->zone: tcpstate__ft_holds() and tcpstate__ft_set_zone() look at
         * it only in a zone keyed table.) */
        zone = (e->flags & TCPSTATE_F_ZONE_KEY) ? pkt->zone : 0u;
        k->zone = zone;
    }
    k->hash = tcpstate__ft_key_hash(&e->ft, pkt, opts && (e->flags & TCPSTATE_F_VLAN_KEY) != 0,
                                    zone, &k->key, &k->src_is_hi);
}

/* Lazy aging. Moving a flow to the newest end of its list on every segment
 * writes its two neighbours' records: two cache misses per packet in a large
 * table, for flows the packet has nothing to do with. So a flow is refiled
 * only when its class changes or its segment falls in a later aging period
 * (2^file_shift ns, aligned) than its previous one. Each list then stays in
 * the order flows were filed, and every flow's last segment lies in the same
 * period as its filing; so a flow behind the head of its list was active at
 * most one period before the head was. Expiry stops at the first head that is
 * not due: a flow behind it ends at most one period late, and is reported at
 * its own deadline. Periods are 1/64 of the class's timeout, at most 2^30 ns
 * (1.07 s) and at least 1 ns (docs/state-machine.md, "Lazy aging"). */
static HOT_INLINE void refile(tcpstate_engine *e, struct tcpstate_flow *f, uint64_t ts,
                              enum flow_class cls)
{
    tcpstate__ft_touch(&e->ft, f, cls);
    uint64_t deadline = tcpstate__add_sat(ts, e->timeout[cls]);
    if (deadline < e->expiry_floor) {
        e->expiry_floor = deadline;
    }
}
/* A flow's segment at ts after one at `was`: refiled unless neither its
 * class nor its period changed. */
static HOT_INLINE void file_flow(tcpstate_engine *e, struct tcpstate_flow *f, uint64_t was,
                                 uint64_t ts, enum flow_class cls)
{
    unsigned sh = e->file_shift[cls];
    if (cls == f->cls && (was >> sh) == (ts >> sh)) {
        return; /* its deadline only moved later: the expiry floor still holds */
    }
    refile(e, f, ts, cls);
}

/* A new flow for `key`: from the free pool, or by evicting per policy. */
static RARE struct tcpstate_flow *open_flow(tcpstate_engine *e, const struct keyed *k,
                                            const tcpstate_packet *pkt, uint64_t ts)
{
    const struct flow_key *key = &k->key;
    uint64_t hash = k->hash;
    int src_is_hi = k->src_is_hi;
    /* Only a connection attempt may push out a confirmed flow: a flow picked
     * up midstream is one segment from a tuple never seen, which anyone can
     * forge in bulk (DESIGN "Tracking semantics"). */
    unsigned fl = pkt->tcp_flags & (TCPSTATE_TH_SYN | TCPSTATE_TH_ACK | TCPSTATE_TH_RST);
    int allow_est = (e->flags & TCPSTATE_F_EVICT_ESTABLISHED) != 0 && fl == TCPSTATE_TH_SYN;
    /* The record comes listed, as the newest closed flow (its states);
     * refile() below moves it if tcpstate__track_open() set others. */
    struct tcpstate_flow *f;
    if (!tcpstate__ft_pool_empty(&e->ft)) {
        f = tcpstate__ft_take(&e->ft, key);
    } else {
        struct tcpstate_flow *victim = tcpstate__ft_victim(&e->ft, allow_est);
        if (victim == NULL) {
            e->stats.flows_refused++;
            return NULL;
        }
        /* Its end reported and counted, its record becomes the new flow's. */
        tcpstate__end_flow_report(e, victim, TCPSTATE_END_EVICTED, ts, pkt, TCPSTATE_ORIG);
        f = tcpstate__ft_reuse(&e->ft, victim, key);
    }
    tcpstate__ft_set_zone(&e->ft, f, k->zone);
    if (tcpstate__ft_insert(&e->ft, f, hash) != 0) {
        /* Both buckets full: make room among the flows sharing them. The new
         * record is listed meanwhile, as embryonic: the victim's flow-end
         * callback may walk the table (tcpstate_foreach()). */
        tcpstate__ft_touch(&e->ft, f, CLS_EMBRYONIC);
        struct tcpstate_flow *victim = tcpstate__ft_bucket_victim(&e->ft, hash, allow_est);
        if (victim == NULL) {
            tcpstate__ft_release(&e->ft, f);
            e->stats.flows_refused++;
            return NULL;
        }
        tcpstate__end_flow(e, victim, TCPSTATE_END_EVICTED, ts, pkt, TCPSTATE_ORIG);
        (void)tcpstate__ft_insert(&e->ft, f, hash); /* a slot was just freed */
    }
    f->first_ts = ts;
    tcpstate__track_open(e, f, pkt, src_is_hi);
    if (e->history_offset != UINT32_MAX) {
        int first_from_orig = tcpstate__track_sender(f, src_is_hi) == TCPSTATE_ORIG;
        tcpstate__zeek_open(tcpstate__flow_history_record(e, f), first_from_orig, ts);
    }
    refile(e, f, ts, tcpstate__track_class(f)); /* filed for the first time */
    e->stats.flows_created++;
    if (e->ft.used > e->stats.flows_peak) {
        e->stats.flows_peak = e->ft.used;
    }
    return f;
}

/* Find the flow of a segment, or create it. With TCPSTATE_F_ZEEK_LIFETIME a
 * flow Zeek would have ended by now, or that this SYN would replace, ends
 * first and the segment starts a new one. */
static HOT_INLINE struct tcpstate_flow *find_flow(tcpstate_engine *e, const struct keyed *k,
                                                  struct tcpstate_flow *hint,
                                                  const tcpstate_packet *pkt, uint64_t ts,
                                                  tcpstate_side *side, uint32_t *evflags,
                                                  tcpstate_status *why_none, const int opts)
{
    int src_is_hi = k->src_is_hi;
    /* A batch's guess (NULL: none) saves the lookup when it holds the key. */
    struct tcpstate_flow *f = hint;
    if (f == NULL || !tcpstate__ft_holds(&e->ft, f, &k->key, k->zone)) {
        f = opts ? tcpstate__ft_lookup_zone(&e->ft, &k->key, k->zone, k->hash)
                 : tcpstate__ft_lookup_unzoned(&e->ft, &k->key, k->hash);
        PREFETCH_NEIGHBOURS(e, f); /* the batch asked for them ahead */
    }

    if (opts && f != NULL && (e->flags & TCPSTATE_F_ZEEK_LIFETIME)) {
        const uint8_t *rec = tcpstate__flow_history_record(e, f);
        int from_orig = tcpstate__track_sender(f, src_is_hi) == TCPSTATE_ORIG;
        if (ts >= tcpstate__zeek_deadline(rec)) {
            tcpstate__end_flow(e, f, tcpstate__track_end_reason(f, 0), ts, pkt, TCPSTATE_ORIG);
            f = NULL;
        } else if (tcpstate__zeek_is_reuse(rec, pkt, from_orig)) {
            tcpstate__end_flow(e, f, TCPSTATE_END_REUSED, ts, pkt, TCPSTATE_ORIG);
            f = NULL;
        }
    }
    *evflags = 0;
    if (f == NULL) {
        if (!tcpstate__track_may_open(e, pkt)) {
            e->stats.midstream_ignored++;
            *why_none = TCPSTATE_SKIP_MIDSTREAM;
            return NULL;
        }
        f = open_flow(e, k, pkt, ts);
        if (f == NULL) {
            *why_none = TCPSTATE_E_TABLE_FULL;
            return NULL;
        }
        *evflags = TCPSTATE_EVF_NEW_FLOW;
    }
    *side = tcpstate__track_sender(f, src_is_hi);
    return f;
}

/* Deliver what the tracker returned for one segment sent by `dir` (at least
 * one event); nothing is built for an event without a callback. The fields
 * its events share are written once, into a frame the callbacks cannot
 * change (they see it const), so that fewer values live across the calls. */
static HOT_INLINE void deliver(tcpstate_engine *e, struct tcpstate_flow *f,
                               const struct track_out *out, const tcpstate_packet *pkt,
                               tcpstate_side dir, uint64_t ts)
{
    tcpstate_event ev;
    memset(&ev, 0, sizeof ev);
    ev.dir = (uint8_t)dir;
    ev.reason = TCPSTATE_END_NONE;
    ev.ts = ts;
    ev.frame = e->frame_no;
    ev.pkt = pkt;
    ev.engine = e;
    for (unsigned i = 0, n = out->n; i < n; i++) {
        const struct track_event *t = &out->ev[i];
        tcpstate_event_cb fn = tcpstate__callback_for(e, t->kind);
        if (fn == NULL) {
            continue;
        }
        ev.kind = t->kind;
        ev.side = t->side;
        memcpy(ev.before, t->before, 2);
        memcpy(ev.after, t->after, 2);
        ev.flags = t->flags;
        tcpstate__emit(e, f, &ev, fn);
    }
}

/* The tracker on one segment: its fast paths inline (most segments; a call
 * and its register saves were a tenth of the tracker's cost), the general
 * path for the rest. `*cls`: the flow's class after the segment (the fast
 * paths know it more cheaply than tcpstate__track_class()). */
static HOT_INLINE enum track_verdict track_one(tcpstate_engine *e, struct tcpstate_flow *f,
                                               const tcpstate_packet *pkt, tcpstate_side side,
                                               uint64_t ts, uint32_t evflags, struct track_out *out,
                                               const int opts, enum flow_class *cls)
{
#if TCPSTATE_TRACK_FAST
    unsigned taken = tcpstate__track_fast(e, f, pkt, side, ts, evflags, out, opts);
    if (taken != TRACK_FAST_NO) {
        *cls = (enum flow_class)(taken - TRACK_FAST_CLASS(0));
        return TRACK_DONE;
    }
#else
    (void)opts; /* only the fast paths have tests to leave out */
#endif
    enum track_verdict v = tcpstate__track_general(e, f, pkt, side, ts, evflags, out);
    *cls = tcpstate__track_class(f);
    return v;
}

static HOT_INLINE tcpstate_status track_frame(tcpstate_engine *e, const struct keyed *k,
                                              struct tcpstate_flow *hint,
                                              const tcpstate_packet *pkt, uint64_t ts,
                                              const int opts)
{
    tcpstate_side side;
    uint32_t evflags;
    tcpstate_status none;
    struct tcpstate_flow *f = find_flow(e, k, hint, pkt, ts, &side, &evflags, &none, opts);
    if (f == NULL) {
        return none;
    }
    struct track_out *out = e->seg_out; /* not on the stack: see engine.h; `want` set at init */
    enum flow_class cls;
    if (track_one(e, f, pkt, side, ts, evflags, out, opts, &cls) == TRACK_REUSE) {
        if (opts && (e->flags & TCPSTATE_F_ZEEK_LIFETIME)) {
            /* Zeek decides where connections start (find_flow asked it): the
             * tracker starts over inside the same flow. */
            tcpstate__track_restart(f);
        } else {
            tcpstate__end_flow(e, f, TCPSTATE_END_REUSED, ts, pkt, side);
            f = find_flow(e, k, NULL, pkt, ts, &side, &evflags, &none, opts);
            if (f == NULL) {
                return none;
            }
        }
        (void)tcpstate__track_general(e, f, pkt, side, ts, evflags, out);
        cls = tcpstate__track_class(f);
    }
    if (opts && e->history_offset != UINT32_MAX) {
        tcpstate__zeek_segment(tcpstate__flow_history_record(e, f), pkt, side == TCPSTATE_ORIG, ts);
    }
    uint64_t was = tcpstate__flow_last_ts(f);
    tcpstate__flow_set_last_ts(f, ts);
    file_flow(e, f, was, ts, cls);
    if (out->n != 0) {
        deliver(e, f, out, pkt, side, ts);
        /* Only these events' callbacks can ask to drop the flow. */
        if (f->fflags & FF_DROP) {
            tcpstate__end_flow(e, f, TCPSTATE_END_DROPPED, ts, pkt, side);
        }
    }
    return TCPSTATE_OK;
}

/* Roles of a flow that a segment with a bad checksum opened (issue 8). Zeek
 * opens its connection from such a segment before it checks the checksum,
 * with roles from the SYN bit and the ports alone: a pure SYN's sender
 * originates; otherwise the sender responds only if its port is a likely
 * server port and the peer's is not. The tracker's own rule believes a
 * SYN-ACK's flags (its sender always responds) and the both-ports-likely
 * tie-break, which nothing in a corrupt segment supports: the flow takes
 * Zeek's roles, and a tracker that inferred state from it starts over. */
static void bad_checksum_roles(tcpstate_engine *e, struct tcpstate_flow *f,
                               const tcpstate_packet *pkt, tcpstate_side *side, uint64_t ts)
{
    unsigned fl = pkt->tcp_flags & (TCPSTATE_TH_SYN | TCPSTATE_TH_ACK | TCPSTATE_TH_RST);
    int sender_orig = fl == TCPSTATE_TH_SYN || !tcpstate__is_server_port(e, pkt->sport) ||
                      tcpstate__is_server_port(e, pkt->dport);
    if (sender_orig == (*side == TCPSTATE_ORIG)) {
        return;
    }
    f->fflags ^= FF_ORIG_IS_HI;
    if (fl & TCPSTATE_TH_SYN) {
        tcpstate__track_restart(f); /* drop what the SYN-ACK made it infer */
    }
    *side = sender_orig ? TCPSTATE_ORIG : TCPSTATE_RESP;
    tcpstate__zeek_open(tcpstate__flow_history_record(e, f), sender_orig, ts);
}

/* A segment with a bad TCP checksum: with the history on, Zeek's 'C' goes to
 * its flow (created if need be); the segment itself is not tracked. */
static RARE void note_bad_checksum(tcpstate_engine *e, const struct keyed *k,
                                   const tcpstate_packet *pkt, uint64_t ts)
{
    tcpstate_side side;
    uint32_t evflags;
    tcpstate_status none;
    struct tcpstate_flow *f = find_flow(e, k, NULL, pkt, ts, &side, &evflags, &none, 1);
    if (f != NULL && (evflags & TCPSTATE_EVF_NEW_FLOW)) {
        bad_checksum_roles(e, f, pkt, &side, ts);
    }
    if (f != NULL) {
        tcpstate__zeek_bad_checksum(tcpstate__flow_history_record(e, f), side == TCPSTATE_ORIG);
    }
}

/* Everything a frame does after decoding, in tcpstate_feed()'s order: the
 * frame count, expiry at its time, tracking, the status count. `k` is the
 * frame's key (NULL: computed here when needed), `hint` a guess of its record
 * (NULL: none). `opts`: see make_keyed(). */
static HOT_INLINE tcpstate_status feed_decoded(tcpstate_engine *e, const tcpstate_packet *pkt,
                                               tcpstate_status st, const struct keyed *k,
                                               struct tcpstate_flow *hint, uint64_t ts,
                                               const int opts)
{
    e->frame_no++; /* also tcpstate_stats::frames (tcpstate_get_stats()) */
    /* e->stop is 0: each call that runs callbacks (a frame here,
     * tcpstate_expire(), tcpstate_finish()) clears it on its way out
     * (tcpstate__call_result()). */
    ts = tcpstate__clamp_time(e, ts);
    /* Nothing is due before the expiry floor (Zeek lifetimes sweep instead).
     * The tests that are nearly always false come first, here and below. */
    if ((ts >= e->expiry_floor || (opts && (e->flags & TCPSTATE_F_ZEEK_LIFETIME) != 0)) &&
        e->expire_budget != 0) {
        tcpstate__run_expiry(e, ts, e->expire_budget);
    }
    if ((pkt->frag_flags & TCPSTATE_FRAG_IS) && e->reasm != NULL) {
        /* In the engine, not on the stack: see engine.h. */
        st = tcpstate__reasm_stage(e, &pkt, e->scratch_whole, st, ts);
        k = NULL; /* a completed datagram is keyed afresh */
        hint = NULL;
    }
    int track = st == TCPSTATE_OK;
    int note_csum = opts && st == TCPSTATE_E_BAD_TCP_CHECKSUM && e->history_offset != UINT32_MAX;
    if ((track || note_csum) && k == NULL) {
        make_keyed(e, pkt, &e->scratch_key, opts); /* not on the stack: see engine.h */
        k = &e->scratch_key;
    }
    if (track) {
        st = track_frame(e, k, hint, pkt, ts, opts);
    } else if (note_csum) {
        note_bad_checksum(e, k, pkt, ts);
    }
    st = tcpstate__call_result(e, st);
    e->stats.frames_by_status[tcpstate_status_index(st)]++;
    return st;
}
/* Whether the engine runs the per-frame path's full copy: it has some of
 * TCPSTATE_F_PER_FRAME_OPTS, or the library is built for size (one copy,
 * the full one). */
static HOT_INLINE int full_copy(const tcpstate_engine *e)
{
#if defined(__OPTIMIZE_SIZE__)
    (void)e;
    return 1;
#else
    return (e->flags & TCPSTATE_F_PER_FRAME_OPTS) != 0;
#endif
}
/* feed_decoded() for an engine with some of TCPSTATE_F_PER_FRAME_OPTS: out
 * of line, so that the common copy stays lean. */
static RARE tcpstate_status feed_decoded_opts(tcpstate_engine *e, const tcpstate_packet *pkt,
                                              tcpstate_status st, const struct keyed *k,
                                              struct tcpstate_flow *hint, uint64_t ts)
{
    return feed_decoded(e, pkt, st, k, hint, ts, 1);
}
/* feed_decoded() in the copy the engine needs (full_copy()). */
static HOT_INLINE tcpstate_status feed_frame(tcpstate_engine *e, const tcpstate_packet *pkt,
                                             tcpstate_status st, const struct keyed *k,
                                             struct tcpstate_flow *hint, uint64_t ts)
{
    if (!full_copy(e)) {
        return feed_decoded(e, pkt, st, k, hint, ts, 0);
    }
    return feed_decoded_opts(e, pkt, st, k, hint, ts);
}

tcpstate_status tcpstate_feed(tcpstate_engine *e, uint32_t linktype, const uint8_t *frame,
                              size_t caplen, size_t wirelen, uint64_t ts)
{
    if (e == NULL) {
        return TCPSTATE_E_INVAL;
    }
    if (e->in_callback) {
        return TCPSTATE_E_REENTRANT;
    }
    tcpstate_packet *pkt = &e->scratch_pkt; /* not on the stack: see engine.h */
    /* The view is kept clean between frames (decode_fast.h,
     * fast_or_layered()): tcpstate_init() zeroed it with the engine, only
     * this writes it, and a frame that dirtied it is scrubbed once read, so
     * that the common frame need not zero its tail. */
    tcpstate__dirty_flag dirtied;
    tcpstate_status st =
        tcpstate__decode_hot_clean(linktype, frame, caplen, wirelen, &e->decode, pkt, &dirtied);
    st = feed_frame(e, pkt, st, NULL, NULL, ts);
    if (dirtied) {
        tcpstate__decode_scrub(pkt);
    }
    return st;
}

/* ------------------------------------------------------------------ batch */

/* How many frames ahead stage 1 asks for a frame's first two lines (its
 * headers, up to 64 to 128 bytes in): a decode otherwise waits for them,
 * one frame after another, wherever the caller's frames are not in cache
 * (a capture ring, the yardstick's trace). Trace S, 1k flows: 64.5 ns/packet
 * without, 59-60 at 4, 56-57 at 8, 16 and 32; trace M: 67.4, 64, 60.3, 59.1,
 * 59.7 (medians of 3 interleaved runs each). In integers, as PREFETCH_LINK():
 * data + 64 may lie past a short frame, and a prefetch never faults. */
#define FRAME_LEAD 16u
#if !defined(__OPTIMIZE_SIZE__)
#define PREFETCH_FRAME(fr)                                                                         \
    do {                                                                                           \
        PREFETCH((fr)->data);                                                                      \
        PREFETCH((const void *)((uintptr_t)(fr)->data + 64u));                                     \
    } while (0)
#else
/* Built for size (small targets, whose memory is close): no such code. */
#define PREFETCH_FRAME(fr) ((void)(fr))
#endif

/* Stage 1: decode every frame, key and hash the ones with a segment, and ask
 * for both candidate buckets of each. Reads only the frames and the table's
 * layout: nothing changes, so the order of frames does not matter yet. */
static HOT_INLINE void stage_decode_hash(tcpstate_engine *e, uint32_t linktype,
                                         const tcpstate_frame *frames, size_t n, const int opts)
{
    /* (In locals: the decode's byte stores could alias the engine's fields,
     * which would then be read again for every frame.) */
    struct batch_slot *const slots = e->batch;
    const uint32_t *const buckets = e->ft.slots;
    for (size_t i = 0; i < n && i < FRAME_LEAD; i++) {
        PREFETCH_FRAME(&frames[i]);
    }
    for (size_t i = 0; i < n; i++) {
        struct batch_slot *b = &slots[i];
        const tcpstate_frame *fr = &frames[i];
        if (i + FRAME_LEAD < n) {
            PREFETCH_FRAME(&frames[i + FRAME_LEAD]);
        }
        int dirtied; /* (not kept in memory as tcpstate_feed()'s: goes to b at once) */
        tcpstate_status st = tcpstate__decode_hot_clean(linktype, fr->data, fr->caplen, fr->wirelen,
                                                        &e->decode, &b->pkt, &dirtied);
        int keyed = st == TCPSTATE_OK || st == TCPSTATE_E_BAD_TCP_CHECKSUM;
        b->status = st;
        b->dirtied = dirtied != 0;
        b->keyed = (uint8_t)keyed;
        if (keyed) {
            make_keyed(e, &b->pkt, &b->k, opts);
            struct ft_probe p = tcpstate__ft_probe_of(&e->ft, b->k.hash);
            b->probe = p;
            PREFETCH(&buckets[(size_t)p.b[0] * FT_BUCKET_SLOTS]);
            PREFETCH(&buckets[(size_t)p.b[1] * FT_BUCKET_SLOTS]);
        }
    }
}

/* Stage 2: with the buckets arriving, ask for the records they point at, by
 * the tags alone (reading a record now would wait for it). A guess only:
 * earlier frames of the batch may create or end flows, and a tag may match
 * another key; stage 3 takes the guess when the record, by then fetched,
 * holds the frame's key, and looks the frame up otherwise. */
static void stage_prefetch_flows(tcpstate_engine *e, size_t n)
{
    struct batch_slot *const slots = e->batch;
    for (size_t i = 0; i < n; i++) {
        struct batch_slot *b = &slots[i];
        b->hint = NULL;
        if (b->keyed) {
            b->hint = tcpstate__ft_lookup_hint(&e->ft, &b->probe);
            if (b->hint != NULL) {
                /* A record is 120 bytes at any offset from a line: up to three lines. */
                const char *rec = (const char *)b->hint;
                PREFETCH(rec);
                PREFETCH(rec + 64);
                PREFETCH(rec + sizeof(struct tcpstate_flow) - 1u);
            }
        }
    }
}

/* How far ahead of the frame being tracked the batch asks for the list
 * neighbours of the record guessed for a frame (PREFETCH_NEIGHBOURS()): far
 * enough for that record, which it reads, to have arrived (trace L, 1M
 * flows: about 178 ns/packet without these prefetches, 122 with a lead of
 * 4, 120 with 8; asking only for frames likely to change class was slower,
 * 131). */
#define NEIGHBOUR_LEAD 8u

/* Stage 3: in order, everything that changes state; feed_decoded() on each
 * frame of the stage. Returns the frames it ran: all, or up to the one whose
 * callback stopped the call. */
static HOT_INLINE size_t stage_track(tcpstate_engine *e, const tcpstate_frame *frames, size_t n,
                                     tcpstate_status *status, const int opts)
{
    struct batch_slot *const slots = e->batch;
    for (size_t i = 0; i < n && i < NEIGHBOUR_LEAD; i++) {
        PREFETCH_NEIGHBOURS(e, slots[i].hint);
    }
    for (size_t i = 0; i < n; i++) {
        struct batch_slot *b = &slots[i];
        if (i + NEIGHBOUR_LEAD < n) {
            const struct batch_slot *ahead = &slots[i + NEIGHBOUR_LEAD];
            PREFETCH_NEIGHBOURS(e, ahead->hint);
        }
        /* (b->k is stale when the frame was not keyed: then its status
         * tracks nothing, unless reassembly completes a datagram with it,
         * which is keyed afresh.) */
        status[i] = feed_decoded(e, &b->pkt, b->status, &b->k, b->hint, frames[i].ts, opts);
        if (b->dirtied) {
            tcpstate__decode_scrub(&b->pkt);
        }
        if (status[i] == TCPSTATE_E_CALLBACK) {
            /* The frames decoded but not fed: their views clean again too. */
            for (size_t j = i + 1; j < n; j++) {
                if (slots[j].dirtied) {
                    tcpstate__decode_scrub(&slots[j].pkt);
                }
            }
            return i + 1;
        }
    }
    return n;
}
/* The three stages on n <= batch_max frames; returns the frames run (as
 * stage_track()). `opts`: see make_keyed(). */
static HOT_INLINE size_t run_stages(tcpstate_engine *e, uint32_t linktype,
                                    const tcpstate_frame *frames, size_t n, tcpstate_status *status,
                                    const int opts)
{
    stage_decode_hash(e, linktype, frames, n, opts);
    stage_prefetch_flows(e, n);
    return stage_track(e, frames, n, status, opts);
}
/* run_stages() for an engine with some of TCPSTATE_F_PER_FRAME_OPTS, out of
 * line (full_copy()). */
static RARE size_t run_stages_opts(tcpstate_engine *e, uint32_t linktype,
                                   const tcpstate_frame *frames, size_t n, tcpstate_status *status)
{
    return run_stages(e, linktype, frames, n, status, 1);
}

size_t tcpstate_feed_batch(tcpstate_engine *e, uint32_t linktype, const tcpstate_frame *frames,
                           size_t n, tcpstate_status *status)
{
    if (e == NULL || (frames == NULL && n != 0) || (status == NULL && n != 0)) {
        return 0;
    }
    if (e->in_callback) {
        for (size_t i = 0; i < n; i++) {
            status[i] = TCPSTATE_E_REENTRANT;
        }
        return 0;
    }
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done;
        if (e->batch_max == 0) {
            /* No workspace: frame by frame. */
            const tcpstate_frame *fr = &frames[done];
            status[done] = tcpstate_feed(e, linktype, fr->data, fr->caplen, fr->wirelen, fr->ts);
            if (status[done++] == TCPSTATE_E_CALLBACK) {
                return done;
            }
            continue;
        }
        if (chunk > e->batch_max) {
            chunk = e->batch_max;
        }
        size_t ran = full_copy(e)
                         ? run_stages_opts(e, linktype, frames + done, chunk, status + done)
                         : run_stages(e, linktype, frames + done, chunk, status + done, 0);
        done += ran;
        if (ran < chunk) {
            return done; /* a callback stopped the call */
        }
    }
    return done;
}
