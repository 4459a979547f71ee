/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names and descriptions of every enum in the public header.
 *
 * Every string lives in one constant blob (a struct of char arrays, built
 * from the X-macro lists below) and each name is a 16-bit offset into it,
 * rather than a table of pointers: on a 32-bit target that halves the
 * tables, and on firmware these strings are most of the file (issue 9).
 * Each list is checked for completeness at compile time: a value listed
 * twice is a duplicate struct member, and the count must match the enum.
 */
#include <stddef.h>

#include "tcpstate.h"

/* clang-format off */
#define STATUS_LIST(X)                                                                          \
    X(TCPSTATE_OK,                  "ok")                                                       \
    X(TCPSTATE_SKIP_NOT_IP,         "not IPv4 or IPv6")                                         \
    X(TCPSTATE_SKIP_NOT_TCP,        "not TCP")                                                  \
    X(TCPSTATE_SKIP_FRAGMENT,       "IP fragment without a TCP header")                         \
    X(TCPSTATE_SKIP_MIDSTREAM,      "no flow, not a SYN, midstream off")                        \
    X(TCPSTATE_E_INVAL,             "invalid argument")                                         \
    X(TCPSTATE_E_LINKTYPE,          "unsupported link type")                                    \
    X(TCPSTATE_E_TRUNCATED,         "headers cut by the snap length")                           \
    X(TCPSTATE_E_BAD_LINK,          "link header too short")                                    \
    X(TCPSTATE_E_VLAN_DEPTH,        "too many VLAN tags")                                       \
    X(TCPSTATE_E_MPLS_DEPTH,        "too many MPLS labels")                                     \
    X(TCPSTATE_E_BAD_PPPOE,         "bad PPPoE header")                                         \
    X(TCPSTATE_E_BAD_IP_VERSION,    "IP version unlike the link's")                             \
    X(TCPSTATE_E_BAD_IPV4_IHL,      "bad IPv4 header length")                                   \
    X(TCPSTATE_E_BAD_IP_LENGTH,     "bad IP length")                                            \
    X(TCPSTATE_E_BAD_IPV4_CHECKSUM, "bad IPv4 checksum")                                        \
    X(TCPSTATE_E_BAD_IPV6_EXT,      "bad IPv6 extension header")                                \
    X(TCPSTATE_E_IPV6_EXT_CHAIN,    "too many IPv6 extension headers")                          \
    X(TCPSTATE_E_BAD_TCP_HEADER,    "TCP header too short")                                     \
    X(TCPSTATE_E_BAD_TCP_OFFSET,    "bad TCP data offset")                                      \
    X(TCPSTATE_E_BAD_TCP_OPTION,    "bad TCP option length")                                    \
    X(TCPSTATE_E_BAD_TCP_CHECKSUM,  "bad TCP checksum")                                         \
    X(TCPSTATE_E_NOMEM,             "buffer too small")                                         \
    X(TCPSTATE_E_TABLE_FULL,        "flow table full")                                          \
    X(TCPSTATE_E_CALLBACK,          "a callback said stop")                                     \
    X(TCPSTATE_E_REENTRANT,         "called from a callback")                                   \
    X(TCPSTATE_E_DISABLED,          "feature disabled")                                         \
    X(TCPSTATE_E_TUNNEL_DEPTH,      "too many nested tunnels")

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

/* The blob: each listed string as a member named after its enum value. */
#define MEMBER_NAME(v, text) char v##_n[sizeof #v];
#define MEMBER_MSG(v, text)  char v##_m[sizeof text];
#define MEMBER_TEXT(v, text) char v##_t[sizeof text];
#define INIT_NAME(v, text)   #v,
#define INIT_MSG(v, text)    text,
#define INIT_TEXT(v, text)   text,

static const struct texts {
    STATUS_LIST(MEMBER_NAME)
    char status_unknown_n[sizeof "TCPSTATE_UNKNOWN"];
    STATUS_LIST(MEMBER_MSG)
    char status_unknown_m[sizeof "unknown tcpstate status"];
    STATE_LIST(MEMBER_TEXT)
    EVENT_LIST(MEMBER_TEXT)
    char upper_unknown[sizeof "UNKNOWN"]; /* states and events */
    END_LIST(MEMBER_TEXT)
    char lower_unknown[sizeof "unknown"];
    CONN_LIST(MEMBER_TEXT)
    char conn_unknown[sizeof "-"];
} texts = {
    STATUS_LIST(INIT_NAME) "TCPSTATE_UNKNOWN",
    STATUS_LIST(INIT_MSG) "unknown tcpstate status",
    STATE_LIST(INIT_TEXT) EVENT_LIST(INIT_TEXT) "UNKNOWN",
    END_LIST(INIT_TEXT) "unknown",
    CONN_LIST(INIT_TEXT) "-",
};

/* Where each table starts in `offsets`; a table of n names has n + 1 slots,
 * the last one for values outside the enum. */
#define STATUS_SPAN (TCPSTATE_STATUS_MAX - TCPSTATE_STATUS_MIN + 1)
enum {
    AT_STATUS_NAME = 0,
    AT_STATUS_MSG = AT_STATUS_NAME + STATUS_SPAN + 1,
    AT_STATE = AT_STATUS_MSG + STATUS_SPAN + 1,
    AT_EVENT = AT_STATE + TCPSTATE_STATE_COUNT + 1,
    AT_END = AT_EVENT + TCPSTATE_EV_COUNT + 1,
    AT_CONN = AT_END + TCPSTATE_END_COUNT + 1,
    AT_TOTAL = AT_CONN + TCPSTATE_CONN_COUNT + 1
};

#define OFF(member) ((uint16_t)offsetof(struct texts, member))
#define SLOT_NAME(v, text) [AT_STATUS_NAME + (v)-TCPSTATE_STATUS_MIN] = OFF(v##_n),
#define SLOT_MSG(v, text)  [AT_STATUS_MSG + (v)-TCPSTATE_STATUS_MIN] = OFF(v##_m),
#define SLOT_STATE(v, text) [AT_STATE + (v)] = OFF(v##_t),
#define SLOT_EVENT(v, text) [AT_EVENT + (v)] = OFF(v##_t),
#define SLOT_END(v, text)   [AT_END + (v)] = OFF(v##_t),
#define SLOT_CONN(v, text)  [AT_CONN + (v)] = OFF(v##_t),

static const uint16_t offsets[AT_TOTAL] = {
    STATUS_LIST(SLOT_NAME)[AT_STATUS_MSG - 1] = OFF(status_unknown_n),
    STATUS_LIST(SLOT_MSG)[AT_STATE - 1] = OFF(status_unknown_m),
    STATE_LIST(SLOT_STATE)[AT_EVENT - 1] = OFF(upper_unknown),
    EVENT_LIST(SLOT_EVENT)[AT_END - 1] = OFF(upper_unknown),
    END_LIST(SLOT_END)[AT_CONN - 1] = OFF(lower_unknown),
    CONN_LIST(SLOT_CONN)[AT_TOTAL - 1] = OFF(conn_unknown),
};

_Static_assert(sizeof(struct texts) <= UINT16_MAX, "offsets are 16 bits");

/* Every list names each value of its enum once (a duplicate would be a
 * duplicate member above), so a matching count means none is missing. */
#define COUNT(v, text) +1
_Static_assert(0 STATUS_LIST(COUNT) == STATUS_SPAN, "every status needs a name and a message");
_Static_assert(0 STATE_LIST(COUNT) == TCPSTATE_STATE_COUNT, "every state needs a name");
_Static_assert(0 EVENT_LIST(COUNT) == TCPSTATE_EV_COUNT, "every event kind needs a name");
_Static_assert(0 END_LIST(COUNT) == TCPSTATE_END_COUNT, "every end reason needs a name");
_Static_assert(0 CONN_LIST(COUNT) == TCPSTATE_CONN_COUNT, "every conn_state needs a name");

/* The name of index i (0-based) of the table at `at` with n entries; the
 * table's "unknown" beyond them. i is unsigned: a negative value wrapped. */
static const char *text_at(unsigned at, unsigned n, unsigned i)
{
    return (const char *)&texts + offsets[at + (i < n ? i : n)];
}

static unsigned status_index(tcpstate_status s)
{
    return (unsigned)((int)s - TCPSTATE_STATUS_MIN);
}

const char *tcpstate_strerror(tcpstate_status s)
{
    return text_at(AT_STATUS_MSG, STATUS_SPAN, status_index(s));
}

const char *tcpstate_status_name(tcpstate_status s)
{
    return text_at(AT_STATUS_NAME, STATUS_SPAN, status_index(s));
}

const char *tcpstate_state_name(tcpstate_tcp_state s)
{
    return text_at(AT_STATE, TCPSTATE_STATE_COUNT, (unsigned)s);
}

const char *tcpstate_event_name(tcpstate_event_kind k)
{
    return text_at(AT_EVENT, TCPSTATE_EV_COUNT, (unsigned)k);
}

const char *tcpstate_end_reason_name(tcpstate_end_reason r)
{
    return text_at(AT_END, TCPSTATE_END_COUNT, (unsigned)r);
}

const char *tcpstate_conn_state_name(tcpstate_conn_state c)
{
    return text_at(AT_CONN, TCPSTATE_CONN_COUNT, (unsigned)c);
}

uint32_t tcpstate_version(void) { return TCPSTATE_VERSION_NUMBER; }

const char *tcpstate_version_string(void) { return TCPSTATE_VERSION_STRING; }
