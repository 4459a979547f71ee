/* SPDX-License-Identifier: BSD-2-Clause */
/* Keyed hash of flow keys. */
#ifndef TCPSTATE_HASH_H
#define TCPSTATE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-1-3 (Aumasson & Bernstein; 1 compression round, 3 finalization
 * rounds) of `len` bytes under a 128-bit key. A keyed PRF: without the key,
 * nobody can aim many flows at one bucket. */
uint64_t tcpstate__siphash13(const uint8_t key[16], const void *data, size_t len);

/* SipHash's state after keying, computed once per engine. */
struct tcpstate_sipkey {
    uint64_t v[4];
};
void tcpstate__sipkey_init(struct tcpstate_sipkey *k, const uint8_t key[16]);

/* SipHash-1-3 of 8 < len < 16 bytes given as two little-endian words (w0
 * holds bytes 0-7, w1 bytes 8 to len - 1 and zeros above): the value
 * tcpstate__siphash13() gives for those bytes, without a byte loop, in two
 * blocks (the second carries the length). */
uint64_t tcpstate__siphash13_short(const struct tcpstate_sipkey *k, uint64_t w0, uint64_t w1,
                                   unsigned len);

/* SipHash-1-3 of `len` bytes under a key prepared by tcpstate__sipkey_init(). */
uint64_t tcpstate__siphash13_key(const struct tcpstate_sipkey *k, const void *data, size_t len);

#endif
