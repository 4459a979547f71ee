/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The flow table: flow records in a fixed pool, a bucketized hash index with
 * two choices per key, and per-class activity lists for expiry and eviction.
 *
 * Memory budget (the "<= 128 bytes per tracked flow, IPv6
 * included"): a flow record is 120 bytes and the index costs 1.25 slots of 4
 * bytes per flow, so a flow costs 125 bytes all-in. That is why a few fields
 * below are packed (state and option nibbles, durations as minifloats).
 */
#ifndef TCPSTATE_FLOWTABLE_H
#define TCPSTATE_FLOWTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compact.h"
#include "hash.h"
#include "hash_aes.h"
#include "tcpstate.h"

#define FT_NIL          UINT32_MAX /* no flow (list ends, free list end) */
#define FT_BUCKET_SLOTS 16u        /* 16 x 4-byte slots: one 64-byte cache line */
#define FT_KEY_V6       0x8000u    /* flow_key.tag bit: IPv6 addresses */
/* A slot keeps its pool index + 1 in at least the low 16 bits, so that in
 * a table below 2^16 flows (nearly every one) the tag is the upper 16 bits
 * alone: the probe compares them as words, without masking each slot
 * (flowtable_probe.h). 16 tag bits leave 32 slots a 1 in 2^11 chance of a
 * false match per lookup (a key compare in a record, nothing more). */
#define FT_MIN_IDX_BITS  16u
#define FT_WORD_TAG_MASK 0xffff0000u /* the tag mask of such a table */

/* Canonical flow key: the two endpoints ordered (address, port) low to high,
 * so both directions of a connection build the same bytes. No padding (checked
 * below), zero-filled before use: an IPv4 key's unused address bytes are zero,
 * which tcpstate__ft_key_eq() and the IPv4 hash rely on. */
struct flow_key {
    uint8_t addr[2][16]; /* IPv4 uses the first 4 bytes, the rest stay zero */
    uint16_t port[2];
    uint16_t tag; /* outermost VLAN id (if keyed) | FT_KEY_V6 */
};
_Static_assert(sizeof(struct flow_key) == 38, "flow_key must have no padding");

/* Which activity list a flow is on; each class has its own idle timeout.
 * Eviction takes the oldest finished flow (TIME_WAIT, closed) first, then the
 * oldest embryonic one, and only then, if allowed, the oldest confirmed live
 * flow (established or closing). */
enum flow_class {
    CLS_EMBRYONIC = 0,   /* live but not confirmed: handshake incomplete, seen in one direction
                            only, or an unconfirmed RST pending */
    CLS_ESTABLISHED = 1, /* confirmed (believed segments both ways), both ESTABLISHED */
    CLS_CLOSING = 2,     /* confirmed, a FIN seen, close not complete: still live */
    CLS_TIME_WAIT = 3,   /* closed by FINs, lingering 2*MSL */
    CLS_CLOSED = 4,      /* both CLOSED (RST, or final ACK with no TIME_WAIT side) */
    CLS_COUNT = 5,
    CLS_FREE = 0xff /* on the free list */
};

/* Endpoint facts (ep.flags). An endpoint that sent anything has pkts > 0. */
#define EP_ACKED   0x01u /* sent a segment with ACK: ack/win valid */
#define EP_SYN     0x02u /* sent a SYN (isn is a real ISN) */
#define EP_FIN     0x04u /* sent a FIN: it sits at nxt - 1 */
#define EP_SYNACK  0x08u /* sent a SYN-ACK */
#define EP_WIN_SYN 0x10u /* its last window came in a SYN segment: never scaled (RFC 7323 §2.2) */
/* Sent a segment the tracker believed: its isn/nxt anchor its sequence
 * space, and a flow whose two endpoints have it is confirmed. */
#define EP_BELIEVED 0x20u
/* Its SYN was not seen but implied by the peer's SYN-ACK: its ISN is known,
 * its SYN options are not. */
#define EP_SYN_IMPLIED 0x80u
/* Sent an in-window but inexact RST (RFC 5961 §3.2): not applied; the flow
 * ages on the embryonic timeout until traffic resumes. */
#define EP_RST_PENDING 0x40u

/* SYN options (low nibble of ep.synopt; the high nibble is wscale + 1, 0 = none). */
#define EP_OPT_SACK_PERM 0x01u
#define EP_OPT_TIMESTAMP 0x02u
#define EP_OPT_TFO       0x04u

/* What one endpoint has sent, as seen on the wire (24 bytes). */
struct endpoint {
    uint32_t isn;   /* ISN, or the first sequence number seen (midstream); 0 until pkts > 0 */
    uint32_t nxt;   /* highest seq + SEG.LEN sent: its SND.NXT as observed */
    uint32_t ack;   /* last acknowledgment sent: its RCV.NXT as observed */
    uint32_t pkts;  /* segments sent */
    uint16_t win;   /* last window field sent, unscaled */
    uint16_t mss;   /* from its SYN, 0 if none */
    uint8_t state;  /* tcpstate_tcp_state */
    uint8_t flags;  /* EP_* */
    uint8_t synopt; /* EP_OPT_* | (wscale + 1) << 4 */
    uint8_t wraps;  /* times nxt - isn passed 2^32 (saturates at 255: 1 TiB) */
};

/* Flow facts (flow.fflags). */
#define FF_ORIG_IS_HI  0x01u /* the originator is key endpoint [1] */
#define FF_MIDSTREAM   0x02u /* created without its handshake */
#define FF_HANDSHAKE   0x04u /* handshake completed in view */
#define FF_RESET       0x08u /* a RST was accepted */
#define FF_CLOSED      0x10u /* both FINs acknowledged */
#define FF_DROP        0x20u /* a callback asked to drop it */
#define FF_PREV_SYN    0x40u /* the previous segment was the originator's SYN */
#define FF_PREV_SYNACK 0x80u /* the previous segment was the responder's SYN-ACK */

struct tcpstate_flow {
    struct flow_key key;   /* 38 */
    uint8_t fflags;        /* FF_* */
    uint8_t cls;           /* enum flow_class */
    void *user;            /* application pointer */
    uint64_t first_ts;     /* first segment, ns */
    uint32_t age;          /* last_ts - first_ts, u32 minifloat (compact.h) */
    uint16_t rtt[2];       /* SYN->SYN-ACK, SYN-ACK->ACK, us, u16 minifloat; 0 = none */
    uint32_t prev, next;   /* activity list (or free list) links, pool indices */
    struct endpoint ep[2]; /* indexed by tcpstate_side */
};
_Static_assert(sizeof(struct endpoint) == 24, "endpoint layout");
/* tcpstate__ft_take() zeroes a record in two parts, from fflags to ep and ep: */
_Static_assert(offsetof(struct tcpstate_flow, fflags) == sizeof(struct flow_key) &&
                   offsetof(struct tcpstate_flow, ep) + sizeof(struct endpoint[2]) ==
                       sizeof(struct tcpstate_flow),
               "flow record: nothing outside the key, fflags..ep and ep");
_Static_assert(sizeof(void *) > 4 ? sizeof(struct tcpstate_flow) == 120 : 1,
               "flow record must stay at 120 bytes (memory budget)");

struct ft_list {
    uint32_t head, tail; /* oldest, newest */
};

struct flowtable {
    struct tcpstate_flow *flows; /* pool of cap records */
    uint32_t *slots;             /* n_buckets * FT_BUCKET_SLOTS; 0 = empty */
    uint8_t *ext;                /* cap * ext_stride per-flow extension bytes, or NULL */
    uint32_t cap;
    uint32_t n_buckets;
    uint32_t ext_stride;
    uint32_t idx_bits; /* slot = tag << idx_bits | (index + 1) */
    uint32_t used;
    uint32_t free_head;
    struct ft_list list[CLS_COUNT];
    struct tcpstate_sipkey sip; /* SipHash state after keying */
#if TCPSTATE_AES_HASH
    /* IPv4 keys hash with AES-128 when hash_aes is 1 (the CPU has it, at
     * init: hash_aes.h), with SipHash under sip when 0. */
    struct tcpstate_aeskey aes;
    uint32_t hash_aes;
#endif
    uint32_t zone_offset;       /* zone keying (TCPSTATE_F_ZONE_KEY): where a flow's zone
                                   sits in its extension bytes; UINT32_MAX: not keyed */
    /* 1 << idx_bits, the lowest tag bit (tcpstate__ft_set_idx_bits()): the
     * probe of every frame reads it rather than shifting twice (its
     * negation is the tag mask). In what was padding: the engine's size is
     * bounded (TCPSTATE_STATIC_FIXED_). */
    uint32_t tag_unit;
};

/* The hash of an IPv4 key given as its 14 bytes in two little-endian words
 * (w0: the addresses, w1: ports and tag): AES-128 where the engine chose it
 * at init, SipHash-1-3 otherwise (hash_aes.h). Every IPv4 hash of a table
 * goes through here, so a key hashes the same wherever it is hashed. */
static inline uint64_t tcpstate__ft_hash_words(const struct flowtable *ft, uint64_t w0, uint64_t w1)
{
#if TCPSTATE_AES_HASH
    if (ft->hash_aes) {
        return tcpstate__aes_hash(&ft->aes, w0, w1);
    }
#endif
    return tcpstate__siphash13_short(&ft->sip, w0, w1, 14);
}

/* The bits a slot's pool index takes, and the lowest tag bit above them. */
static inline void tcpstate__ft_set_idx_bits(struct flowtable *ft, uint32_t idx_bits)
{
    ft->idx_bits = idx_bits;
    ft->tag_unit = 1u << idx_bits;
}

/* Equal keys: 8-byte loads (memcpy: keys need no alignment; compilers make
 * each a load). Three cover the addresses' first 8 bytes and bytes 30-37
 * (two zero bytes, the ports, the tag); when those agree the tags do, and
 * for IPv4 that is all: the other address bytes are zero in every key. Only
 * IPv6 keys compare the two words left (bytes 8-15 and 24-31). */
static inline uint64_t tcpstate__ft_key_word(const struct flow_key *k, size_t off)
{
    uint64_t w;
    memcpy(&w, (const uint8_t *)k + off, 8);
    return w;
}

static inline int tcpstate__ft_key_eq(const struct flow_key *a, const struct flow_key *b)
{
    if (((tcpstate__ft_key_word(a, 0) ^ tcpstate__ft_key_word(b, 0)) |
         (tcpstate__ft_key_word(a, 16) ^ tcpstate__ft_key_word(b, 16)) |
         (tcpstate__ft_key_word(a, 30) ^ tcpstate__ft_key_word(b, 30))) != 0) {
        return 0;
    }
    return !(b->tag & FT_KEY_V6) ||
           ((tcpstate__ft_key_word(a, 8) ^ tcpstate__ft_key_word(b, 8)) |
            (tcpstate__ft_key_word(a, 24) ^ tcpstate__ft_key_word(b, 24))) == 0;
}

/* Sizes of the regions a table of `cap` flows needs (footprint and carving),
 * in 64 bits whatever size_t is: the caller checks the total fits. */
struct ft_sizes {
    uint64_t slots_bytes;
    uint64_t flows_bytes;
    uint64_t ext_bytes;
};
int tcpstate__ft_sizes(uint32_t cap, uint32_t ext_stride, struct ft_sizes *out);

/* Lay the table out over regions the caller carved (slots 64-byte aligned). */
void tcpstate__ft_init(struct flowtable *ft, uint32_t cap, uint32_t ext_stride, void *slots,
                       void *flows, void *ext, const uint8_t hash_key[16]);
/* Forget every flow (no callbacks). */
void tcpstate__ft_clear(struct flowtable *ft);

/* Build the canonical key of a decoded packet. Sets *src_is_hi when the packet's
 * source is key endpoint [1]. */
void tcpstate__ft_make_key(struct flow_key *key, const tcpstate_packet *pkt, int vlan_keyed,
                           int *src_is_hi);
uint64_t tcpstate__ft_hash(const struct flowtable *ft, const struct flow_key *key);
/* The hash of a key in a zone (zone 0 hashes as tcpstate__ft_hash()). */
uint64_t tcpstate__ft_hash_zone(const struct flowtable *ft, const struct flow_key *key,
                                uint32_t zone);
/* A flow's zone (0 unless the table is zone keyed), and setting it on a new record. */
uint32_t tcpstate__ft_zone(const struct flowtable *ft, const struct tcpstate_flow *f);
static inline void tcpstate__ft_set_zone(struct flowtable *ft, struct tcpstate_flow *f,
                                         uint32_t zone);

/* The two candidate buckets of a hash (distinct): 32 hash bits each mapped
 * onto [0, n) without division (multiply-shift). Inline: every frame. */
static inline void tcpstate__ft_buckets(const struct flowtable *ft, uint64_t hash, uint32_t b[2])
{
    uint32_t n = ft->n_buckets;
    b[0] = (uint32_t)(((uint64_t)(uint32_t)hash * n) >> 32);
    b[1] = (uint32_t)(((hash >> 32) * n) >> 32);
    if (b[1] == b[0]) {
        b[1] = b[0] + 1 < n ? b[0] + 1 : 0;
    }
}

/* Whether live record `f` is the flow of `key` in `zone`: what a lookup would
 * return, since a key is in the table at most once. */
static inline int tcpstate__ft_holds(const struct flowtable *ft, const struct tcpstate_flow *f,
                                     const struct flow_key *key, uint32_t zone)
{
    return f->cls != CLS_FREE && tcpstate__ft_key_eq(&f->key, key) &&
           (ft->zone_offset == UINT32_MAX || tcpstate__ft_zone(ft, f) == zone);
}
/* Take a record from the free list (NULL if none): zeroed, key copied,
 * listed as the newest flow of the class of its states, both CLOSED:
 * CLS_CLOSED. A flow opened by a SYN keeps those states until its first
 * segment is tracked, so the new-flow path's filing finds it in place; any
 * other moves once, ending where it would have been listed. */
struct tcpstate_flow *tcpstate__ft_take(struct flowtable *ft, const struct flow_key *key);
/* Turn a listed record into a newly taken one for `key`: what
 * tcpstate__ft_release() and then tcpstate__ft_take() do to an eviction's
 * victim when the pool is empty (the record goes through the free list and
 * back), without the detour. */
struct tcpstate_flow *tcpstate__ft_reuse(struct flowtable *ft, struct tcpstate_flow *f,
                                         const struct flow_key *key);
/* List record `f`, pool index `idx`, on no list at the newest end of the
 * list of class `cls`: tcpstate__ft_touch() without the unlink. */
static inline void tcpstate__ft_list_append(struct flowtable *ft, struct tcpstate_flow *f,
                                            uint32_t idx, enum flow_class cls)
{
    struct ft_list *l = &ft->list[cls];
    f->cls = (uint8_t)cls;
    f->next = FT_NIL;
    f->prev = l->tail;
    if (l->tail != FT_NIL) {
        ft->flows[l->tail].next = idx;
    } else {
        l->head = idx;
    }
    l->tail = idx;
}
static inline void tcpstate__ft_list_add(struct flowtable *ft, struct tcpstate_flow *f,
                                         enum flow_class cls)
{
    tcpstate__ft_list_append(ft, f, (uint32_t)(f - ft->flows), cls);
}
/* Whether the pool has no free record. */
static inline int tcpstate__ft_pool_empty(const struct flowtable *ft)
{
    return ft->free_head == FT_NIL;
}
/* Index a record taken above; 0, or -1 when both candidate buckets are full. */
int tcpstate__ft_insert(struct flowtable *ft, struct tcpstate_flow *f, uint64_t hash);
/* Unindex, unlist and free a record. */
void tcpstate__ft_release(struct flowtable *ft, struct tcpstate_flow *f);

/* Take a record off its class's list. */
static inline void tcpstate__ft_list_unlink(struct flowtable *ft, struct tcpstate_flow *f)
{
    struct ft_list *l = &ft->list[f->cls];
    if (f->prev != FT_NIL) {
        ft->flows[f->prev].next = f->next;
    } else {
        l->head = f->next;
    }
    if (f->next != FT_NIL) {
        ft->flows[f->next].prev = f->prev;
    } else {
        l->tail = f->prev;
    }
}
/* Move a flow to the newest end of the list of class `cls`. Inline: the
 * per-frame path refiles a flow on nearly every class change, about four
 * times per connection. */
static inline void tcpstate__ft_touch(struct flowtable *ft, struct tcpstate_flow *f,
                                      enum flow_class cls)
{
    if (f->cls == cls && f->next == FT_NIL) {
        return; /* already the newest of its class */
    }
    tcpstate__ft_list_unlink(ft, f);
    tcpstate__ft_list_add(ft, f, cls);
}
/* Take a record and list it as class `cls` (NULL if the pool is empty).
 * Inline: only the tests use it, and the library pays no bytes for it. */
static inline struct tcpstate_flow *
tcpstate__ft_alloc(struct flowtable *ft, const struct flow_key *key, enum flow_class cls)
{
    struct tcpstate_flow *f = tcpstate__ft_take(ft, key);
    if (f != NULL) {
        tcpstate__ft_touch(ft, f, cls);
    }
    return f;
}
/* Oldest flow of a class, or NULL. */
struct tcpstate_flow *tcpstate__ft_oldest(const struct flowtable *ft, enum flow_class cls);
/* Next-newer flow on the same list, or NULL. */
struct tcpstate_flow *tcpstate__ft_newer(const struct flowtable *ft, const struct tcpstate_flow *f);

/* The flow to evict when the pool is empty, by the policy above; NULL if
 * only established flows are left and they may not be evicted. */
struct tcpstate_flow *tcpstate__ft_victim(const struct flowtable *ft, int allow_established);
/* The same policy restricted to the flows in the two buckets of `hash`. */
struct tcpstate_flow *tcpstate__ft_bucket_victim(const struct flowtable *ft, uint64_t hash,
                                                 int allow_established);

/* Pool index of a record, and its extension bytes. */
uint32_t tcpstate__ft_index(const struct flowtable *ft, const struct tcpstate_flow *f);
uint8_t *tcpstate__ft_ext(const struct flowtable *ft, const struct tcpstate_flow *f);

/* Inline: every new flow sets its zone, and tables without zones skip it. */
static inline void tcpstate__ft_set_zone(struct flowtable *ft, struct tcpstate_flow *f,
                                         uint32_t zone)
{
    if (ft->zone_offset != UINT32_MAX) {
        memcpy(tcpstate__ft_ext(ft, f) + ft->zone_offset, &zone, 4);
    }
}

/* Time of the flow's last segment (first_ts + decoded age). Inline: once or
 * twice per packet. */
static inline uint64_t tcpstate__flow_last_ts(const struct tcpstate_flow *f)
{
    return f->first_ts + u32f_decode(f->age);
}

static inline void tcpstate__flow_set_last_ts(struct tcpstate_flow *f, uint64_t ts)
{
    /* 0 if ts is before the first segment: the difference wrapped, and only
     * a wrapped difference exceeds ts (one compare after the subtraction). */
    uint64_t d = ts - f->first_ts;
    d = d <= ts ? d : 0;
    /* u32f_encode()'s exact case (nearly every packet) tested here, apart
     * from the call: GCC then branches on the subtraction's borrow and on
     * one compare (u32f_encode() alone: a compare and a conditional move
     * more, 1 Ir/pkt on CG). */
    if (d <= U32F_EXACT_MAX) {
        f->age = (uint32_t)d;
    } else {
        f->age = u32f_encode(d);
    }
}

/* The lookups (tcpstate__ft_lookup_zone(), tcpstate__ft_lookup(),
 * tcpstate__ft_lookup_hint()), inline. */
#include "flowtable_probe.h"

/* The per-packet keying (tcpstate__ft_key_hash()), inline. */
#include "flowtable_key.h"

#endif
