/* SPDX-License-Identifier: BSD-2-Clause */
#include "support/seed.h"

#include <stdio.h>
#include <string.h>

#define CLIENT "76.88.16.104"
#define SERVER "76.88.16.16"

/* Frames 4-16 carry FTP control text; their sequence numbers follow from it. */
enum dir { C2S, S2C };

struct seed_row {
    enum dir dir;
    uint16_t client_port;
    uint16_t flags;
    const char *text; /* payload, or NULL */
    uint32_t usec;    /* microseconds after frame 1 */
};

#define SA (TCPSTATE_TH_SYN | TCPSTATE_TH_ACK)
#define A  TCPSTATE_TH_ACK
#define PA (TCPSTATE_TH_PSH | TCPSTATE_TH_ACK)
#define FA (TCPSTATE_TH_FIN | TCPSTATE_TH_ACK)

static const struct seed_row rows[SEED_FRAMES] = {
    /* 1-3: the handshake (article figure 2). */
    {C2S, 1038, TCPSTATE_TH_SYN, NULL, 0},
    {S2C, 1038, SA, NULL, 512},
    {C2S, 1038, A, NULL, 640},
    /* 4-16: login and download commands (not in the article). */
    {S2C, 1038, PA, "220 Serv-U FTP Server v4.0 for WinSock ready...\r\n", 9210},
    {C2S, 1038, PA, "USER anonymous\r\n", 1823470},
    {S2C, 1038, PA, "331 User name okay, please send complete E-mail address as password.\r\n",
     1825120},
    {C2S, 1038, PA, "PASS guest@\r\n", 3402650},
    {S2C, 1038, PA, "230 User logged in, proceed.\r\n", 3410330},
    {C2S, 1038, PA, "PORT 76,88,16,104,4,4\r\n", 7902140},
    {S2C, 1038, PA, "200 PORT Command successful.\r\n", 7903020},
    {C2S, 1038, PA, "RETR readme.txt\r\n", 7904420},
    {S2C, 1038, PA, "150 Opening ASCII mode data connection for readme.txt (3021 bytes).\r\n",
     7911680},
    {S2C, 1038, PA, "226 Transfer complete.\r\n", 7923190},
    {C2S, 1038, PA, "QUIT\r\n", 12481500},
    {S2C, 1038, PA, "221 Goodbye!\r\n", 12482310},
    {C2S, 1038, A, NULL, 12482890},
    /* 17-20: the close on client port 1028 (article figure 4); the server closes first. */
    {S2C, 1028, FA, NULL, 12483020},
    {C2S, 1028, A, NULL, 12483110},
    {C2S, 1028, FA, NULL, 12483350},
    {S2C, 1028, A, NULL, 12484090},
};

/* 2005-03-14 09:26:53 UTC: a plausible afternoon for a sniffer tutorial. */
#define SEED_EPOCH_NS UINT64_C(1110792413000000000)

int seed_build(struct seed_frame out[SEED_FRAMES])
{
    /* Next sequence number of each side of each connection. */
    uint32_t cli1038 = SEED_CLIENT_ISN, srv1038 = SEED_SERVER_ISN;
    uint32_t cli1028 = SEED_CLIENT_FIN_SEQ, srv1028 = SEED_SERVER_FIN_SEQ;
    uint16_t ip_id_client = 0x2f10, ip_id_server = 0x51a4;
    uint8_t syn_opts[8];
    size_t syn_opts_len = tcpopt_mss(syn_opts, 1460);
    syn_opts_len += tcpopt_nop(syn_opts + syn_opts_len);
    syn_opts_len += tcpopt_nop(syn_opts + syn_opts_len);
    syn_opts_len += tcpopt_sack_perm(syn_opts + syn_opts_len);

    for (unsigned i = 0; i < SEED_FRAMES; i++) {
        const struct seed_row *r = &rows[i];
        int on1038 = r->client_port == 1038;
        uint32_t *mine =
            r->dir == C2S ? (on1038 ? &cli1038 : &cli1028) : (on1038 ? &srv1038 : &srv1028);
        uint32_t *theirs =
            r->dir == C2S ? (on1038 ? &srv1038 : &srv1028) : (on1038 ? &cli1038 : &cli1028);
        char client_ep[32], server_ep[32];
        struct frame_spec spec;

        memset(&spec, 0, sizeof spec);
        spec.flags = r->flags;
        spec.seq = *mine;
        spec.ack = (r->flags & TCPSTATE_TH_ACK) ? *theirs : 0;
        spec.ttl = 128;
        spec.window = r->dir == C2S ? 17520 : 65535;
        spec.ip_id = r->dir == C2S ? ip_id_client++ : ip_id_server++;
        if (r->flags & TCPSTATE_TH_SYN) {
            spec.tcp_opts = syn_opts;
            spec.tcp_opts_len = syn_opts_len;
        }
        if (r->text != NULL) {
            spec.payload = (const uint8_t *)r->text;
            spec.payload_len = strlen(r->text);
        }
        /* The server answers from port 21 on both connections, as the article prints. */
        snprintf(client_ep, sizeof client_ep, "%s:%u", CLIENT, (unsigned)r->client_port);
        snprintf(server_ep, sizeof server_ep, "%s:21", SERVER);
        out[i].seg = r->dir == C2S ? seg_make_spec(client_ep, server_ep, spec)
                                   : seg_make_spec(server_ep, client_ep, spec);
        if (out[i].seg.len == 0) {
            return -1;
        }
        out[i].ts = SEED_EPOCH_NS + (uint64_t)r->usec * 1000u;
        *mine += (uint32_t)spec.payload_len + ((r->flags & TCPSTATE_TH_SYN) ? 1u : 0u) +
                 ((r->flags & TCPSTATE_TH_FIN) ? 1u : 0u);
    }
    return 0;
}
