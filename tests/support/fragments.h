/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IP fragmenter for tests and fuzz seeds (issue 8): cuts one fragment out of
 * a whole IPv4 or IPv6 packet built by the frame builder, keeping the frame's
 * link-layer prefix, so tests can feed a datagram in pieces, in any order,
 * with overlaps or gaps, and compare with feeding it whole.
 */
#ifndef TCPSTATE_TEST_FRAGMENTS_H
#define TCPSTATE_TEST_FRAGMENTS_H

#include <stddef.h>
#include <stdint.h>

/* Write into out[0..cap) the fragment carrying data bytes [off, off + n) of
 * the IP packet at frame + l3 (which must be whole and unfragmented). IPv4:
 * the header is copied with the fragment fields, length and checksum set;
 * IPv6: a fragment header is inserted after the hop-by-hop, routing and
 * destination options headers (the unfragmentable part). `data` (if not NULL) replaces the bytes
 * carried, for overlap tests. Returns the fragment's length, 0 if it does not fit. */
size_t frag_make(const uint8_t *frame, size_t l3, uint32_t off, uint32_t n, int more, uint32_t id,
                 const uint8_t *data, uint8_t *out, size_t cap);

/* Bytes of IP payload in the packet at frame + l3 (for IPv6 without extension
 * headers, the fragmentable part). */
uint32_t frag_payload_len(const uint8_t *frame, size_t l3);

#endif
