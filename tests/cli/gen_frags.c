/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes a capture of many TCP connections whose data+FIN segments travel
 * as IPv4 fragments (RFC 791 §3.2), interleaved across connections and some
 * sent last fragment first: what --workers must split without separating a
 * datagram's fragments from each other or from their connection (the
 * engines reassemble them). cli_workers_fragments runs it.
 *
 *   gen_frags OUT.pcap
 */
#include <stdio.h>
#include <string.h>

#include "support/frames.h"

enum { CONNS = 300, PAYLOAD = 1400, L3 = 14, IPH = 20 };

static struct pcap_writer w;
static uint64_t now = UINT64_C(1700000000000000000);

static int put(const uint8_t *f, size_t len)
{
    now += 1000000; /* 1 ms apart */
    return pcap_write(&w, now, f, len, len);
}

/* Fragment [off, off + len) of the IP payload of the Ethernet frame s. */
static int put_fragment(const struct seg *s, size_t off, size_t len, int more)
{
    uint8_t f[2048];
    memcpy(f, s->bytes, L3 + IPH);
    memcpy(f + L3 + IPH, s->bytes + L3 + IPH + off, len);
    uint8_t *ip = f + L3;
    uint16_t total = (uint16_t)(IPH + len);
    uint16_t frag = (uint16_t)((more ? 0x2000u : 0u) | (off / 8u));
    ip[2] = (uint8_t)(total >> 8);
    ip[3] = (uint8_t)total;
    ip[6] = (uint8_t)(frag >> 8);
    ip[7] = (uint8_t)frag;
    ip[10] = ip[11] = 0;
    uint16_t c = csum_fold(csum_add(0, ip, IPH));
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    return put(f, L3 + IPH + len);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_frags OUT.pcap\n");
        return 2;
    }
    if (pcap_open_write(&w, argv[1], TCPSTATE_LINKTYPE_ETHERNET, 65535, 1) != 0) {
        perror(argv[1]);
        return 1;
    }
    int bad = 0;
    /* Rounds, each taking every connection one step further, so that the
     * fragments of different connections interleave. */
    for (int step = 0; step < 6; step++) {
        for (unsigned i = 0; i < CONNS; i++) {
            char c[64], s[64];
            /* A few hosts, many ports: host pairs repeat across connections. */
            snprintf(c, sizeof c, "10.9.%u.%u:%u", i % 7u, 1u + i % 5u, 20000u + i);
            snprintf(s, sizeof s, "192.0.2.%u:%u", 1u + i % 3u, 80u);
            uint32_t ci = 1000u + i * 7919u, si = 5000000u + i * 104729u;
            const uint16_t A = TCPSTATE_TH_ACK, F = TCPSTATE_TH_FIN, P = TCPSTATE_TH_PSH;
            struct seg g;
            switch (step) {
            case 0:
                g = seg_make(c, s, TCPSTATE_TH_SYN, ci, 0, 0);
                bad |= put(g.bytes, g.len);
                break;
            case 1:
                g = seg_make(s, c, TCPSTATE_TH_SYN | A, si, ci + 1, 0);
                bad |= put(g.bytes, g.len);
                break;
            case 2:
                g = seg_make(c, s, A, ci + 1, si + 1, 0);
                bad |= put(g.bytes, g.len);
                break;
            case 3: /* data and FIN in one datagram, in three fragments */
                g = seg_make(c, s, A | P | F, ci + 1, si + 1, PAYLOAD);
                if (i % 4 == 3) { /* some last fragment first */
                    bad |= put_fragment(&g, 960, g.len - L3 - IPH - 960, 0);
                    bad |= put_fragment(&g, 0, 480, 1);
                    bad |= put_fragment(&g, 480, 480, 1);
                } else {
                    bad |= put_fragment(&g, 0, 480, 1);
                    bad |= put_fragment(&g, 480, 480, 1);
                    bad |= put_fragment(&g, 960, g.len - L3 - IPH - 960, 0);
                }
                break;
            case 4:
                g = seg_make(s, c, A | F, si + 1, ci + 2 + PAYLOAD, 0);
                bad |= put(g.bytes, g.len);
                break;
            default:
                g = seg_make(c, s, A, ci + 2 + PAYLOAD, si + 2, 0);
                bad |= put(g.bytes, g.len);
                break;
            }
        }
    }
    if (pcap_close_write(&w) != 0 || bad) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
