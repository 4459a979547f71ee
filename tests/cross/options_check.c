/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Built by tests/cross/run.sh against a library compiled with every size
 * option (docs/embedding.md): TCPSTATE_NO_ZEEK, TCPSTATE_NO_IPV6,
 * TCPSTATE_NO_REASSEMBLY, TCPSTATE_NO_TUNNELS, TCPSTATE_NO_LINK_TYPES,
 * TCPSTATE_NO_STRINGS, TCPSTATE_NO_SHARDING, TCPSTATE_NO_CREATE and
 * TCPSTATE_NO_SERVER_PORT_LIST: what was
 * left out is refused or skipped, never half-working, and IPv4 tracking over
 * Ethernet (with VLAN tags) and raw IP is whole. Every check fails against
 * the full library.
 * Exit status 0 on success; prints the first failed check.
 */
#include <stdio.h>
#include <string.h>

#include "tcpstate.h"

static _Alignas(64) unsigned char mem[1 << 16];

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            printf("options_check: failed: %s\n", #c);                                             \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

/* Raw IP (link type 101) SYN, 20-byte TCP header, checksums zero. */
static const unsigned char syn4[40] = {
    0x45, 0,    0, 40, 0, 0, 0x40, 0,    64, 6, 0, 0, 10,   0,    0,    1,    10, 0, 0, 2,
    0x9c, 0x40, 0, 80, 0, 0, 0x03, 0xe8, 0,  0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0,  0, 0, 0};
static const unsigned char syn6[60] = {
    0x60, 0,    0,    0,    0, 20, 6,    64, /* IPv6, plen 20, TCP */
    0x20, 0x01, 0x0d, 0xb8, 0, 0,  0,    0,    0, 0, 0, 0, 0,    0,    0,    1, /* 2001:db8::1 */
    0x20, 0x01, 0x0d, 0xb8, 0, 0,  0,    0,    0, 0, 0, 0, 0,    0,    0,    2, /* 2001:db8::2 */
    0x9c, 0x40, 0,    80,   0, 0,  0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0};

/* The SYN above over PPP (link type 9, RFC 1662 framing, protocol 0x0021). */
static unsigned char ppp4[4 + sizeof syn4] = {0xff, 0x03, 0x00, 0x21};

/* The SYN above, other ports, in Ethernet with an 802.1Q tag (VLAN 7). */
static unsigned char vlan4[18 + sizeof syn4] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2,
                                                0x81, 0x00, 0x00, 0x07, 0x08, 0x00};

/* IPv4 in IPv4 (RFC 2003) carrying the SYN above. */
static const unsigned char ipip[60] = {
    0x45, 0,    0, 60, 0, 0, 0x40, 0,    64, 4, 0, 0, 192,  0,    2,    1,    192, 0, 2, 2,
    0x45, 0,    0, 40, 0, 0, 0x40, 0,    64, 6, 0, 0, 10,   0,    0,    1,    10,  0, 0, 2,
    0x9c, 0x40, 0, 80, 0, 0, 0x03, 0xe8, 0,  0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0,   0, 0, 0};

int main(void)
{
    tcpstate_config cfg;
    tcpstate_engine *e;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 16;

    /* TCPSTATE_NO_REASSEMBLY: off by default, refused when asked for. */
    CHECK(cfg.reasm_contexts == 0);
    cfg.reasm_contexts = 64;
    CHECK(tcpstate_footprint(&cfg) == 0);
    cfg.reasm_contexts = 0;

    /* TCPSTATE_NO_ZEEK: the flags that need the emulation are refused. */
    cfg.flags |= TCPSTATE_F_HISTORY;
    CHECK(tcpstate_footprint(&cfg) == 0);
    CHECK(tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e) == TCPSTATE_E_INVAL);
    cfg.flags &= ~TCPSTATE_F_HISTORY;

    /* TCPSTATE_NO_SERVER_PORT_LIST: a list of the caller's is refused. */
    static const uint16_t ports[] = {8080};
    cfg.server_ports = ports;
    cfg.n_server_ports = 1;
    CHECK(tcpstate_footprint(&cfg) == 0);
    CHECK(tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e) == TCPSTATE_E_INVAL);
    cfg.server_ports = NULL;
    cfg.n_server_ports = 0;

    CHECK(tcpstate_footprint(&cfg) != 0 && tcpstate_footprint(&cfg) <= sizeof mem);
    CHECK(tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e) == TCPSTATE_OK);

    /* TCPSTATE_NO_IPV6: IPv6 is skipped, IPv4 tracked. */
    CHECK(tcpstate_feed(e, TCPSTATE_LINKTYPE_RAW, syn6, sizeof syn6, sizeof syn6, 1) ==
          TCPSTATE_SKIP_NOT_IP);
    CHECK(tcpstate_feed(e, TCPSTATE_LINKTYPE_RAW, syn4, sizeof syn4, sizeof syn4, 2) ==
          TCPSTATE_OK);
    /* TCPSTATE_NO_TUNNELS: a tunnel's payload is not decoded. */
    tcpstate_packet pkt;
    CHECK(tcpstate_decode(TCPSTATE_LINKTYPE_RAW, ipip, sizeof ipip, sizeof ipip, 0, &pkt) ==
          TCPSTATE_SKIP_NOT_TCP);

    /* TCPSTATE_NO_LINK_TYPES: PPP is an unsupported link type; Ethernet with
     * a VLAN tag still carries a new flow. */
    memcpy(ppp4 + 4, syn4, sizeof syn4);
    memcpy(vlan4 + 18, syn4, sizeof syn4);
    vlan4[18 + 21] = 81; /* destination port 81: another flow than syn4's */
    CHECK(!tcpstate_linktype_supported(TCPSTATE_LINKTYPE_PPP));
    CHECK(!tcpstate_linktype_supported(TCPSTATE_LINKTYPE_IEEE802_11));
    CHECK(tcpstate_linktype_supported(TCPSTATE_LINKTYPE_ETHERNET));
    CHECK(tcpstate_linktype_supported(TCPSTATE_LINKTYPE_RAW));
    CHECK(tcpstate_decode(TCPSTATE_LINKTYPE_PPP, ppp4, sizeof ppp4, sizeof ppp4, 0, &pkt) ==
          TCPSTATE_E_LINKTYPE);
    CHECK(tcpstate_feed(e, TCPSTATE_LINKTYPE_PPP, ppp4, sizeof ppp4, sizeof ppp4, 3) ==
          TCPSTATE_E_LINKTYPE);
    CHECK(tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, vlan4, sizeof vlan4, sizeof vlan4, 4) ==
          TCPSTATE_OK);

    tcpstate_stats st;
    CHECK(tcpstate_get_stats(e, &st) == TCPSTATE_OK && st.flows_created == 2);

    /* TCPSTATE_NO_STRINGS: one fixed string for every name and message. */
    CHECK(strcmp(tcpstate_strerror(TCPSTATE_OK), "TCPSTATE_NO_STRINGS") == 0);
    CHECK(strcmp(tcpstate_status_name(TCPSTATE_E_TRUNCATED), "TCPSTATE_NO_STRINGS") == 0);
    CHECK(strcmp(tcpstate_state_name(TCPSTATE_ESTABLISHED), "TCPSTATE_NO_STRINGS") == 0);
    CHECK(strcmp(tcpstate_event_name(TCPSTATE_EV_SYN), "TCPSTATE_NO_STRINGS") == 0);
    CHECK(strcmp(tcpstate_end_reason_name(TCPSTATE_END_RESET), "TCPSTATE_NO_STRINGS") == 0);
    CHECK(strcmp(tcpstate_conn_state_name(TCPSTATE_CONN_SF), "TCPSTATE_NO_STRINGS") == 0);
    CHECK(strcmp(tcpstate_strerror((tcpstate_status)12345), "TCPSTATE_NO_STRINGS") == 0);

    /* TCPSTATE_NO_SHARDING: tcpstate_flow_hash() is disabled. */
    static const uint8_t key[16] = {1};
    uint64_t h = 0;
    CHECK(tcpstate_flow_hash(TCPSTATE_LINKTYPE_RAW, syn4, sizeof syn4, sizeof syn4, key, 0, &h) ==
          TCPSTATE_E_DISABLED);

    /* TCPSTATE_NO_CREATE: tcpstate_create() is disabled (init still works). */
    tcpstate_engine *made = e;
    CHECK(tcpstate_create(&cfg, NULL, NULL, NULL, &made) == TCPSTATE_E_DISABLED && made == NULL);
    tcpstate_destroy(e); /* an engine from tcpstate_init(): nothing happens */
    CHECK(tcpstate_finish(e) == TCPSTATE_OK);

    printf("options_check: TCPSTATE_NO_ZEEK, _NO_IPV6, _NO_REASSEMBLY, _NO_TUNNELS, "
           "_NO_LINK_TYPES, _NO_STRINGS, _NO_SHARDING, _NO_CREATE and _NO_SERVER_PORT_LIST "
           "behave as documented\n");
    return 0;
}
