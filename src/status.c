/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names and descriptions of every enum in the public header.
 *
 * On firmware these strings are most of this file (issue 9), so they are
 * kept as compactly as plain C allows: each table is one char array of
 * NUL-separated strings in enum order, built from the X-macro lists below,
 * with the table's answer for values outside the enum as its last string.
 * A lookup steps over the strings before the one wanted; no table of
 * pointers (4 bytes a string on a 32-bit target) or offsets is stored. The
 * walk is short (at most 28 strings, for a status) and these are cold paths:
 * printing and logging, never the packet path.
 *
 * TCPSTATE_NO_STRINGS leaves the tables out (below).
 *
 * Each list is checked at compile time to name every value of its enum
 * exactly once and in order, so the i-th string belongs to value i.
 */
#include "tcpstate.h"

/* clang-format off */
/* In value order, TCPSTATE_STATUS_MIN first. */
#define STATUS_LIST(X)                                                                          \
    X(TCPSTATE_E_TUNNEL_DEPTH,      "too many nested tunnels")                                  \
    X(TCPSTATE_E_DISABLED,          "feature disabled")                                         \
    X(TCPSTATE_E_REENTRANT,         "called from a callback")                                   \
    X(TCPSTATE_E_CALLBACK,          "a callback said stop")                                     \
    X(TCPSTATE_E_TABLE_FULL,        "flow table full")                                          \
    X(TCPSTATE_E_NOMEM,             "buffer too small")                                         \
    X(TCPSTATE_E_BAD_TCP_CHECKSUM,  "bad TCP checksum")                                         \
    X(TCPSTATE_E_BAD_TCP_OPTION,    "bad TCP option length")                                    \
    X(TCPSTATE_E_BAD_TCP_OFFSET,    "bad TCP data offset")                                      \
    X(TCPSTATE_E_BAD_TCP_HEADER,    "TCP header too short")                                     \
    X(TCPSTATE_E_IPV6_EXT_CHAIN,    "too many IPv6 extension headers")                          \
    X(TCPSTATE_E_BAD_IPV6_EXT,      "bad IPv6 extension header")                                \
    X(TCPSTATE_E_BAD_IPV4_CHECKSUM, "bad IPv4 checksum")                                        \
    X(TCPSTATE_E_BAD_IP_LENGTH,     "bad IP length")                                            \
    X(TCPSTATE_E_BAD_IPV4_IHL,      "bad IPv4 header length")                                   \
    X(TCPSTATE_E_BAD_IP_VERSION,    "IP version unlike the link's")                             \
    X(TCPSTATE_E_BAD_PPPOE,         "bad PPPoE header")                                         \
    X(TCPSTATE_E_MPLS_DEPTH,        "too many MPLS labels")                                     \
    X(TCPSTATE_E_VLAN_DEPTH,        "too many VLAN tags")                                       \
    X(TCPSTATE_E_BAD_LINK,          "link header too short")                                    \
    X(TCPSTATE_E_TRUNCATED,         "headers cut by the snap length")                           \
    X(TCPSTATE_E_LINKTYPE,          "unsupported link type")                                    \
    X(TCPSTATE_E_INVAL,             "invalid argument")                                         \
    X(TCPSTATE_OK,                  "ok")                                                       \
    X(TCPSTATE_SKIP_NOT_IP,         "not IPv4 or IPv6")                                         \
    X(TCPSTATE_SKIP_NOT_TCP,        "not TCP")                                                  \
    X(TCPSTATE_SKIP_FRAGMENT,       "IP fragment without a TCP header")                         \
    X(TCPSTATE_SKIP_MIDSTREAM,      "no flow, not a SYN, midstream off")

#define STATE_LIST(X)                                                                           \
    X(TCPSTATE_CLOSED, "CLOSED")           X(TCPSTATE_LISTEN, "LISTEN")                         \
    X(TCPSTATE_SYN_SENT, "SYN_SENT")       X(TCPSTATE_SYN_RECEIVED, "SYN_RECEIVED")             \
    X(TCPSTATE_ESTABLISHED, "ESTABLISHED") X(TCPSTATE_FIN_WAIT_1, "FIN_WAIT_1")                 \
    X(TCPSTATE_FIN_WAIT_2, "FIN_WAIT_2")   X(TCPSTATE_CLOSE_WAIT, "CLOSE_WAIT")                 \
    X(TCPSTATE_CLOSING, "CLOSING")         X(TCPSTATE_LAST_ACK, "LAST_ACK")                     \
    X(TCPSTATE_TIME_WAIT, "TIME_WAIT")

#define EVENT_LIST(X)                                                                           \
    X(TCPSTATE_EV_SYN, "SYN")    X(TCPSTATE_EV_SYNACK, "SYN-ACK")                               \
    X(TCPSTATE_EV_ACK, "ACK")    X(TCPSTATE_EV_FIN, "FIN")                                      \
    X(TCPSTATE_EV_RST, "RST")    X(TCPSTATE_EV_STATE_CHANGE, "STATE")                           \
    X(TCPSTATE_EV_FLOW_END, "END")

#define END_LIST(X)                                                                             \
    X(TCPSTATE_END_NONE, "none")          X(TCPSTATE_END_CLOSED, "closed")                      \
    X(TCPSTATE_END_RESET, "reset")        X(TCPSTATE_END_TIMEOUT, "timeout")                    \
    X(TCPSTATE_END_EVICTED, "evicted")    X(TCPSTATE_END_REUSED, "reused")                      \
    X(TCPSTATE_END_FINISHED, "finished")  X(TCPSTATE_END_DROPPED, "dropped")

#define CONN_LIST(X)                                                                            \
    X(TCPSTATE_CONN_S0, "S0")         X(TCPSTATE_CONN_S1, "S1")                                 \
    X(TCPSTATE_CONN_SF, "SF")         X(TCPSTATE_CONN_REJ, "REJ")                               \
    X(TCPSTATE_CONN_S2, "S2")         X(TCPSTATE_CONN_S3, "S3")                                 \
    X(TCPSTATE_CONN_RSTO, "RSTO")     X(TCPSTATE_CONN_RSTR, "RSTR")                             \
    X(TCPSTATE_CONN_RSTOS0, "RSTOS0") X(TCPSTATE_CONN_RSTRH, "RSTRH")                           \
    X(TCPSTATE_CONN_SH, "SH")         X(TCPSTATE_CONN_SHR, "SHR")                               \
    X(TCPSTATE_CONN_OTH, "OTH")
/* clang-format on */

#define STATUS_SPAN (TCPSTATE_STATUS_MAX - TCPSTATE_STATUS_MIN + 1)

/* Every list in order: the k-th entry (counted by an enum) must be value k
 * of its enum (statuses: TCPSTATE_STATUS_MIN + k). A missing, repeated or
 * misplaced value fails one of these, or the count at the end. */
#define ORDER(v, text) ORDER_##v,
#define IN_ORDER(first, v, text)                                                                   \
    _Static_assert(ORDER_##v == (int)(v) - (first), #v " is out of order in status.c");
#define STATUS_IN_ORDER(v, text) IN_ORDER(TCPSTATE_STATUS_MIN, v, text)
#define VALUE_IN_ORDER(v, text)  IN_ORDER(0, v, text)
enum { STATUS_LIST(ORDER) STATUS_LISTED };
enum { STATE_LIST(ORDER) STATES_LISTED };
enum { EVENT_LIST(ORDER) EVENTS_LISTED };
enum { END_LIST(ORDER) ENDS_LISTED };
enum { CONN_LIST(ORDER) CONNS_LISTED };
STATUS_LIST(STATUS_IN_ORDER)
STATE_LIST(VALUE_IN_ORDER)
EVENT_LIST(VALUE_IN_ORDER)
END_LIST(VALUE_IN_ORDER)
CONN_LIST(VALUE_IN_ORDER)
_Static_assert((int)STATUS_LISTED == STATUS_SPAN, "every status needs a name and a message");
_Static_assert((int)STATES_LISTED == (int)TCPSTATE_STATE_COUNT, "every state needs a name");
_Static_assert((int)EVENTS_LISTED == (int)TCPSTATE_EV_COUNT, "every event kind needs a name");
_Static_assert((int)ENDS_LISTED == (int)TCPSTATE_END_COUNT, "every end reason needs a name");
_Static_assert((int)CONNS_LISTED == (int)TCPSTATE_CONN_COUNT, "every conn_state needs a name");

#ifndef TCPSTATE_NO_STRINGS
/* The tables: each string and its NUL, the "unknown" answer last. */
#define NAME_STR(v, text) #v "\0"
#define TEXT_STR(v, text) text "\0"
#define STATUS_NAMES      STATUS_LIST(NAME_STR) "TCPSTATE_UNKNOWN"
#define STATUS_TEXTS      STATUS_LIST(TEXT_STR) "unknown tcpstate status"
#define STATE_NAMES       STATE_LIST(TEXT_STR) "UNKNOWN"
#define EVENT_NAMES       EVENT_LIST(TEXT_STR) "UNKNOWN"
#define END_NAMES         END_LIST(TEXT_STR) "unknown"
#define CONN_NAMES        CONN_LIST(TEXT_STR) "-"

static const struct {
    char status_names[sizeof STATUS_NAMES];
    char status_texts[sizeof STATUS_TEXTS];
    char state_names[sizeof STATE_NAMES];
    char event_names[sizeof EVENT_NAMES];
    char end_names[sizeof END_NAMES];
    char conn_names[sizeof CONN_NAMES];
} texts = {STATUS_NAMES, STATUS_TEXTS, STATE_NAMES, EVENT_NAMES, END_NAMES, CONN_NAMES};

/* String i of a table of n (value i of its enum), or the table's "unknown"
 * string (number n) when i >= n. i is unsigned: a negative value wrapped. */
static const char *text_at(const char *table, unsigned n, unsigned i)
{
    for (unsigned k = i < n ? i : n; k > 0; k--) {
        while (*table++ != '\0') {
        }
    }
    return table;
}
#define TABLE(name) texts.name

#else
/* TCPSTATE_NO_STRINGS (docs/embedding.md): no table; every lookup gives one
 * fixed string that says why, never NULL (tcpstate.h promises a string). */
#define TABLE(name) NULL

static const char *text_at(const char *table, unsigned n, unsigned i)
{
    (void)table;
    (void)n;
    (void)i;
    return "TCPSTATE_NO_STRINGS";
}
#endif

static unsigned status_index(tcpstate_status s)
{
    return (unsigned)((int)s - TCPSTATE_STATUS_MIN);
}

const char *tcpstate_strerror(tcpstate_status s)
{
    return text_at(TABLE(status_texts), STATUS_SPAN, status_index(s));
}

const char *tcpstate_status_name(tcpstate_status s)
{
    return text_at(TABLE(status_names), STATUS_SPAN, status_index(s));
}

const char *tcpstate_state_name(tcpstate_tcp_state s)
{
    return text_at(TABLE(state_names), TCPSTATE_STATE_COUNT, (unsigned)s);
}

const char *tcpstate_event_name(tcpstate_event_kind k)
{
    return text_at(TABLE(event_names), TCPSTATE_EV_COUNT, (unsigned)k);
}

const char *tcpstate_end_reason_name(tcpstate_end_reason r)
{
    return text_at(TABLE(end_names), TCPSTATE_END_COUNT, (unsigned)r);
}

const char *tcpstate_conn_state_name(tcpstate_conn_state c)
{
    return text_at(TABLE(conn_names), TCPSTATE_CONN_COUNT, (unsigned)c);
}

uint32_t tcpstate_version(void) { return TCPSTATE_VERSION_NUMBER; }

const char *tcpstate_version_string(void) { return TCPSTATE_VERSION_STRING; }
