/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every decoder suite needs, included once at the top of each
 * tests/test_decode_*.c: the buffer a frame is built into, its layout, the
 * decoded view, and decoding it from a guard-page copy (the frame's last byte
 * is the last readable one, so any over-read faults at once).
 */
#ifndef TCPSTATE_TEST_DECODE_SUITE_H
#define TCPSTATE_TEST_DECODE_SUITE_H

#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "support/frames.h"
#include "support/guard.h"
#include "tcpstate.h"

/* Status names, not numbers, in failure messages. */
#define assert_status(got, want)                                                                   \
    cr_assert(eq(str, (char *)tcpstate_status_name(got), (char *)tcpstate_status_name(want)))

static uint8_t buf[FB_MAX_FRAME];
static struct frame_layout lay;
static struct guard guard;
static tcpstate_packet pkt;

/* Build a frame into buf (and lay); the spec must be buildable. */
static inline size_t build(const struct frame_spec *s)
{
    size_t n = frame_build(s, buf, sizeof buf, &lay);
    cr_assert(gt(sz, n, 0), "frame_build failed");
    return n;
}

/* Decode the first caplen bytes of buf into pkt, from a guard-page copy. */
static inline tcpstate_status decode_buf(uint32_t linktype, size_t caplen, size_t wirelen,
                                         uint32_t flags)
{
    guard_free(&guard);
    return frame_decode(&guard, linktype, buf, caplen, wirelen, flags, &pkt);
}

/* Overwrite a big-endian 16-bit field of the built frame. */
static inline void put16(size_t off, unsigned v)
{
    buf[off] = (uint8_t)(v >> 8);
    buf[off + 1] = (uint8_t)v;
}

#endif
