/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoder's fast path, its part that every frame runs (decode_fast.c
 * holds the rest): inline in the per-frame path, so that the common frame's
 * decode costs no call. feed.c calls tcpstate__decode_hot_clean() for every
 * frame it feeds, one and batched, into views it keeps clean (see
 * fast_or_layered()), and tcpstate_decode_ex() (decode.c) runs the same code
 * with its arguments checked; the rarer frames leave through a jump to
 * decode_fast.c or the layered decoder. Why each piece is written as it is:
 * decode_fast.c's opening comment.
 *
 * Built for size (-Os) none of it exists: tcpstate__decode_hot() and
 * tcpstate__decode_hot_clean() are then tcpstate_decode_ex(), the layered
 * decoder, as before (issue 9's 16 KiB configuration), and decode_fast.c is
 * empty.
 */
#ifndef TCPSTATE_DECODE_FAST_H
#define TCPSTATE_DECODE_FAST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "hints.h"
#include "tcpstate.h"

#if defined(__OPTIMIZE_SIZE__)

/* For size: one call, as tcpstate_decode_ex() has always been called. */
static inline tcpstate_status tcpstate__decode_hot(uint32_t linktype, const uint8_t *frame,
                                                   size_t caplen, size_t wirelen,
                                                   const tcpstate_decode_options *opt,
                                                   tcpstate_packet *pkt)
{
    return tcpstate_decode_ex(linktype, frame, caplen, wirelen, opt, pkt);
}

/* For size the layered decoder zeroes the whole view every time: any view
 * is clean, and none is ever dirtied (the flag is then a constant 0, and the
 * scrub and its test fold away). */
typedef int tcpstate__dirty_flag;

static inline tcpstate_status tcpstate__decode_hot_clean(uint32_t linktype, const uint8_t *frame,
                                                         size_t caplen, size_t wirelen,
                                                         const tcpstate_decode_options *opt,
                                                         tcpstate_packet *pkt,
                                                         tcpstate__dirty_flag *dirtied)
{
    *dirtied = 0;
    return tcpstate_decode_ex(linktype, frame, caplen, wirelen, opt, pkt);
}

static inline void tcpstate__decode_scrub(tcpstate_packet *pkt) { (void)pkt; }

#else

static HOT_INLINE uint16_t rd16(const uint8_t *p) { return (uint16_t)((unsigned)p[0] << 8 | p[1]); }

/* A little-endian machine and a compiler with byte-swap built-ins: some
 * fields are then loaded several at once (fast_tcp_fields). */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FAST_LE 1
#else
#define FAST_LE 0
#endif

/* SSE2 (every x86-64 processor has it): eight 16-bit fields at once. */
#if FAST_LE && defined(__SSE2__)
#include <emmintrin.h>
#define FAST_SSE2 1
#else
#define FAST_SSE2 0
#endif

static HOT_INLINE uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) << 16 | rd16(p + 2); }

/* Bytes as the machine loads them, for comparing with a pattern that is
 * loaded the same way: equal bytes give equal words in either byte order. */
static HOT_INLINE uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static HOT_INLINE uint16_t ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static HOT_INLINE uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

enum { ETH_HDR = 14, VLAN_TAG = 4, IPV4_HDR = 20, IPV6_HDR = 40, TCP_HDR = 20 };

/* Where the view's head ends: the fields up to and including tcp_hlen, which
 * the fast path writes every one of. The sum below proves the head has no
 * padding, so those writes cover every byte of it and zeroing the rest
 * leaves the view as the layered decoder's memset() and writes leave it. */
#define PKT_FIELD(f) sizeof(((tcpstate_packet *)0)->f)
enum { PKT_HEAD = offsetof(tcpstate_packet, opts) };
_Static_assert(PKT_FIELD(frame) + PKT_FIELD(caplen) + PKT_FIELD(wirelen) + PKT_FIELD(linktype) +
                       PKT_FIELD(l3_offset) + PKT_FIELD(l4_offset) + PKT_FIELD(payload_offset) +
                       PKT_FIELD(payload_len) + PKT_FIELD(payload_caplen) + PKT_FIELD(ip_len) +
                       PKT_FIELD(ip_version) + PKT_FIELD(ttl) + PKT_FIELD(ip_id) + PKT_FIELD(src) +
                       PKT_FIELD(dst) + PKT_FIELD(sport) + PKT_FIELD(dport) + PKT_FIELD(seq) +
                       PKT_FIELD(ack) + PKT_FIELD(window) + PKT_FIELD(urgent) +
                       PKT_FIELD(tcp_flags) + PKT_FIELD(tcp_hlen) ==
                   PKT_HEAD,
               "the head of tcpstate_packet is written field by field: no padding, no other field");

/* Zero the view from the options on. One memset of that size becomes `rep
 * stos` or a call on x86-64; constant 64-byte pieces become a few vector
 * stores each. */
static HOT_INLINE void zero_tail(tcpstate_packet *pkt)
{
    unsigned char *b = (unsigned char *)pkt + PKT_HEAD;
    enum { N = sizeof(tcpstate_packet) - PKT_HEAD };
    size_t off = 0;
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
    for (; off + 64u <= N; off += 64u) {
        memset(b + off, 0, 64u);
    }
    memset(b + off, 0, N - off);
}

/*
 * TCP option lists that senders use on nearly every segment that has options,
 * recognized whole: `pat` with the value bytes masked out by `mask`. The
 * option walker (tcpstate__tcp_options) would reach the same result: each is
 * a complete, well-formed list of options of their own lengths, all captured.
 *   SYN_BSD:   MSS, NOP, WS, NOP, NOP, SACK_PERM (12 bytes: BSDs, generators)
 *   SYN_LINUX: MSS, SACK_PERM, TS, NOP, WS (20 bytes: Linux)
 *   TS_ONLY:   NOP, NOP, TS (12 bytes: every segment of a timestamped flow)
 * MSS: kind 2, length 4 (RFC 9293 §3.2); WS: kind 3, length 3 (RFC 7323
 * §2.2); SACK_PERM: kind 4, length 2 (RFC 2018 §2); TS: kind 8, length 10
 * (RFC 7323 §3.2); NOP: kind 1, one byte.
 */
static const uint8_t syn_bsd_pat[12] = {2, 4, 0, 0, 1, 3, 3, 0, 1, 1, 4, 2};
static const uint8_t syn_bsd_mask[8] = {0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xFF, 0};
static const uint8_t syn_linux_pat[8] = {2, 4, 0, 0, 4, 2, 8, 10};
static const uint8_t syn_linux_mask[8] = {0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF};
static const uint8_t syn_linux_tail[4] = {1, 3, 3, 0};
static const uint8_t syn_linux_tail_mask[4] = {0xFF, 0xFF, 0xFF, 0};
static const uint8_t ts_only_pat[4] = {1, 1, 8, 10};

/* The IPv4 flags and fragment offset field (RFC 791 §3.1) with DF masked
 * out: zero when the packet is not a fragment (MF clear, offset 0). */
static const uint8_t ipv4_frag_mask[2] = {0x3F, 0xFF};

/* Options of another layout, all captured in [off, end): walked (RFC 9293
 * §3.1) as the layered decoder walks them (decode_fast.c). Returns
 * TCPSTATE_OK, so that fast_options() ends in a jump there. */
tcpstate_status tcpstate__decode_fast_walk(tcpstate_packet *pkt, const uint8_t *p, size_t caplen,
                                           size_t off, size_t end);

/* A way out of the inline path that wrote no field of the view's tail but
 * the option fields: a clean view stays clean (fast_or_layered()). */
static HOT_INLINE tcpstate_status stayed_clean(int *dirtied)
{
    if (dirtied != NULL) {
        *dirtied = 0;
    }
    return TCPSTATE_OK;
}

/* The n bytes of options at off, all captured (n may be 0); options never
 * decline: always TCPSTATE_OK. `dirtied` as fast_or_layered() takes it: set
 * to 0 for the layouts matched here, which write only option fields
 * zero_option_fields() zeroes. */
static HOT_INLINE tcpstate_status fast_options(tcpstate_packet *pkt, const uint8_t *p,
                                               size_t caplen, size_t off, size_t n, int *dirtied)
{
    const uint8_t *o = p + off;
    if (n == 0) {
        return stayed_clean(dirtied);
    }
    if (n == 12) {
        uint64_t head = ld64(o);
        if ((head & ld64(syn_bsd_mask)) == ld64(syn_bsd_pat) &&
            ld32(o + 8) == ld32(syn_bsd_pat + 8)) {
            pkt->opts = TCPSTATE_OPT_MSS | TCPSTATE_OPT_WSCALE | TCPSTATE_OPT_SACK_PERM;
            pkt->mss = rd16(o + 2);
            pkt->wscale = o[7];
            return stayed_clean(dirtied);
        }
        if (ld32(o) == ld32(ts_only_pat)) {
            pkt->opts = TCPSTATE_OPT_TIMESTAMP;
            pkt->ts_val = rd32(o + 4);
            pkt->ts_ecr = rd32(o + 8);
            return stayed_clean(dirtied);
        }
    } else if (n == 20) {
        if ((ld64(o) & ld64(syn_linux_mask)) == ld64(syn_linux_pat) &&
            (ld32(o + 16) & ld32(syn_linux_tail_mask)) == ld32(syn_linux_tail)) {
            pkt->opts = TCPSTATE_OPT_MSS | TCPSTATE_OPT_SACK_PERM | TCPSTATE_OPT_TIMESTAMP |
                        TCPSTATE_OPT_WSCALE;
            pkt->mss = rd16(o + 2);
            pkt->ts_val = rd32(o + 8);
            pkt->ts_ecr = rd32(o + 12);
            pkt->wscale = o[19];
            return stayed_clean(dirtied);
        }
    }
    return tcpstate__decode_fast_walk(pkt, p, caplen, off, off + n);
}

/* The TCP header's fields at t in the view, tcp_hlen aside: the caller
 * writes it afterwards. The view holds sport, dport, seq and ack in the
 * header's order, as 16-bit and 32-bit numbers in host order; then window,
 * urgent, tcp_flags. */
_Static_assert(offsetof(tcpstate_packet, dport) == offsetof(tcpstate_packet, sport) + 2 &&
                   offsetof(tcpstate_packet, ack) == offsetof(tcpstate_packet, seq) + 4,
               "sport, dport and seq, ack are adjacent");
#if FAST_SSE2
/* From seq on, the view's 16 bytes (seq, ack, window, urgent, tcp_flags,
 * tcp_hlen, opts) are the header's bytes 4 to 19 (seq, ack, offset and
 * flags, window, checksum, urgent) with each 16-bit word byte-swapped and
 * the words reordered: SSE2 does all eight words at once. The ports: one
 * load, a byte swap and a rotation. */
_Static_assert(offsetof(tcpstate_packet, window) == offsetof(tcpstate_packet, seq) + 8 &&
                   offsetof(tcpstate_packet, urgent) == offsetof(tcpstate_packet, seq) + 10 &&
                   offsetof(tcpstate_packet, tcp_flags) == offsetof(tcpstate_packet, seq) + 12 &&
                   offsetof(tcpstate_packet, tcp_hlen) == offsetof(tcpstate_packet, seq) + 14 &&
                   offsetof(tcpstate_packet, opts) == offsetof(tcpstate_packet, seq) + 15,
               "seq, ack, window, urgent, tcp_flags, tcp_hlen, opts are adjacent");
static HOT_INLINE void fast_tcp_fields(tcpstate_packet *pkt, const uint8_t *t)
{
    unsigned char *b = (unsigned char *)pkt;
    uint32_t ports = __builtin_bswap32(ld32(t));
    ports = ports << 16 | ports >> 16;
    memcpy(b + offsetof(tcpstate_packet, sport), &ports, sizeof ports);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + 4));
    v = _mm_or_si128(_mm_slli_epi16(v, 8), _mm_srli_epi16(v, 8));
    /* seq and ack low word first; then window, urgent, offset and flags */
    v = _mm_shufflelo_epi16(v, _MM_SHUFFLE(2, 3, 0, 1));
    v = _mm_shufflehi_epi16(v, _MM_SHUFFLE(0, 0, 3, 1));
    /* NS and the 8 classic flags; tcp_hlen and opts 0 */
    v = _mm_and_si128(v, _mm_set_epi16(0, 0x01FF, -1, -1, -1, -1, -1, -1));
    _mm_storeu_si128((__m128i *)(void *)(b + offsetof(tcpstate_packet, seq)), v);
}
#else
static HOT_INLINE void fast_tcp_fields(tcpstate_packet *pkt, const uint8_t *t)
{
#if FAST_LE
    /* Two loads, byte swaps and rotations for the first 12 bytes. */
    unsigned char *b = (unsigned char *)pkt;
    uint32_t ports = __builtin_bswap32(ld32(t));
    uint64_t nums = __builtin_bswap64(ld64(t + 4));
    ports = ports << 16 | ports >> 16;
    nums = nums << 32 | nums >> 32;
    memcpy(b + offsetof(tcpstate_packet, sport), &ports, sizeof ports);
    memcpy(b + offsetof(tcpstate_packet, seq), &nums, sizeof nums);
#else
    pkt->sport = rd16(t);
    pkt->dport = rd16(t + 2);
    pkt->seq = rd32(t + 4);
    pkt->ack = rd32(t + 8);
#endif
    pkt->window = rd16(t + 14);
    pkt->urgent = rd16(t + 18);
    pkt->tcp_flags = (uint16_t)(rd16(t + 12) & 0x01FFu); /* NS and the 8 classic flags */
}
#endif

/* The TCP header (RFC 9293 §3.1) at l4 of the IP packet at l3 that ends at
 * ip_end, its options aside; the callers wrote the view's frame, link and IP
 * fields. `whole`: the caller checked ip_end <= caplen. Returns the header's
 * length (at least TCP_HDR), or 0 to decline. */
static HOT_INLINE size_t fast_tcp(tcpstate_packet *pkt, const uint8_t *p, size_t caplen, size_t l3,
                                  size_t l4, size_t ip_end, int whole)
{
    /* The header and its options inside the IP packet: TCP_HDR <= hlen <=
     * ip_end - l4. The callers checked that the IP packet holds at least
     * TCP_HDR bytes after l4, so the payload's length, computed in unsigned
     * arithmetic, is at most ip_end - l4 - TCP_HDR exactly when hlen is in
     * that range (below it, or past ip_end, the subtraction wraps around). */
    const uint8_t *t = p + l4;
    size_t hlen = (size_t)(t[12] & 0xF0u) >> 2; /* data offset, in 32-bit words */
    size_t payload = ip_end - l4 - hlen;
    if (payload > ip_end - l4 - TCP_HDR) {
        return 0;
    }
    size_t data = l4 + hlen;
    pkt->l3_offset = (uint32_t)l3; /* next to l4_offset: one store for the two */
    pkt->l4_offset = (uint32_t)l4;
    pkt->payload_offset = (uint32_t)data;
    pkt->payload_len = (uint32_t)payload;
    /* The whole IP packet captured, the common case: then so are the header
     * and its options (data <= ip_end), and all of the payload. */
    if (whole || ip_end <= caplen) {
        pkt->payload_caplen = (uint32_t)payload;
    } else if (data <= caplen) {
        pkt->payload_caplen = (uint32_t)(caplen - data);
        pkt->flags = TCPSTATE_PKT_PAYLOAD_TRUNCATED;
    } else {
        return 0;
    }
    fast_tcp_fields(pkt, t);
    pkt->tcp_hlen = (uint8_t)hlen;
    return hlen;
}

/* An IPv4 header (RFC 791 §3.1) the fast path takes: version 4 and no
 * options (IHL 5), TCP, not a fragment (MF clear, offset 0). */
static HOT_INLINE int fast_ipv4_plain(const uint8_t *ip)
{
    return ip[0] == 0x45 && ip[9] == 6 && (ld16(ip + 6) & ld16(ipv4_frag_mask)) == 0;
}

/* How fast_ipv4() takes its header: FAST_PLAIN, the caller checked
 * fast_ipv4_plain(); FAST_WHOLE, only an IP packet the capture holds whole,
 * any other frame given back as FAST_AGAIN with nothing written. */
enum { FAST_PLAIN = 1, FAST_WHOLE = 2 };
enum { FAST_AGAIN = 1 }; /* never a header length: those are multiples of 4 */

/* The IPv4 header's total length (RFC 791 §3.1: bytes 2 and 3), from its
 * first word where bytes are little-endian: a load, a byte swap and a zero
 * extension, where GCC gives rd16() a rotation and two zero extensions. */
static HOT_INLINE size_t ipv4_total(const uint8_t *ip)
{
#if FAST_LE
    return __builtin_bswap32(ld32(ip)) & 0xFFFFu;
#else
    return rd16(ip + 2);
#endif
}

/* An IPv4 header at l3, and caplen >= l3 + IPV4_HDR + TCP_HDR (the caller
 * checks), taken as `how` says; as fast_tcp() returns. */
static HOT_INLINE size_t fast_ipv4(tcpstate_packet *pkt, const uint8_t *p, size_t caplen,
                                   size_t wirelen, size_t l3, unsigned how)
{
    const uint8_t *ip = p + l3;
    size_t total = ipv4_total(ip);
    /* IPV4_HDR + TCP_HDR <= total <= wirelen - l3, in one unsigned comparison
     * as in fast_tcp() (the frame holds at least IPV4_HDR + TCP_HDR bytes
     * after l3). For whole packets caplen stands for wirelen: that bounds the
     * packet by the capture, and so by the wire (wirelen >= caplen). */
    if (how & FAST_WHOLE) {
        if (total - (IPV4_HDR + TCP_HDR) > caplen - l3 - (IPV4_HDR + TCP_HDR)) {
            return FAST_AGAIN;
        }
    } else if ((!(how & FAST_PLAIN) && !fast_ipv4_plain(ip)) ||
               total - (IPV4_HDR + TCP_HDR) > wirelen - l3 - (IPV4_HDR + TCP_HDR)) {
        return 0;
    }
    pkt->ip_len = (uint32_t)total;
    pkt->ip_version = 4;
    pkt->ttl = ip[8];
    pkt->ip_id = rd16(ip + 4);
    pkt->src = ip + 12;
    pkt->dst = ip + 16;
    return fast_tcp(pkt, p, caplen, l3, l3 + IPV4_HDR, l3 + total, (how & FAST_WHOLE) != 0);
}

/* Untagged Ethernet carrying an IPv4 header fast_ipv4_plain() takes, in a
 * frame of at least ETH_HDR + IPV4_HDR + TCP_HDR bytes (the caller checks):
 * the frame fast_or_layered() decodes inline. */
#if FAST_SSE2
/* The ethertype and the header's first 14 bytes in one 16-byte compare. */
_Alignas(16) static const uint8_t eth_ipv4_mask[16] = {0xFF, 0xFF, 0xFF, 0,    0, 0, 0, 0,
                                                       0x3F, 0xFF, 0,    0xFF, 0, 0, 0, 0};
_Alignas(16) static const uint8_t eth_ipv4_pat[16] = {0x08, 0x00, 0x45, 0, 0, 0, 0, 0,
                                                      0,    0,    0,    6, 0, 0, 0, 0};
static HOT_INLINE int fast_eth_ipv4(const uint8_t *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 12));
    v = _mm_and_si128(v, _mm_load_si128((const __m128i *)(const void *)eth_ipv4_mask));
    v = _mm_cmpeq_epi8(v, _mm_load_si128((const __m128i *)(const void *)eth_ipv4_pat));
    return _mm_movemask_epi8(v) == 0xFFFF;
}
#else
static HOT_INLINE int fast_eth_ipv4(const uint8_t *p)
{
    return rd16(p + 12) == 0x0800 && fast_ipv4_plain(p + ETH_HDR);
}
#endif

/* The option fields the inline path writes (opts, mss, wscale and
 * sack_count; ts_val and ts_ecr): in a clean view (fast_or_layered()) the
 * only ones of its tail that may be nonzero, so the only ones to zero. */
_Static_assert(offsetof(tcpstate_packet, mss) == PKT_HEAD + 1 &&
                   offsetof(tcpstate_packet, wscale) == PKT_HEAD + 3 &&
                   offsetof(tcpstate_packet, sack_count) == PKT_HEAD + 4 &&
                   offsetof(tcpstate_packet, ts_ecr) == offsetof(tcpstate_packet, ts_val) + 4,
               "opts, mss, wscale, sack_count and ts_val, ts_ecr are adjacent");
static HOT_INLINE void zero_option_fields(tcpstate_packet *pkt)
{
    unsigned char *b = (unsigned char *)pkt;
#if !FAST_SSE2
    pkt->opts = 0; /* with SSE2, fast_tcp_fields() writes it */
#endif
    memset(b + offsetof(tcpstate_packet, mss), 0, 4);
    memset(b + offsetof(tcpstate_packet, ts_val), 0, 8);
}

/* The view's frame fields, as start_packet() writes them. */
static HOT_INLINE void fast_frame_fields(tcpstate_packet *pkt, uint32_t linktype, const uint8_t *p,
                                         size_t caplen, size_t wirelen)
{
    pkt->frame = p;
    pkt->caplen = (uint32_t)caplen;
    pkt->wirelen = (uint32_t)wirelen;
    pkt->linktype = linktype;
}

/* What start_packet() does for the frames the fast path may take, into a
 * view the caller checked is not NULL: 0 for those it rejects or clamps (the
 * layered decoder answers them). */
static HOT_INLINE int fast_start(uint32_t linktype, const uint8_t *p, size_t caplen,
                                 size_t *wirelen, tcpstate_packet *pkt)
{
    if (p == NULL || (caplen >> 16 >> 16) != 0 || (*wirelen >> 16 >> 16) != 0) {
        return 0;
    }
    if (*wirelen < caplen) {
        *wirelen = caplen;
    }
    fast_frame_fields(pkt, linktype, p, caplen, *wirelen);
    zero_tail(pkt);
    return 1;
}

/* The ways out of fast_or_layered() that the common frame does not take,
 * out of line in decode_fast.c: the layered decoder for a frame declined
 * half-way and an untagged Ethernet and IPv4 frame given back as FAST_AGAIN
 * (pkt's frame fields written and its tail zeroed); the frames not taken
 * inline (VLAN-tagged, raw IP, IPv6, any frame fast_start() rejects). */
tcpstate_status tcpstate__decode_fast_declined(tcpstate_packet *pkt,
                                               const tcpstate_decode_options *opt);
tcpstate_status tcpstate__decode_fast_again(tcpstate_packet *pkt,
                                            const tcpstate_decode_options *opt);
/* (pkt first: then linktype, frame, caplen and wirelen are in the registers
 * that tcpstate_feed() receives them in on x86-64 and AArch64, and the
 * common frame's path moves none of them.) */
tcpstate_status tcpstate__decode_fast_other(tcpstate_packet *pkt, uint32_t linktype,
                                            const uint8_t *p, size_t caplen, size_t wirelen,
                                            const tcpstate_decode_options *opt);

/* tcpstate_decode_ex() built for speed: the one-pass decoder where it
 * answers and checksums are not to be verified, else the layered one.
 * `checked`: opt and pkt may be NULL, as tcpstate_decode_ex()'s callers may
 * pass them; 0 where the caller's never are (a constant after inlining, so
 * those tests fold away). The frame is always the caller's caller's, so
 * always checked (fast_start()).
 *
 * `dirtied` NULL: any view; its tail is zeroed (zero_tail(), some 18 stores
 * on x86-64, a fifth of the decode). Else the caller vouches that the view is
 * clean: its tail (from opts on) zero but for the option fields
 * zero_option_fields() writes, as the inline path leaves it. Then only those
 * are zeroed, and *dirtied says whether this decode left it otherwise (1:
 * any other way out, which may write any field): the caller zeroes the tail
 * (tcpstate__decode_scrub()) once it has read the view, so that it is clean
 * for the next frame. */
static HOT_INLINE tcpstate_status fast_or_layered(uint32_t linktype, const uint8_t *frame,
                                                  size_t caplen, size_t wirelen,
                                                  const tcpstate_decode_options *opt,
                                                  tcpstate_packet *pkt, int checked, int *dirtied)
{
    if (dirtied != NULL) {
        *dirtied = 1;
    }
    if (checked && pkt == NULL) {
        return tcpstate__decode_layered(linktype, frame, caplen, wirelen, opt, pkt);
    }
    /* Untagged Ethernet and IPv4, the commonest frame, with the offsets as
     * constants and no other case's values in registers. Every exit is a
     * jump: to the layered decoder, the option walker, or the return. The
     * frame and its lengths as fast_start() takes them; anything else
     * (checksums to verify, which the layered decoder does) leaves through
     * tcpstate__decode_fast_other(). */
    if (((checked && opt == NULL) || (opt->flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS) == 0) &&
        linktype == TCPSTATE_LINKTYPE_ETHERNET && frame != NULL &&
        ((caplen | wirelen) >> 16 >> 16) == 0 && caplen >= ETH_HDR + IPV4_HDR + TCP_HDR &&
        fast_eth_ipv4(frame)) {
        size_t wire = wirelen < caplen ? caplen : wirelen;
        fast_frame_fields(pkt, linktype, frame, caplen, wire);
        if (dirtied != NULL) {
            zero_option_fields(pkt);
        } else {
            zero_tail(pkt);
        }
        size_t hlen = fast_ipv4(pkt, frame, caplen, wire, ETH_HDR, FAST_PLAIN | FAST_WHOLE);
        if (hlen == TCP_HDR) { /* no options: the commonest segment */
            return stayed_clean(dirtied);
        }
        if (hlen > TCP_HDR) {
            return fast_options(pkt, frame, caplen, ETH_HDR + IPV4_HDR + TCP_HDR, hlen - TCP_HDR,
                                dirtied);
        }
        return hlen == FAST_AGAIN ? tcpstate__decode_fast_again(pkt, opt)
                                  : tcpstate__decode_fast_declined(pkt, opt);
    }
    return tcpstate__decode_fast_other(pkt, linktype, frame, caplen, wirelen, opt);
}

/* tcpstate_decode_ex() for a view and options that are never NULL, into
 * any view (its tail zeroed). feed.c runs tcpstate__decode_hot_clean()
 * below; tests/test_decode_fast.c holds this form to the layered decoder
 * too. */
static HOT_INLINE tcpstate_status tcpstate__decode_hot(uint32_t linktype, const uint8_t *frame,
                                                       size_t caplen, size_t wirelen,
                                                       const tcpstate_decode_options *opt,
                                                       tcpstate_packet *pkt)
{
    return fast_or_layered(linktype, frame, caplen, wirelen, opt, pkt, 0, NULL);
}

/* Whether a decode dirtied a clean view (tcpstate__decode_hot_clean()).
 * Volatile, so that it waits in memory, not in one of the registers that the
 * tracking between the decode and the scrub needs: held in a register it
 * cost the rest of tcpstate_feed() some 13 Ir/packet of spills on trace CG,
 * more than its store and load. */
typedef volatile int tcpstate__dirty_flag;

/* tcpstate__decode_hot() into a view the caller keeps clean (see
 * fast_or_layered()): tcpstate_feed()'s own view, which tcpstate_init()
 * zeroed with the engine and only tcpstate_feed() writes. *dirtied 1: call
 * tcpstate__decode_scrub(pkt) when done with the view. */
static HOT_INLINE tcpstate_status tcpstate__decode_hot_clean(
    uint32_t linktype, const uint8_t *frame, size_t caplen, size_t wirelen,
    const tcpstate_decode_options *opt, tcpstate_packet *pkt, tcpstate__dirty_flag *dirtied)
{
    int d;
    tcpstate_status st = fast_or_layered(linktype, frame, caplen, wirelen, opt, pkt, 0, &d);
    *dirtied = d;
    return st;
}

/* Zero the view's tail, which makes it clean again (decode_fast.c: out of
 * line, for the frames that dirty it). */
void tcpstate__decode_scrub(tcpstate_packet *pkt);

#endif
#endif
