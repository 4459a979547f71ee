/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Built by tests/cross/run.sh against a library compiled with
 * TCPSTATE_NO_ZEEK, TCPSTATE_NO_IPV6, TCPSTATE_NO_REASSEMBLY and
 * TCPSTATE_NO_TUNNELS (docs/embedding.md): what was left out is refused or
 * skipped, never half-working, and IPv4 tracking is whole.
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
    tcpstate_stats st;
    CHECK(tcpstate_get_stats(e, &st) == TCPSTATE_OK && st.flows_created == 1);
    printf("options_check: TCPSTATE_NO_ZEEK, _NO_IPV6, _NO_REASSEMBLY and _NO_TUNNELS behave as "
           "documented\n");
    return 0;
}
