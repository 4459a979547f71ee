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

#endif
