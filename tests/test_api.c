/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public API's contracts: configuration checks, argument checks, the
 * allocator-based convenience pair, names and versions, re-entry rules.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "support/frames.h"
#include "support/options.h"
#include "tcpstate.h"

static _Alignas(64) uint8_t mem[1 << 18];

static tcpstate_config small(void)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 16;
    return cfg;
}

Test(api, config_defaults_are_documented_values)
{
    tcpstate_config cfg;
    memset(&cfg, 0xff, sizeof cfg);
    tcpstate_config_init(&cfg);
    cr_assert(eq(u32, cfg.max_flows, 65536));
    cr_assert(eq(u32, cfg.flags, TCPSTATE_F_PICKUP_MIDSTREAM | TCPSTATE_F_EVICT_ESTABLISHED));
    cr_assert(eq(u64, cfg.timeout_embryonic, UINT64_C(120000000000)));
    cr_assert(eq(u64, cfg.timeout_established, UINT64_C(432000000000000)));
    cr_assert(eq(u64, cfg.timeout_time_wait, UINT64_C(120000000000)));
    cr_assert(eq(u64, cfg.timeout_closed, UINT64_C(10000000000)));
    for (unsigned i = 0; i < 16; i++) {
        cr_assert(eq(u8, cfg.hash_key[i], 0));
    }
    cr_assert_null(cfg.server_ports);
    tcpstate_config_init(NULL); /* harmless */
}

Test(api, invalid_configurations_have_no_footprint)
{
    tcpstate_config cfg = small();
    cr_assert(ge(sz, tcpstate_footprint(&cfg), 1));
    cr_assert(eq(sz, tcpstate_footprint(NULL), 0));
    cfg.max_flows = 0;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
    cfg = small();
    cfg.max_flows = (1u << 28) + 1;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
    cfg = small();
    cfg.flags |= 0x80000000u;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
    cfg = small();
    cfg.timeout_closing = 0;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
    cfg = small();
    cfg.n_server_ports = 3;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0));
    cfg = small();
    cfg.flags |= TCPSTATE_F_ZEEK_LIFETIME;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0), "Zeek lifetimes need the history");
    cfg.flags |= TCPSTATE_F_HISTORY;
#ifndef TCPSTATE_NO_ZEEK
    cr_assert(ge(sz, tcpstate_footprint(&cfg), 1));
#else
    cr_assert(eq(sz, tcpstate_footprint(&cfg), 0), "refused: TCPSTATE_NO_ZEEK");
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &(tcpstate_engine *){0}),
                 TCPSTATE_E_INVAL));
#endif
}

Test(api, history_and_user_bytes_add_to_the_footprint)
{
    NEEDS_ZEEK();
    tcpstate_config cfg = small();
    size_t base = tcpstate_footprint(&cfg);
    cfg.flags |= TCPSTATE_F_HISTORY;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), base + 16 * TCPSTATE_HISTORY_BYTES));
    cfg.flow_user_bytes = 1;
    cr_assert(eq(sz, tcpstate_footprint(&cfg), base + 16 * (TCPSTATE_HISTORY_BYTES + 8)));
}

Test(api, init_checks_its_arguments)
{
    tcpstate_config cfg = small();
    tcpstate_engine *e;
    cr_assert(eq(int, tcpstate_init(NULL, sizeof mem, &cfg, NULL, NULL, &e), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, NULL, NULL, NULL, &e), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, NULL), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_init(mem, 10, &cfg, NULL, NULL, &e), TCPSTATE_E_NOMEM));
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e), TCPSTATE_OK));
}

Test(api, calls_on_a_null_engine_or_flow_are_refused)
{
    uint8_t frame[64] = {0};
    tcpstate_stats st;
    tcpstate_flow_info fi;
    cr_assert(eq(int, tcpstate_feed(NULL, 1, frame, 64, 64, 0), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_expire(NULL, 0, 0), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_finish(NULL), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_reset(NULL), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_get_stats(NULL, &st), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_flow_get_info(NULL, &fi), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_foreach(NULL, NULL, NULL), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_flow_state(NULL, TCPSTATE_ORIG), TCPSTATE_CLOSED));
    cr_assert_null(tcpstate_flow_user(NULL));
    tcpstate_flow_set_user(NULL, frame);
}

Test(api, a_null_frame_is_a_counted_error)
{
    tcpstate_config cfg = small();
    tcpstate_engine *e;
    tcpstate_stats st;
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e), TCPSTATE_OK));
    cr_assert(eq(int, tcpstate_feed(e, 1, NULL, 60, 60, 0), TCPSTATE_E_INVAL));
    tcpstate_get_stats(e, &st);
    cr_assert(eq(u64, st.frames_by_status[tcpstate_status_index(TCPSTATE_E_INVAL)], 1));
}

static int first_flow(void *user, tcpstate_flow *flow)
{
    *(tcpstate_flow **)user = flow;
    return 1;
}

Test(api, history_needs_its_flag)
{
    tcpstate_config cfg = small();
    tcpstate_engine *e;
    tcpstate_flow *f = NULL;
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e), TCPSTATE_OK));
    struct seg syn = seg_make("10.0.0.1:1000", "10.0.0.2:80", TCPSTATE_TH_SYN, 1, 0, 0);
    cr_assert(eq(int, tcpstate_feed(e, 1, syn.bytes, syn.len, syn.len, 1), TCPSTATE_OK));
    tcpstate_foreach(e, first_flow, &f);
    cr_assert_not_null(f);
    char buf[8] = "x";
    tcpstate_conn_state cs;
    cr_assert(eq(int, tcpstate_flow_history(e, f, buf, sizeof buf), TCPSTATE_E_DISABLED));
    cr_assert(eq(str, buf, ""));
    cr_assert(eq(int, tcpstate_flow_conn_state(e, f, &cs), TCPSTATE_E_DISABLED));
    cr_assert(eq(int, tcpstate_flow_history(e, NULL, buf, sizeof buf), TCPSTATE_E_INVAL));
}

Test(api, version_macros_match_the_library)
{
    cr_assert(eq(u32, tcpstate_version(), TCPSTATE_VERSION_NUMBER));
    cr_assert(eq(str, (char *)tcpstate_version_string(), TCPSTATE_VERSION_STRING));
    cr_assert(eq(u32, TCPSTATE_VERSION_NUMBER,
                 (TCPSTATE_VERSION_MAJOR << 16) | (TCPSTATE_VERSION_MINOR << 8) |
                     TCPSTATE_VERSION_PATCH));
}

Test(api, every_enum_has_a_name)
{
    NEEDS_STRINGS();
    for (int s = 0; s < TCPSTATE_STATE_COUNT; s++) {
        cr_assert(ne(str, (char *)tcpstate_state_name((tcpstate_tcp_state)s), "UNKNOWN"));
    }
    cr_assert(eq(str, (char *)tcpstate_state_name(TCPSTATE_STATE_COUNT), "UNKNOWN"));
    for (int k = 0; k < TCPSTATE_EV_COUNT; k++) {
        cr_assert(ne(str, (char *)tcpstate_event_name((tcpstate_event_kind)k), "UNKNOWN"));
    }
    for (int r = 0; r < TCPSTATE_END_COUNT; r++) {
        cr_assert(ne(str, (char *)tcpstate_end_reason_name((tcpstate_end_reason)r), "unknown"));
    }
    for (int c = 0; c < TCPSTATE_CONN_COUNT; c++) {
        cr_assert(ne(str, (char *)tcpstate_conn_state_name((tcpstate_conn_state)c), "-"));
    }
    cr_assert(eq(str, (char *)tcpstate_conn_state_name(TCPSTATE_CONN_RSTOS0), "RSTOS0"));
    cr_assert(eq(str, (char *)tcpstate_end_reason_name(TCPSTATE_END_COUNT), "unknown"));
}

/* ------------------------------------------------------------ create / destroy */

struct counting_alloc {
    size_t live, calls;
    int fail;
};

static void *count_alloc(void *ctx, size_t size)
{
    struct counting_alloc *c = ctx;
    if (c->fail) {
        return NULL;
    }
    c->calls++;
    c->live += size;
    return malloc(size);
}

static void count_free(void *ctx, void *ptr, size_t size)
{
    struct counting_alloc *c = ctx;
    c->live -= size;
    free(ptr);
}

Test(api, create_and_destroy_go_through_the_callers_allocator)
{
    NEEDS_CREATE();
    struct counting_alloc ca = {0};
    tcpstate_allocator a = {count_alloc, count_free, &ca};
    tcpstate_config cfg = small();
    tcpstate_engine *e;
    cr_assert(eq(int, tcpstate_create(&cfg, NULL, NULL, &a, &e), TCPSTATE_OK));
    cr_assert(eq(sz, ca.live, tcpstate_footprint(&cfg)));
    struct seg syn = seg_make("10.0.0.1:1000", "10.0.0.2:80", TCPSTATE_TH_SYN, 1, 0, 0);
    cr_assert(eq(int, tcpstate_feed(e, 1, syn.bytes, syn.len, syn.len, 1), TCPSTATE_OK));
    tcpstate_destroy(e);
    cr_assert(eq(sz, ca.live, 0));
    cr_assert(eq(sz, ca.calls, 1));
    tcpstate_destroy(NULL);
}

Test(api, create_reports_allocation_failure_and_bad_arguments)
{
    NEEDS_CREATE();
    struct counting_alloc ca = {.fail = 1};
    tcpstate_allocator a = {count_alloc, count_free, &ca};
    tcpstate_allocator no_free = {count_alloc, NULL, &ca};
    tcpstate_config cfg = small();
    tcpstate_engine *e = (tcpstate_engine *)mem;
    cr_assert(eq(int, tcpstate_create(&cfg, NULL, NULL, &a, &e), TCPSTATE_E_NOMEM));
    cr_assert_null(e);
    cr_assert(eq(int, tcpstate_create(&cfg, NULL, NULL, &no_free, &e), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_create(NULL, NULL, NULL, &a, &e), TCPSTATE_E_INVAL));
    cr_assert(eq(int, tcpstate_create(&cfg, NULL, NULL, &a, NULL), TCPSTATE_E_INVAL));
#ifndef TCPSTATE_WITH_MALLOC
    cr_assert(eq(int, tcpstate_create(&cfg, NULL, NULL, NULL, &e), TCPSTATE_E_INVAL),
              "without TCPSTATE_WITH_MALLOC there is no default allocator");
#endif
}

Test(api, without_create_it_is_disabled)
{
#ifndef TCPSTATE_NO_CREATE
    cr_skip_test("only in a build with TCPSTATE_NO_CREATE");
#else
    struct counting_alloc ca = {0};
    tcpstate_allocator a = {count_alloc, count_free, &ca};
    tcpstate_config cfg = small();
    tcpstate_engine *e = (tcpstate_engine *)mem;
    cr_assert(eq(int, tcpstate_create(&cfg, NULL, NULL, &a, &e), TCPSTATE_E_DISABLED));
    cr_assert_null(e);
    cr_assert(eq(sz, ca.calls, 0));
#endif
}

Test(api, destroy_ignores_an_engine_built_in_caller_memory)
{
    tcpstate_config cfg = small();
    tcpstate_engine *e;
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e), TCPSTATE_OK));
    tcpstate_destroy(e); /* must not free static memory */
}

/* ------------------------------------------------------------ re-entry */

static tcpstate_engine *reenter_engine;
static int reenter_results[4];

static int reenter(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    (void)flow;
    cr_assert(eq(ptr, ev->engine, reenter_engine));
    reenter_results[0] = tcpstate_expire(reenter_engine, 0, 0);
    reenter_results[1] = tcpstate_finish(reenter_engine);
    reenter_results[2] = tcpstate_reset(reenter_engine);
    reenter_results[3] = tcpstate_feed(reenter_engine, 1, (const uint8_t *)"x", 1, 1, 0);
    return TCPSTATE_CB_CONTINUE;
}

Test(api, engine_calls_from_a_callback_are_refused)
{
    tcpstate_config cfg = small();
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_syn = reenter;
    cr_assert(
        eq(int, tcpstate_init(mem, sizeof mem, &cfg, &cb, NULL, &reenter_engine), TCPSTATE_OK));
    struct seg syn = seg_make("10.0.0.1:1000", "10.0.0.2:80", TCPSTATE_TH_SYN, 1, 0, 0);
    cr_assert(
        eq(int, tcpstate_feed(reenter_engine, 1, syn.bytes, syn.len, syn.len, 1), TCPSTATE_OK));
    for (unsigned i = 0; i < 4; i++) {
        cr_assert(eq(int, reenter_results[i], TCPSTATE_E_REENTRANT), "call %u", i);
    }
    tcpstate_stats st;
    tcpstate_get_stats(reenter_engine, &st);
    cr_assert(eq(u64, st.flows_active, 1));
}

Test(api, callbacks_struct_is_copied_at_init)
{
    tcpstate_config cfg = small();
    tcpstate_callbacks cb;
    tcpstate_engine *e;
    memset(&cb, 0, sizeof cb);
    cb.on_syn = reenter;
    cr_assert(eq(int, tcpstate_init(mem, sizeof mem, &cfg, &cb, NULL, &e), TCPSTATE_OK));
    reenter_engine = e;
    memset(&cb, 0, sizeof cb); /* the caller's copy is gone */
    memset(reenter_results, 0, sizeof reenter_results);
    struct seg syn = seg_make("10.0.0.1:1000", "10.0.0.2:80", TCPSTATE_TH_SYN, 1, 0, 0);
    cr_assert(eq(int, tcpstate_feed(e, 1, syn.bytes, syn.len, syn.len, 1), TCPSTATE_OK));
    cr_assert(eq(int, reenter_results[0], TCPSTATE_E_REENTRANT));
}

Test(api, static_bytes_bounds_the_footprint)
{
    static const uint32_t caps[] = {1, 2, 3, 15, 16, 17, 100, 1000, 4096, 65536, 1000000, 1u << 28};
    for (unsigned i = 0; i < sizeof caps / sizeof *caps; i++) {
        for (uint32_t user = 0; user <= 40; user += 13) {
            for (int hist = 0; hist <= (int)IF_ZEEK(1); hist++) { /* history needs Zeek */
                tcpstate_config cfg;
                tcpstate_config_init(&cfg);
                cfg.max_flows = caps[i];
                cfg.flow_user_bytes = user;
                cfg.flags |= hist ? TCPSTATE_F_HISTORY : 0u;
                size_t extra = (user + 7) / 8 * 8 + (hist ? TCPSTATE_HISTORY_BYTES : 0);
                cr_assert(le(sz, tcpstate_footprint(&cfg),
                             TCPSTATE_STATIC_BYTES(caps[i], extra) +
                                 TCPSTATE_STATIC_REASM_BYTES(cfg.reasm_contexts, cfg.reasm_bytes)),
                          "%u flows, %u user bytes, history %d", caps[i], user, hist);
            }
        }
    }
}

/* The library's own answers, not the copy support/names.h gives the other
 * tests of a TCPSTATE_NO_STRINGS build: last in the file. */
#undef tcpstate_strerror
#undef tcpstate_status_name
#undef tcpstate_state_name
#undef tcpstate_event_name
#undef tcpstate_end_reason_name
#undef tcpstate_conn_state_name
#ifdef TCPSTATE_NO_STRINGS
const char *tcpstate_strerror(tcpstate_status s);
const char *tcpstate_status_name(tcpstate_status s);
const char *tcpstate_state_name(tcpstate_tcp_state s);
const char *tcpstate_event_name(tcpstate_event_kind k);
const char *tcpstate_end_reason_name(tcpstate_end_reason r);
const char *tcpstate_conn_state_name(tcpstate_conn_state c);
#endif

Test(api, without_strings_every_name_is_one_fixed_string)
{
#ifndef TCPSTATE_NO_STRINGS
    cr_skip_test("only in a build with TCPSTATE_NO_STRINGS");
#else
    const char *fixed = "TCPSTATE_NO_STRINGS";
    for (int st = TCPSTATE_STATUS_MIN - 1; st <= TCPSTATE_STATUS_MAX + 1; st++) {
        cr_assert(eq(str, (char *)tcpstate_strerror((tcpstate_status)st), (char *)fixed));
        cr_assert(eq(str, (char *)tcpstate_status_name((tcpstate_status)st), (char *)fixed));
    }
    cr_assert(eq(str, (char *)tcpstate_state_name(TCPSTATE_ESTABLISHED), (char *)fixed));
    cr_assert(eq(str, (char *)tcpstate_event_name(TCPSTATE_EV_SYN), (char *)fixed));
    cr_assert(eq(str, (char *)tcpstate_end_reason_name(TCPSTATE_END_RESET), (char *)fixed));
    cr_assert(eq(str, (char *)tcpstate_conn_state_name(TCPSTATE_CONN_SF), (char *)fixed));
#endif
}
