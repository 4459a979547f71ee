/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the link-type and tunnel suites (issue 8) share on top of
 * decode_suite.h: an inner TCP segment built by the frame builder, outer
 * layers around it (frame_wrap), decoding with options from a guard-page copy,
 * and the sweep that cuts every frame at every byte.
 */
#ifndef TCPSTATE_TEST_ENCAP_SUITE_H
#define TCPSTATE_TEST_ENCAP_SUITE_H

#include <stdlib.h>
#include <string.h>

#include "support/decode_suite.h"

static uint8_t inner[4096];
static struct frame_layout inner_lay;
static size_t inner_off, udp_off;

/* A SYN 5555 -> 443 with 3 payload bytes, as raw IP (linktype RAW) or as
 * an Ethernet frame; returns its length. */
static inline size_t make_inner(uint32_t linktype, int v6)
{
    struct frame_spec s;
    memset(&s, 0, sizeof s);
    s.linktype = linktype;
    s.src = v6 ? "2001:db8::1" : "10.0.0.1";
    s.dst = v6 ? "2001:db8::2" : "10.0.0.2";
    s.sport = 5555;
    s.dport = 443;
    s.flags = TCPSTATE_TH_SYN;
    s.payload_len = 3;
    size_t n = frame_build(&s, inner, sizeof inner, &inner_lay);
    cr_assert(gt(sz, n, 0), "frame_build failed");
    return n;
}

/* Wrap the inner frame of n bytes into buf; returns the frame length. */
static inline size_t wrap(const struct fb_wrap *w, size_t n)
{
    size_t len = frame_wrap(w, inner, n, buf, sizeof buf, &inner_off, &udp_off);
    cr_assert(gt(sz, len, 0), "frame_wrap failed");
    return len;
}

/* Decode buf[0..caplen) with options (NULL: defaults) from a guard-page copy. */
static inline tcpstate_status decode_opt(uint32_t linktype, size_t caplen, size_t wirelen,
                                         const tcpstate_decode_options *o)
{
    guard_free(&guard);
    const uint8_t *copy = guard_copy(&guard, buf, caplen);
    cr_assert(not(eq(ptr, (void *)copy, NULL)));
    return tcpstate_decode_ex(linktype, copy, caplen, wirelen, o, &pkt);
}

/* The inner segment was reached, with its IP header where it was put. */
static inline void assert_inner(unsigned version)
{
    cr_assert(eq(u16, pkt.sport, 5555));
    cr_assert(eq(u16, pkt.dport, 443));
    cr_assert(eq(u32, pkt.payload_len, 3));
    cr_assert(eq(u8, pkt.ip_version, (uint8_t)version));
    cr_assert(eq(u32, pkt.l3_offset, (uint32_t)(inner_off + inner_lay.l3)));
    cr_assert(eq(u32, pkt.l4_offset, (uint32_t)(inner_off + inner_lay.l4)));
}

/*
 * Cut the n-byte frame in buf at every byte, against the guard page. As a
 * snap length (the wire had it all), a cut before the end of the inner TCP
 * header is TCPSTATE_E_TRUNCATED, except before `ports_end` (the end of an
 * outer UDP header, 0 if none), where the frame may just be UDP: then
 * TCPSTATE_SKIP_NOT_TCP is right too; a later cut decodes. As a short frame
 * (wire = cut), a cut before the TCP header never decodes, and every cut
 * gives a defined status.
 */
static inline void sweep_opt(uint32_t linktype, size_t n, size_t ports_end,
                             const tcpstate_decode_options *o)
{
    size_t tcp_end = inner_off + inner_lay.l4 + 20;
    for (size_t cut = 0; cut < n; cut++) {
        tcpstate_status st = decode_opt(linktype, cut, n, o);
        if (cut < tcp_end) {
            cr_assert(st == TCPSTATE_E_TRUNCATED ||
                          (cut < ports_end && st == TCPSTATE_SKIP_NOT_TCP),
                      "snap cut at %zu of %zu: %s", cut, n, tcpstate_status_name(st));
        } else {
            cr_assert(eq(int, st, TCPSTATE_OK), "snap cut at %zu of %zu: %s", cut, n,
                      tcpstate_status_name(st));
        }
        st = decode_opt(linktype, cut, cut, o);
        cr_assert(st >= TCPSTATE_STATUS_MIN && st <= TCPSTATE_STATUS_MAX);
        if (cut < tcp_end) {
            cr_assert(not(eq(int, st, TCPSTATE_OK)), "short frame of %zu decoded", cut);
        }
    }
    guard_free(&guard);
}

static inline void sweep(uint32_t linktype, size_t n, size_t ports_end)
{
    sweep_opt(linktype, n, ports_end, NULL);
}

#endif
