/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The index probe: which buckets and which tag a hash names, and the lookup
 * of a key among the slots carrying that tag. Inline (included by
 * flowtable.h) because every frame runs it: a call's setup and spills were a
 * tenth of its cost.
 */
#ifndef TCPSTATE_FLOWTABLE_PROBE_H
#define TCPSTATE_FLOWTABLE_PROBE_H

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "hints.h"

/* The tag: hash bits neither bucket choice depends on, never 0, so an empty
 * slot (all zero) never matches one. tcpstate__ft_buckets() takes a bucket
 * from the top bits of each 32-bit half (as many as the bucket count needs:
 * up to 24), so the tag comes from the bottom of the low half (32 - idx_bits
 * bits: 16 below 2^16 flows, FT_MIN_IDX_BITS; at least 3). Tag bits that
 * overlapped the bucket bits would be nearly equal for every key of a
 * bucket: in a large table almost every slot would match, and each match
 * costs a key compare in a record not in cache. */
static inline uint32_t tcpstate__ft_tag_of(const struct flowtable *ft, uint64_t hash)
{
    uint32_t tag_bits = 32u - ft->idx_bits;
    uint32_t tag = (uint32_t)hash & ((1u << tag_bits) - 1u);
    return tag != 0 ? tag : 1u;
}

/* Slots of a bucket whose tag matches, as a bit mask: four 4-slot vector
 * compares where SSE2 exists (every x86-64), else a branch-free loop. */
#if defined(__SSE2__)
static inline __m128i tcpstate__ft_match4(const uint32_t *s, __m128i t, __m128i k)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    return _mm_cmpeq_epi32(_mm_and_si128(v, k), t);
}

/* The tags of a table of up to 2^16 - 1 flows: each slot's upper 16 bits
 * (FT_MIN_IDX_BITS), compared as 16-bit words without masking. A slot whose
 * word matches gives 0xffff0000 (its index word is not 0) or, empty, never
 * matches (a tag is not 0): the packs below turn the upper word's sign
 * into the slot's bit either way, and 0x0000ffff (an empty slot) into none. */
static inline __m128i tcpstate__ft_match4_word(const uint32_t *s, __m128i t)
{
    return _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(const void *)s), t);
}

/* The four compare results (0 or -1 per slot) narrowed to one byte per slot
 * by saturating packs, in slot order, then one byte mask: bit i is slot i. */
static inline unsigned tcpstate__ft_bucket_matches(const uint32_t *s, uint32_t tag,
                                                   uint32_t tag_mask)
{
    const __m128i t = _mm_set1_epi32((int)tag), k = _mm_set1_epi32((int)tag_mask);
    if (tag_mask == FT_WORD_TAG_MASK) { /* every table below 2^16 flows: no mask */
        __m128i lo =
            _mm_packs_epi32(tcpstate__ft_match4_word(s, t), tcpstate__ft_match4_word(s + 4, t));
        __m128i hi = _mm_packs_epi32(tcpstate__ft_match4_word(s + 8, t),
                                     tcpstate__ft_match4_word(s + 12, t));
        return (unsigned)_mm_movemask_epi8(_mm_packs_epi16(lo, hi));
    }
    __m128i lo = _mm_packs_epi32(tcpstate__ft_match4(s, t, k), tcpstate__ft_match4(s + 4, t, k));
    __m128i hi =
        _mm_packs_epi32(tcpstate__ft_match4(s + 8, t, k), tcpstate__ft_match4(s + 12, t, k));
    return (unsigned)_mm_movemask_epi8(_mm_packs_epi16(lo, hi));
}
#else
static inline unsigned tcpstate__ft_bucket_matches(const uint32_t *s, uint32_t tag,
                                                   uint32_t tag_mask)
{
    unsigned m = 0;
    for (unsigned i = 0; i < FT_BUCKET_SLOTS; i++) {
        m |= (unsigned)((s[i] & tag_mask) == tag) << i;
    }
    return m;
}
#endif

/* Index of the lowest set bit of a non-zero mask. */
static inline unsigned tcpstate__ft_lowest_bit(unsigned m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctz(m);
#else
    unsigned i = 0;
    while (!(m & 1u)) {
        m >>= 1;
        i++;
    }
    return i;
#endif
}

static inline uint32_t tcpstate__ft_slot_index(const struct flowtable *ft, uint32_t slot)
{
    return (slot & ((1u << ft->idx_bits) - 1u)) - 1u;
}

/* What a lookup of `hash` probes: its two buckets, and the tag bits (above
 * the index bits) that a slot of its key carries. */
struct ft_probe {
    uint32_t b[2];
    uint32_t tag;
};

/* The tag bits of a slot: UINT32_MAX << idx_bits, the negation of the
 * lowest one (one instruction from what the table holds, so that a batch
 * keeps no copy per frame). */
static inline uint32_t tcpstate__ft_tag_mask(const struct flowtable *ft)
{
    return 0u - ft->tag_unit;
}

static inline struct ft_probe tcpstate__ft_probe_of(const struct flowtable *ft, uint64_t hash)
{
    struct ft_probe p;
    tcpstate__ft_buckets(ft, hash, p.b);
    /* tcpstate__ft_tag_of() << idx_bits in one shift: the hash bits above
     * the tag's fall off the top. */
    p.tag = (uint32_t)hash << ft->idx_bits;
    p.tag = p.tag != 0 ? p.tag : ft->tag_unit;
    return p;
}

/* The record of a slot whose tag bits equal p->tag: the rest of the slot is
 * the pool index + 1, so one subtraction decodes it. */
static inline struct tcpstate_flow *tcpstate__ft_slot_flow(const struct flowtable *ft,
                                                           const struct ft_probe *p, uint32_t slot)
{
    return ft->flows + (slot - p->tag) - 1;
}

/* The slots of both buckets of probe `p` whose tag matches, as one mask:
 * bucket b[0]'s (at *s0) in bits 0-15, b[1]'s (at *s1) in bits 16-31.
 * Which bucket holds a key is a coin flip (a new key goes to the emptier
 * one): testing the buckets one after the other cost a mispredicted branch
 * on every other guess, more than the second bucket's compare, so where
 * both buckets were fetched ahead (the batch's guess) both are matched at
 * once and the lowest bit names the first candidate either way
 * (tcpstate__ft_probe_slot()). */
static inline uint32_t tcpstate__ft_probe_matches(const struct flowtable *ft,
                                                  const struct ft_probe *p, uint32_t tag_mask,
                                                  const uint32_t **s0, const uint32_t **s1)
{
    *s0 = &ft->slots[(size_t)p->b[0] * FT_BUCKET_SLOTS];
    *s1 = &ft->slots[(size_t)p->b[1] * FT_BUCKET_SLOTS];
    return (uint32_t)tcpstate__ft_bucket_matches(*s0, p->tag, tag_mask) |
           (uint32_t)tcpstate__ft_bucket_matches(*s1, p->tag, tag_mask) << FT_BUCKET_SLOTS;
}

/* The slot that bit i of a tcpstate__ft_probe_matches() mask stands for (a
 * select of the bucket, no branch). */
static inline uint32_t tcpstate__ft_probe_slot(const uint32_t *s0, const uint32_t *s1, unsigned i)
{
    const uint32_t *s = i < FT_BUCKET_SLOTS ? s0 : s1;
    return s[i % FT_BUCKET_SLOTS];
}

/* The record holding `key` among the slots of bucket `b`, or NULL; zones are
 * not compared (zone keyed tables use tcpstate__ft_lookup_zoned()). */
static inline struct tcpstate_flow *
tcpstate__ft_find_in_bucket(const struct flowtable *ft, uint32_t b, const struct ft_probe *p,
                            uint32_t tag_mask, const struct flow_key *key)
{
    const uint32_t *s = &ft->slots[(size_t)b * FT_BUCKET_SLOTS];
    for (unsigned m = tcpstate__ft_bucket_matches(s, p->tag, tag_mask); m != 0; m &= m - 1u) {
        struct tcpstate_flow *f = tcpstate__ft_slot_flow(ft, p, s[tcpstate__ft_lowest_bit(m)]);
        /* The key is in the record's first line; the tracker will want the
         * rest (a record spans two or three lines): ask for it now. */
        PREFETCH((const char *)f + 64);
        PREFETCH((const char *)f + sizeof *f - 1u);
        if (tcpstate__ft_key_eq(&f->key, key)) {
            return f;
        }
    }
    return NULL;
}

/* The lookup of a zone keyed table (out of line, flowtable.c): a key may be
 * there once per zone, so the zone is compared too. Any table's lookup in
 * builds for size (-Os). */
struct tcpstate_flow *tcpstate__ft_lookup_zoned(const struct flowtable *ft,
                                                const struct flow_key *key, uint32_t zone,
                                                uint64_t hash);

/* Lookup of a key in a table that is not zone keyed: such a table holds a
 * key once, so the first record with it is the flow, and the loop above
 * calls nothing (a call in it made the compiler save the probe's registers
 * on every lookup). The buckets one after the other, unlike
 * tcpstate__ft_lookup_hint(): here nothing fetched them ahead, and waiting
 * for both lines before the first compare cost more than the mispredicted
 * branch on which one holds the key (trace M, one frame at a time, medians
 * of 3: 119.8 ns/packet matching both, 99.5 before that change). */
static inline struct tcpstate_flow *
tcpstate__ft_lookup_unzoned(const struct flowtable *ft, const struct flow_key *key, uint64_t hash)
{
#if !defined(__OPTIMIZE_SIZE__)
    struct ft_probe p = tcpstate__ft_probe_of(ft, hash);
    uint32_t tag_mask = tcpstate__ft_tag_mask(ft);
    PREFETCH(&ft->slots[(size_t)p.b[1] * FT_BUCKET_SLOTS]); /* while the first is read */
    struct tcpstate_flow *f = tcpstate__ft_find_in_bucket(ft, p.b[0], &p, tag_mask, key);
    return f != NULL ? f : tcpstate__ft_find_in_bucket(ft, p.b[1], &p, tag_mask, key);
#else
    return tcpstate__ft_lookup_zoned(ft, key, 0, hash);
#endif
}

/* Lookup of a key in a zone (zone keyed tables compare the zone too). */
static inline struct tcpstate_flow *tcpstate__ft_lookup_zone(const struct flowtable *ft,
                                                             const struct flow_key *key,
                                                             uint32_t zone, uint64_t hash)
{
    if (ft->zone_offset == UINT32_MAX) {
        return tcpstate__ft_lookup_unzoned(ft, key, hash);
    }
    return tcpstate__ft_lookup_zoned(ft, key, zone, hash);
}

/* Lookup of a key (zone 0). */
static inline struct tcpstate_flow *tcpstate__ft_lookup(const struct flowtable *ft,
                                                        const struct flow_key *key, uint64_t hash)
{
    return tcpstate__ft_lookup_zone(ft, key, 0, hash);
}

/* The record a lookup of probe `p` would most likely compare first, or NULL if
 * no slot carries its tag (for prefetching: never dereferenced here, and only
 * a candidate; tcpstate__ft_holds() tells whether it is the flow). */
static inline struct tcpstate_flow *tcpstate__ft_lookup_hint(const struct flowtable *ft,
                                                             const struct ft_probe *p)
{
#if !defined(__OPTIMIZE_SIZE__)
    const uint32_t *s0, *s1;
    uint32_t m = tcpstate__ft_probe_matches(ft, p, tcpstate__ft_tag_mask(ft), &s0, &s1);
    if (m == 0) {
        return NULL; /* a new flow's key, most likely */
    }
    return tcpstate__ft_slot_flow(ft, p,
                                  tcpstate__ft_probe_slot(s0, s1, tcpstate__ft_lowest_bit(m)));
#else
    /* For size: the buckets one after the other, in one loop. */
    for (unsigned k = 0; k < 2; k++) {
        const uint32_t *s = &ft->slots[(size_t)p->b[k] * FT_BUCKET_SLOTS];
        unsigned m = tcpstate__ft_bucket_matches(s, p->tag, tcpstate__ft_tag_mask(ft));
        if (m != 0) {
            return tcpstate__ft_slot_flow(ft, p, s[tcpstate__ft_lowest_bit(m)]);
        }
    }
    return NULL;
#endif
}

#endif
