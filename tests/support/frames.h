/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Frame builder for tests, fuzz seeds, benchmarks and the demo capture.
 *
 * A test says what a frame is (link type, tags, addresses, flags, options)
 * and the builder writes the bytes, with correct lengths and checksums unless
 * told otherwise. Tests that need a malformed frame build a valid one and then
 * break a byte at an offset the layout reports, so no test carries
 * unexplained hex.
 */
#ifndef TCPSTATE_TEST_FRAMES_H
#define TCPSTATE_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "tcpstate.h"

enum {
    FB_MAX_VLAN = 8,  /* more than the decoder accepts, to test its limit */
    FB_MAX_MPLS = 12,
    FB_MAX_EXT = 12,
    FB_MAX_SHIM = 4,  /* more than the decoder accepts, to test its limit */
    FB_MAX_FRAME = 70000 /* a jumbogram's worth plus headers */
};

/* One IPv6 extension header. The builder writes next-header and the length
 * byte; `body` holds the bytes after those two. */
struct fb_ext {
    uint8_t type;          /* 0 hop-by-hop, 43 routing, 44 fragment, 60 destination options,
                              51 AH, or any value (to test unknown ones) */
    uint16_t len;          /* total bytes including the 2-byte prefix: a multiple of 8
                              (AH: of 4); 0 means 8 */
    const uint8_t *body;   /* len - 2 bytes, or NULL for zeros (valid PadN for options) */
};

/* A header that carries the next ethertype after some bytes of its own. The
 * builder writes its type field (or the link header does, for the first one
 * after a Linux cooked header), then:
 *   0x8903 FabricPath: FTag/TTL (low 16 bits of tag), inner dst and src MAC;
 *   0x88E7 PBB:        I-TAG TCI (tag), inner dst and src MAC;
 *   0x8926 VN-Tag:     the 4 tag bytes (tag);
 * and the next type field belongs to whatever follows. */
struct fb_shim {
    uint16_t type;
    uint8_t after_vlan;  /* VLAN tags of the spec written before it (outer ones); shims with
                            the same value keep their order */
    uint32_t tag;
};

struct frame_spec {
    uint32_t linktype;     /* TCPSTATE_LINKTYPE_*; 0 is NULL, so set it explicitly */

    /* Ethernet-level encapsulation, outermost first (Ethernet and SLL types). */
    uint8_t n_vlan;
    uint16_t vlan[FB_MAX_VLAN];      /* ids */
    uint16_t vlan_tpid[FB_MAX_VLAN]; /* 0 means 0x8100 */
    uint8_t n_mpls;
    uint32_t mpls[FB_MAX_MPLS];      /* labels; bottom-of-stack set on the last */
    int pppoe;                       /* PPPoE session + PPP protocol field */
    uint16_t pppoe_session;
    int snap;                        /* 802.3 length + LLC/SNAP header instead of a type */
    uint32_t null_family;            /* NULL/LOOP family word; 0 picks 2 or 24 by IP version */
    int null_swapped;                /* NULL: write the family in big-endian order */

    /* IP. Addresses in text form; IPv6 if the source contains ':'. */
    const char *src;                 /* NULL means 10.0.0.1 */
    const char *dst;                 /* NULL means 10.0.0.2 */
    uint8_t ttl;                     /* 0 means 64 */
    uint16_t ip_id;
    const uint8_t *ip4_opts;         /* IPv4 options, ip4_opts_len a multiple of 4 (<= 40) */
    size_t ip4_opts_len;
    uint8_t n_ext;                   /* IPv6 extension headers, in order */
    struct fb_ext ext[FB_MAX_EXT];
    int fragment;                    /* IPv4: set MF/offset; IPv6: append a fragment header */
    uint16_t frag_offset;            /* in 8-byte units */
    int more_fragments;
    uint8_t ip_proto;                /* 0 means TCP (6) */

    /* TCP */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint16_t flags;                  /* TCPSTATE_TH_* */
    uint16_t window;                 /* 0 means 65535 unless window_zero */
    int window_zero;
    uint16_t urgent;
    const uint8_t *tcp_opts;         /* raw option bytes; padded with EOL to 4 */
    size_t tcp_opts_len;             /* <= 40 */
    const uint8_t *payload;          /* NULL: payload_len bytes of a fixed pattern */
    size_t payload_len;

    /* Deliberate damage and extras. */
    int bad_ip_csum;                 /* write a wrong IPv4 header checksum */
    int bad_tcp_csum;                /* write a wrong TCP checksum */
    int zero_tcp_csum;               /* leave the TCP checksum 0 (offload) */
    size_t trailer;                  /* link padding after the IP packet (zeros) */

    /* Appended; zero leaves every frame above as it was. */
    uint8_t n_shim;                  /* FabricPath / PBB / VN-Tag headers (Ethernet, SLL types) */
    struct fb_shim shim[FB_MAX_SHIM];
    int ip4_len_zero;                /* IPv4 total length 0, as segmentation offload leaves it
                                        in captures on the sending host (the header checksum
                                        is computed over the zero) */
};

/* Where things landed in a built frame. */
struct frame_layout {
    size_t len;     /* frame length */
    size_t l3;      /* IP header offset */
    size_t l4;      /* TCP header offset */
    size_t payload; /* payload offset */
};

/* Outer layers around an inner frame (issue 8: tunnels and link types). The
 * builder writes `link` bytes, then (proto != 0) an outer IPv4 or IPv6
 * header from 192.0.2.1 to 192.0.2.2 (2001:db8:f::1 to ::2) with its length
 * and checksum computed, then (proto 17) a UDP header with its length and a
 * zero checksum, then the `tun` bytes, then the inner bytes. With proto 0
 * only the link bytes, tunnel bytes and inner bytes are written. */
struct fb_wrap {
    const uint8_t *link;
    size_t link_len;
    int outer_v6;
    uint8_t proto;        /* 0, 4, 41, 47 or 17 */
    uint16_t sport, dport;
    const uint8_t *tun;
    size_t tun_len;
};
/* Returns the frame length (0 if it does not fit); *inner_off gets where the
 * inner bytes start and *udp_off where the UDP header starts (0 if none). */
size_t frame_wrap(const struct fb_wrap *w, const uint8_t *inner, size_t inner_len, uint8_t *out,
                  size_t cap, size_t *inner_off, size_t *udp_off);

/* Build the frame into out[0..cap). Returns its length, or 0 if it does not fit
 * or the spec is impossible (bad address text, options too long). `lay` may be NULL. */
size_t frame_build(const struct frame_spec *spec, uint8_t *out, size_t cap,
                   struct frame_layout *lay);

/* TCP option writers: append one option at p, return bytes written. */
size_t tcpopt_mss(uint8_t *p, uint16_t mss);
size_t tcpopt_wscale(uint8_t *p, uint8_t shift);
size_t tcpopt_sack_perm(uint8_t *p);
size_t tcpopt_sack(uint8_t *p, const uint32_t *left, const uint32_t *right, unsigned n);
size_t tcpopt_timestamp(uint8_t *p, uint32_t val, uint32_t ecr);
size_t tcpopt_tfo(uint8_t *p, const uint8_t *cookie, uint8_t len); /* len 0: request */
size_t tcpopt_nop(uint8_t *p);

/* The common case for tracker tests: Ethernet + IPv4 or IPv6 + TCP.
 * Endpoints are "a.b.c.d:port" or "[v6addr]:port". Options and payload
 * default to none / a pattern of payload_len bytes. */
struct seg {
    size_t len;
    uint8_t bytes[2048];
};
struct seg seg_make(const char *from, const char *to, uint16_t flags, uint32_t seq, uint32_t ack,
                    size_t payload_len);
/* Same, starting from a spec the caller filled (options, window, ...);
 * from/to override the spec's addresses and ports. */
struct seg seg_make_spec(const char *from, const char *to, struct frame_spec spec);

/* Parse "a.b.c.d:port" / "[v6]:port" into text address + port (for callers that
 * fill a spec). Returns 0 on success. `addr` must hold 64 bytes. */
int endpoint_parse(const char *ep, char *addr, uint16_t *port);

/* Internet checksum helpers (one's complement sum), exposed for tests that
 * craft checksums by hand. */
uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n);
uint16_t csum_fold(uint32_t sum);

/* Minimal pcap writer (classic format, microsecond or nanosecond stamps). */
struct pcap_writer {
    void *fp;       /* FILE *, kept opaque so users need not include stdio */
    int nanos;
};
int pcap_open_write(struct pcap_writer *w, const char *path, uint32_t linktype, uint32_t snaplen,
                    int nanos);
int pcap_write(struct pcap_writer *w, uint64_t ts_ns, const uint8_t *frame, size_t caplen,
               size_t wirelen);
int pcap_close_write(struct pcap_writer *w);

/* Decode a copy of frame[0..caplen) placed by guard_copy() so that its last
 * byte is the last readable one: an over-read faults at once. The copy (and
 * so every pointer in pkt) stays valid until guard_free(g). Aborts if the
 * mapping fails. */
struct guard;
tcpstate_status frame_decode(struct guard *g, uint32_t linktype, const uint8_t *frame,
                             size_t caplen, size_t wirelen, uint32_t flags, tcpstate_packet *pkt);

#endif
