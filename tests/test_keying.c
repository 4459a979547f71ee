/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-packet keying (tcpstate__ft_key_hash(): key and hash in one call)
 * against the layered one (tcpstate__ft_make_key() then
 * tcpstate__ft_hash_zone()): the same key bytes,
 * the same side, the same hash, for IPv4 and IPv6, with and without VLAN
 * keying and zones, equal addresses included (the ports decide the order).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "flowtable.h"

static uint64_t rng = 88172645463325252u;

static uint32_t next32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* The fused keying against the layered one, on random packets, in a table
 * hashing as `ft` does. */
static void fused_equals_layered(const struct flowtable *ft)
{
    unsigned v4 = 0, v6 = 0, swapped = 0, same_addr = 0;
    for (unsigned n = 0; n < 200000; n++) {
        uint8_t src[16], dst[16];
        for (unsigned i = 0; i < 16; i++) {
            /* Few distinct values half the time, so equal prefixes occur; and
             * every fourth packet between equal addresses (ports decide). */
            src[i] = (uint8_t)((n & 1) ? next32() : next32() & 3);
            dst[i] = (n & 3) == 0 ? src[i] : (uint8_t)(next32() & 3);
        }
        tcpstate_packet pkt;
        memset(&pkt, 0, sizeof pkt);
        pkt.ip_version = (n % 5) == 0 ? 6 : 4;
        /* An IPv4 view points into its header, dst 4 bytes after src (the
         * fused keying reads both at once); an IPv6 one anywhere. */
        uint8_t hdr[20];
        memcpy(hdr + 12, src, 4);
        memcpy(hdr + 16, dst, 4);
        pkt.src = pkt.ip_version == 4 ? hdr + 12 : src;
        pkt.dst = pkt.ip_version == 4 ? hdr + 16 : dst;
        pkt.sport = (uint16_t)(next32() & 7);
        pkt.dport = (uint16_t)(next32() & 7);
        pkt.vlan_count = (uint8_t)(next32() & 1);
        pkt.vlan_id[0] = (uint16_t)next32();
        int vlan_keyed = (int)(next32() & 1);
        uint32_t zone = (n % 7) == 0 ? next32() : 0u;

        struct flow_key a, b;
        memset(&a, 0xa5, sizeof a); /* every byte must be written */
        memset(&b, 0x5a, sizeof b);
        int hi_a = -1, hi_b = -2;
        uint64_t ha = tcpstate__ft_key_hash(ft, &pkt, vlan_keyed, zone, &a, &hi_a);
        tcpstate__ft_make_key(&b, &pkt, vlan_keyed, &hi_b);
        uint64_t hb = tcpstate__ft_hash_zone(ft, &b, zone);
        cr_assert(eq(int, memcmp(&a, &b, sizeof a), 0), "key differs at packet %u", n);
        cr_assert(eq(int, hi_a, hi_b), "side differs at packet %u", n);
        cr_assert(eq(u64, ha, hb), "hash differs at packet %u", n);
        v4 += pkt.ip_version == 4;
        v6 += pkt.ip_version == 6;
        swapped += hi_a != 0;
        same_addr += memcmp(src, dst, pkt.ip_version == 4 ? 4 : 16) == 0;
    }
    /* The cases above were all met, many times. */
    cr_assert(v4 > 100000 && v6 > 20000, "%u IPv4, %u IPv6", v4, v6);
    cr_assert(swapped > 50000, "%u swapped", swapped);
    cr_assert(same_addr > 10000, "%u with equal addresses", same_addr);
}

Test(keying, the_fused_key_and_hash_equal_the_layered_ones)
{
    static _Alignas(64) uint32_t slots[4 * FT_BUCKET_SLOTS];
    static struct tcpstate_flow pool[32];
    uint8_t hash_key[16];
    for (unsigned i = 0; i < sizeof hash_key; i++) {
        hash_key[i] = (uint8_t)next32();
    }
    struct flowtable ft;
    tcpstate__ft_init(&ft, 32, 0, slots, pool, NULL, hash_key);
    fused_equals_layered(&ft); /* IPv4 keys hashed as this CPU lets the table */
#if TCPSTATE_AES_HASH
    if (ft.hash_aes) {
        ft.hash_aes = 0; /* and as on a CPU without AES (src/hash_aes.h) */
        fused_equals_layered(&ft);
    }
#endif
}

/* The slot tags must not repeat the bits that chose the bucket: in a large
 * table those are nearly equal for every key of a bucket, so most slots
 * would match and every false match costs a key compare in a record that is
 * not in cache (at a million flows, 9 lookups in 10 went to the wrong record
 * first). With independent tag bits, the first slot whose tag matches is the
 * key's own almost always: 32 slots against 2^15 tag values here. */
Test(keying, a_slot_tag_names_its_flow_in_a_large_table)
{
    const uint32_t cap = 65536; /* 17 index bits: 15 tag bits */
    struct ft_sizes sz;
    cr_assert(eq(int, tcpstate__ft_sizes(cap, 0, &sz), 0));
    void *slots = aligned_alloc(64, (size_t)sz.slots_bytes);
    void *pool = malloc((size_t)sz.flows_bytes);
    cr_assert(slots != NULL && pool != NULL);
    uint8_t hash_key[16];
    for (unsigned i = 0; i < sizeof hash_key; i++) {
        hash_key[i] = (uint8_t)next32();
    }
    struct flowtable ft;
    tcpstate__ft_init(&ft, cap, 0, slots, pool, NULL, hash_key);

    const unsigned n = 60000;
    unsigned inserted = 0, wrong_first = 0;
    for (unsigned i = 0; i < n; i++) {
        struct flow_key k;
        memset(&k, 0, sizeof k);
        uint32_t a = next32();
        memcpy(k.addr[0], &a, 4);
        k.addr[1][0] = 10;
        k.port[0] = (uint16_t)i;
        k.port[1] = 443;
        uint64_t h = tcpstate__ft_hash(&ft, &k);
        if (tcpstate__ft_lookup(&ft, &k, h) != NULL) {
            continue; /* a repeated random address */
        }
        struct tcpstate_flow *f = tcpstate__ft_alloc(&ft, &k, CLS_ESTABLISHED);
        cr_assert_not_null(f);
        if (tcpstate__ft_insert(&ft, f, h) != 0) {
            tcpstate__ft_release(&ft, f);
            continue;
        }
        inserted++;
    }
    cr_assert(inserted > n - 100, "%u of %u inserted", inserted, n);
    for (uint32_t i = 0; i < cap; i++) {
        struct tcpstate_flow *f = &ft.flows[i];
        if (f->cls == CLS_FREE) {
            continue;
        }
        struct ft_probe probe = tcpstate__ft_probe_of(&ft, tcpstate__ft_hash(&ft, &f->key));
        const struct tcpstate_flow *guess = tcpstate__ft_lookup_hint(&ft, &probe);
        wrong_first += guess != f;
    }
    cr_assert(wrong_first * 100u < inserted, "the first tag match was another flow for %u of %u",
              wrong_first, inserted);
    free(slots);
    free(pool);
}

/* The key compare reads three words for IPv4 and five for IPv6: an IPv6 key
 * must differ from another in any one byte of either address, and an IPv4
 * key from an IPv6 key with the same leading bytes. */
Test(keying, keys_differing_in_one_address_byte_never_match)
{
    static _Alignas(64) uint32_t slots[8 * FT_BUCKET_SLOTS];
    static struct tcpstate_flow pool[64];
    uint8_t hash_key[16] = {1, 2, 3};
    struct flowtable ft;
    tcpstate__ft_init(&ft, 64, 0, slots, pool, NULL, hash_key);

    struct flow_key base;
    memset(&base, 0, sizeof base);
    for (unsigned i = 0; i < 16; i++) {
        base.addr[0][i] = (uint8_t)(0x20 + i);
        base.addr[1][i] = (uint8_t)(0x40 + i);
    }
    base.port[0] = 1234;
    base.port[1] = 443;
    base.tag = FT_KEY_V6;
    struct tcpstate_flow *f = tcpstate__ft_alloc(&ft, &base, CLS_ESTABLISHED);
    cr_assert_not_null(f);
    cr_assert(eq(int, tcpstate__ft_insert(&ft, f, tcpstate__ft_hash(&ft, &base)), 0));
    cr_assert(eq(ptr, tcpstate__ft_lookup(&ft, &base, tcpstate__ft_hash(&ft, &base)), f));

    for (unsigned i = 0; i < 32; i++) {
        struct flow_key k = base;
        k.addr[i / 16][i % 16] ^= 0x01;
        cr_assert(eq(int, tcpstate__ft_key_eq(&k, &base), 0), "byte %u", i);
        cr_assert(eq(int, tcpstate__ft_key_eq(&base, &k), 0), "byte %u", i);
        /* Looked up under the stored key's hash, so its buckets are searched. */
        cr_assert_null(tcpstate__ft_lookup(&ft, &k, tcpstate__ft_hash(&ft, &base)), "byte %u", i);
    }
    struct flow_key v4 = base; /* the same leading bytes, zeros after, IPv4 */
    memset(&v4.addr[0][4], 0, 12);
    memset(&v4.addr[1][4], 0, 12);
    v4.tag = 0;
    struct flow_key v6 = v4;
    v6.tag = FT_KEY_V6;
    cr_assert(eq(int, tcpstate__ft_key_eq(&v4, &v6), 0));
    cr_assert(eq(int, tcpstate__ft_key_eq(&v4, &v4), 1));
    cr_assert(eq(int, tcpstate__ft_key_eq(&v6, &v6), 1));
}

/* The probe's tag (one shift of the hash) is the tag an insertion stores
 * (tcpstate__ft_tag_of()), for every table size and for hashes whose tag
 * bits are all zero (the tag is then 1: an empty slot never matches). */
Test(keying, the_probe_tag_is_the_stored_tag)
{
    struct flowtable ft;
    memset(&ft, 0, sizeof ft);
    unsigned zero_tags = 0;
    for (uint32_t bits = 1; bits <= 29; bits++) {
        tcpstate__ft_set_idx_bits(&ft, bits);
        ft.n_buckets = 1000;
        for (unsigned n = 0; n < 2000; n++) {
            uint64_t h = (uint64_t)next32() << 32 | next32();
            if (n % 4 == 0) {
                h &= ~(uint64_t)0 << (32 - bits); /* tag bits zero */
            }
            struct ft_probe p = tcpstate__ft_probe_of(&ft, h);
            uint32_t want = tcpstate__ft_tag_of(&ft, h) << bits;
            cr_assert(eq(u32, p.tag, want), "idx_bits %u hash %llx", bits, (unsigned long long)h);
            cr_assert(eq(u32, tcpstate__ft_tag_mask(&ft), ~((1u << bits) - 1u)));
            cr_assert(ne(u32, p.tag, 0));
            zero_tags += tcpstate__ft_tag_of(&ft, h) == 1u;
        }
    }
    cr_assert(ge(u32, zero_tags, 29 * 400 + 1));
}

/* A table below 2^16 flows keeps the index in the low 16 slot bits and the
 * tag in the upper 16 (FT_MIN_IDX_BITS), and the bucket match (SSE2's word
 * compare where it exists) finds exactly the slots whose masked tag equals
 * the probe's: never an empty slot, never a slot of another tag sharing the
 * index word, every slot of the tag whatever its index. */
Test(keying, a_small_tables_bucket_match_is_its_masked_tag_compare)
{
    static _Alignas(64) uint32_t slots[4 * FT_BUCKET_SLOTS];
    static struct tcpstate_flow pool[32];
    const uint8_t hash_key[16] = {1, 2, 3};
    struct flowtable ft;
    tcpstate__ft_init(&ft, 32, 0, slots, pool, NULL, hash_key);
    cr_assert(eq(u32, ft.idx_bits, FT_MIN_IDX_BITS));
    cr_assert(eq(u32, tcpstate__ft_tag_mask(&ft), FT_WORD_TAG_MASK));
    unsigned hits = 0, near = 0;
    for (unsigned n = 0; n < 100000; n++) {
        struct ft_probe p = tcpstate__ft_probe_of(&ft, (uint64_t)next32() << 32 | next32());
        uint32_t s[FT_BUCKET_SLOTS];
        unsigned want = 0;
        for (unsigned i = 0; i < FT_BUCKET_SLOTS; i++) {
            uint32_t idx1 = (next32() & 0xffffu) | 1u; /* an index + 1: never 0 */
            switch (next32() % 4) {
            case 0:
                s[i] = 0; /* empty */
                break;
            case 1:
                s[i] = p.tag | idx1; /* the probe's tag */
                break;
            case 2: /* another tag, differing in one bit, same index word */
                s[i] = (p.tag ^ (1u << (16 + next32() % 16))) | idx1;
                near += s[i] >> 16 != 0;
                break;
            default:
                s[i] = next32() | 1u;
                break;
            }
            want |= (unsigned)(s[i] != 0 && (s[i] & FT_WORD_TAG_MASK) == p.tag) << i;
        }
        unsigned got = tcpstate__ft_bucket_matches(s, p.tag, tcpstate__ft_tag_mask(&ft));
        cr_assert(eq(u32, got, want), "round %u", n);
        hits += got != 0;
    }
    cr_assert(ge(u32, hits, 90001));
    cr_assert(ge(u32, near, 100001));
}

/* A zone keyed table holds one key once per zone (the out-of-line lookup),
 * and finds each under its own zone only. */
Test(keying, a_zone_keyed_table_holds_a_key_once_per_zone)
{
    static _Alignas(64) uint32_t slots[8 * FT_BUCKET_SLOTS];
    static struct tcpstate_flow pool[64];
    static uint8_t ext[64 * 4];
    uint8_t hash_key[16] = {9, 8, 7};
    struct flowtable ft;
    tcpstate__ft_init(&ft, 64, 4, slots, pool, ext, hash_key);
    ft.zone_offset = 0; /* as tcpstate_init() sets it for TCPSTATE_F_ZONE_KEY */

    struct flow_key k;
    memset(&k, 0, sizeof k);
    k.addr[0][0] = 10;
    k.addr[1][0] = 192;
    k.port[0] = 40000;
    k.port[1] = 80;
    struct tcpstate_flow *in_zone[3] = {NULL, NULL, NULL};
    for (uint32_t z = 0; z < 3; z++) {
        struct tcpstate_flow *f = tcpstate__ft_alloc(&ft, &k, CLS_ESTABLISHED);
        cr_assert_not_null(f);
        tcpstate__ft_set_zone(&ft, f, z);
        cr_assert(eq(int, tcpstate__ft_insert(&ft, f, tcpstate__ft_hash_zone(&ft, &k, z)), 0));
        in_zone[z] = f;
    }
    for (uint32_t z = 0; z < 3; z++) {
        cr_assert(eq(ptr, tcpstate__ft_lookup_zone(&ft, &k, z, tcpstate__ft_hash_zone(&ft, &k, z)),
                     in_zone[z]),
                  "zone %u", z);
        /* Another zone's buckets searched for this zone: never that zone's
         * record, though the key is equal. */
        uint32_t other = (z + 1) % 3;
        cr_assert(ne(ptr,
                     tcpstate__ft_lookup_zone(&ft, &k, z, tcpstate__ft_hash_zone(&ft, &k, other)),
                     in_zone[other]),
                  "zone %u", z);
    }
    cr_assert_null(tcpstate__ft_lookup_zone(&ft, &k, 3, tcpstate__ft_hash_zone(&ft, &k, 3)));
}
