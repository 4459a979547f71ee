/* SPDX-License-Identifier: BSD-2-Clause */
/* A consumer of tcpstate: one engine in static memory fed one raw IPv4 SYN;
 * exits 0 when the SYN callback fired and the library's version matches the
 * header's. Built by every consumer kind in tests/consumers/run.sh. */
#include <stdio.h>
#include <string.h>
#include <tcpstate.h>

static int syns;

static int on_syn(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user, (void)flow, (void)ev;
    syns++;
    return TCPSTATE_CB_CONTINUE;
}

static uint8_t mem[TCPSTATE_STATIC_BYTES(64, 0)];

int main(void)
{
    /* IPv4 10.0.0.1:40000 > 10.0.0.2:80, SYN; checksums are not verified by default. */
    static const uint8_t syn[40] = {0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1,
                                    10, 0, 0, 2, 0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
                                    0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0};
    static const uint8_t key[16] = {0};
    tcpstate_config cfg;
    tcpstate_callbacks cb;
    tcpstate_engine *e;
    uint64_t h;

    memset(&cb, 0, sizeof cb);
    cb.on_syn = on_syn;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 64;
    cfg.reasm_contexts = 0; /* no IP reassembly pool: what TCPSTATE_STATIC_BYTES() counts */
    if (tcpstate_footprint(&cfg) > sizeof mem ||
        tcpstate_init(mem, sizeof mem, &cfg, &cb, NULL, &e) != TCPSTATE_OK ||
        tcpstate_feed(e, TCPSTATE_LINKTYPE_RAW, syn, sizeof syn, sizeof syn, 1) != TCPSTATE_OK ||
        tcpstate_flow_hash(TCPSTATE_LINKTYPE_RAW, syn, sizeof syn, sizeof syn, key, 0, &h) !=
            TCPSTATE_OK) {
        return 1;
    }
    printf("tcpstate %s: %d SYN event\n", tcpstate_version_string(), syns);
    return syns == 1 && tcpstate_version() == TCPSTATE_VERSION_NUMBER ? 0 : 1;
}
