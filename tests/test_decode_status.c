/* SPDX-License-Identifier: BSD-2-Clause */
/* Every status the decoder (and the engine) can return has its own name and text. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "tcpstate.h"

Test(decode_status, every_status_has_a_distinct_known_name_and_description)
{
    for (int a = TCPSTATE_STATUS_MIN; a <= TCPSTATE_STATUS_MAX; a++) {
        const char *name = tcpstate_status_name((tcpstate_status)a);
        const char *text = tcpstate_strerror((tcpstate_status)a);
        cr_assert(not(eq(ptr, (void *)name, NULL)));
        cr_assert(not(eq(ptr, (void *)text, NULL)));
        cr_assert(not(eq(str, (char *)name, "TCPSTATE_UNKNOWN")), "status %d", a);
        cr_assert(not(eq(str, (char *)text, "unknown tcpstate status")), "status %d", a);
        cr_assert(eq(int, strncmp(name, "TCPSTATE_", 9), 0));
        for (int b = TCPSTATE_STATUS_MIN; b < a; b++) {
            cr_assert(not(eq(str, (char *)name, (char *)tcpstate_status_name((tcpstate_status)b))),
                      "statuses %d and %d share a name", a, b);
            cr_assert(not(eq(str, (char *)text, (char *)tcpstate_strerror((tcpstate_status)b))),
                      "statuses %d and %d share a description", a, b);
        }
    }
}

Test(decode_status, values_outside_the_range_are_unknown)
{
    cr_assert(eq(str, (char *)tcpstate_status_name((tcpstate_status)(TCPSTATE_STATUS_MAX + 1)),
                 "TCPSTATE_UNKNOWN"));
    cr_assert(eq(str, (char *)tcpstate_strerror((tcpstate_status)(TCPSTATE_STATUS_MIN - 1)),
                 "unknown tcpstate status"));
}

Test(decode_status, names_match_the_identifiers)
{
    cr_assert(eq(str, (char *)tcpstate_status_name(TCPSTATE_E_TRUNCATED), "TCPSTATE_E_TRUNCATED"));
    cr_assert(
        eq(str, (char *)tcpstate_status_name(TCPSTATE_E_BAD_IPV6_EXT), "TCPSTATE_E_BAD_IPV6_EXT"));
    cr_assert(eq(str, (char *)tcpstate_status_name(TCPSTATE_OK), "TCPSTATE_OK"));
}

/* src/status.c keeps every string in one blob addressed by offsets: each
 * name must still be exactly its identifier (spelled here by the
 * preprocessor, not copied from src/), and every table must end where its
 * enum ends, with its own "unknown" beyond, on both sides. */
#define NAMED(v) {(int)(v), #v}
struct named {
    int value;
    const char *name;
};

Test(decode_status, every_status_name_is_its_identifier)
{
    static const struct named all[] = {
        NAMED(TCPSTATE_OK),
        NAMED(TCPSTATE_SKIP_NOT_IP),
        NAMED(TCPSTATE_SKIP_NOT_TCP),
        NAMED(TCPSTATE_SKIP_FRAGMENT),
        NAMED(TCPSTATE_SKIP_MIDSTREAM),
        NAMED(TCPSTATE_E_INVAL),
        NAMED(TCPSTATE_E_LINKTYPE),
        NAMED(TCPSTATE_E_TRUNCATED),
        NAMED(TCPSTATE_E_BAD_LINK),
        NAMED(TCPSTATE_E_VLAN_DEPTH),
        NAMED(TCPSTATE_E_MPLS_DEPTH),
        NAMED(TCPSTATE_E_BAD_PPPOE),
        NAMED(TCPSTATE_E_BAD_IP_VERSION),
        NAMED(TCPSTATE_E_BAD_IPV4_IHL),
        NAMED(TCPSTATE_E_BAD_IP_LENGTH),
        NAMED(TCPSTATE_E_BAD_IPV4_CHECKSUM),
        NAMED(TCPSTATE_E_BAD_IPV6_EXT),
        NAMED(TCPSTATE_E_IPV6_EXT_CHAIN),
        NAMED(TCPSTATE_E_BAD_TCP_HEADER),
        NAMED(TCPSTATE_E_BAD_TCP_OFFSET),
        NAMED(TCPSTATE_E_BAD_TCP_OPTION),
        NAMED(TCPSTATE_E_BAD_TCP_CHECKSUM),
        NAMED(TCPSTATE_E_NOMEM),
        NAMED(TCPSTATE_E_TABLE_FULL),
        NAMED(TCPSTATE_E_CALLBACK),
        NAMED(TCPSTATE_E_REENTRANT),
        NAMED(TCPSTATE_E_DISABLED),
        NAMED(TCPSTATE_E_TUNNEL_DEPTH),
    };
    size_t n = sizeof all / sizeof *all;
    cr_assert(eq(sz, n, (size_t)(TCPSTATE_STATUS_MAX - TCPSTATE_STATUS_MIN + 1)));
    for (size_t i = 0; i < n; i++) {
        cr_assert(eq(str, (char *)tcpstate_status_name((tcpstate_status)all[i].value),
                     (char *)all[i].name));
    }
    cr_assert(eq(str, (char *)tcpstate_status_name((tcpstate_status)(TCPSTATE_STATUS_MIN - 1)),
                 "TCPSTATE_UNKNOWN"));
    cr_assert(eq(str, (char *)tcpstate_strerror((tcpstate_status)(TCPSTATE_STATUS_MAX + 1)),
                 "unknown tcpstate status"));
}

Test(decode_status, every_enum_name_is_spelled_as_documented)
{
    static const char *const states[] = {
        "CLOSED",     "LISTEN",     "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
        "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK",     "TIME_WAIT",
    };
    static const char *const events[] = {"SYN", "SYN-ACK", "ACK", "FIN", "RST", "STATE", "END"};
    static const char *const ends[] = {"none",    "closed", "reset",    "timeout",
                                       "evicted", "reused", "finished", "dropped"};
    static const char *const conns[] = {"S0",   "S1",     "SF",    "REJ", "S2",  "S3", "RSTO",
                                        "RSTR", "RSTOS0", "RSTRH", "SH",  "SHR", "OTH"};
    cr_assert(eq(sz, sizeof states / sizeof *states, (size_t)TCPSTATE_STATE_COUNT));
    cr_assert(eq(sz, sizeof events / sizeof *events, (size_t)TCPSTATE_EV_COUNT));
    cr_assert(eq(sz, sizeof ends / sizeof *ends, (size_t)TCPSTATE_END_COUNT));
    cr_assert(eq(sz, sizeof conns / sizeof *conns, (size_t)TCPSTATE_CONN_COUNT));
    for (int i = 0; i < TCPSTATE_STATE_COUNT; i++) {
        cr_assert(eq(str, (char *)tcpstate_state_name((tcpstate_tcp_state)i), (char *)states[i]));
    }
    for (int i = 0; i < TCPSTATE_EV_COUNT; i++) {
        cr_assert(eq(str, (char *)tcpstate_event_name((tcpstate_event_kind)i), (char *)events[i]));
    }
    for (int i = 0; i < TCPSTATE_END_COUNT; i++) {
        const char *got = tcpstate_end_reason_name((tcpstate_end_reason)i);
        cr_assert(eq(str, (char *)got, (char *)ends[i]));
    }
    for (int i = 0; i < TCPSTATE_CONN_COUNT; i++) {
        const char *got = tcpstate_conn_state_name((tcpstate_conn_state)i);
        cr_assert(eq(str, (char *)got, (char *)conns[i]));
    }
    /* Beyond each end, and below 0 (the lookups take the value as unsigned). */
    cr_assert(eq(str, (char *)tcpstate_state_name((tcpstate_tcp_state)-1), "UNKNOWN"));
    cr_assert(eq(str, (char *)tcpstate_event_name(TCPSTATE_EV_COUNT), "UNKNOWN"));
    cr_assert(eq(str, (char *)tcpstate_event_name((tcpstate_event_kind)-1), "UNKNOWN"));
    cr_assert(eq(str, (char *)tcpstate_end_reason_name((tcpstate_end_reason)-1), "unknown"));
    cr_assert(eq(str, (char *)tcpstate_conn_state_name(TCPSTATE_CONN_COUNT), "-"));
    cr_assert(eq(str, (char *)tcpstate_conn_state_name((tcpstate_conn_state)-1), "-"));
}
