/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The two behaviours issue 8 found wrong against held-back real traffic,
 * each played from its description through the public API with the history
 * and Zeek lifetimes on (what tcpstate-pcap runs by default):
 *
 *  - "A simultaneous open (crossing SYNs, no listener) is split into two
 *    connections by tcpstate-pcap in its default Zeek-lifetime mode; the
 *    library's plain mode handles it. Crossing SYNs are one connection in
 *    every mode."
 *  - "When a connection's first segments carry bad TCP checksums, its roles
 *    come out swapped against Zeek." Zeek creates its connection from such a
 *    segment before it checks the checksum, choosing roles from the SYN bit
 *    and the ports alone (a pure SYN's sender originates; otherwise the sender
 *    responds only if its port is a likely server port and the peer's is not).
 *
 * Every flow end is collected as "orig_port CONN_STATE history".
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>

#include "support/frames.h"
#include "support/options.h"
#include "tcpstate.h"

#define A_EP "10.0.0.1:4000"
#define B_EP "10.0.0.2:5000"
#define CLI  "10.0.0.1:40001"
#define SRV  "10.0.0.2:7777" /* not a likely server port here */
#define WEB  "10.0.0.2:80"   /* the only likely server port here */

#define MS(x) (UINT64_C(1000000) * (uint64_t)(x))

enum { SYN = TCPSTATE_TH_SYN, ACK = TCPSTATE_TH_ACK, FIN = TCPSTATE_TH_FIN, PSH = TCPSTATE_TH_PSH };

static _Alignas(16) uint8_t engine_mem[1 << 20];
static tcpstate_engine *eng;
static char rows[4096];
static const uint16_t server_ports[] = {80};

static int on_end(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    tcpstate_conn_state cs;
    tcpstate_flow_info info;
    char hist[TCPSTATE_HISTORY_BYTES], row[256];
    cr_assert(eq(int, tcpstate_flow_conn_state(ev->engine, flow, &cs), TCPSTATE_OK));
    cr_assert(eq(int, tcpstate_flow_history(ev->engine, flow, hist, sizeof hist), TCPSTATE_OK));
    cr_assert(eq(int, tcpstate_flow_get_info(flow, &info), TCPSTATE_OK));
    snprintf(row, sizeof row, "%s%u %s %s", rows[0] ? " | " : "", info.port[TCPSTATE_ORIG],
             tcpstate_conn_state_name(cs), hist);
    cr_assert(lt(sz, strlen(rows) + strlen(row), sizeof rows));
    strcat(rows, row);
    return TCPSTATE_CB_CONTINUE;
}

static void start(uint32_t flags)
{
    if (flags & (TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME)) {
        NEEDS_ZEEK();
    }
    NEEDS_SERVER_PORT_LIST(); /* Zeek's tests name their own server ports */
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.flags |= flags;
    cfg.max_flows = 64;
    cfg.server_ports = server_ports;
    cfg.n_server_ports = 1;
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_flow_end = on_end;
    rows[0] = '\0';
    cr_assert(
        eq(int, tcpstate_init(engine_mem, sizeof engine_mem, &cfg, &cb, NULL, &eng), TCPSTATE_OK));
}

static void send_seg(const char *from, const char *to, uint64_t ms, uint16_t flags, uint32_t seq,
                     uint32_t ack, size_t len, int bad_csum)
{
    struct frame_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    spec.flags = flags;
    spec.seq = seq;
    spec.ack = ack;
    spec.payload_len = len;
    spec.bad_tcp_csum = bad_csum;
    struct seg s = seg_make_spec(from, to, spec);
    cr_assert(ge(sz, s.len, 1));
    tcpstate_status got = tcpstate_feed(eng, TCPSTATE_LINKTYPE_ETHERNET, s.bytes, s.len, s.len,
                                        UINT64_C(1000000000000) + MS(ms));
    cr_assert(
        eq(str, (char *)tcpstate_status_name(got),
           (char *)tcpstate_status_name(bad_csum ? TCPSTATE_E_BAD_TCP_CHECKSUM : TCPSTATE_OK)));
}

static uint64_t flows_created(void)
{
    tcpstate_stats st;
    cr_assert(eq(int, tcpstate_get_stats(eng, &st), TCPSTATE_OK));
    return st.flows_created;
}

/* Crossing SYNs, each answered with a SYN-ACK (RFC 9293 §3.5, figure 8),
 * data both ways, then a close. */
static void simultaneous_open(void)
{
    send_seg(A_EP, B_EP, 0, SYN, 1000, 0, 0, 0);
    send_seg(B_EP, A_EP, 1, SYN, 5000, 0, 0, 0);
    send_seg(A_EP, B_EP, 2, SYN | ACK, 1000, 5001, 0, 0);
    send_seg(B_EP, A_EP, 3, SYN | ACK, 5000, 1001, 0, 0);
    send_seg(A_EP, B_EP, 4, ACK | PSH, 1001, 5001, 10, 0);
    send_seg(B_EP, A_EP, 5, ACK | PSH, 5001, 1011, 20, 0);
    send_seg(A_EP, B_EP, 6, FIN | ACK, 1011, 5021, 0, 0);
    send_seg(B_EP, A_EP, 7, FIN | ACK, 5021, 1012, 0, 0);
    send_seg(A_EP, B_EP, 8, ACK, 1012, 5022, 0, 0);
}

Test(issue8, simultaneous_open_is_one_connection_with_zeek_lifetimes)
{
    start(TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME);
    simultaneous_open();
    cr_assert(eq(u64, flows_created(), 1), "rows: %s", rows);
    cr_assert(eq(int, tcpstate_finish(eng), TCPSTATE_OK));
    cr_assert(eq(str, rows, "4000 SF SsDdFfA"));
}

Test(issue8, simultaneous_open_retransmitted_crossing_syn_stays_in_the_connection)
{
    start(TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME);
    send_seg(A_EP, B_EP, 0, SYN, 1000, 0, 0, 0);
    send_seg(B_EP, A_EP, 1, SYN, 5000, 0, 0, 0);
    send_seg(B_EP, A_EP, 900, SYN, 5000, 0, 0, 0);
    cr_assert(eq(u64, flows_created(), 1), "rows: %s", rows);
}

Test(issue8, simultaneous_open_is_one_connection_in_plain_mode_too)
{
    start(0);
    simultaneous_open();
    cr_assert(eq(u64, flows_created(), 1));
}

Test(issue8, a_new_isn_from_the_originator_still_starts_a_new_connection)
{
    /* What the fix must not change: Zeek's reuse of a 4-tuple by the same client. */
    start(TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME);
    send_seg(A_EP, B_EP, 0, SYN, 1000, 0, 0, 0);
    send_seg(A_EP, B_EP, 1, SYN, 9000, 0, 0, 0);
    cr_assert(eq(u64, flows_created(), 2));
}

/* The client's SYN and the server's SYN-ACK both fail their checksums (as when
 * the capturing host's NIC fills them in later); the rest is good. */
static void bad_first_segments(const char *cli, const char *srv)
{
    send_seg(cli, srv, 0, SYN, 100, 0, 0, 1);
    send_seg(srv, cli, 1, SYN | ACK, 500, 101, 0, 1);
    send_seg(cli, srv, 2, ACK, 101, 501, 0, 0);
    send_seg(cli, srv, 3, ACK | PSH, 101, 501, 10, 0);
    send_seg(srv, cli, 4, ACK | PSH, 501, 111, 10, 0);
}

Test(issue8, bad_checksum_syn_ack_opens_with_zeek_roles_without_a_server_port)
{
    start(TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME | TCPSTATE_F_VERIFY_CHECKSUMS);
    bad_first_segments(CLI, SRV);
    cr_assert(eq(int, tcpstate_finish(eng), TCPSTATE_OK));
    /* Zeek: the bad SYN makes a connection of its own ("C"); the bad SYN-ACK
     * reuses the 4-tuple, and Zeek keeps its sender as the originator (7777 is
     * no likely server port), so the client's packets are the responder's. */
    cr_assert(eq(str, rows, "40001 OTH C | 7777 OTH CadD"));
}

Test(issue8, bad_checksum_syn_ack_opens_with_zeek_roles_on_a_server_port)
{
    start(TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME | TCPSTATE_F_VERIFY_CHECKSUMS);
    bad_first_segments(CLI, WEB);
    cr_assert(eq(int, tcpstate_finish(eng), TCPSTATE_OK));
    /* Port 80 is a likely server port: Zeek flips, the client originates. */
    cr_assert(eq(str, rows, "40001 OTH C | 40001 OTH ^cADd"));
}
