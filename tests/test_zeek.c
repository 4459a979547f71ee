/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Zeek emulation (src/zeek.c) through the public API: conn_state, history
 * letters and where Zeek would end a connection (TCPSTATE_F_ZEEK_LIFETIME).
 * Every flow end is collected as "CONN_STATE history"; a test states the
 * rows it expects, in the order the flows ended.
 *
 * Unless a test says otherwise the client is 10.0.0.1:40001 (ISN 100) and the
 * server 10.0.0.2:80 (ISN 500); port 80 is the only likely server port.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <string.h>

#include "support/frames.h"
#include "support/options.h"
#include "tcpstate.h"

#define CLI "10.0.0.1:40001"
#define SRV "10.0.0.2:80"

#define MS(x) (UINT64_C(1000000) * (uint64_t)(x))
#define T0    UINT64_C(1000000000000) /* 1000 s: an arbitrary capture start */

enum {
    SYN = TCPSTATE_TH_SYN,
    ACK = TCPSTATE_TH_ACK,
    FIN = TCPSTATE_TH_FIN,
    RST = TCPSTATE_TH_RST,
    PSH = TCPSTATE_TH_PSH
};

/* Extras of one segment. */
enum { X_NONE = 0, X_WIN0 = 1, X_BAD_CSUM = 2 };

static _Alignas(16) uint8_t engine_mem[1 << 18]; /* static: the engine needs no heap */
static tcpstate_engine *eng;
static char rows[4096];
static const uint16_t server_ports[] = {80};

static int on_end(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    tcpstate_conn_state cs;
    char hist[TCPSTATE_HISTORY_BYTES];
    cr_assert(eq(int, tcpstate_flow_conn_state(ev->engine, flow, &cs), TCPSTATE_OK));
    cr_assert(eq(int, tcpstate_flow_history(ev->engine, flow, hist, sizeof hist), TCPSTATE_OK));
    size_t used = strlen(rows);
    const char *sep = used ? " | " : "";
    size_t need = strlen(sep) + strlen(tcpstate_conn_state_name(cs)) + 1 + strlen(hist) + 1;
    cr_assert(lt(sz, used + need, sizeof rows));
    strcat(rows, sep);
    strcat(rows, tcpstate_conn_state_name(cs));
    strcat(rows, " ");
    strcat(rows, hist);
    return TCPSTATE_CB_CONTINUE;
}

/* A fresh engine with history and Zeek lifetimes (and checksum checks if asked). */
static void start(int verify_checksums)
{
    NEEDS_ZEEK();
    NEEDS_SERVER_PORT_LIST(); /* Zeek's tests name their own server ports */
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.flags |= TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME;
    if (verify_checksums) {
        cfg.flags |= TCPSTATE_F_VERIFY_CHECKSUMS;
    }
    cfg.max_flows = 64;
    cfg.server_ports = server_ports;
    cfg.n_server_ports = sizeof server_ports / sizeof *server_ports;
    cr_assert(le(sz, tcpstate_footprint(&cfg), sizeof engine_mem));
    tcpstate_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_flow_end = on_end;
    rows[0] = '\0';
    cr_assert(
        eq(int, tcpstate_init(engine_mem, sizeof engine_mem, &cfg, &cb, NULL, &eng), TCPSTATE_OK));
}

/* One segment at T0 + ms. */
static void send_x(const char *from, const char *to, uint64_t ms, uint16_t flags, uint32_t seq,
                   uint32_t ack, size_t len, int extra)
{
    struct frame_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    spec.flags = flags;
    spec.seq = seq;
    spec.ack = ack;
    spec.payload_len = len;
    spec.window_zero = (extra & X_WIN0) != 0;
    spec.bad_tcp_csum = (extra & X_BAD_CSUM) != 0;
    struct seg s = seg_make_spec(from, to, spec);
    cr_assert(ge(sz, s.len, 1));
    tcpstate_status want = (extra & X_BAD_CSUM) ? TCPSTATE_E_BAD_TCP_CHECKSUM : TCPSTATE_OK;
    tcpstate_status got =
        tcpstate_feed(eng, TCPSTATE_LINKTYPE_ETHERNET, s.bytes, s.len, s.len, T0 + MS(ms));
    cr_assert(eq(str, (char *)tcpstate_status_name(got), (char *)tcpstate_status_name(want)));
}

static void c2s(uint64_t ms, uint16_t flags, uint32_t seq, uint32_t ack, size_t len)
{
    send_x(CLI, SRV, ms, flags, seq, ack, len, X_NONE);
}

static void s2c(uint64_t ms, uint16_t flags, uint32_t seq, uint32_t ack, size_t len)
{
    send_x(SRV, CLI, ms, flags, seq, ack, len, X_NONE);
}

/* SYN, SYN-ACK, ACK at ms, ms+1, ms+2: history "ShA", both established. */
static void handshake(uint64_t ms)
{
    c2s(ms, SYN, 100, 0, 0);
    s2c(ms + 1, SYN | ACK, 500, 101, 0);
    c2s(ms + 2, ACK, 101, 501, 0);
}

static void expect_rows(const char *want)
{
    cr_assert(eq(int, tcpstate_finish(eng), TCPSTATE_OK));
    cr_assert(eq(str, rows, (char *)want));
}

/* ------------------------------------------------------------ conn_state codes */

Test(zeek_conn_state, lone_syn_is_S0)
{
    start(0);
    c2s(0, SYN, 100, 0, 0);
    expect_rows("S0 S");
}

Test(zeek_conn_state, handshake_without_close_is_S1)
{
    start(0);
    handshake(0);
    expect_rows("S1 ShA");
}

Test(zeek_conn_state, handshake_data_and_both_fins_is_SF)
{
    start(0);
    handshake(0);
    c2s(3, ACK | PSH, 101, 501, 10);
    s2c(4, ACK, 501, 111, 0);
    s2c(5, ACK | PSH, 501, 111, 20);
    c2s(6, ACK, 111, 521, 0);
    c2s(7, FIN | ACK, 111, 521, 0);
    s2c(8, FIN | ACK, 521, 112, 0);
    c2s(9, ACK, 112, 522, 0);
    expect_rows("SF ShADadFf");
}

Test(zeek_conn_state, syn_answered_by_rst_is_REJ)
{
    start(0);
    c2s(0, SYN, 100, 0, 0);
    s2c(1, RST | ACK, 0, 101, 0);
    expect_rows("REJ Sr");
}

Test(zeek_conn_state, established_then_originator_fin_only_is_S2)
{
    start(0);
    handshake(0);
    c2s(3, FIN | ACK, 101, 501, 0);
    expect_rows("S2 ShAF");
}

Test(zeek_conn_state, established_then_responder_fin_only_is_S3)
{
    start(0);
    handshake(0);
    s2c(3, FIN | ACK, 501, 101, 0);
    expect_rows("S3 ShAf");
}

Test(zeek_conn_state, established_then_originator_rst_is_RSTO)
{
    start(0);
    handshake(0);
    c2s(3, RST | ACK, 101, 501, 0);
    expect_rows("RSTO ShAR");
}

Test(zeek_conn_state, established_then_responder_rst_is_RSTR)
{
    start(0);
    handshake(0);
    s2c(3, RST | ACK, 501, 101, 0);
    expect_rows("RSTR ShAr");
}

Test(zeek_conn_state, syn_then_originator_rst_is_RSTOS0)
{
    start(0);
    c2s(0, SYN, 100, 0, 0);
    c2s(1, RST, 101, 0, 0);
    expect_rows("RSTOS0 SR");
}

Test(zeek_conn_state, responder_bare_ack_between_syn_and_rst_still_RSTOS0)
{
    /* The responder's bare ACK to a SYN leaves it inactive; 'a' is lower
     * case, so the pattern still matches. */
    start(0);
    c2s(0, SYN, 100, 0, 0);
    s2c(1, ACK, 500, 101, 0);
    c2s(2, RST, 101, 0, 0);
    expect_rows("RSTOS0 SaR");
}

Test(zeek_conn_state, originator_fin_before_rst_makes_it_OTH_not_RSTOS0)
{
    start(0);
    c2s(0, SYN, 100, 0, 0);
    s2c(1, ACK, 500, 101, 0);
    c2s(2, FIN, 101, 0, 0);
    c2s(3, RST, 102, 0, 0);
    expect_rows("OTH SaFR");
}

Test(zeek_conn_state, lone_rst_from_server_port_is_RSTRH_flipped)
{
    start(0);
    s2c(0, RST | ACK, 501, 101, 0);
    expect_rows("RSTRH ^r");
}

Test(zeek_conn_state, syn_then_fin_without_answer_is_SH)
{
    start(0);
    c2s(0, SYN, 100, 0, 0);
    c2s(1, FIN | ACK, 101, 501, 0);
    expect_rows("SH SF");
}

Test(zeek_conn_state, lone_synack_then_fin_is_SHR)
{
    start(0);
    s2c(0, SYN | ACK, 500, 101, 0);
    s2c(1, FIN | ACK, 501, 101, 0);
    expect_rows("SHR ^hf");
}

Test(zeek_conn_state, midstream_data_both_ways_is_OTH)
{
    start(0);
    c2s(0, ACK | PSH, 1000, 5000, 10);
    s2c(1, ACK | PSH, 5000, 1010, 10);
    expect_rows("OTH Dd");
}

Test(zeek_conn_state, synack_first_flow_reads_as_flipped_and_closes_SF)
{
    /* The SYN was missed: the SYN-ACK's receiver originates, so the history
     * starts "^h" and continues with the client in upper case. */
    start(0);
    s2c(0, SYN | ACK, 500, 101, 0);
    c2s(1, ACK, 101, 501, 0);
    c2s(2, ACK | PSH, 101, 501, 10);
    s2c(3, ACK, 501, 111, 0);
    s2c(4, ACK | PSH, 501, 111, 5);
    c2s(5, FIN | ACK, 111, 506, 0);
    s2c(6, FIN | ACK, 506, 112, 0);
    expect_rows("SF ^hADadFf");
}

/* ------------------------------------------------------------ history letters */

Test(zeek_history, data_and_pure_acks_are_written_once_per_direction)
{
    start(0);
    handshake(0);
    c2s(3, ACK | PSH, 101, 501, 10);
    c2s(4, ACK | PSH, 111, 501, 10);
    s2c(5, ACK, 501, 121, 0);
    s2c(6, ACK, 501, 121, 0);
    c2s(7, ACK, 121, 501, 0);
    expect_rows("S1 ShADa");
}

Test(zeek_history, retransmitted_syn_with_same_isn_adds_no_letter_and_no_row)
{
    start(0);
    c2s(0, SYN, 100, 0, 0);
    c2s(1000, SYN, 100, 0, 0);
    expect_rows("S0 S");
}

Test(zeek_history, repeated_fin_at_same_position_is_silent_new_position_adds_F)
{
    start(0);
    handshake(0);
    c2s(3, FIN | ACK, 101, 501, 0);
    c2s(4, FIN | ACK, 101, 501, 0); /* retransmitted: same position */
    c2s(5, FIN | ACK, 101, 501, 5); /* a FIN after 5 bytes: a new position */
    expect_rows("S2 ShAFF");
}

Test(zeek_history, syn_fin_together_is_Q)
{
    start(0);
    c2s(0, SYN | FIN, 100, 0, 0);
    expect_rows("SH Q");
}

Test(zeek_history, fin_rst_together_is_I_once)
{
    start(0);
    handshake(0);
    c2s(3, FIN | RST | ACK, 101, 501, 0);
    c2s(4, FIN | RST | ACK, 101, 501, 0);
    expect_rows("RSTO ShAI");
}

Test(zeek_history, zero_window_is_W)
{
    start(0);
    handshake(0);
    send_x(CLI, SRV, 3, ACK, 101, 501, 0, X_WIN0);
    expect_rows("S1 ShAW");
}

Test(zeek_history, zero_window_after_peer_fin_is_not_W)
{
    start(0);
    handshake(0);
    s2c(3, FIN | ACK, 501, 101, 0);
    send_x(CLI, SRV, 4, ACK, 101, 502, 0, X_WIN0);
    c2s(5, FIN | ACK, 101, 502, 0);
    expect_rows("SF ShAfF");
}

/* Handshake, 100 bytes of data, then that segment again `n` times. */
static void retransmit_data(unsigned n)
{
    handshake(0);
    c2s(3, ACK | PSH, 101, 501, 100);
    for (unsigned i = 0; i < n; i++) {
        c2s(4 + i, ACK | PSH, 101, 501, 100);
    }
}

Test(zeek_history, first_retransmission_is_T_and_next_eight_are_silent)
{
    start(0);
    retransmit_data(9);
    expect_rows("S1 ShADT");
}

Test(zeek_history, tenth_retransmission_writes_T_again)
{
    start(0);
    retransmit_data(10);
    expect_rows("S1 ShADTT");
}

Test(zeek_history, bad_checksum_syn_records_only_C)
{
    start(1);
    send_x(CLI, SRV, 0, SYN, 100, 0, 0, X_BAD_CSUM);
    expect_rows("OTH C");
}

Test(zeek_history, bad_checksums_write_C_at_first_and_tenth)
{
    start(1);
    handshake(0);
    for (unsigned i = 0; i < 10; i++) {
        send_x(CLI, SRV, 3 + i, ACK | PSH, 101, 501, 10, X_BAD_CSUM);
    }
    expect_rows("S1 ShACC");
}

Test(zeek_history, history_keeps_its_first_38_letters)
{
    /* Each RST at a new position adds an 'R'; the record holds 38 letters. */
    start(0);
    handshake(0);
    for (unsigned i = 0; i < 40; i++) {
        c2s(3 + i, RST, 101 + i, 0, 0);
    }
    char want[64] = "RSTO ShA";
    memset(want + strlen(want), 'R', 35);
    expect_rows(want);
}

/* ------------------------------------------------------------ lifetimes */

Test(zeek_lifetime, unanswered_syn_ends_after_attempt_delay_and_later_data_is_midstream)
{
    start(0);
    c2s(0, SYN, 100, 0, 0);
    c2s(10, ACK, 101, 501, 0);
    c2s(50, ACK | PSH, 101, 501, 50);
    c2s(5200, ACK | PSH, 151, 501, 50);
    expect_rows("S0 SAD | OTH D");
}

Test(zeek_lifetime, attempt_timer_not_due_before_five_seconds)
{
    start(0);
    c2s(0, SYN, 100, 0, 0);
    c2s(4999, ACK | PSH, 101, 501, 50);
    expect_rows("S0 SD");
}

Test(zeek_lifetime, closed_connection_lingers_five_seconds_then_a_packet_starts_anew)
{
    start(0);
    handshake(0);
    c2s(3, ACK | PSH, 101, 501, 10);
    s2c(4, ACK, 501, 111, 0);
    s2c(5, ACK | PSH, 501, 111, 20);
    c2s(7, FIN | ACK, 111, 521, 0);
    s2c(8, FIN | ACK, 521, 112, 0); /* complete close: DELETE at 8 ms + 5 s */
    c2s(5007, ACK, 112, 522, 0);    /* still the old connection */
    c2s(5008, ACK, 112, 522, 0);    /* a new one */
    expect_rows("SF ShADadFf | OTH A");
}

Test(zeek_lifetime, established_connection_idle_300s_is_split)
{
    start(0);
    handshake(0);
    c2s(100000, ACK | PSH, 101, 501, 10);
    c2s(399999, ACK | PSH, 111, 501, 10); /* 299.999 s idle: same connection */
    c2s(699999, ACK | PSH, 121, 501, 10); /* 300 s idle: a new one */
    expect_rows("S1 ShAD | OTH D");
}

Test(zeek_lifetime, bad_checksum_packets_do_not_keep_a_connection_alive)
{
    start(1);
    handshake(0);
    send_x(CLI, SRV, 200000, ACK | PSH, 101, 501, 10, X_BAD_CSUM);
    c2s(301000, ACK | PSH, 101, 501, 10);
    expect_rows("S1 ShAC | OTH D");
}

Test(zeek_lifetime, rst_after_half_close_is_removed_by_the_expire_timer)
{
    /* FIN at 1 s arms EXPIRE for 7 s; the RST at 1.5 s reports no second
     * close, so no DELETE: EXPIRE removes the connection at its first firing
     * more than 5 s after the last packet. The server packet at 6.95 s
     * postpones that to 13 s (the 6 s re-arm period). */
    start(0);
    handshake(0);
    c2s(1000, FIN | ACK, 101, 501, 0);
    c2s(1500, RST, 102, 0, 0);
    s2c(6950, ACK | PSH, 501, 102, 10);
    s2c(13000, ACK | PSH, 511, 102, 10);
    expect_rows("RSTO ShAFRd | OTH ^d");
}

Test(zeek_lifetime, syn_after_rst_reuses_the_tuple_three_rej_rows)
{
    /* As in pop3.pcap: each SYN is refused and the client tries again. The
     * RSTs carry no ACK, so the RFC tracker disregards them (they do not
     * answer the SYN in RFC 5961 terms) and only Zeek's rule, "any SYN after
     * a reset is a new connection", can split the rows. The SYNs even reuse
     * the ISN: the reset alone makes them new. */
    start(0);
    for (unsigned i = 0; i < 3; i++) {
        c2s(500 * i, SYN, 100, 0, 0);
        s2c(500 * i + 50, RST, 0, 0, 0);
    }
    expect_rows("REJ Sr | REJ Sr | REJ Sr");
}

Test(zeek_lifetime, syn_with_new_isn_starts_a_new_connection)
{
    start(0);
    c2s(0, SYN, 100, 0, 0);
    c2s(1000, SYN, 7000, 0, 0);
    expect_rows("S0 S | S0 S");
}
