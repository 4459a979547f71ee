/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unsigned "minifloats": a value kept as mantissa << exponent in a small
 * integer, exact while it fits the mantissa and within 2^-mantissa_bits
 * relative error beyond. The flow record uses them for durations, so that a
 * tracked flow fits the 128-byte budget (see flowtable.h).
 *
 *   u32f: 27-bit mantissa, 5-bit exponent. Durations in ns: exact below
 *         2^27 ns (134 ms), then within 7.5e-9 relative (under 1 us up to
 *         2 minutes), up to 2^58 ns (9 years).
 *   u16f: 12-bit mantissa, 4-bit exponent. Round-trip times in us: exact
 *         below 4.096 ms, then within 0.025 %, up to 134 s.
 * Larger values saturate. Encoding rounds down and is monotonic.
 */
#ifndef TCPSTATE_COMPACT_H
#define TCPSTATE_COMPACT_H

#include <stdint.h>

/* Significant bits of v (0 for 0). */
static inline unsigned bit_length64(uint64_t v)
{
#if defined(__GNUC__)
    return v != 0 ? 64u - (unsigned)__builtin_clzll(v) : 0u;
#else
    unsigned n = 0;
    while (v != 0) {
        n++;
        v >>= 1;
    }
    return n;
#endif
}

static inline uint64_t ufloat_encode(uint64_t v, unsigned mant_bits, unsigned exp_max)
{
    if (v <= (UINT64_C(1) << mant_bits) - 1) {
        /* exact: the common case (a flow's age, per packet), without a bit
         * scan; a compare with the constant (not a shift and a test of the
         * high bits) is one instruction fewer on x86-64 */
        return v;
    }
    unsigned len = bit_length64(v);
    unsigned e = len - mant_bits;
    if (e > exp_max) {
        return ((uint64_t)exp_max << mant_bits) | ((UINT64_C(1) << mant_bits) - 1); /* saturate */
    }
    return ((uint64_t)e << mant_bits) | (v >> e);
}

static inline uint64_t ufloat_decode(uint64_t code, unsigned mant_bits)
{
    uint64_t mant = code & ((UINT64_C(1) << mant_bits) - 1);
    return mant << (code >> mant_bits);
}

#define U32F_EXACT_MAX ((UINT64_C(1) << 27) - 1) /* u32f_encode(v) == v up to this */
static inline uint32_t u32f_encode(uint64_t v) { return (uint32_t)ufloat_encode(v, 27, 31); }
static inline uint64_t u32f_decode(uint32_t c) { return ufloat_decode(c, 27); }
static inline uint16_t u16f_encode(uint64_t v) { return (uint16_t)ufloat_encode(v, 12, 15); }
static inline uint64_t u16f_decode(uint16_t c) { return ufloat_decode(c, 12); }

#endif
