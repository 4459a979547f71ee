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
        pkt.src = src;
        pkt.dst = dst;
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
        uint64_t ha = tcpstate__ft_key_hash(&ft, &pkt, vlan_keyed, zone, &a, &hi_a);
        tcpstate__ft_make_key(&b, &pkt, vlan_keyed, &hi_b);
        uint64_t hb = tcpstate__ft_hash_zone(&ft, &b, zone);
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
