/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guard-page buffers: bytes placed so that the last one is the last readable
 * byte before a PROT_NONE page. A decoder that reads one byte too far faults
 * at once, with or without AddressSanitizer.
 */
#ifndef TCPSTATE_TEST_GUARD_H
#define TCPSTATE_TEST_GUARD_H

#include <stddef.h>
#include <stdint.h>

struct guard {
    void *map;      /* whole mapping: data pages + one guard page */
    size_t map_len;
};

/* Copy len bytes (len may be 0) to the end of fresh readable pages followed by
 * a guard page. Returns the copy, or NULL if mapping failed. Release with guard_free(). */
const uint8_t *guard_copy(struct guard *g, const void *src, size_t len);

/* Unmap what guard_copy() mapped; safe on a zeroed struct. */
void guard_free(struct guard *g);

#endif
