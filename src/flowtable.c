/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Flow table: fixed pool, two-choice bucketized index, activity lists.
 *
 * Index. Every key hashes (SipHash-1-3, keyed by the caller) to two buckets of
 * 16 four-byte slots, one cache line each. A slot holds a pool index and, in
 * the bits the index does not need, a tag from the hash, so a miss rarely
 * touches a flow record. A new flow goes into the emptier of its two buckets
 * ("power of two choices"): with 1.25 slots per flow both buckets are full
 * with negligible probability, and a lookup never reads more than two
 * buckets, whatever the load: there are no chains to grow and no rehash.
 * If both buckets are full anyway (an unkeyed hash under attack), the caller
 * evicts within those two buckets, so the bound holds.
 *
 * Lists. Each flow sits on the list of its class (embryonic, established,
 * closing, TIME_WAIT, closed), moved to the newest end on every segment, so
 * each list is ordered by last activity: expiry and eviction read the
 * oldest flows off the list heads in O(1).
 */
#include "flowtable.h"

#include <stddef.h>
#include <string.h>

#include "compact.h"
#include "hash.h"
#include "hints.h"

/* Slots per flow = 5/4: see the comment at the top. */
static uint32_t buckets_for(uint32_t cap)
{
    uint64_t slots = (uint64_t)cap + (uint64_t)cap / 4u + FT_BUCKET_SLOTS;
    uint64_t n = (slots + FT_BUCKET_SLOTS - 1) / FT_BUCKET_SLOTS;
    return (uint32_t)(n < 2 ? 2 : n);
}

/* In 64 bits: with 2^28 flows of 4 KiB extension each the product passes
 * 2^32, and on a 32-bit target size_t would wrap to a small, "valid" size
 * (a buffer overrun in tcpstate_init()). The caller checks the sum against
 * SIZE_MAX. */
int tcpstate__ft_sizes(uint32_t cap, uint32_t ext_stride, struct ft_sizes *out)
{
    if (cap == 0 || cap > (1u << 28)) {
        return -1;
    }
    /* Each product is below 2^28 * 2^32 = 2^60: no 64-bit overflow. */
    out->slots_bytes = (uint64_t)buckets_for(cap) * FT_BUCKET_SLOTS * sizeof(uint32_t);
    out->flows_bytes = (uint64_t)cap * sizeof(struct tcpstate_flow);
    out->ext_bytes = (uint64_t)cap * ext_stride;
    return 0;
}

static void lists_reset(struct flowtable *ft)
{
    for (unsigned c = 0; c < CLS_COUNT; c++) {
        ft->list[c].head = FT_NIL;
        ft->list[c].tail = FT_NIL;
    }
}

void tcpstate__ft_clear(struct flowtable *ft)
{
    memset(ft->slots, 0, (size_t)ft->n_buckets * FT_BUCKET_SLOTS * sizeof(uint32_t));
    for (uint32_t i = 0; i < ft->cap; i++) {
        ft->flows[i].cls = CLS_FREE;
        ft->flows[i].next = i + 1 < ft->cap ? i + 1 : FT_NIL;
    }
    ft->free_head = 0;
    ft->used = 0;
    lists_reset(ft);
}

void tcpstate__ft_init(struct flowtable *ft, uint32_t cap, uint32_t ext_stride, void *slots,
                       void *flows, void *ext, const uint8_t hash_key[16])
{
    ft->flows = flows;
    ft->slots = slots;
    ft->ext = ext;
    ft->cap = cap;
    ft->n_buckets = buckets_for(cap);
    ft->ext_stride = ext_stride;
    uint32_t idx_bits = bit_length64(cap);
    tcpstate__ft_set_idx_bits(ft, idx_bits > FT_MIN_IDX_BITS ? idx_bits : FT_MIN_IDX_BITS);
    tcpstate__sipkey_init(&ft->sip, hash_key);
#if TCPSTATE_AES_HASH
    ft->hash_aes = (uint32_t)tcpstate__aes_usable();
    if (ft->hash_aes) {
        uint8_t aes_key[16];
        tcpstate__aes_derive(aes_key, hash_key);
        tcpstate__aes_expand(&ft->aes, aes_key);
    }
#endif
    ft->zone_offset = UINT32_MAX;
    tcpstate__ft_clear(ft);
}

/* ------------------------------------------------------------------ keys */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Is the packet's source the higher endpoint? Endpoints are ordered by
 * address (as unsigned big-endian numbers), then port. */
static int src_is_higher(const tcpstate_packet *pkt, size_t alen)
{
    for (size_t i = 0; i < alen; i += 4) {
        uint32_t a = be32(pkt->src + i), b = be32(pkt->dst + i);
        if (a != b) {
            return a > b;
        }
    }
    return pkt->sport > pkt->dport;
}

/* The key's bytes; returns whether the packet's source is endpoint [1]. */
static HOT_INLINE int build_key(struct flow_key *key, const tcpstate_packet *pkt, int vlan_keyed)
{
    int swap;
    uint16_t tag = 0;
    if (pkt->ip_version == 6) {
        swap = src_is_higher(pkt, 16);
        tag = FT_KEY_V6;
        memcpy(key->addr[swap], pkt->src, 16);
        memcpy(key->addr[!swap], pkt->dst, 16);
    } else {
        /* The common case: one compare, constant-size copies, no loop. */
        uint32_t s = be32(pkt->src), d = be32(pkt->dst);
        swap = s != d ? s > d : pkt->sport > pkt->dport;
        memset(key->addr, 0, sizeof key->addr);
        memcpy(key->addr[0], swap ? pkt->dst : pkt->src, 4);
        memcpy(key->addr[1], swap ? pkt->src : pkt->dst, 4);
    }
    key->port[0] = swap ? pkt->dport : pkt->sport;
    key->port[1] = swap ? pkt->sport : pkt->dport;
    if (vlan_keyed && pkt->vlan_count > 0) {
        tag = (uint16_t)(tag | (pkt->vlan_id[0] & 0x0fffu));
    }
    key->tag = tag;
    return swap;
}

void tcpstate__ft_make_key(struct flow_key *key, const tcpstate_packet *pkt, int vlan_keyed,
                           int *src_is_hi)
{
    *src_is_hi = build_key(key, pkt, vlan_keyed);
}

static uint64_t le32_of(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

/* The hash input is the key packed into as few bytes as it needs: an IPv4
 * key is 14 bytes (two addresses, two ports, the tag), one AES block or two
 * SipHash blocks (tcpstate__ft_hash_words()); an IPv6 key its 38 bytes, and
 * 42 with a zone, for SipHash-1-3 (whose last block includes the length).
 * Each encoding is injective, so two distinct keys are two distinct inputs
 * of one function. Both functions are PRFs under the secret key (hash_aes.h
 * for AES-128): without the key an attacker cannot predict bucket choices
 * or tags, and cannot learn them from hash values either, since no value
 * leaves the library (only timing could hint at a collision, and each hint
 * is about one pair of tuples under one engine's key). */
/* The hash of an IPv4 key: its 14 bytes as two little-endian words. */
static HOT_INLINE uint64_t hash_v4(const struct flowtable *ft, const struct flow_key *key)
{
    uint64_t w0 = le32_of(key->addr[0]) | le32_of(key->addr[1]) << 32;
    uint64_t w1 = (uint64_t)key->port[0] | (uint64_t)key->port[1] << 16 | (uint64_t)key->tag << 32;
    return tcpstate__ft_hash_words(ft, w0, w1);
}

uint64_t tcpstate__ft_hash(const struct flowtable *ft, const struct flow_key *key)
{
    if (key->tag & FT_KEY_V6) {
        return tcpstate__siphash13_key(&ft->sip, key, sizeof *key);
    }
    return hash_v4(ft, key);
}

uint64_t tcpstate__ft_hash_zone(const struct flowtable *ft, const struct flow_key *key,
                                uint32_t zone)
{
    if (zone == 0) {
        return tcpstate__ft_hash(ft, key);
    }
    /* 42 bytes: a length neither form above has, so still injective. */
    uint8_t in[sizeof *key + 4];
    memcpy(in, key, sizeof *key);
    memcpy(in + sizeof *key, &zone, 4);
    return tcpstate__siphash13_key(&ft->sip, in, sizeof in);
}

/* IPv6, or a zone (every packet in builds for size): the layered way, out
 * of the IPv4 path's way (flowtable_key.h). */
RARE uint64_t tcpstate__ft_key_hash_other(const struct flowtable *ft, const tcpstate_packet *pkt,
                                          int vlan_keyed, uint32_t zone, struct flow_key *key,
                                          int *src_is_hi)
{
    *src_is_hi = build_key(key, pkt, vlan_keyed);
    return tcpstate__ft_hash_zone(ft, key, zone);
}

uint32_t tcpstate__ft_zone(const struct flowtable *ft, const struct tcpstate_flow *f)
{
    uint32_t z = 0;
    if (ft->zone_offset != UINT32_MAX) {
        memcpy(&z, tcpstate__ft_ext(ft, f) + ft->zone_offset, 4);
    }
    return z;
}

/* A record of an IPv4 flow outside any zone keeps the hash it was indexed
 * under in its key's bytes 8-15: an IPv4 key leaves its address bytes 4-15
 * zero, and neither the compare (tcpstate__ft_key_eq(): bytes 0-7, 16-23,
 * 30-37) nor the hash of such a flow (hash_v4(): the first 4 bytes of each
 * address, the ports, the tag) reads them. So taking it out of the index
 * (nearly every new flow evicts a finished one) costs no SipHash. The value
 * never leaves the library: tcpstate_flow_get_info() copies 4 address bytes
 * of an IPv4 key. */
enum { FT_KEPT_HASH = 8 };
static HOT_INLINE int keeps_hash(const struct tcpstate_flow *f, uint32_t zone)
{
    return zone == 0 && !(f->key.tag & FT_KEY_V6);
}

/* The hash a flow was indexed under (inline, as unindex() below: nearly
 * every new flow evicts a finished one, whose slot this finds). */
static HOT_INLINE uint64_t flow_hash(const struct flowtable *ft, const struct tcpstate_flow *f)
{
    uint32_t zone = tcpstate__ft_zone(ft, f);
    if (keeps_hash(f, zone)) {
        uint64_t h;
        memcpy(&h, (const uint8_t *)&f->key + FT_KEPT_HASH, 8);
        return h;
    }
    return tcpstate__ft_hash_zone(ft, &f->key, zone);
}

/* ------------------------------------------------------------------ lookup */

struct tcpstate_flow *tcpstate__ft_lookup_zoned(const struct flowtable *ft,
                                                const struct flow_key *key, uint32_t zone,
                                                uint64_t hash)
{
    struct ft_probe p = tcpstate__ft_probe_of(ft, hash);
    uint32_t tag_mask = tcpstate__ft_tag_mask(ft);
    PREFETCH(&ft->slots[(size_t)p.b[1] * FT_BUCKET_SLOTS]); /* as the inline lookup does */
    for (unsigned k = 0; k < 2; k++) {
        const uint32_t *s = &ft->slots[(size_t)p.b[k] * FT_BUCKET_SLOTS];
        for (unsigned m = tcpstate__ft_bucket_matches(s, p.tag, tag_mask); m != 0; m &= m - 1u) {
            struct tcpstate_flow *f = tcpstate__ft_slot_flow(ft, &p, s[tcpstate__ft_lowest_bit(m)]);
            PREFETCH((const char *)f + 64);
            PREFETCH((const char *)f + sizeof *f - 1u);
            if (tcpstate__ft_key_eq(&f->key, key) &&
                (ft->zone_offset == UINT32_MAX || tcpstate__ft_zone(ft, f) == zone)) {
                return f;
            }
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ index */

/* The slot of record `idx` under the probe of its hash: the tag bits
 * tcpstate__ft_probe_of() already placed above the index bits, and the
 * index + 1 below them (fewer instructions than shifting
 * tcpstate__ft_tag_of()'s tag into place: the same value). */
static uint32_t slot_value(const struct ft_probe *p, uint32_t idx) { return p->tag | (idx + 1u); }

/* Searching buckets: the first slot holding a value (0: the first empty
 * one), and the emptier of a key's two buckets. SSE2 (every x86-64) does a
 * bucket in four vector compares; elsewhere plain loops, the smallest code
 * (Cortex-M, -Os). */
#if defined(__SSE2__)
/* The four compares of a bucket packed into one byte per slot (0xff:
 * equal): its slot mask in one step, its count as a sum of bytes. */
static __m128i bucket_eq_bytes(const uint32_t *s, uint32_t value)
{
    const __m128i t = _mm_set1_epi32((int)value);
    const __m128i *p = (const __m128i *)(const void *)s;
    __m128i a = _mm_cmpeq_epi32(_mm_loadu_si128(p), t);
    __m128i b = _mm_cmpeq_epi32(_mm_loadu_si128(p + 1), t);
    __m128i c = _mm_cmpeq_epi32(_mm_loadu_si128(p + 2), t);
    __m128i d = _mm_cmpeq_epi32(_mm_loadu_si128(p + 3), t);
    return _mm_packs_epi16(_mm_packs_epi32(a, b), _mm_packs_epi32(c, d));
}

/* The first slot of `s` holding `value`, or -1. */
static int slot_holding(const uint32_t *s, uint32_t value)
{
    unsigned m = (unsigned)_mm_movemask_epi8(bucket_eq_bytes(s, value));
    return m != 0 ? (int)tcpstate__ft_lowest_bit(m) : -1;
}

/* The emptier of buckets *s0 and s1 (s0 on a tie) in *s0, and its first
 * empty slot, or -1 when both are full. */
static int emptier_slot(uint32_t **s0, uint32_t *s1)
{
    const __m128i zero = _mm_setzero_si128();
    __m128i z0 = bucket_eq_bytes(*s0, 0), z1 = bucket_eq_bytes(s1, 0);
    /* 255 per empty slot, summed per 8 slots: the difference of the sums. */
    __m128i d = _mm_sub_epi32(_mm_sad_epu8(z0, zero), _mm_sad_epu8(z1, zero));
    d = _mm_add_epi32(d, _mm_shuffle_epi32(d, 0x4e));
    if (_mm_cvtsi128_si32(d) < 0) {
        *s0 = s1;
        z0 = z1;
    }
    unsigned m = (unsigned)_mm_movemask_epi8(z0);
    return m != 0 ? (int)tcpstate__ft_lowest_bit(m) : -1;
}
#else
static int slot_holding(const uint32_t *s, uint32_t value)
{
    for (unsigned i = 0; i < FT_BUCKET_SLOTS; i++) {
        if (s[i] == value) {
            return (int)i;
        }
    }
    return -1;
}

static unsigned bucket_free_slots(const uint32_t *s)
{
    unsigned n = 0;
    for (unsigned i = 0; i < FT_BUCKET_SLOTS; i++) {
        n += s[i] == 0;
    }
    return n;
}

static int emptier_slot(uint32_t **s0, uint32_t *s1)
{
    if (bucket_free_slots(*s0) < bucket_free_slots(s1)) {
        *s0 = s1;
    }
    return slot_holding(*s0, 0);
}
#endif

/* Both buckets of a new key are full: move one of their 32 flows to its
 * other candidate bucket if that has a free slot (one cuckoo step), and give
 * the new key the freed slot. Rare (the index has 1.25 slots per flow and new
 * keys go to the emptier bucket), so rehashing the candidates' keys here
 * costs nothing on the common path; without it, a full pair of buckets would
 * force an eviction among its flows even when finished flows sit elsewhere. */
static RARE int make_room(struct flowtable *ft, uint64_t hash, uint32_t mine)
{
    /* The buckets again, from the hash: passing the caller's would keep them
     * in memory on its common path. */
    uint32_t b[2];
    tcpstate__ft_buckets(ft, hash, b);
    for (unsigned k = 0; k < 2; k++) {
        uint32_t *s = &ft->slots[(size_t)b[k] * FT_BUCKET_SLOTS];
        for (unsigned i = 0; i < FT_BUCKET_SLOTS; i++) {
            const struct tcpstate_flow *g = &ft->flows[tcpstate__ft_slot_index(ft, s[i])];
            uint32_t gb[2];
            tcpstate__ft_buckets(ft, flow_hash(ft, g), gb);
            uint32_t other = gb[0] == b[k] ? gb[1] : gb[0];
            uint32_t *t = &ft->slots[(size_t)other * FT_BUCKET_SLOTS];
            for (unsigned j = 0; j < FT_BUCKET_SLOTS; j++) {
                if (t[j] == 0) {
                    t[j] = s[i];
                    s[i] = mine;
                    return 0;
                }
            }
        }
    }
    return -1;
}

int tcpstate__ft_insert(struct flowtable *ft, struct tcpstate_flow *f, uint64_t hash)
{
    struct ft_probe p = tcpstate__ft_probe_of(ft, hash);
    uint32_t *s = &ft->slots[(size_t)p.b[0] * FT_BUCKET_SLOTS];
    int i = emptier_slot(&s, &ft->slots[(size_t)p.b[1] * FT_BUCKET_SLOTS]);
    uint32_t mine = slot_value(&p, tcpstate__ft_index(ft, f));
    if (keeps_hash(f, tcpstate__ft_zone(ft, f))) {
        memcpy((uint8_t *)&f->key + FT_KEPT_HASH, &hash, 8);
    }
    if (i >= 0) {
        s[i] = mine;
        return 0;
    }
    return make_room(ft, hash, mine);
}

/* Take record `f`, pool index `idx`, out of the index. */
static HOT_INLINE void unindex(struct flowtable *ft, const struct tcpstate_flow *f, uint32_t idx)
{
    struct ft_probe p = tcpstate__ft_probe_of(ft, flow_hash(ft, f));
    uint32_t want = slot_value(&p, idx);
    for (unsigned k = 0; k < 2; k++) {
        uint32_t *s = &ft->slots[(size_t)p.b[k] * FT_BUCKET_SLOTS];
        int i = slot_holding(s, want);
        if (i >= 0) {
            s[i] = 0;
            return;
        }
    }
}

/* ------------------------------------------------------------------ lists */

uint32_t tcpstate__ft_index(const struct flowtable *ft, const struct tcpstate_flow *f)
{
    return (uint32_t)(f - ft->flows);
}

uint8_t *tcpstate__ft_ext(const struct flowtable *ft, const struct tcpstate_flow *f)
{
    if (ft->ext == NULL) {
        return NULL;
    }
    return ft->ext + (size_t)tcpstate__ft_index(ft, f) * ft->ext_stride;
}

struct tcpstate_flow *tcpstate__ft_oldest(const struct flowtable *ft, enum flow_class cls)
{
    uint32_t h = ft->list[cls].head;
    return h == FT_NIL ? NULL : &ft->flows[h];
}

struct tcpstate_flow *tcpstate__ft_newer(const struct flowtable *ft, const struct tcpstate_flow *f)
{
    return f->next == FT_NIL ? NULL : &ft->flows[f->next];
}

/* A record's bytes for a new flow of `key`: the key, everything else zero;
 * then listed as the newest closed flow (see tcpstate__ft_take()). */
_Static_assert(TCPSTATE_CLOSED == 0, "a zeroed endpoint is CLOSED");
static void record_init(struct flowtable *ft, struct tcpstate_flow *f, uint32_t idx,
                        const struct flow_key *key)
{
    /* Key, then every byte after it zeroed, in two fixed-size parts: one
     * memset of the whole record became a `rep stos` (a slow start on x86). */
    f->key = *key;
    memset(&f->fflags, 0,
           offsetof(struct tcpstate_flow, ep) - offsetof(struct tcpstate_flow, fflags));
    memset(f->ep, 0, sizeof f->ep);
    if (ft->ext != NULL) { /* tcpstate__ft_ext(), from the index at hand */
        memset(ft->ext + (size_t)idx * ft->ext_stride, 0, ft->ext_stride);
    }
    tcpstate__ft_list_append(ft, f, idx, CLS_CLOSED);
}

struct tcpstate_flow *tcpstate__ft_take(struct flowtable *ft, const struct flow_key *key)
{
    if (ft->free_head == FT_NIL) {
        return NULL;
    }
    uint32_t idx = ft->free_head;
    struct tcpstate_flow *f = &ft->flows[idx];
    ft->free_head = f->next;
    record_init(ft, f, idx, key);
    ft->used++;
    return f;
}

struct tcpstate_flow *tcpstate__ft_reuse(struct flowtable *ft, struct tcpstate_flow *f,
                                         const struct flow_key *key)
{
#if defined(__OPTIMIZE_SIZE__)
    /* Built for size: the same through the free list (the pool is empty, so
     * the record is taken straight back), in less code. */
    tcpstate__ft_release(ft, f);
    return tcpstate__ft_take(ft, key);
#else
    /* The pool index once, for the slot and for the record's links. */
    uint32_t idx = tcpstate__ft_index(ft, f);
    unindex(ft, f, idx);
    tcpstate__ft_list_unlink(ft, f);
    record_init(ft, f, idx, key);
    return f;
#endif
}

void tcpstate__ft_release(struct flowtable *ft, struct tcpstate_flow *f)
{
    uint32_t idx = tcpstate__ft_index(ft, f);
    unindex(ft, f, idx);
    tcpstate__ft_list_unlink(ft, f);
    f->cls = CLS_FREE;
    f->next = ft->free_head;
    ft->free_head = idx;
    ft->used--;
}

/* ------------------------------------------------------------------ eviction */

/* Eviction preference of a class: lower goes first; -1 never. Finished
 * flows (TIME_WAIT, closed) have nothing left to report, so they go first
 * (Linux's early_drop prefers them too). Unconfirmed ones (embryonic,
 * one-way, or with an unconfirmed RST) go next, so that floods of SYNs or of
 * bare ACKs from spoofed tuples only push out each other. Confirmed live
 * flows, closing ones included, go last and only if allowed. */
static int evict_rank(enum flow_class cls, int allow_established)
{
    switch (cls) {
    case CLS_CLOSED:
    case CLS_TIME_WAIT:
        return 0;
    case CLS_EMBRYONIC:
        return 1;
    case CLS_ESTABLISHED:
    case CLS_CLOSING:
        return allow_established ? 2 : -1;
    case CLS_COUNT:
    case CLS_FREE:
        break; /* not a class a listed flow has */
    }
    return -1;
}

/* Better victim: lower rank, then older. */
static int better_victim(const struct tcpstate_flow *a, int rank_a, const struct tcpstate_flow *b,
                         int rank_b)
{
    if (b == NULL) {
        return 1;
    }
    if (rank_a != rank_b) {
        return rank_a < rank_b;
    }
    return tcpstate__flow_last_ts(a) < tcpstate__flow_last_ts(b);
}

/* The older of two list heads (pool indices, FT_NIL: none), `a` on a tie;
 * NULL if neither. */
static struct tcpstate_flow *older_head(const struct flowtable *ft, uint32_t a, uint32_t b)
{
    struct tcpstate_flow *fa = a != FT_NIL ? &ft->flows[a] : NULL;
    if (b == FT_NIL) {
        return fa;
    }
    struct tcpstate_flow *fb = &ft->flows[b];
    return better_victim(fb, 0, fa, 0) ? fb : fa;
}

/* evict_rank()'s order read off the list heads, rank by rank: each list's
 * oldest flow is at its head. Within a rank, ties go to the class listed
 * first in enum flow_class (TIME_WAIT before closed, established before
 * closing), as a scan of the classes in that order keeping the strictly
 * better victim would choose. */
struct tcpstate_flow *tcpstate__ft_victim(const struct flowtable *ft, int allow_established)
{
    struct tcpstate_flow *f =
        older_head(ft, ft->list[CLS_TIME_WAIT].head, ft->list[CLS_CLOSED].head);
    if (f != NULL) {
        return f;
    }
    uint32_t h = ft->list[CLS_EMBRYONIC].head;
    if (h != FT_NIL) {
        return &ft->flows[h];
    }
    if (!allow_established) {
        return NULL;
    }
    return older_head(ft, ft->list[CLS_ESTABLISHED].head, ft->list[CLS_CLOSING].head);
}

struct tcpstate_flow *tcpstate__ft_bucket_victim(const struct flowtable *ft, uint64_t hash,
                                                 int allow_established)
{
    uint32_t b[2];
    struct tcpstate_flow *best = NULL;
    int best_rank = 0;
    tcpstate__ft_buckets(ft, hash, b);
    for (unsigned k = 0; k < 2; k++) {
        const uint32_t *s = &ft->slots[(size_t)b[k] * FT_BUCKET_SLOTS];
        for (unsigned i = 0; i < FT_BUCKET_SLOTS; i++) {
            if (s[i] == 0) {
                continue;
            }
            struct tcpstate_flow *f = &ft->flows[tcpstate__ft_slot_index(ft, s[i])];
            int rank = evict_rank((enum flow_class)f->cls, allow_established);
            if (rank >= 0 && better_victim(f, rank, best, best_rank)) {
                best = f;
                best_rank = rank;
            }
        }
    }
    return best;
}
