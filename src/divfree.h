/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 64-bit quotients without a 64-bit division instruction. 32-bit targets
 * have none, so `a / b` on uint64_t becomes a call to a runtime helper
 * (__aeabi_uldivmod on ARM, __udivdi3 elsewhere) that a firmware image may
 * not want to carry (issue 9). The library's few 64-bit quotients are
 * written with these instead; each is exact, and tests/test_divfree.c checks
 * them against the `/` operator.
 */
#ifndef TCPSTATE_DIVFREE_H
#define TCPSTATE_DIVFREE_H

#include <stdint.h>

/* Durations of 2^27 us (134 s) and more all encode as the saturated u16f
 * minifloat (compact.h), so ns_to_us_round() stops there. */
#define DIVFREE_US_CAP (UINT64_C(1) << 27)

/* floor((ns + 500) / 1000): nanoseconds to microseconds, rounded to nearest,
 * clamped to DIVFREE_US_CAP.
 *
 * Why it is exact: below the clamp z = ns + 500 < 2^37, and
 * floor(z / 1000) = floor(floor(z / 8) / 125) with w = z >> 3 < 2^34. With
 * M = floor(2^35 / 125) = 274877906 the estimate q = (w * M) >> 35 (w * M <
 * 2^63: no overflow) never exceeds floor(w / 125) and falls short of it by
 * w * (2^35 / 125 - M) / 2^35 < 2^34 * 0.95 / 2^35 < 1, so by at most one,
 * which the remainder test corrects. Only multiplies and shifts. */
static inline uint64_t ns_to_us_round(uint64_t ns)
{
    if (ns >= DIVFREE_US_CAP * 1000u - 500u) {
        return DIVFREE_US_CAP;
    }
    uint64_t z = ns + 500u;
    uint64_t q = ((z >> 3) * UINT64_C(274877906)) >> 35;
    if (z - q * 1000u >= 1000u) {
        q++;
    }
    return q;
}

/* floor(n / d) for d > 0, by shift and subtract: 64 rounds of constant
 * shifts, so neither a division nor a variable 64-bit shift (a helper call on
 * Cortex-M0) is needed. For rare paths only (Zeek timer re-arming). */
static inline uint64_t udiv64_slow(uint64_t n, uint64_t d)
{
    uint64_t q = 0, r = 0;
    for (unsigned i = 0; i < 64; i++) {
        uint64_t carry = r >> 63; /* r << 1 would lose this bit (only if d >= 2^63) */
        r = (r << 1) | (n >> 63);
        n <<= 1;
        q <<= 1;
        if (carry != 0 || r >= d) {
            r -= d;
            q |= 1u;
        }
    }
    return q;
}

#endif
