/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoder's fast path: the frames that make up nearly all traffic
 * (Ethernet with at most one 802.1Q tag, or raw IP; IPv4 without options or
 * fragmentation, or IPv6 without extension headers; then TCP) decoded in one
 * pass, with one length check per frame instead of one per field.
 *
 * It either fills the packet view exactly as the layered decoder would (the
 * test suite compares the two byte for byte over every capture of both
 * corpora and over mutated frames) or declines, leaving the frame to the
 * layered decoder: anything unusual (a length that disagrees with the frame,
 * a zero IPv4 length, options cut by the snap length, checksum verification,
 * other link types and encapsulations) goes the long way.
 *
 * Every frame of a capture runs this, so it is written for few instructions:
 * tcpstate_decode_ex() is a jump to it, and every way out of it is a jump
 * too (to the layered decoder when it declines, to the option walker, or
 * the return); the view's head (every field up to the TCP options) is
 * written and only the rest is zeroed; untagged Ethernet and IPv4 whose IP
 * packet the capture holds whole is decoded inline with constant offsets,
 * and on x86-64 (SSE2) its headers are checked with one 16-byte compare and
 * eight TCP fields byte-swapped at once; the usual option layouts of SYNs
 * and timestamped segments are matched whole instead of walked. A frame
 * declined half-way is decoded again from scratch.
 */
#include <stddef.h>
#include <string.h>

#include "decode.h"
#include "hints.h"

/* Built for size (-Os) the decoder never calls this file (decode.c), so all
 * of it is left out: the object is empty and costs no flash (issue 9's
 * 16 KiB configuration); test_decode_fast skips in such a build. */
#if !defined(__OPTIMIZE_SIZE__)

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
 * §3.1) as the layered decoder walks them. Returns TCPSTATE_OK, so that the
 * fast path ends in a jump here. */
RARE static tcpstate_status fast_walk(tcpstate_packet *pkt, const uint8_t *p, size_t caplen,
                                      size_t off, size_t end)
{
    struct cur c = {p, caplen};
    tcpstate__tcp_options(pkt, &c, off, end);
    return TCPSTATE_OK;
}

/* The n bytes of options at off, all captured (n may be 0); options never
 * decline: always TCPSTATE_OK. */
static HOT_INLINE tcpstate_status fast_options(tcpstate_packet *pkt, const uint8_t *p,
                                               size_t caplen, size_t off, size_t n)
{
    const uint8_t *o = p + off;
    if (n == 0) {
        return TCPSTATE_OK;
    }
    if (n == 12) {
        uint64_t head = ld64(o);
        if ((head & ld64(syn_bsd_mask)) == ld64(syn_bsd_pat) &&
            ld32(o + 8) == ld32(syn_bsd_pat + 8)) {
            pkt->opts = TCPSTATE_OPT_MSS | TCPSTATE_OPT_WSCALE | TCPSTATE_OPT_SACK_PERM;
            pkt->mss = rd16(o + 2);
            pkt->wscale = o[7];
            return TCPSTATE_OK;
        }
        if (ld32(o) == ld32(ts_only_pat)) {
            pkt->opts = TCPSTATE_OPT_TIMESTAMP;
            pkt->ts_val = rd32(o + 4);
            pkt->ts_ecr = rd32(o + 8);
            return TCPSTATE_OK;
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
            return TCPSTATE_OK;
        }
    }
    return fast_walk(pkt, p, caplen, off, off + n);
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

/* An IPv4 header at l3, and caplen >= l3 + IPV4_HDR + TCP_HDR (the caller
 * checks), taken as `how` says; as fast_tcp() returns. */
static HOT_INLINE size_t fast_ipv4(tcpstate_packet *pkt, const uint8_t *p, size_t caplen,
                                   size_t wirelen, size_t l3, unsigned how)
{
    const uint8_t *ip = p + l3;
    size_t total = rd16(ip + 2);
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

#if !defined(TCPSTATE_NO_IPV6)
/* An IPv6 header (RFC 8200 §3) at l3, and caplen >= l3 + IPV6_HDR +
 * TCP_HDR (the caller checks); as fast_tcp() returns. */
static HOT_INLINE size_t fast_ipv6(tcpstate_packet *pkt, const uint8_t *p, size_t caplen,
                                   size_t wirelen, size_t l3)
{
    const uint8_t *ip = p + l3;
    size_t plen = rd16(ip + 4);
    /* TCP right after the fixed header, TCP_HDR <= plen <= wirelen - l3 -
     * IPV6_HDR (one unsigned comparison, as for IPv4). */
    if ((ip[0] >> 4) != 6 || ip[6] != 6 || plen - TCP_HDR > wirelen - l3 - (IPV6_HDR + TCP_HDR)) {
        return 0;
    }
    pkt->ip_len = (uint32_t)(IPV6_HDR + plen);
    pkt->ip_version = 6;
    pkt->ttl = ip[7];
    pkt->ip_id = 0;
    pkt->src = ip + 8;
    pkt->dst = ip + 24;
    return fast_tcp(pkt, p, caplen, l3, l3 + IPV6_HDR, l3 + IPV6_HDR + plen, 0);
}
#endif

/* The one pass over a frame whose view holds frame, caplen, wirelen and
 * linktype, the rest zeroed (fast_start()), options aside: as fast_tcp()
 * returns (the view possibly written when it declines). */
static HOT_INLINE size_t fast_decode(uint32_t linktype, const uint8_t *p, size_t caplen,
                                     size_t wirelen, tcpstate_packet *pkt)
{
    /* The link layer: where the IP header starts, and its ethertype. Every
     * IPv4 or IPv6 TCP segment is at least 40 bytes after it. */
    size_t l3;
    unsigned type;
    if (linktype == TCPSTATE_LINKTYPE_ETHERNET) {
        if (caplen < ETH_HDR + IPV4_HDR + TCP_HDR) {
            return 0;
        }
        l3 = ETH_HDR;
        type = rd16(p + 12);
        if (type == 0x8100) { /* IEEE 802.1Q */
            unsigned vid = rd16(p + 14) & 0x0FFFu;
            pkt->vlan_id[0] = (uint16_t)vid;
            pkt->vlan_count = 1;
            pkt->encap = TCPSTATE_ENCAP_VLAN;
            pkt->encap_all = TCPSTATE_ENCAP_VLAN;
            pkt->zone = vid;
            pkt->zone_encap = TCPSTATE_ENCAP_VLAN;
            type = rd16(p + 16);
            l3 += VLAN_TAG;
        }
    } else if (linktype == TCPSTATE_LINKTYPE_RAW || linktype == TCPSTATE_LINKTYPE_DLT_RAW) {
        if (caplen < IPV4_HDR + TCP_HDR) {
            return 0;
        }
        l3 = 0;
        type = (p[0] >> 4) == 4 ? 0x0800u : (p[0] >> 4) == 6 ? 0x86DDu : 0u;
    } else {
        return 0;
    }
    if (type == 0x0800 && caplen - l3 >= IPV4_HDR + TCP_HDR) {
        return fast_ipv4(pkt, p, caplen, wirelen, l3, 0);
    }
#if !defined(TCPSTATE_NO_IPV6)
    if (type == 0x86DD && caplen - l3 >= IPV6_HDR + TCP_HDR) {
        return fast_ipv6(pkt, p, caplen, wirelen, l3);
    }
#endif
    return 0;
}

/* What start_packet() does for the frames the fast path may take: 0 for
 * those it rejects or clamps (the layered decoder answers them). */
static HOT_INLINE int fast_start(uint32_t linktype, const uint8_t *p, size_t caplen,
                                 size_t *wirelen, tcpstate_packet *pkt)
{
    if (pkt == NULL || p == NULL || (caplen >> 16 >> 16) != 0 || (*wirelen >> 16 >> 16) != 0) {
        return 0;
    }
    if (*wirelen < caplen) {
        *wirelen = caplen;
    }
    pkt->frame = p;
    pkt->caplen = (uint32_t)caplen;
    pkt->wirelen = (uint32_t)*wirelen;
    pkt->linktype = linktype;
    zero_tail(pkt);
    return 1;
}

int tcpstate__decode_fast(uint32_t linktype, const uint8_t *frame, size_t caplen, size_t wirelen,
                          tcpstate_packet *pkt)
{
    if (!fast_start(linktype, frame, caplen, &wirelen, pkt)) {
        return 0;
    }
    size_t hlen = fast_decode(linktype, frame, caplen, wirelen, pkt);
    if (hlen == 0) {
        return 0;
    }
    (void)fast_options(pkt, frame, caplen, pkt->l4_offset + (size_t)TCP_HDR, hlen - TCP_HDR);
    return 1;
}

/* A frame the fast path declined after fast_start(): the layered decoder,
 * from the arguments kept in the view (wirelen as normalized, which the
 * layered decoder leaves as it is). Out of line, so that the fast path need
 * not keep them in registers. */
RARE static tcpstate_status fast_declined(tcpstate_packet *pkt, const tcpstate_decode_options *opt)
{
    return tcpstate__decode_layered(pkt->linktype, pkt->frame, pkt->caplen, pkt->wirelen, opt, pkt);
}

/* An untagged Ethernet and IPv4 frame the inline path gave back
 * (FAST_AGAIN): its IP packet cut by the capture, or its length below the
 * headers' (which the general path declines). Out of line: full captures,
 * the usual kind, never come here. */
RARE static tcpstate_status fast_again(tcpstate_packet *pkt, const tcpstate_decode_options *opt)
{
    const uint8_t *p = pkt->frame;
    size_t caplen = pkt->caplen;
    size_t hlen = fast_ipv4(pkt, p, caplen, pkt->wirelen, ETH_HDR, FAST_PLAIN);
    return hlen == 0 ? fast_declined(pkt, opt)
                     : fast_options(pkt, p, caplen, ETH_HDR + IPV4_HDR + TCP_HDR, hlen - TCP_HDR);
}

/* The frames fast_or_layered() does not take inline: VLAN-tagged, raw IP,
 * IPv6 (untagged Ethernet with constant offsets, as IPv4 is there). */
RARE static tcpstate_status fast_other(uint32_t linktype, const uint8_t *p, size_t caplen,
                                       size_t wirelen, const tcpstate_decode_options *opt,
                                       tcpstate_packet *pkt)
{
    size_t hlen;
#if !defined(TCPSTATE_NO_IPV6)
    if (linktype == TCPSTATE_LINKTYPE_ETHERNET && caplen >= ETH_HDR + IPV6_HDR + TCP_HDR &&
        rd16(p + 12) == 0x86DD) {
        hlen = fast_ipv6(pkt, p, caplen, wirelen, ETH_HDR);
        return hlen == 0
                   ? fast_declined(pkt, opt)
                   : fast_options(pkt, p, caplen, ETH_HDR + IPV6_HDR + TCP_HDR, hlen - TCP_HDR);
    }
#endif
    hlen = fast_decode(linktype, p, caplen, wirelen, pkt);
    return hlen == 0
               ? fast_declined(pkt, opt)
               : fast_options(pkt, p, caplen, pkt->l4_offset + (size_t)TCP_HDR, hlen - TCP_HDR);
}

tcpstate_status tcpstate__decode_fast_or_layered(uint32_t linktype, const uint8_t *frame,
                                                 size_t caplen, size_t wirelen,
                                                 const tcpstate_decode_options *opt,
                                                 tcpstate_packet *pkt)
{
    /* Checksums are verified by the layered decoder only. */
    if ((opt != NULL && (opt->flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS) != 0) ||
        !fast_start(linktype, frame, caplen, &wirelen, pkt)) {
        return tcpstate__decode_layered(linktype, frame, caplen, wirelen, opt, pkt);
    }
    /* Untagged Ethernet and IPv4, the commonest frame, with the offsets as
     * constants and no other case's values in registers. Every exit is a
     * jump: to the layered decoder, the option walker, or the return. */
    if (linktype == TCPSTATE_LINKTYPE_ETHERNET && caplen >= ETH_HDR + IPV4_HDR + TCP_HDR &&
        fast_eth_ipv4(frame)) {
        size_t hlen = fast_ipv4(pkt, frame, caplen, wirelen, ETH_HDR, FAST_PLAIN | FAST_WHOLE);
        if (hlen == TCP_HDR) { /* no options: the commonest segment */
            return TCPSTATE_OK;
        }
        if (hlen > TCP_HDR) {
            return fast_options(pkt, frame, caplen, ETH_HDR + IPV4_HDR + TCP_HDR, hlen - TCP_HDR);
        }
        return hlen == FAST_AGAIN ? fast_again(pkt, opt) : fast_declined(pkt, opt);
    }
    return fast_other(linktype, frame, caplen, wirelen, opt, pkt);
}

#else
typedef int tcpstate__decode_fast_left_out; /* ISO C: no empty translation unit */
#endif
