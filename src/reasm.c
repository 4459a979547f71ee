/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IP fragment reassembly in a fixed pool (see reasm.h for the policy).
 *
 * Storage is a store of REASM_BLOCK-byte blocks. A datagram's bytes live in
 * a logical space of slots: slot 0 holds its header (right-aligned, so it
 * ends where the data begins), slot 1 + k holds data bytes [k*B, (k+1)*B).
 * Each context maps its slots to blocks, allocated as fragments arrive, and
 * keeps the byte ranges it holds as a short sorted list. When the datagram is
 * whole, its blocks are swapped into store positions 0, 1, 2 ... (each swap
 * moves one block and fixes the owner's map), so the packet is contiguous
 * without a second buffer, in work proportional to the datagram alone.
 *
 * Contexts sit on one age list in arrival order of their first fragment.
 * Time only moves forward (the engine clamps it), so that order is also the
 * order of their deadlines: expiry pops from the old end, and so does
 * eviction when the pool is full. Lookups go through a keyed hash.
 */
#include <string.h>

#include "hash.h"
#include "reasm.h"
#ifndef TCPSTATE_NO_REASSEMBLY /* size option (docs/embedding.md) */

enum {
    DATA_MAX = 65535, /* IPv4 total length / IPv6 payload length are 16 bits */
    DATA_SLOTS = (DATA_MAX + REASM_BLOCK - 1) / REASM_BLOCK,
    SLOTS = 1 + DATA_SLOTS, /* header slot + data slots */
    MAX_RANGES = 32,        /* disjoint held ranges (holes + 1) a datagram may have */
    NONE = 0xFFFF,          /* no context / no block */
    IPV6_HDR = 40
};

struct range {
    uint32_t start, end;
};

/* What identifies a datagram (RFC 791 §3.2: source, destination, protocol
 * and identification; RFC 8200 §4.5: the addresses and identification), and
 * the zone. Zero-filled before use, so whole keys hash and compare as bytes;
 * a context keeps its key as it was hashed. */
struct rkey {
    uint8_t addr[2][16]; /* source, destination */
    uint32_t id;
    uint32_t zone;
    uint8_t family; /* 4 or 6; in a context, 0: free */
    uint8_t proto;  /* IPv4 only; 0 for IPv6 */
    uint8_t pad[2];
};

struct rctx {
    struct rkey key;
    uint8_t have_first, have_last, overlap, nranges;
    uint16_t hdr_len; /* header bytes at the end of slot 0 */
    uint32_t total;   /* data bytes, once the last fragment came */
    uint64_t deadline;
    uint16_t older, newer; /* age list */
    uint16_t hnext;        /* hash chain; free list */
    uint16_t map[SLOTS];   /* slot -> block */
    struct range r[MAX_RANGES];
};

struct reasm {
    uint32_t nctx, nblocks, bucket_mask;
    uint32_t used, free_blocks, hint;
    uint64_t timeout;
    uint8_t key[16];
    uint16_t oldest, newest, free_ctx;
    struct rctx *ctx;
    uint16_t *bucket;
    uint16_t *owner;     /* per block: owning context, or NONE */
    uint8_t *owner_slot; /* per block: its slot in the owner */
    uint8_t *blocks;
};

/* TCPSTATE_STATIC_REASM_BYTES() promises 1 KiB of fixed overhead (the pool
 * header and five alignment roundings), 520 bytes per context (its record and
 * at most two hash buckets) and 1027 per block (its bytes and owner). */
_Static_assert(sizeof(struct reasm) + 5 * 8 <= 1024, "pool header outgrew the static bound");
_Static_assert(sizeof(struct rctx) + 2 * sizeof(uint16_t) <= 520, "context outgrew the bound");

static uint64_t round8(uint64_t v) { return (v + 7u) & ~(uint64_t)7u; }

static uint32_t buckets_for(uint32_t contexts)
{
    uint32_t n = 1;
    while (n < contexts) {
        n <<= 1;
    }
    return n;
}

uint64_t tcpstate__reasm_footprint(uint32_t contexts, uint32_t bytes)
{
    if (contexts == 0) {
        return 0;
    }
    uint64_t nblocks = bytes / REASM_BLOCK;
    if (contexts > NONE - 1u || nblocks < 2 || nblocks > NONE - 1u) {
        return UINT64_MAX;
    }
    /* Every term is below 2^32, so the 64-bit sum cannot overflow. */
    return round8(sizeof(struct reasm)) + round8((uint64_t)contexts * sizeof(struct rctx)) +
           round8((uint64_t)buckets_for(contexts) * sizeof(uint16_t)) +
           round8(nblocks * sizeof(uint16_t)) + round8(nblocks) + nblocks * REASM_BLOCK;
}

void tcpstate__reasm_reset(struct reasm *r)
{
    r->used = 0;
    r->free_blocks = r->nblocks;
    r->hint = 0;
    r->oldest = r->newest = NONE;
    for (uint32_t i = 0; i < r->nctx; i++) {
        r->ctx[i].key.family = 0;
        r->ctx[i].hnext = (uint16_t)(i + 1 < r->nctx ? i + 1 : NONE);
    }
    r->free_ctx = 0;
    memset(r->bucket, 0xFF, ((size_t)r->bucket_mask + 1) * sizeof *r->bucket);
    memset(r->owner, 0xFF, (size_t)r->nblocks * sizeof *r->owner);
}

struct reasm *tcpstate__reasm_init(void *mem, uint32_t contexts, uint32_t bytes, uint64_t timeout,
                                   const uint8_t key[16])
{
    uint8_t *p = mem;
    struct reasm *r = (struct reasm *)(void *)p;
    memset(r, 0, sizeof *r);
    r->nctx = contexts;
    r->nblocks = bytes / REASM_BLOCK;
    r->bucket_mask = buckets_for(contexts) - 1u;
    r->timeout = timeout;
    memcpy(r->key, key, sizeof r->key);
    p += round8(sizeof *r);
    r->ctx = (struct rctx *)(void *)p;
    p += round8((uint64_t)contexts * sizeof(struct rctx));
    r->bucket = (uint16_t *)(void *)p;
    p += round8(((uint64_t)r->bucket_mask + 1) * sizeof(uint16_t));
    r->owner = (uint16_t *)(void *)p;
    p += round8((uint64_t)r->nblocks * sizeof(uint16_t));
    r->owner_slot = p;
    p += round8(r->nblocks);
    r->blocks = p;
    tcpstate__reasm_reset(r);
    return r;
}

/* ------------------------------------------------------------------ contexts */

static uint32_t key_bucket(const struct reasm *r, const struct rkey *k)
{
    return (uint32_t)tcpstate__siphash13(r->key, k, sizeof *k) & r->bucket_mask;
}

static int key_matches(const struct rctx *c, const struct rkey *k)
{
    return memcmp(&c->key, k, sizeof *k) == 0;
}

static uint16_t ctx_find(const struct reasm *r, const struct rkey *k)
{
    uint16_t i = r->bucket[key_bucket(r, k)];
    while (i != NONE && !key_matches(&r->ctx[i], k)) {
        i = r->ctx[i].hnext;
    }
    return i;
}

/* Forget a context: its blocks go back to the store (their bytes stay until
 * reused, which is what lets a completed datagram be read after release). */
static void ctx_release(struct reasm *r, uint16_t i)
{
    struct rctx *c = &r->ctx[i];
    for (unsigned s = 0; s < SLOTS; s++) {
        if (c->map[s] != NONE) {
            r->owner[c->map[s]] = NONE;
            r->free_blocks++;
        }
    }
    uint16_t *link = &r->bucket[key_bucket(r, &c->key)];
    while (*link != NONE && *link != i) {
        link = &r->ctx[*link].hnext;
    }
    if (*link == i) {
        *link = c->hnext;
    }
    if (c->older != NONE) {
        r->ctx[c->older].newer = c->newer;
    } else {
        r->oldest = c->newer;
    }
    if (c->newer != NONE) {
        r->ctx[c->newer].older = c->older;
    } else {
        r->newest = c->older;
    }
    c->key.family = 0;
    c->hnext = r->free_ctx;
    r->free_ctx = i;
    r->used--;
}

/* Drop the oldest datagram other than `keep`, to make room. */
static int evict_one(struct reasm *r, uint16_t keep, tcpstate_stats *st)
{
    uint16_t v = r->oldest;
    if (v == keep && v != NONE) {
        v = r->ctx[v].newer;
    }
    if (v == NONE) {
        return -1;
    }
    ctx_release(r, v);
    st->frag_drop_pool_full++;
    return 0;
}

static uint16_t ctx_new(struct reasm *r, const struct rkey *k, uint64_t now, tcpstate_stats *st)
{
    if (r->free_ctx == NONE && evict_one(r, NONE, st) != 0) {
        return NONE;
    }
    uint16_t i = r->free_ctx;
    struct rctx *c = &r->ctx[i];
    r->free_ctx = c->hnext;
    memset(c, 0, sizeof *c);
    memset(c->map, 0xFF, sizeof c->map);
    c->key = *k;
    c->deadline = now > UINT64_MAX - r->timeout ? UINT64_MAX : now + r->timeout;
    uint32_t b = key_bucket(r, k);
    c->hnext = r->bucket[b];
    r->bucket[b] = i;
    c->older = r->newest;
    c->newer = NONE;
    if (r->newest != NONE) {
        r->ctx[r->newest].newer = i;
    } else {
        r->oldest = i;
    }
    r->newest = i;
    r->used++;
    return i;
}

void tcpstate__reasm_expire(struct reasm *r, uint64_t now, tcpstate_stats *st)
{
    while (r->oldest != NONE && r->ctx[r->oldest].deadline <= now) {
        ctx_release(r, r->oldest);
        st->frag_drop_timeout++;
    }
    st->frag_active = r->used;
}

/* ------------------------------------------------------------------ bytes */

static uint16_t block_alloc(struct reasm *r, uint16_t owner, unsigned slot)
{
    for (uint32_t n = 0; n < r->nblocks; n++) {
        uint32_t b = r->hint;
        r->hint = r->hint + 1 < r->nblocks ? r->hint + 1 : 0;
        if (r->owner[b] == NONE) {
            r->owner[b] = owner;
            r->owner_slot[b] = (uint8_t)slot;
            r->free_blocks--;
            return (uint16_t)b;
        }
    }
    return NONE; /* not reached: callers make room first */
}

static uint8_t *slot_ptr(const struct reasm *r, const struct rctx *c, unsigned slot)
{
    return r->blocks + (size_t)c->map[slot] * REASM_BLOCK;
}

/* Copy (or, with cmp, compare) data bytes [off, off + len) of a datagram. */
static int data_io(struct reasm *r, uint16_t ci, uint32_t off, const uint8_t *src, uint32_t len,
                   int cmp)
{
    struct rctx *c = &r->ctx[ci];
    while (len > 0) {
        unsigned slot = 1u + off / REASM_BLOCK;
        uint32_t within = off % REASM_BLOCK;
        uint32_t n = REASM_BLOCK - within < len ? REASM_BLOCK - within : len;
        if (c->map[slot] == NONE) {
            if (cmp) {
                return 1;
            }
            c->map[slot] = block_alloc(r, ci, slot);
        }
        uint8_t *dst = slot_ptr(r, c, slot) + within;
        if (cmp) {
            if (memcmp(dst, src, n) != 0) {
                return 1;
            }
        } else {
            memcpy(dst, src, n);
        }
        off += n;
        src += n;
        len -= n;
    }
    return 0;
}

/* Bytes of [s, e) already held. */
static uint32_t held_bytes(const struct rctx *c, uint32_t s, uint32_t e)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < c->nranges; i++) {
        uint32_t a = c->r[i].start > s ? c->r[i].start : s;
        uint32_t b = c->r[i].end < e ? c->r[i].end : e;
        n += b > a ? b - a : 0;
    }
    return n;
}

/* Blocks a fragment [s, e) still needs (plus the header's, if it brings it). */
static uint32_t blocks_needed(const struct rctx *c, uint32_t s, uint32_t e, int header)
{
    uint32_t n = header && c->map[0] == NONE ? 1u : 0u;
    for (unsigned slot = 1u + s / REASM_BLOCK; slot <= (e - 1u) / REASM_BLOCK + 1u; slot++) {
        n += c->map[slot] == NONE;
    }
    return n;
}

/* Copy the parts of [s, e) not held yet (first wins), then merge the range
 * into the sorted list. Fails (nothing changed) if it would need more than
 * MAX_RANGES ranges. */
static int add_range(struct reasm *r, uint16_t ci, uint32_t s, uint32_t e, const uint8_t *src)
{
    struct rctx *c = &r->ctx[ci];
    struct range out[MAX_RANGES + 1];
    unsigned n = 0, i = 0;
    while (i < c->nranges && c->r[i].end < s) {
        out[n++] = c->r[i++];
    }
    struct range m = {s, e};
    for (; i < c->nranges && c->r[i].start <= e; i++) {
        m.start = c->r[i].start < m.start ? c->r[i].start : m.start;
        m.end = c->r[i].end > m.end ? c->r[i].end : m.end;
    }
    out[n++] = m;
    while (i < c->nranges) {
        if (n == MAX_RANGES) {
            return -1;
        }
        out[n++] = c->r[i++];
    }
    /* The holes of [s, e): walk the old ranges that touch it. */
    uint32_t at = s;
    for (unsigned k = 0; k < c->nranges && at < e; k++) {
        if (c->r[k].end <= at || c->r[k].start >= e) {
            continue;
        }
        if (c->r[k].start > at) {
            (void)data_io(r, ci, at, src + (at - s), c->r[k].start - at, 0);
        }
        at = c->r[k].end;
    }
    if (at < e) {
        (void)data_io(r, ci, at, src + (at - s), e - at, 0);
    }
    memcpy(c->r, out, n * sizeof *out);
    c->nranges = (uint8_t)n;
    return 0;
}

/* ------------------------------------------------------------------ completion */

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Swap the datagram's blocks into store positions 0 .. nslots-1 and fix up
 * its header (RFC 791 §3.2 / RFC 8200 §4.5 "reassembly"). */
static const uint8_t *assemble(struct reasm *r, uint16_t ci, size_t *len)
{
    struct rctx *c = &r->ctx[ci];
    unsigned nslots = 1u + (c->total + REASM_BLOCK - 1u) / REASM_BLOCK;
    uint8_t tmp[REASM_BLOCK];
    for (unsigned i = 0; i < nslots; i++) {
        uint16_t want = c->map[i];
        if (want == i) {
            continue;
        }
        uint8_t *here = r->blocks + (size_t)i * REASM_BLOCK;
        uint8_t *there = r->blocks + (size_t)want * REASM_BLOCK;
        uint16_t other = r->owner[i];
        if (other != NONE) {
            memcpy(tmp, here, REASM_BLOCK);
        }
        memcpy(here, there, REASM_BLOCK);
        if (other != NONE) {
            memcpy(there, tmp, REASM_BLOCK);
            r->ctx[other].map[r->owner_slot[i]] = want;
        }
        r->owner[want] = other;
        r->owner_slot[want] = r->owner_slot[i];
        r->owner[i] = ci;
        r->owner_slot[i] = (uint8_t)i;
        c->map[i] = (uint16_t)i;
    }
    uint8_t *ip = r->blocks + REASM_BLOCK - c->hdr_len;
    if (c->key.family == 4) {
        put16(ip + 2, c->hdr_len + c->total);
        ip[6] &= 0xC0u; /* keep DF (and the reserved bit); clear MF and the offset */
        ip[7] = 0;
        put16(ip + 10, 0);
        uint32_t sum = 0;
        for (unsigned k = 0; k + 1u < c->hdr_len; k += 2) {
            sum += (uint32_t)ip[k] << 8 | ip[k + 1];
        }
        while (sum >> 16) {
            sum = (sum & 0xFFFFu) + (sum >> 16);
        }
        put16(ip + 10, ~sum & 0xFFFFu);
    } else {
        put16(ip + 4, (uint32_t)c->hdr_len - IPV6_HDR + c->total);
    }
    *len = (size_t)c->hdr_len + c->total;
    return ip;
}

/* ------------------------------------------------------------------ add */

static void drop(struct reasm *r, uint16_t ci, uint64_t *counter)
{
    ctx_release(r, ci);
    (*counter)++;
}

/* The fragment at offset 0 brings the header (the unfragmentable part). */
static int take_header(struct reasm *r, uint16_t ci, const tcpstate_packet *p)
{
    struct rctx *c = &r->ctx[ci];
    int v6 = c->key.family == 6;
    uint32_t end = v6 ? p->frag_hdr_offset : p->frag_data_offset;
    uint32_t len = end - p->l3_offset;
    /* IPv6: the Next Header byte that names the fragment header, within the
     * header kept here (the decoder found it before the fragment header). */
    uint32_t nh_rel = p->frag_nh_offset - p->l3_offset;
    if (end < p->l3_offset || len > REASM_BLOCK ||
        (v6 && (len < IPV6_HDR || p->frag_nh_offset < p->l3_offset || nh_rel >= len))) {
        return -1;
    }
    if (c->map[0] == NONE) {
        c->map[0] = block_alloc(r, ci, 0);
    }
    uint8_t *ip = slot_ptr(r, c, 0) + REASM_BLOCK - len;
    memcpy(ip, p->frame + p->l3_offset, len);
    if (v6) {
        /* RFC 8200 §4.5: the fragment header is gone from the reassembled
         * packet; the header before it names what followed it. */
        ip[nh_rel] = p->frag_proto;
    }
    c->hdr_len = (uint16_t)len;
    c->have_first = 1;
    return 0;
}

static int too_big(const struct rctx *c)
{
    uint32_t payload = c->key.family == 4 ? c->hdr_len : (uint32_t)c->hdr_len - IPV6_HDR;
    return c->have_first && c->have_last && payload + c->total > DATA_MAX;
}

enum reasm_result tcpstate__reasm_add(struct reasm *r, const tcpstate_packet *p, uint32_t zone,
                                      uint64_t now, tcpstate_stats *st, const uint8_t **out,
                                      size_t *out_len, uint8_t *flags)
{
    enum reasm_result res = REASM_HELD;
    st->frag_seen++;
    tcpstate__reasm_expire(r, now, st);
    uint32_t s = p->frag_offset, n = p->frag_data_len, e = s + n;
    int more = (p->frag_flags & TCPSTATE_FRAG_MORE) != 0;
    if ((uint64_t)p->frag_data_offset + n > p->caplen) {
        st->frag_drop_truncated++;
        return REASM_REFUSED;
    }
    if (n == 0 || (more && n % 8u != 0)) {
        st->frag_drop_bad++; /* RFC 8200 §4.5: non-final lengths are multiples of 8 */
        return REASM_HELD;
    }
    struct rkey k;
    memset(&k, 0, sizeof k);
    size_t alen = p->ip_version == 4 ? 4 : 16;
    memcpy(k.addr[0], p->src, alen);
    memcpy(k.addr[1], p->dst, alen);
    k.id = p->frag_id;
    k.zone = zone;
    k.family = p->ip_version;
    k.proto = p->ip_version == 4 ? p->frag_proto : 0;
    uint16_t ci = ctx_find(r, &k);
    if (e > DATA_MAX) {
        if (ci != NONE) {
            ctx_release(r, ci);
        }
        st->frag_drop_too_big++;
        goto done;
    }
    if (ci == NONE && (ci = ctx_new(r, &k, now, st)) == NONE) {
        st->frag_drop_pool_full++;
        goto done;
    }
    struct rctx *c = &r->ctx[ci];
    /* RFC 791 §3.2 / RFC 8200 §4.5: the final fragment fixes the length. */
    if ((c->have_last && (e > c->total || (!more && e != c->total))) ||
        (!more && c->nranges > 0 && c->r[c->nranges - 1].end > e)) {
        drop(r, ci, &st->frag_drop_bad);
        goto done;
    }
    uint32_t held = held_bytes(c, s, e);
    int header = s == 0 && !c->have_first;
    /* Bytes held already: an exact repeat (all of it held, the same bytes,
     * nothing new in its header) is a duplicate; anything else overlaps. */
    if (held > 0) {
        if (held == n && !header &&
            data_io(r, ci, s, p->frame + p->frag_data_offset, n, 1) == 0) {
            st->frag_duplicates++;
        } else if (c->key.family == 6) {
            drop(r, ci, &st->frag_drop_overlap); /* RFC 5722 §4 */
            goto done;
        } else {
            st->frag_overlaps++;
            c->overlap = 1;
        }
    }
    if (held < n || header) {
        uint32_t need = blocks_needed(c, s, e, header);
        while (r->free_blocks < need) {
            if (evict_one(r, ci, st) != 0) {
                drop(r, ci, &st->frag_drop_too_big); /* bigger than the whole store */
                goto done;
            }
        }
        if (add_range(r, ci, s, e, p->frame + p->frag_data_offset) != 0) {
            drop(r, ci, &st->frag_drop_bad); /* more holes than we track */
            goto done;
        }
        if (header && take_header(r, ci, p) != 0) {
            drop(r, ci, &st->frag_drop_too_big);
            goto done;
        }
    }
    if (!more) {
        c->have_last = 1;
        c->total = e;
    }
    if (too_big(c)) {
        drop(r, ci, &st->frag_drop_too_big);
        goto done;
    }
    if (c->have_first && c->have_last && c->nranges == 1 && c->r[0].start == 0 &&
        c->r[0].end == c->total) {
        *out = assemble(r, ci, out_len);
        *flags = (uint8_t)(TCPSTATE_FRAG_REASSEMBLED | (c->overlap ? TCPSTATE_FRAG_OVERLAP : 0u));
        ctx_release(r, ci);
        st->frag_reassembled++;
        res = REASM_DONE;
    }
done:
    st->frag_active = r->used;
    return res;
}

#else
typedef int tcpstate__reasm_left_out; /* ISO C: no empty translation unit */
#endif
