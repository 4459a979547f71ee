/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names and descriptions of every enum in the public header, as tables keyed
 * by the enum values (designated initializers), each checked for completeness
 * at compile time.
 */
#include "tcpstate.h"

#define STATUS_SPAN (TCPSTATE_STATUS_MAX - TCPSTATE_STATUS_MIN + 1)
#define ST(s)       [(s)-TCPSTATE_STATUS_MIN]

struct status_text {
    const char *name;
    const char *message;
};

static const struct status_text status_texts[] = {
    ST(TCPSTATE_OK) = {"TCPSTATE_OK", "ok"},
    ST(TCPSTATE_SKIP_NOT_IP) = {"TCPSTATE_SKIP_NOT_IP", "link payload is not IPv4 or IPv6"},
    ST(TCPSTATE_SKIP_NOT_TCP) = {"TCPSTATE_SKIP_NOT_TCP", "IP payload is not TCP"},
    ST(TCPSTATE_SKIP_FRAGMENT) = {"TCPSTATE_SKIP_FRAGMENT",
                                  "IP fragment without a whole TCP header"},
    ST(TCPSTATE_SKIP_MIDSTREAM) = {"TCPSTATE_SKIP_MIDSTREAM",
                                   "no flow for a non-SYN segment and midstream pickup is off"},
    ST(TCPSTATE_E_INVAL) = {"TCPSTATE_E_INVAL", "invalid argument"},
    ST(TCPSTATE_E_LINKTYPE) = {"TCPSTATE_E_LINKTYPE", "unsupported link type"},
    ST(TCPSTATE_E_TRUNCATED) = {"TCPSTATE_E_TRUNCATED", "headers cut by the capture's snap length"},
    ST(TCPSTATE_E_BAD_LINK) = {"TCPSTATE_E_BAD_LINK", "link-layer header too short"},
    ST(TCPSTATE_E_VLAN_DEPTH) = {"TCPSTATE_E_VLAN_DEPTH", "too many stacked VLAN tags"},
    ST(TCPSTATE_E_MPLS_DEPTH) = {"TCPSTATE_E_MPLS_DEPTH", "too many MPLS labels"},
    ST(TCPSTATE_E_BAD_PPPOE) = {"TCPSTATE_E_BAD_PPPOE", "malformed PPPoE session header"},
    ST(TCPSTATE_E_BAD_IP_VERSION) = {"TCPSTATE_E_BAD_IP_VERSION",
                                     "IP version does not match the link layer"},
    ST(TCPSTATE_E_BAD_IPV4_IHL) = {"TCPSTATE_E_BAD_IPV4_IHL", "bad IPv4 header length"},
    ST(TCPSTATE_E_BAD_IP_LENGTH) = {"TCPSTATE_E_BAD_IP_LENGTH",
                                    "IP length inconsistent with headers or frame"},
    ST(TCPSTATE_E_BAD_IPV4_CHECKSUM) = {"TCPSTATE_E_BAD_IPV4_CHECKSUM", "bad IPv4 header checksum"},
    ST(TCPSTATE_E_BAD_IPV6_EXT) = {"TCPSTATE_E_BAD_IPV6_EXT",
                                   "malformed or overrunning IPv6 extension header"},
    ST(TCPSTATE_E_IPV6_EXT_CHAIN) = {"TCPSTATE_E_IPV6_EXT_CHAIN",
                                     "too many IPv6 extension headers"},
    ST(TCPSTATE_E_BAD_TCP_HEADER) = {"TCPSTATE_E_BAD_TCP_HEADER",
                                     "IP payload shorter than a TCP header"},
    ST(TCPSTATE_E_BAD_TCP_OFFSET) = {"TCPSTATE_E_BAD_TCP_OFFSET", "bad TCP data offset"},
    ST(TCPSTATE_E_BAD_TCP_OPTION) = {"TCPSTATE_E_BAD_TCP_OPTION", "TCP option with a bad length"},
    ST(TCPSTATE_E_BAD_TCP_CHECKSUM) = {"TCPSTATE_E_BAD_TCP_CHECKSUM", "bad TCP checksum"},
    ST(TCPSTATE_E_NOMEM) = {"TCPSTATE_E_NOMEM", "memory buffer too small"},
    ST(TCPSTATE_E_TABLE_FULL) = {"TCPSTATE_E_TABLE_FULL", "flow table full and nothing evictable"},
    ST(TCPSTATE_E_CALLBACK) = {"TCPSTATE_E_CALLBACK", "a callback asked to stop"},
    ST(TCPSTATE_E_REENTRANT) = {"TCPSTATE_E_REENTRANT", "engine called from its own callback"},
    ST(TCPSTATE_E_DISABLED) = {"TCPSTATE_E_DISABLED",
                               "feature disabled in the engine configuration"},
    ST(TCPSTATE_E_TUNNEL_DEPTH) = {"TCPSTATE_E_TUNNEL_DEPTH", "too many nested tunnels"},
};
_Static_assert(sizeof status_texts / sizeof *status_texts == STATUS_SPAN,
               "every status needs a name and a message");

static const struct status_text *status_text(tcpstate_status s)
{
    int i = (int)s - TCPSTATE_STATUS_MIN;
    if (i < 0 || i >= STATUS_SPAN || status_texts[i].name == NULL) {
        return NULL;
    }
    return &status_texts[i];
}

const char *tcpstate_strerror(tcpstate_status s)
{
    const struct status_text *t = status_text(s);
    return t ? t->message : "unknown tcpstate status";
}

const char *tcpstate_status_name(tcpstate_status s)
{
    const struct status_text *t = status_text(s);
    return t ? t->name : "TCPSTATE_UNKNOWN";
}

static const char *const state_names[] = {
    [TCPSTATE_CLOSED] = "CLOSED",           [TCPSTATE_LISTEN] = "LISTEN",
    [TCPSTATE_SYN_SENT] = "SYN_SENT",       [TCPSTATE_SYN_RECEIVED] = "SYN_RECEIVED",
    [TCPSTATE_ESTABLISHED] = "ESTABLISHED", [TCPSTATE_FIN_WAIT_1] = "FIN_WAIT_1",
    [TCPSTATE_FIN_WAIT_2] = "FIN_WAIT_2",   [TCPSTATE_CLOSE_WAIT] = "CLOSE_WAIT",
    [TCPSTATE_CLOSING] = "CLOSING",         [TCPSTATE_LAST_ACK] = "LAST_ACK",
    [TCPSTATE_TIME_WAIT] = "TIME_WAIT",
};
_Static_assert(sizeof state_names / sizeof *state_names == TCPSTATE_STATE_COUNT,
               "every state needs a name");

const char *tcpstate_state_name(tcpstate_tcp_state s)
{
    unsigned i = (unsigned)s;
    return i < TCPSTATE_STATE_COUNT ? state_names[i] : "UNKNOWN";
}

static const char *const event_names[] = {
    [TCPSTATE_EV_SYN] = "SYN",      [TCPSTATE_EV_SYNACK] = "SYN-ACK",
    [TCPSTATE_EV_ACK] = "ACK",      [TCPSTATE_EV_FIN] = "FIN",
    [TCPSTATE_EV_RST] = "RST",      [TCPSTATE_EV_STATE_CHANGE] = "STATE",
    [TCPSTATE_EV_FLOW_END] = "END",
};
_Static_assert(sizeof event_names / sizeof *event_names == TCPSTATE_EV_COUNT,
               "every event kind needs a name");

const char *tcpstate_event_name(tcpstate_event_kind k)
{
    unsigned i = (unsigned)k;
    return i < TCPSTATE_EV_COUNT ? event_names[i] : "UNKNOWN";
}

static const char *const end_reason_names[] = {
    [TCPSTATE_END_NONE] = "none",         [TCPSTATE_END_CLOSED] = "closed",
    [TCPSTATE_END_RESET] = "reset",       [TCPSTATE_END_TIMEOUT] = "timeout",
    [TCPSTATE_END_EVICTED] = "evicted",   [TCPSTATE_END_REUSED] = "reused",
    [TCPSTATE_END_FINISHED] = "finished", [TCPSTATE_END_DROPPED] = "dropped",
};
_Static_assert(sizeof end_reason_names / sizeof *end_reason_names == TCPSTATE_END_COUNT,
               "every end reason needs a name");

const char *tcpstate_end_reason_name(tcpstate_end_reason r)
{
    unsigned i = (unsigned)r;
    return i < TCPSTATE_END_COUNT ? end_reason_names[i] : "unknown";
}

static const char *const conn_state_names[] = {
    [TCPSTATE_CONN_S0] = "S0",         [TCPSTATE_CONN_S1] = "S1",
    [TCPSTATE_CONN_SF] = "SF",         [TCPSTATE_CONN_REJ] = "REJ",
    [TCPSTATE_CONN_S2] = "S2",         [TCPSTATE_CONN_S3] = "S3",
    [TCPSTATE_CONN_RSTO] = "RSTO",     [TCPSTATE_CONN_RSTR] = "RSTR",
    [TCPSTATE_CONN_RSTOS0] = "RSTOS0", [TCPSTATE_CONN_RSTRH] = "RSTRH",
    [TCPSTATE_CONN_SH] = "SH",         [TCPSTATE_CONN_SHR] = "SHR",
    [TCPSTATE_CONN_OTH] = "OTH",
};
_Static_assert(sizeof conn_state_names / sizeof *conn_state_names == TCPSTATE_CONN_COUNT,
               "every conn_state needs a name");

const char *tcpstate_conn_state_name(tcpstate_conn_state c)
{
    unsigned i = (unsigned)c;
    return i < TCPSTATE_CONN_COUNT ? conn_state_names[i] : "-";
}

uint32_t tcpstate_version(void) { return TCPSTATE_VERSION_NUMBER; }

const char *tcpstate_version_string(void) { return TCPSTATE_VERSION_STRING; }
