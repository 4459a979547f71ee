/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoder's fast path (src/decode_fast.h, src/decode_fast.c) against
 * the layered decoder: for every frame, tcpstate_decode_ex() (which tries
 * the fast path first), tcpstate__decode_hot() (the same inline code for a
 * view and options never NULL, into any view),
 * tcpstate__decode_hot_clean() (as tcpstate_feed() runs it, into a view kept
 * clean between frames) and the layered decoder alone give the same status
 * and the same packet view, byte for byte. Frames: every capture of both
 * shared corpora (skipped when ../shared is absent), and a million mutations
 * of frames the fast path takes (lengths, versions, flags, options,
 * truncation).
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_fast.h"
#include "support/corpus.h"
#include "support/frames.h"
#include "support/options.h"

#if defined(__OPTIMIZE_SIZE__)
/* Built for size, src/decode_fast.c is empty and tcpstate_decode_ex() goes
 * the layered way only: there is no fast path to compare. */
Test(decode_fast, left_out_when_built_for_size)
{
    cr_skip_test("built with -Os: the fast path is left out (src/decode_fast.c)");
}
#else

static uint64_t compared, fast_taken, kept_clean;

enum { TCP_HDR_LEN = 20 };

static void same(uint32_t linktype, const uint8_t *f, size_t caplen, size_t wirelen,
                 const char *what)
{
    static tcpstate_packet a, b;
    memset(&a, 0xA5, sizeof a);
    memset(&b, 0x5A, sizeof b);
    tcpstate_status sa = tcpstate_decode_ex(linktype, f, caplen, wirelen, NULL, &a);
    tcpstate_status sb = tcpstate__decode_layered(linktype, f, caplen, wirelen, NULL, &b);
    cr_assert(eq(int, sa, sb), "%s: status %d with the fast path, %d without", what, sa, sb);
    cr_assert(memcmp(&a, &b, sizeof a) == 0, "%s: the packet views differ", what);
    /* The per-packet keying (flowtable_key.h) reads an IPv4 view's two
     * addresses in one load: dst must lie 4 bytes after src. */
    cr_assert(sb != TCPSTATE_OK || b.ip_version != 4 || b.dst == b.src + 4,
              "%s: an IPv4 view's dst is not 4 bytes after its src", what);
    /* With the engine's options (zeroed by default), never NULL, into a
     * view of any contents. */
    static tcpstate_packet d;
    static const tcpstate_decode_options none;
    memset(&d, 0xC3, sizeof d);
    tcpstate_status sd = tcpstate__decode_hot(linktype, f, caplen, wirelen, &none, &d);
    cr_assert(eq(int, sd, sb), "%s: status %d as feed.c decodes, %d layered", what, sd, sb);
    cr_assert(memcmp(&d, &b, sizeof d) == 0, "%s: the packet views differ as feed.c decodes", what);
    /* As tcpstate_feed() calls it: into a view kept clean between frames,
     * the same one for every frame compared (so each is decoded over what
     * the one before left), zero at first as the engine's is, and scrubbed
     * after a frame that dirtied it. */
    static tcpstate_packet kept;
    int dirtied = -1;
    tcpstate_status sk =
        tcpstate__decode_hot_clean(linktype, f, caplen, wirelen, &none, &kept, &dirtied);
    cr_assert(eq(int, sk, sb), "%s: status %d into a clean view, %d layered", what, sk, sb);
    cr_assert(memcmp(&kept, &b, sizeof kept) == 0, "%s: the packet views differ in a clean view",
              what);
    cr_assert(dirtied == 0 || dirtied == 1, "%s: dirtied is %d", what, dirtied);
    if (dirtied) {
        tcpstate__decode_scrub(&kept);
    } else {
        kept_clean++;
    }
    static tcpstate_packet c;
    memset(&c, 0, sizeof c);
    c.frame = f;
    c.caplen = (uint32_t)caplen;
    c.wirelen = (uint32_t)(wirelen < caplen ? caplen : wirelen);
    c.linktype = linktype;
    fast_taken += (uint64_t)tcpstate__decode_fast(linktype, f, caplen, c.wirelen, &c);
    compared++;
}

/* ------------------------------------------------------------ mutations */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* kind: bit 0 raw IP, 1 IPv6, 2 a VLAN tag, 3 SYN, 4 no payload; bits 5-6
 * the options: none, NOP NOP TS (SYN: MSS SACK_PERM NOP WS), and the two
 * SYN layouts decode_fast.c matches whole (BSD and Linux), mutated into their
 * near misses by the rounds below. */
enum { KINDS = 128 };

static size_t base_frame_laid(unsigned kind, uint8_t *out, size_t cap, struct frame_layout *lay)
{
    static const uint8_t ts_opt[] = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
    static const uint8_t syn_opt[] = {2, 4, 5, 0xb4, 4, 2, 1, 3, 3, 7};
    static const uint8_t bsd_opt[] = {2, 4, 5, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2};
    static const uint8_t linux_opt[] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 1,
                                        2, 3, 4, 5,    6, 7, 1, 3,  3, 9};
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = (kind & 1u) ? TCPSTATE_LINKTYPE_RAW : TCPSTATE_LINKTYPE_ETHERNET;
    s.src = (kind & 2u) ? "2001:db8::1" : "10.0.0.1";
    s.dst = (kind & 2u) ? "2001:db8::2" : "10.0.0.2";
    s.sport = 40000;
    s.dport = 443;
    s.seq = 1000;
    s.ack = 2000;
    s.flags = (kind & 8u) ? TCPSTATE_TH_SYN : TCPSTATE_TH_ACK | TCPSTATE_TH_PSH;
    s.payload_len = (kind & 16u) ? 0 : 37;
    if ((kind & 4u) && s.linktype == TCPSTATE_LINKTYPE_ETHERNET) {
        s.n_vlan = 1;
        s.vlan[0] = 42;
    }
    switch ((kind >> 5) & 3u) {
    case 1:
        s.tcp_opts = (kind & 8u) ? syn_opt : ts_opt;
        s.tcp_opts_len = (kind & 8u) ? sizeof syn_opt : sizeof ts_opt;
        break;
    case 2:
        s.tcp_opts = bsd_opt;
        s.tcp_opts_len = sizeof bsd_opt;
        break;
    case 3:
        s.tcp_opts = linux_opt;
        s.tcp_opts_len = sizeof linux_opt;
        break;
    default:
        break;
    }
    return frame_build(&s, out, cap, lay);
}

static size_t base_frame(unsigned kind, uint8_t *out, size_t cap)
{
    return base_frame_laid(kind, out, cap, NULL);
}

static uint32_t kind_linktype(unsigned kind)
{
    return kind & 1u ? TCPSTATE_LINKTYPE_RAW : TCPSTATE_LINKTYPE_ETHERNET;
}

Test(decode_fast, mutated_frames_decode_the_same_either_way)
{
    static uint8_t f[256];
    uint64_t seed = 12345;
    char what[64];
    for (unsigned kind = 0; kind < KINDS; kind++) {
        size_t n = base_frame(kind, f, sizeof f);
        cr_assert(ge(sz, n, 1));
        snprintf(what, sizeof what, "base frame %u", kind);
        same(kind & 1u ? TCPSTATE_LINKTYPE_RAW : TCPSTATE_LINKTYPE_ETHERNET, f, n, n, what);
    }
    for (unsigned round = 0; round < 1000000; round++) {
        unsigned kind = (unsigned)rnd(&seed) % KINDS;
        uint32_t lt = kind & 1u ? TCPSTATE_LINKTYPE_RAW : TCPSTATE_LINKTYPE_ETHERNET;
        size_t n = base_frame(kind, f, sizeof f);
        unsigned flips = 1 + (unsigned)(rnd(&seed) % 3);
        for (unsigned k = 0; k < flips; k++) {
            uint64_t v = rnd(&seed);
            f[v % n] =
                (v >> 16) & 1u ? (uint8_t)(v >> 24) : (uint8_t)(f[v % n] ^ (1u << ((v >> 8) % 8)));
        }
        uint64_t v = rnd(&seed);
        size_t cap = v % 4 == 0 ? (size_t)((v >> 8) % (n + 1)) : n;
        /* wirelen above, equal to or below caplen (the decoder raises it) */
        size_t wire = v % 8 == 1   ? n + (size_t)((v >> 16) % 64)
                      : v % 8 == 2 ? (size_t)((v >> 16) % (n + 1))
                                   : n;
        snprintf(what, sizeof what, "mutation %u", round);
        same(lt, f, cap, wire, what);
    }
    cr_log_info("%llu frames compared, %llu took the fast path", (unsigned long long)compared,
                (unsigned long long)fast_taken);
    cr_assert(ge(u64, fast_taken, (compared / 4) + 1), "the fast path is exercised");
    cr_assert(ge(u64, kept_clean, (compared / 32) + 1), "frames leave a clean view clean");
}

/* Every snap length of every base frame: the capture ending in the link, IP
 * or TCP header, in the options or in the payload (the inline Ethernet/IPv4
 * path hands an IP packet it does not hold whole to the general one), with
 * the wire length the frame's own or the capture's. */
Test(decode_fast, every_snap_length_of_every_frame_decodes_the_same_either_way)
{
    static uint8_t f[256];
    char what[64];
    uint64_t taken = fast_taken;
    for (unsigned kind = 0; kind < KINDS; kind++) {
        size_t n = base_frame(kind, f, sizeof f);
        for (size_t cap = 0; cap <= n; cap++) {
            snprintf(what, sizeof what, "frame %u cut to %zu of %zu", kind, cap, n);
            same(kind_linktype(kind), f, cap, n, what);
            snprintf(what, sizeof what, "frame %u cut to %zu, wirelen %zu", kind, cap, cap);
            same(kind_linktype(kind), f, cap, cap, what);
        }
    }
    /* the payloads cut short: some 30 lengths of 64 frames (of 32 where the
     * library is built without IPv6, the other half being IPv6 frames) */
    cr_assert(ge(u64, fast_taken - taken, (uint64_t)(32 + IF_IPV6(32)) * 30),
              "cut segments take the fast path");
}

/* The header bytes the fast path tests or copies, each of its 256 values:
 * the ethertype (or, raw, the version byte), the IPv4 version/IHL, protocol
 * and fragment bytes or the IPv6 payload length and next header, the TCP data
 * offset and flags, window, checksum and urgent pointer; and one bit flipped
 * in every byte of the headers. */
Test(decode_fast, every_value_of_the_header_bytes_decodes_the_same_either_way)
{
    static uint8_t f[256], g[256];
    char what[80];
    for (unsigned kind = 0; kind < KINDS; kind++) {
        struct frame_layout lay;
        size_t n = base_frame_laid(kind, f, sizeof f, &lay);
        cr_assert(ge(sz, n, 1));
        size_t ip = lay.l3, t = lay.l4;
        size_t at[16];
        unsigned k = 0;
        if (ip >= 2) {
            at[k++] = ip - 2; /* ethertype */
            at[k++] = ip - 1;
        }
        at[k++] = ip; /* version (and IHL) */
        if (kind & 2u) {
            at[k++] = ip + 4; /* payload length */
            at[k++] = ip + 5;
            at[k++] = ip + 6; /* next header */
        } else {
            at[k++] = ip + 3; /* total length, low byte */
            at[k++] = ip + 6; /* flags and fragment offset */
            at[k++] = ip + 7;
            at[k++] = ip + 9; /* protocol */
        }
        for (size_t b = 12; b < TCP_HDR_LEN; b++) {
            at[k++] = t + b; /* data offset, flags, window, checksum, urgent */
        }
        for (unsigned i = 0; i < k; i++) {
            for (unsigned v = 0; v < 256; v++) {
                memcpy(g, f, n);
                g[at[i]] = (uint8_t)v;
                snprintf(what, sizeof what, "frame %u, byte %zu = %u", kind, at[i], v);
                same(kind_linktype(kind), g, n, n, what);
            }
        }
        for (size_t b = 0; b < lay.payload; b++) {
            for (unsigned bit = 0; bit < 8; bit++) {
                memcpy(g, f, n);
                g[b] ^= (uint8_t)(1u << bit);
                snprintf(what, sizeof what, "frame %u, byte %zu bit %u flipped", kind, b, bit);
                same(kind_linktype(kind), g, n, n, what);
            }
        }
    }
}

/* NULL arguments with lengths the fast path would take: it must leave them
 * to the layered decoder (TCPSTATE_E_INVAL), never read through them. */
Test(decode_fast, null_frame_or_view_with_a_full_length_is_invalid_either_way)
{
    static uint8_t f[256];
    for (unsigned kind = 0; kind < KINDS; kind++) {
        size_t n = base_frame(kind, f, sizeof f);
        same(kind_linktype(kind), NULL, n, n, "NULL frame");
        cr_assert(eq(int, tcpstate_decode_ex(kind_linktype(kind), f, n, n, NULL, NULL),
                     TCPSTATE_E_INVAL));
        cr_assert(eq(int, tcpstate_decode_ex(kind_linktype(kind), NULL, n, n, NULL, NULL),
                     TCPSTATE_E_INVAL));
    }
}

/* A wire length beyond 32 bits is held at UINT32_MAX in the view: the fast
 * path must not cut it to its low 32 bits. */
Test(decode_fast, wire_lengths_beyond_32_bits_decode_the_same_either_way)
{
#if SIZE_MAX > UINT32_MAX
    static uint8_t f[256];
    char what[64];
    for (unsigned kind = 0; kind < KINDS; kind++) {
        size_t n = base_frame(kind, f, sizeof f);
        uint32_t lt = kind & 1u ? TCPSTATE_LINKTYPE_RAW : TCPSTATE_LINKTYPE_ETHERNET;
        snprintf(what, sizeof what, "frame %u, wirelen 2^32 + caplen", kind);
        same(lt, f, n, (size_t)UINT32_MAX + 1 + n, what);
        snprintf(what, sizeof what, "frame %u, wirelen UINT32_MAX", kind);
        same(lt, f, n, (size_t)UINT32_MAX, what);
    }
#else
    cr_skip_test("size_t has 32 bits: no wire length beyond them");
#endif
}

/* ------------------------------------------------------------ clean views */

/* Frames that dirty a view's tail beyond the option fields: an 802.1Q tag
 * and a SACK block (the one-pass decoder out of line, then the option
 * walker), and (with tunnels) the same segment in IP in IP (the layered
 * decoder); then frames the inline path takes, with and without options. */
static size_t dirty_frame(unsigned which, uint16_t flags, uint16_t sport, uint8_t *out, size_t cap)
{
    static const uint8_t sack_opt[] = {1, 1, 5, 10, 0, 0, 0, 9, 0, 0, 0, 12};
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    s.sport = sport;
    s.dport = 443;
    s.seq = 1000;
    s.ack = 2000;
    s.flags = flags;
    s.payload_len = 10;
    s.tcp_opts = sack_opt;
    s.tcp_opts_len = sizeof sack_opt;
    if (which == 0) {
        s.n_vlan = 1;
        s.vlan[0] = 42;
        return frame_build(&s, out, cap, NULL);
    }
    static uint8_t inner[256];
    s.linktype = TCPSTATE_LINKTYPE_RAW;
    size_t in = frame_build(&s, inner, sizeof inner, NULL);
    static const uint8_t eth[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
    struct fb_wrap w;
    memset(&w, 0, sizeof w);
    w.link = eth;
    w.link_len = sizeof eth;
    w.proto = 4;
    return frame_wrap(&w, inner, in, out, cap, NULL, NULL);
}

Test(decode_fast, a_view_dirtied_and_scrubbed_decodes_the_next_frame_as_the_layered_decoder)
{
    static uint8_t dirty[256], plain[256];
    static tcpstate_packet kept, left, want;
    static const tcpstate_decode_options none;
    for (unsigned which = 0; which < 2; which++) {
        size_t dn = dirty_frame(which, TCPSTATE_TH_ACK, 40000, dirty, sizeof dirty);
        cr_assert(ge(sz, dn, 1));
        for (unsigned kind = 0; kind < KINDS; kind++) {
            size_t pn = base_frame(kind, plain, sizeof plain);
            uint32_t lt = kind_linktype(kind);
            int dirtied = -1;
            memset(&kept, 0, sizeof kept);
            memset(&left, 0, sizeof left);
            tcpstate_status st = tcpstate__decode_hot_clean(TCPSTATE_LINKTYPE_ETHERNET, dirty, dn,
                                                            dn, &none, &kept, &dirtied);
            cr_assert(eq(int, dirtied, 1), "the frame that dirties the view says so");
            cr_assert(eq(
                int, st,
                tcpstate__decode_layered(TCPSTATE_LINKTYPE_ETHERNET, dirty, dn, dn, NULL, &want)));
            cr_assert(memcmp(&kept, &want, sizeof kept) == 0);
            memcpy(&left, &kept, sizeof left);
            tcpstate__decode_scrub(&kept);
            st = tcpstate__decode_hot_clean(lt, plain, pn, pn, &none, &kept, &dirtied);
            cr_assert(eq(int, st, tcpstate__decode_layered(lt, plain, pn, pn, NULL, &want)));
            cr_assert(memcmp(&kept, &want, sizeof kept) == 0,
                      "frame %u after dirtying frame %u: the views differ", kind, which);
            if (dirtied == 0 && which == 0) {
                /* The scrub is what made them equal: without it the inline
                 * path leaves the tag and the SACK block in the view. */
                st = tcpstate__decode_hot_clean(lt, plain, pn, pn, &none, &left, &dirtied);
                cr_assert(eq(int, dirtied, 0));
                cr_assert(memcmp(&left, &want, sizeof left) != 0,
                          "frame %u: the view left dirty differs", kind);
                cr_assert(eq(u32, left.sack_left[0], 9));
                cr_assert(eq(u8, left.vlan_count, 1));
            }
        }
    }
}

/* What tcpstate_feed() hands the callbacks: the frame after one that
 * dirtied the engine's view is decoded as the layered decoder decodes it. */
static tcpstate_packet seen;
static unsigned syns;

static int on_syn(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    (void)flow;
    cr_assert_not_null(ev->pkt);
    memcpy(&seen, ev->pkt, sizeof seen);
    syns++;
    return TCPSTATE_CB_CONTINUE;
}

Test(decode_fast, feed_scrubs_its_view_after_a_frame_that_dirtied_it)
{
    static uint8_t dirty[256], plain[256];
    static tcpstate_packet want;
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_syn = on_syn;
    size_t len = tcpstate_footprint(&cfg);
    cr_assert(ge(sz, len, 1));
    uint8_t *mem = aligned_alloc(64, (len + 63) & ~(size_t)63);
    cr_assert_not_null(mem);
    tcpstate_engine *e = NULL;
    cr_assert(eq(int, tcpstate_init(mem, len, &cfg, &cb, NULL, &e), TCPSTATE_OK));
    for (unsigned i = 0; i < 8; i++) {
        /* a SYN that dirties the view (VLAN tag, SACK block), then a plain
         * SYN of another flow, taken inline */
        size_t dn = dirty_frame(0, TCPSTATE_TH_SYN, (uint16_t)(1000 + i), dirty, sizeof dirty);
        cr_assert(eq(int, tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, dirty, dn, dn, 1000 + i),
                     TCPSTATE_OK));
        cr_assert(eq(u8, seen.vlan_count, 1));
        /* SYN (kind bit 3), no options or the BSD layout (kind 2 << 5) */
        size_t pn = base_frame(8u | (i & 1u ? 64u : 0u), plain, sizeof plain);
        plain[14 + 20 + 0] = (uint8_t)(0x80 + i); /* the source port's high byte: a new flow */
        cr_assert(eq(int, tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, plain, pn, pn, 2000 + i),
                     TCPSTATE_OK));
        cr_assert(eq(
            int, tcpstate__decode_layered(TCPSTATE_LINKTYPE_ETHERNET, plain, pn, pn, NULL, &want),
            TCPSTATE_OK));
        cr_assert(memcmp(&seen, &want, sizeof seen) == 0, "round %u: the views differ", i);
    }
    cr_assert(eq(u32, syns, 16));
    free(mem);
}

/* The same for tcpstate_feed_batch(), whose views are the batch's slots: a
 * batch of frames that dirty them, then a batch of plain ones in the same
 * slots; and a batch whose first callback stops the call, leaving decoded,
 * dirtied views that were never fed. */
static tcpstate_packet seen_n[4];
static unsigned stop_at = ~0u;

static int on_syn_n(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    (void)flow;
    cr_assert_not_null(ev->pkt);
    cr_assert(lt(u32, syns, 4));
    memcpy(&seen_n[syns], ev->pkt, sizeof seen_n[0]);
    return syns++ == stop_at ? TCPSTATE_CB_STOP : TCPSTATE_CB_CONTINUE;
}

Test(decode_fast, feed_batch_scrubs_its_views_after_frames_that_dirtied_them)
{
    static uint8_t dirty[4][256], plain[4][256];
    static tcpstate_packet want;
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.batch_max = 4;
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_syn = on_syn_n;
    syns = 0;
    size_t len = tcpstate_footprint(&cfg);
    cr_assert(ge(sz, len, 1));
    uint8_t *mem = aligned_alloc(64, (len + 63) & ~(size_t)63);
    cr_assert_not_null(mem);
    memset(mem, 0xa5, len); /* tcpstate_init() takes memory as it comes */
    tcpstate_engine *e = NULL;
    cr_assert(eq(int, tcpstate_init(mem, len, &cfg, &cb, NULL, &e), TCPSTATE_OK));
    tcpstate_frame fd[4], fp[4];
    tcpstate_status st[4];
    /* First plain frames into slots nothing was decoded into yet. */
    for (unsigned i = 0; i < 4; i++) {
        size_t pn = base_frame(8u | (i & 1u ? 64u : 0u), plain[i], sizeof plain[i]);
        plain[i][14 + 20 + 0] = (uint8_t)(0xc0 + i);
        fp[i] = (tcpstate_frame){plain[i], (uint32_t)pn, (uint32_t)pn, 500 + i};
    }
    cr_assert(eq(sz, tcpstate_feed_batch(e, TCPSTATE_LINKTYPE_ETHERNET, fp, 4, st), 4));
    cr_assert(eq(u32, syns, 4));
    for (unsigned i = 0; i < 4; i++) {
        cr_assert(eq(int,
                     tcpstate__decode_layered(TCPSTATE_LINKTYPE_ETHERNET, fp[i].data, fp[i].caplen,
                                              fp[i].caplen, NULL, &want),
                     TCPSTATE_OK));
        cr_assert(memcmp(&seen_n[i], &want, sizeof want) == 0, "first batch, slot %u", i);
    }
    for (unsigned round = 0; round < 2; round++) {
        for (unsigned i = 0; i < 4; i++) {
            size_t dn = dirty_frame(0, TCPSTATE_TH_SYN, (uint16_t)(1000 + 8 * round + i), dirty[i],
                                    sizeof dirty[i]);
            fd[i] = (tcpstate_frame){dirty[i], (uint32_t)dn, (uint32_t)dn, 1000 + 8 * round + i};
            size_t pn = base_frame(8u | (i & 1u ? 64u : 0u), plain[i], sizeof plain[i]);
            plain[i][14 + 20 + 0] = (uint8_t)(0x80 + 8 * round + i); /* a new flow each */
            fp[i] = (tcpstate_frame){plain[i], (uint32_t)pn, (uint32_t)pn, 2000 + 8 * round + i};
        }
        /* Round 0 feeds all four dirtying frames; round 1 stops at the
         * first callback, the other three decoded but not fed. */
        syns = 0;
        stop_at = round == 0 ? ~0u : 0u;
        size_t ran = tcpstate_feed_batch(e, TCPSTATE_LINKTYPE_ETHERNET, fd, 4, st);
        cr_assert(eq(sz, ran, round == 0 ? 4 : 1));
        cr_assert(eq(u8, seen_n[0].vlan_count, 1));
        syns = 0;
        stop_at = ~0u;
        cr_assert(eq(sz, tcpstate_feed_batch(e, TCPSTATE_LINKTYPE_ETHERNET, fp, 4, st), 4));
        cr_assert(eq(u32, syns, 4));
        for (unsigned i = 0; i < 4; i++) {
            cr_assert(eq(int,
                         tcpstate__decode_layered(TCPSTATE_LINKTYPE_ETHERNET, fp[i].data,
                                                  fp[i].caplen, fp[i].caplen, NULL, &want),
                         TCPSTATE_OK));
            cr_assert(memcmp(&seen_n[i], &want, sizeof want) == 0,
                      "round %u, slot %u: the views differ", round, i);
        }
    }
    free(mem);
}

/* ------------------------------------------------------------ corpora */

static void compare_file(const char *path)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    if (p == NULL) {
        return;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint32_t lt = (uint32_t)pcap_datalink(p);
    while (pcap_next_ex(p, &h, &d) == 1) {
        same(lt, d, h->caplen, h->len, path);
    }
    pcap_close(p);
}

static void compare_one(const char *path, void *user)
{
    (void)user;
    compare_file(path);
}

Test(decode_fast, every_frame_of_the_shared_corpora_decodes_the_same_either_way)
{
    char dir[4096];
    if (!corpus_dir(dir, sizeof dir)) {
        cr_skip_test("the shared corpus is not at %s", dir);
    }
    unsigned files = corpus_walk(dir, compare_one, NULL);
    cr_log_info("%u captures, %llu frames, %llu through the fast path", files,
                (unsigned long long)compared, (unsigned long long)fast_taken);
    cr_assert(ge(u32, files, 151));
    cr_assert(ge(u64, fast_taken, 1001));
}
#endif
