/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4), written once.
 *
 * "a < b" means a lies in the half of the sequence space just before b
 * (exactly 2^31 apart the order is undefined, RFC 1982 §3.2: each number
 * then compares below the other). The
 * mask form ((a - b) & 2^31) needs no signed conversion, so it is portable C
 * (converting an out-of-range value to int32_t is implementation-defined).
 */
#ifndef TCPSTATE_SEQ_H
#define TCPSTATE_SEQ_H

#include <stdint.h>

static inline int seq_lt(uint32_t a, uint32_t b) { return ((a - b) & 0x80000000u) != 0; }
/* a == b || seq_lt(a, b) as one compare, so that no branch waits on which
 * holds: with d = a - b, d - 1 wraps to 2^32 - 1 for d == 0 and lies in
 * [2^31 - 1, 2^32 - 2] for d >= 2^31 (seq_lt()), below 2^31 - 1 otherwise. */
static inline int seq_le(uint32_t a, uint32_t b) { return a - b - 1u >= 0x7FFFFFFFu; }
static inline int seq_gt(uint32_t a, uint32_t b) { return seq_lt(b, a); }
static inline int seq_ge(uint32_t a, uint32_t b) { return seq_le(b, a); }

/* lo <= x < lo + len, modulo 2^32 (the window test of RFC 9293 §3.10.7.4). */
static inline int seq_in_window(uint32_t x, uint32_t lo, uint32_t len) { return x - lo < len; }

/* Sequence numbers a segment occupies: its payload, plus one each for SYN and
 * FIN (RFC 9293 §3.4: "SEG.LEN = the number of octets occupied by the data
 * in the segment (counting SYN and FIN)"). */
static inline uint32_t seq_seg_len(uint32_t payload_len, int syn, int fin)
{
    return payload_len + (syn ? 1u : 0u) + (fin ? 1u : 0u);
}

#endif
