/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The division-free quotients of src/divfree.h against the `/` operator
 * (which the test may use: only the library must do without it): boundaries
 * of every rounding step, powers of two and a long pseudo-random sweep.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "compact.h"
#include "divfree.h"

static uint64_t rng_state = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t rng(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

/* What track.c computed before: floor((ns + 500) / 1000), then the u16f code. */
static uint16_t old_code(uint64_t ns)
{
    uint64_t gap = (ns + 500u) / 1000u;
    return u16f_encode(gap == 0 ? 1 : gap);
}

static void check_us(uint64_t ns)
{
    uint64_t got = ns_to_us_round(ns);
    uint64_t want = (ns + 500u) / 1000u;
    if (want < DIVFREE_US_CAP) {
        cr_assert(eq(u64, got, want), "ns %llu", (unsigned long long)ns);
    } else {
        cr_assert(eq(u64, got, DIVFREE_US_CAP), "ns %llu", (unsigned long long)ns);
    }
    /* What the flow record keeps is unchanged either way. */
    uint16_t code = u16f_encode(got == 0 ? 1 : got);
    cr_assert(eq(u16, code, old_code(ns)), "ns %llu", (unsigned long long)ns);
}

Test(divfree, ns_to_us_matches_division_at_every_rounding_edge)
{
    for (uint64_t k = 0; k < 200000; k++) {
        uint64_t edge = k * 1000u + 500u; /* where the rounded value steps */
        check_us(edge - 1u);
        check_us(edge);
        check_us(edge + 1u);
    }
    /* Edges near the top of the exact range, where the estimate is worst. */
    for (uint64_t us = DIVFREE_US_CAP - 100000u; us <= DIVFREE_US_CAP + 10u; us++) {
        check_us(us * 1000u - 501u);
        check_us(us * 1000u - 500u);
        check_us(us * 1000u - 499u);
        check_us(us * 1000u + 499u);
    }
}

Test(divfree, ns_to_us_matches_division_on_powers_of_two_and_random_values)
{
    for (unsigned b = 0; b < 64; b++) {
        uint64_t p = UINT64_C(1) << b;
        check_us(p - 1u);
        check_us(p);
        check_us(p + 1u);
    }
    for (unsigned i = 0; i < 2000000; i++) {
        uint64_t v = rng();
        check_us(v >> 26);     /* up to 2^38 ns: past the clamp */
        check_us(v >> 30);     /* the exact range */
        check_us(v % 200000u); /* small handshakes */
    }
}

static void check_div(uint64_t n, uint64_t d)
{
    cr_assert(eq(u64, udiv64_slow(n, d), n / d), "%llu / %llu", (unsigned long long)n,
              (unsigned long long)d);
}

Test(divfree, udiv64_slow_matches_division)
{
    const uint64_t divisors[] = {1,
                                 3,
                                 1000,
                                 UINT64_C(6000000000),
                                 UINT64_C(0xFFFFFFFF),
                                 UINT64_C(0x100000000),
                                 UINT64_C(0x8000000000000000),
                                 UINT64_C(0x8000000000000001),
                                 UINT64_MAX};
    for (size_t k = 0; k < sizeof divisors / sizeof *divisors; k++) {
        uint64_t d = divisors[k];
        check_div(0, d);
        check_div(d - 1u, d);
        check_div(d, d);
        check_div(UINT64_MAX, d);
        check_div(UINT64_MAX - 1u, d);
        for (unsigned i = 0; i < 20000; i++) {
            check_div(rng(), d);
            check_div(rng() >> (i % 64u), d);
        }
    }
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t d = rng() >> (i % 64u);
        check_div(rng(), d == 0 ? 1 : d);
    }
}
