/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory sizes (issue 9, and issue 10 finding 6): TCPSTATE_STATIC_BYTES()
 * bounds tcpstate_footprint() within 5% for every capacity; sizes are
 * computed in 64 bits, so a configuration a 32-bit size_t cannot count is
 * refused rather than wrapped; a small engine is small; and the server-port
 * set is exactly the configured one in each of its three forms. Runs on
 * every CI target (x86-64, armhf, s390x).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "engine.h"
#include "support/options.h"
#include "tcpstate.h"

/* The configuration TCPSTATE_STATIC_BYTES() describes: the defaults without
 * IP reassembly (which TCPSTATE_STATIC_REASM_BYTES() covers). */
static tcpstate_config config(uint32_t flows, uint32_t user_bytes, int history)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.reasm_contexts = 0;
    cfg.max_flows = flows;
    cfg.flow_user_bytes = user_bytes;
    if (history) {
        cfg.flags |= TCPSTATE_F_HISTORY;
    }
    return cfg;
}

/* The bound for one configuration (batch_max 16, the default, goes through
 * TCPSTATE_STATIC_BYTES(), others through TCPSTATE_STATIC_BYTES_BATCH()). */
static void check_bound(uint32_t flows, uint32_t user_bytes, int history, uint32_t batch)
{
    tcpstate_config cfg = config(flows, user_bytes, history);
    cfg.batch_max = batch;
    uint32_t extra = ((user_bytes + 7u) & ~7u) + (history ? TCPSTATE_HISTORY_BYTES : 0u);
    size_t fp = tcpstate_footprint(&cfg);
    size_t bound = batch == 16 ? TCPSTATE_STATIC_BYTES(flows, extra)
                               : TCPSTATE_STATIC_BYTES_BATCH(flows, extra, batch);
    uint64_t bound64 = TCPSTATE_STATIC_U64_(flows, extra, batch);
    if (fp == 0) {
        /* Only a configuration beyond size_t may be refused, and the macro
         * must then saturate rather than wrap. */
        cr_assert(eq(sz, sizeof(size_t), 4), "flows %u extra %u refused", flows, extra);
        cr_assert(eq(sz, bound, SIZE_MAX), "flows %u extra %u: macro wrapped", flows, extra);
        /* Within 5% it must really be too big: the bound is at most 5% above. */
        cr_assert(bound64 > (uint64_t)SIZE_MAX, "flows %u extra %u", flows, extra);
        return;
    }
    cr_assert(le(sz, fp, bound), "flows %u extra %u: footprint %zu > bound %zu", flows, extra, fp,
              bound);
    cr_assert(le(u64, (uint64_t)bound * 100u, (uint64_t)fp * 105u),
              "flows %u extra %u: bound %zu more than 5%% above footprint %zu", flows, extra, bound,
              fp);
}

Test(sizes, static_bytes_within_5_percent_of_the_footprint_for_every_capacity)
{
    static const uint32_t users[] = {0, 1, 8, 64, 4096};
    static const uint32_t batches[] = {16, 0, 1, 256};
    unsigned points = 0;
    for (size_t k = 0; k < sizeof users / sizeof *users * 2 * 4; k++) {
        uint32_t user = users[k / 8], batch = batches[k % 4];
        int h = (int)(k / 4 % 2);
        if (h && !IF_ZEEK(1)) {
            continue; /* history is refused without the Zeek emulation */
        }
        {
            for (uint32_t n = 1; n <= 2048; n++) { /* every small capacity */
                check_bound(n, user, h, batch);
                points++;
            }
            for (uint64_t n = 2048; n <= (UINT64_C(1) << 28); n += n / 64u + 1u) {
                check_bound((uint32_t)n, user, h, batch);
                points++;
            }
            for (unsigned b = 11; b <= 28; b++) { /* each power of two and its neighbours */
                uint32_t p = 1u << b;
                check_bound(p - 1u, user, h, batch);
                check_bound(p, user, h, batch);
                if (b < 28) {
                    check_bound(p + 1u, user, h, batch);
                }
                points += 3;
            }
        }
    }
    cr_log_info("%u configurations checked", points);
}

Test(sizes, static_bytes_is_a_compile_time_constant_that_holds_an_engine)
{
    static _Alignas(1) uint8_t mem[TCPSTATE_STATIC_BYTES(64, 0) + 1];
    tcpstate_config cfg = config(64, 0, 0);
    tcpstate_engine *e;
    /* At an odd address too: the bound includes the alignment slack. */
    cr_assert(eq(int, tcpstate_init(mem + 1, sizeof mem - 1, &cfg, NULL, NULL, &e), TCPSTATE_OK));
}

/* As a small target configures it: no batch workspace, no reassembly. */
Test(sizes, a_64_flow_engine_fits_in_10_KiB_and_the_fixed_cost_in_2_KiB_plus_aes_keys)
{
    tcpstate_config cfg = config(64, 0, 0);
    cfg.batch_max = 0;
    size_t fp64 = tcpstate_footprint(&cfg);
    cfg.max_flows = 1;
    size_t fp1 = tcpstate_footprint(&cfg);
    cr_log_info("footprint: %zu bytes for 64 flows, %zu for 1 flow", fp64, fp1);
    cr_assert(le(sz, fp64, 10240));
    /* Engine, slack, the minimum index and one record; on x86-64 also the
     * flow hash's AES round keys (src/hash_aes.h), which small targets do
     * not have. */
    cr_assert(le(sz, fp1, 2048u + TCPSTATE_STATIC_HASH_));
}

/* Issue 10 finding 6: on 32 bits, 35,791,395 flows with history once gave a
 * footprint of 178,966,311 bytes and tcpstate_init() wrote past it. */
static unsigned allocs;
static void *count_alloc(void *ctx, size_t size)
{
    (void)ctx;
    (void)size;
    allocs++;
    return NULL;
}
static void no_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)ptr;
    (void)size;
}

Test(sizes, configurations_beyond_size_t_are_refused_not_wrapped)
{
    static uint8_t small[4096];
    static const uint32_t flows[] = {35791395u, 1u << 28, (1u << 28) - 1u, 33554432u};
    for (size_t i = 0; i < sizeof flows / sizeof *flows; i++) {
        for (int h = 0; h <= (int)IF_ZEEK(1); h++) { /* history needs the emulation */
            tcpstate_config cfg = config(flows[i], h ? 4096u : 0u, h);
            uint64_t need =
                TCPSTATE_STATIC_U64_(flows[i], h ? 4096u + TCPSTATE_HISTORY_BYTES : 0u, 16u);
            size_t fp = tcpstate_footprint(&cfg);
            if (sizeof(size_t) == 4 && need / 105u * 100u > UINT32_MAX) {
                cr_assert(eq(sz, fp, 0), "flows %u: footprint %zu on 32 bits", flows[i], fp);
                tcpstate_engine *e = NULL;
                /* Whatever length the caller claims, init refuses before writing. */
                cr_assert(eq(int, tcpstate_init(small, (size_t)178966311u, &cfg, NULL, NULL, &e),
                             TCPSTATE_E_INVAL));
                cr_assert(eq(int, tcpstate_init(small, SIZE_MAX, &cfg, NULL, NULL, &e),
                             TCPSTATE_E_INVAL));
                cr_assert_null(e);
                tcpstate_allocator a = {count_alloc, no_free, NULL};
                allocs = 0;
                cr_assert(eq(int, tcpstate_create(&cfg, NULL, NULL, &a, &e), TCPSTATE_E_INVAL));
                cr_assert(eq(u32, allocs, 0));
            } else if (sizeof(size_t) == 8) {
                cr_assert(ge(sz, fp, ((size_t)need * 100u / 105u) + 1), "flows %u", flows[i]);
            }
        }
    }
}

/* ------------------------------------------------------------------ server ports */

static _Alignas(64) uint8_t engine_mem[1 << 18];

static tcpstate_engine *engine_with_ports(const uint16_t *ports, uint32_t n)
{
    tcpstate_config cfg = config(16, 0, 0);
    cfg.server_ports = ports;
    cfg.n_server_ports = n;
    tcpstate_engine *e = NULL;
    cr_assert(
        eq(int, tcpstate_init(engine_mem, sizeof engine_mem, &cfg, NULL, NULL, &e), TCPSTATE_OK));
    /* The caller's list costs exactly what the macro says. */
    tcpstate_config plain = config(16, 0, 0);
    if (ports != NULL) {
        cr_assert(eq(sz, tcpstate_footprint(&cfg) - tcpstate_footprint(&plain),
                     TCPSTATE_STATIC_PORT_BYTES(n)));
    }
    return e;
}

static void expect_set(const tcpstate_engine *e, const uint8_t want[65536])
{
    for (uint32_t p = 0; p < 65536; p++) {
        cr_assert(eq(int, tcpstate__is_server_port(e, (uint16_t)p), want[p]), "port %u", p);
    }
}

static uint8_t want[65536];

Test(sizes, the_default_server_ports_are_the_ports_below_1024_and_the_listed_services)
{
    static const uint16_t services[] = {
        1080, 1194, 1433, 1521, 1723, 1883, 2049, 2181, 2375, 2376,  3128,  3260,
        3268, 3306, 3389, 3690, 4369, 5000, 5060, 5061, 5222, 5269,  5432,  5601,
        5671, 5672, 5900, 5984, 6379, 6443, 6667, 6697, 7001, 8000,  8008,  8080,
        8081, 8443, 8888, 9000, 9042, 9092, 9200, 9300, 9418, 11211, 27017,
    };
    memset(want, 0, sizeof want);
    memset(want, 1, 1024);
    for (size_t i = 0; i < sizeof services / sizeof *services; i++) {
        want[services[i]] = 1;
    }
    expect_set(engine_with_ports(NULL, 0), want);
    /* And it costs no RAM: the same footprint as an empty caller's list. */
    tcpstate_config cfg = config(64, 0, 0);
    size_t with_default = tcpstate_footprint(&cfg);
    static const uint16_t none[1] = {0};
    cfg.server_ports = none;
#ifndef TCPSTATE_NO_SERVER_PORT_LIST
    cr_assert(eq(sz, with_default, tcpstate_footprint(&cfg)));
#else
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0), "a caller's list is refused in this build");
    cr_assert(ge(sz, with_default, 1));
#endif
}

Test(sizes, a_caller_list_is_kept_exactly_unsorted_and_with_duplicates)
{
    NEEDS_SERVER_PORT_LIST();
    static const uint16_t ports[] = {8080, 22, 8080, 65535, 0, 443, 22, 1, 65534, 443};
    memset(want, 0, sizeof want);
    for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
        want[ports[i]] = 1;
    }
    expect_set(engine_with_ports(ports, sizeof ports / sizeof *ports), want);
    static const uint16_t none[1] = {0};
    memset(want, 0, sizeof want);
    expect_set(engine_with_ports(none, 0), want);
}

Test(sizes, long_lists_at_and_beyond_4096_ports)
{
    NEEDS_SERVER_PORT_LIST();
    static uint16_t ports[6000];
    for (uint32_t n = 4095; n <= 4097; n++) {
        memset(want, 0, sizeof want);
        for (uint32_t i = 0; i < n; i++) {
            ports[i] = (uint16_t)((i * 40503u + 7u) & 0xffffu); /* scattered, descending runs */
            want[ports[i]] = 1;
        }
        expect_set(engine_with_ports(ports, n), want);
    }
    memset(want, 0, sizeof want);
    for (uint32_t i = 0; i < 6000; i++) {
        ports[i] = (uint16_t)(65535u - i % 3000u); /* each twice */
        want[ports[i]] = 1;
    }
    expect_set(engine_with_ports(ports, 6000), want);
}
