/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_minimal: the smallest complete tcpstate program. It opens a capture
 * file (or, with -i, an interface) with libpcap, feeds every frame to one
 * engine and prints one line per callback: the event, the connection and
 * both endpoints' states.
 *
 *   pcap_minimal FILE        pcap_minimal -i IFACE
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tcpstate.h>

static int on_event(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    tcpstate_flow_info fi;
    (void)user;
    (void)tcpstate_flow_get_info(flow, &fi);
    /* IPv4 addresses only, to stay short (tcpstate-pcap prints both kinds). */
    printf("frame %llu %-7s %u.%u.%u.%u:%u > %u.%u.%u.%u:%u  client=%s server=%s\n",
           (unsigned long long)ev->frame, tcpstate_event_name((tcpstate_event_kind)ev->kind),
           fi.addr[0][0], fi.addr[0][1], fi.addr[0][2], fi.addr[0][3], fi.port[0], fi.addr[1][0],
           fi.addr[1][1], fi.addr[1][2], fi.addr[1][3], fi.port[1],
           tcpstate_state_name((tcpstate_tcp_state)ev->after[TCPSTATE_ORIG]),
           tcpstate_state_name((tcpstate_tcp_state)ev->after[TCPSTATE_RESP]));
    return TCPSTATE_CB_CONTINUE;
}

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    int live = argc == 3 && strcmp(argv[1], "-i") == 0;
    if (argc != 2 && !live) {
        fprintf(stderr, "usage: %s FILE | %s -i IFACE\n", argv[0], argv[0]);
        return 2;
    }
    pcap_t *p = live ? pcap_open_live(argv[2], 65535, 1, 100, err)
                     : pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
    if (p == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    tcpstate_config cfg;
    tcpstate_callbacks cb = {on_event, on_event, on_event, on_event, on_event, on_event, on_event};
    tcpstate_engine *e;
    tcpstate_config_init(&cfg); /* 65536 flows */
    void *mem = malloc(tcpstate_footprint(&cfg));
    if (mem == NULL || tcpstate_init(mem, tcpstate_footprint(&cfg), &cfg, &cb, NULL, &e) != TCPSTATE_OK) {
        return 1;
    }
    uint64_t ns = live ? 1000 : 1; /* live: microsecond timestamps */
    struct pcap_pkthdr *h;
    const u_char *frame;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &frame)) >= 0) { /* 0: live timeout, no frame */
        if (rc == 0) {
            continue;
        }
        uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * ns;
        /* Bad or non-TCP frames give a status and are counted; carry on. */
        (void)!tcpstate_feed(e, (uint32_t)pcap_datalink(p), frame, h->caplen, h->len, ts);
    }
    (void)tcpstate_finish(e); /* connections still open end now (frame 0) */
    pcap_close(p);
    free(mem);
    return 0;
}
