/* SPDX-License-Identifier: BSD-2-Clause */
/* tcpstate_flow_hash(): the sharding hash (src/shard.c). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "support/frames.h"
#include "support/options.h"
#include "tcpstate.h"

static const uint8_t key_a[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t key_b[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17};

static uint64_t hash_seg(const struct seg *s, const uint8_t *key, uint32_t flags)
{
    uint64_t h = 0;
    tcpstate_status st =
        tcpstate_flow_hash(TCPSTATE_LINKTYPE_ETHERNET, s->bytes, s->len, s->len, key, flags, &h);
    cr_assert(eq(int, st, TCPSTATE_OK), "status %s", tcpstate_status_name(st));
    return h;
}

static uint64_t hash_spec(const struct frame_spec *sp, const uint8_t *key, uint32_t flags,
                          tcpstate_status want)
{
    uint8_t buf[2048];
    size_t len = frame_build(sp, buf, sizeof buf, NULL);
    cr_assert(ge(sz, len, 1));
    uint64_t h = 0xDEADu;
    tcpstate_status st = tcpstate_flow_hash(sp->linktype, buf, len, len, key, flags, &h);
    cr_assert(eq(int, st, want), "status %s, want %s", tcpstate_status_name(st),
              tcpstate_status_name(want));
    return h;
}

Test(shard, both_directions_equal_v4_and_v6)
{
    NEEDS_IPV6();
    NEEDS_SHARDING();
    const char *pairs[][2] = {
        {"10.0.0.1:40000", "10.0.0.2:80"},
        {"10.0.0.2:80", "10.0.0.2:81"}, /* same address: ports decide the order */
        {"[2001:db8::1]:5000", "[2001:db8::2]:443"},
        {"[2001:db8::2]:5000", "[2001:db8::1]:5000"}, /* same ports: addresses decide */
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        for (uint32_t flags = 0; flags <= TCPSTATE_FLOW_HASH_ADDRS; flags++) {
            struct seg ab = seg_make(pairs[i][0], pairs[i][1], TCPSTATE_TH_SYN, 1, 0, 0);
            struct seg ba = seg_make(pairs[i][1], pairs[i][0], TCPSTATE_TH_SYN | TCPSTATE_TH_ACK,
                                     9, 2, 0);
            cr_expect(eq(u64, hash_seg(&ab, key_a, flags), hash_seg(&ba, key_a, flags)),
                      "pair %zu flags %u", i, (unsigned)flags);
        }
    }
}

Test(shard, ports_matter_unless_addrs_only)
{
    NEEDS_SHARDING();
    struct seg a = seg_make("10.0.0.1:40000", "10.0.0.2:80", TCPSTATE_TH_SYN, 1, 0, 0);
    struct seg b = seg_make("10.0.0.1:40001", "10.0.0.2:80", TCPSTATE_TH_SYN, 1, 0, 0);
    cr_expect(ne(u64, hash_seg(&a, key_a, 0), hash_seg(&b, key_a, 0)));
    cr_expect(eq(u64, hash_seg(&a, key_a, TCPSTATE_FLOW_HASH_ADDRS),
                 hash_seg(&b, key_a, TCPSTATE_FLOW_HASH_ADDRS)));
    cr_expect(ne(u64, hash_seg(&a, key_a, 0), hash_seg(&a, key_a, TCPSTATE_FLOW_HASH_ADDRS)));
}

Test(shard, different_key_different_value)
{
    NEEDS_SHARDING();
    struct seg a = seg_make("10.0.0.1:40000", "10.0.0.2:80", TCPSTATE_TH_SYN, 1, 0, 0);
    cr_expect(ne(u64, hash_seg(&a, key_a, 0), hash_seg(&a, key_b, 0)));
    cr_expect(ne(u64, hash_seg(&a, key_a, TCPSTATE_FLOW_HASH_ADDRS),
                 hash_seg(&a, key_b, TCPSTATE_FLOW_HASH_ADDRS)));
}

/* The decoder's view, not the wire bytes: a VLAN tag or a different link
 * type around the same connection changes nothing. */
Test(shard, encapsulation_looked_through)
{
    NEEDS_SHARDING();
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    s.src = "192.0.2.1";
    s.dst = "198.51.100.7";
    s.sport = 49152;
    s.dport = 25;
    s.flags = TCPSTATE_TH_ACK;
    uint64_t plain = hash_spec(&s, key_a, 0, TCPSTATE_OK);
    s.n_vlan = 2;
    s.vlan[0] = 10;
    s.vlan[1] = 20;
    cr_expect(eq(u64, hash_spec(&s, key_a, 0, TCPSTATE_OK), plain));
    s.n_vlan = 0;
    s.linktype = TCPSTATE_LINKTYPE_RAW;
    cr_expect(eq(u64, hash_spec(&s, key_a, 0, TCPSTATE_OK), plain));
}

/* A connection's fragments: the first (TCP header whole) and a later one. */
Test(shard, fragments_follow_the_address_pair_when_asked)
{
    NEEDS_IPV6();
    NEEDS_SHARDING();
    const char *addrs[][2] = {{"192.0.2.1", "198.51.100.7"}, {"2001:db8::1", "2001:db8::2"}};
    for (size_t i = 0; i < 2; i++) {
        struct frame_spec s;
        memset(&s, 0, sizeof s);
        s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
        s.src = addrs[i][0];
        s.dst = addrs[i][1];
        s.sport = 49152;
        s.dport = 25;
        s.flags = TCPSTATE_TH_ACK | TCPSTATE_TH_PSH;
        s.payload_len = 200;
        s.fragment = 1;
        s.more_fragments = 1;
        uint64_t first = hash_spec(&s, key_a, TCPSTATE_FLOW_HASH_ADDRS, TCPSTATE_OK);
        uint64_t first_ports = hash_spec(&s, key_a, 0, TCPSTATE_OK);
        s.frag_offset = 25;
        s.more_fragments = 0;
        /* Without the flag: the decoder's status, and *out untouched. */
        cr_expect(eq(u64, hash_spec(&s, key_a, 0, TCPSTATE_SKIP_FRAGMENT), 0xDEADu));
        cr_expect(eq(u64, hash_spec(&s, key_a, TCPSTATE_FLOW_HASH_ADDRS, TCPSTATE_OK), first));
        /* The reverse direction's fragment too. */
        s.src = addrs[i][1];
        s.dst = addrs[i][0];
        cr_expect(eq(u64, hash_spec(&s, key_a, TCPSTATE_FLOW_HASH_ADDRS, TCPSTATE_OK), first));
        cr_expect(ne(u64, first, first_ports));
    }
}

Test(shard, bad_frames_give_the_decoder_status)
{
    NEEDS_SHARDING();
    struct seg a = seg_make("10.0.0.1:40000", "10.0.0.2:80", TCPSTATE_TH_SYN, 1, 0, 0);
    uint64_t h = 7;
    /* Cut inside the TCP header: the decoder says truncated. */
    tcpstate_packet pkt;
    tcpstate_status want = tcpstate_decode(TCPSTATE_LINKTYPE_ETHERNET, a.bytes, 40, a.len, 0, &pkt);
    cr_assert(eq(int, want, TCPSTATE_E_TRUNCATED));
    cr_expect(eq(int, tcpstate_flow_hash(TCPSTATE_LINKTYPE_ETHERNET, a.bytes, 40, a.len, key_a, 0, &h),
                 want));
    cr_expect(eq(u64, h, 7));
    cr_expect(eq(int, tcpstate_flow_hash(9999, a.bytes, a.len, a.len, key_a, 0, &h),
                 TCPSTATE_E_LINKTYPE));
    /* UDP: not TCP, whatever the flag. */
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    s.ip_proto = 17;
    s.payload_len = 8;
    hash_spec(&s, key_a, 0, TCPSTATE_SKIP_NOT_TCP);
    hash_spec(&s, key_a, TCPSTATE_FLOW_HASH_ADDRS, TCPSTATE_SKIP_NOT_TCP);
    /* A malformed IPv4 header length. */
    memcpy(&s, &(struct frame_spec){0}, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    uint8_t buf[256];
    size_t len = frame_build(&s, buf, sizeof buf, NULL);
    buf[14] = 0x44; /* IHL 4 words */
    cr_expect(eq(int, tcpstate_flow_hash(s.linktype, buf, len, len, key_a, 0, &h),
                 TCPSTATE_E_BAD_IPV4_IHL));
    /* Arguments. */
    cr_expect(eq(int, tcpstate_flow_hash(1, NULL, 0, 0, key_a, 0, &h), TCPSTATE_E_INVAL));
    cr_expect(eq(int, tcpstate_flow_hash(1, a.bytes, a.len, a.len, NULL, 0, &h), TCPSTATE_E_INVAL));
    cr_expect(eq(int, tcpstate_flow_hash(1, a.bytes, a.len, a.len, key_a, 0, NULL), TCPSTATE_E_INVAL));
    cr_expect(eq(int, tcpstate_flow_hash(1, a.bytes, a.len, a.len, key_a, 0x80, &h),
                 TCPSTATE_E_INVAL));
}

/* Spread: 20000 generated connections over N engines. With a uniform hash
 * the chi-square statistic over N buckets has N-1 degrees of freedom; the
 * bounds are far in the tail (p < 1e-6), so a correct hash never fails them,
 * while one that ignores the ports or a byte of the addresses fails at once. */
static void check_spread(unsigned n_shards, double chi2_limit, uint32_t flags, int vary_ports_only)
{
    enum { FLOWS = 20000 };
    unsigned count[64] = {0};
    char from[64], to[64];
    for (unsigned i = 0; i < FLOWS; i++) {
        if (vary_ports_only) {
            snprintf(from, sizeof from, "10.1.1.1:%u", 1024u + i);
            snprintf(to, sizeof to, "10.2.2.2:443");
        } else {
            snprintf(from, sizeof from, "10.%u.%u.%u:%u", (i >> 16) & 255u, (i >> 8) & 255u,
                     i & 255u, 1024u + (i * 7u) % 60000u);
            snprintf(to, sizeof to, "172.16.%u.1:80", i % 3u);
        }
        struct seg s = seg_make(from, to, TCPSTATE_TH_ACK, i, 1, 0);
        count[hash_seg(&s, key_a, flags) % n_shards]++;
    }
    double expect = (double)FLOWS / n_shards, chi2 = 0;
    for (unsigned k = 0; k < n_shards; k++) {
        double d = (double)count[k] - expect;
        chi2 += d * d / expect;
    }
    cr_expect(lt(dbl, chi2, chi2_limit), "%u shards: chi-square %.1f >= %.1f", n_shards, chi2,
              chi2_limit);
}

Test(shard, spreads_flows_evenly)
{
    NEEDS_SHARDING();
    check_spread(2, 24.0, 0, 0);  /* df 1: p(chi2 > 24) ~ 1e-6 */
    check_spread(7, 40.0, 0, 0);  /* df 6 */
    check_spread(16, 60.0, 0, 0); /* df 15 */
    check_spread(16, 60.0, 0, 1); /* only the client port differs */
    check_spread(16, 60.0, TCPSTATE_FLOW_HASH_ADDRS, 0);
}

/* TCPSTATE_FLOW_HASH_OUTER: by the outermost IP header. An IP-in-IP packet
 * (RFC 2003) hashes by its inner connection by default (the decoder's view)
 * and by the tunnel endpoints with the flag, as a plain frame between those
 * endpoints does; without a tunnel the flag gives what ADDRS gives. */
Test(shard, outer_flag_places_by_the_tunnel_endpoints)
{
    NEEDS_TUNNELS();
    NEEDS_SHARDING();
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_RAW;
    s.src = "10.1.1.1";
    s.dst = "10.2.2.2";
    s.sport = 40000;
    s.dport = 443;
    s.flags = TCPSTATE_TH_ACK;
    uint8_t inner[256], frame[512];
    size_t inner_len = frame_build(&s, inner, sizeof inner, NULL);
    cr_assert(ge(sz, inner_len, 1));
    static const uint8_t eth[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
    struct fb_wrap w;
    memset(&w, 0, sizeof w);
    w.link = eth;
    w.link_len = sizeof eth;
    w.proto = 4; /* IPv4 in IPv4, from 192.0.2.1 to 192.0.2.2 */
    size_t inner_off = 0, udp_off = 0;
    size_t len = frame_wrap(&w, inner, inner_len, frame, sizeof frame, &inner_off, &udp_off);
    cr_assert(ge(sz, len, 1));

    uint64_t tunneled = 0, tunneled_outer = 0;
    cr_assert(eq(int, tcpstate_flow_hash(1, frame, len, len, key_a, 0, &tunneled), TCPSTATE_OK));
    cr_assert(eq(int,
                 tcpstate_flow_hash(1, frame, len, len, key_a, TCPSTATE_FLOW_HASH_OUTER,
                                    &tunneled_outer),
                 TCPSTATE_OK));
    /* Default: the inner connection, as if it came untunneled. */
    cr_expect(eq(u64, tunneled, hash_spec(&s, key_a, 0, TCPSTATE_OK)));
    /* OUTER: the tunnel endpoints, as a frame between them, either way. */
    s.src = "192.0.2.2";
    s.dst = "192.0.2.1";
    s.sport = 1;
    s.dport = 2;
    cr_expect(eq(u64, tunneled_outer, hash_spec(&s, key_a, TCPSTATE_FLOW_HASH_OUTER, TCPSTATE_OK)));
    cr_expect(eq(u64, tunneled_outer, hash_spec(&s, key_a, TCPSTATE_FLOW_HASH_ADDRS, TCPSTATE_OK)));
    cr_expect(ne(u64, tunneled_outer, tunneled));
    /* Not TCP, but the outermost header decoded: still placed. */
    s.ip_proto = 17;
    s.payload_len = 8;
    cr_expect(eq(u64, hash_spec(&s, key_a, TCPSTATE_FLOW_HASH_OUTER, TCPSTATE_OK), tunneled_outer));
    hash_spec(&s, key_a, TCPSTATE_FLOW_HASH_ADDRS, TCPSTATE_SKIP_NOT_TCP);
    /* Unknown flag bits. */
    uint64_t h;
    cr_expect(eq(int, tcpstate_flow_hash(1, frame, len, len, key_a, 0x4, &h), TCPSTATE_E_INVAL));
}

Test(shard, without_sharding_flow_hash_is_disabled)
{
#ifndef TCPSTATE_NO_SHARDING
    cr_skip_test("only in a build with TCPSTATE_NO_SHARDING");
#else
    static const uint8_t frame[40] = {0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1,
                                      10,   0, 0, 2,  0, 80, 0, 81, 0, 0, 0, 1, 0, 0, 0, 0,
                                      0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0};
    static const uint8_t key[16] = {1};
    uint64_t h = 7;
    cr_assert(eq(int,
                 tcpstate_flow_hash(TCPSTATE_LINKTYPE_RAW, frame, sizeof frame, sizeof frame, key,
                                    0, &h),
                 TCPSTATE_E_DISABLED));
    cr_assert(eq(u64, h, 7));
#endif
}
