/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The two-endpoint tracker, path by path: each test plays a frame sequence
 * and asserts the exact callback sequence and both final states. Engines live
 * in static buffers: the library needs no heap.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "support/frames.h"
#include "support/recorder.h"
#include "tcpstate.h"

#define A TCPSTATE_TH_ACK
#define S TCPSTATE_TH_SYN
#define F TCPSTATE_TH_FIN
#define R TCPSTATE_TH_RST
#define P TCPSTATE_TH_PSH

#define CLI "10.0.0.1:40000"
#define SRV "10.0.0.2:80"

static _Alignas(64) uint8_t engine_mem[1 << 20];
static struct recorder rec;

static void start(void)
{
    cr_assert_not_null(recorder_start(&rec, engine_mem, sizeof engine_mem, NULL));
}

#define PLAY(...)                                                                                  \
    do {                                                                                           \
        const struct step steps_[] = {__VA_ARGS__};                                                \
        size_t n_ = sizeof steps_ / sizeof *steps_;                                                \
        cr_assert(eq(sz, recorder_play(&rec, steps_, n_), n_), "a frame was not tracked");         \
    } while (0)

#define EXPECT_LOG(want) cr_assert(eq(str, (char *)recorder_log(&rec), (char *)(want)))

static tcpstate_flow *only_flow(void);

static void expect_states(tcpstate_tcp_state orig, tcpstate_tcp_state resp)
{
    tcpstate_flow *f = only_flow();
    cr_assert(eq(str, (char *)tcpstate_state_name(tcpstate_flow_state(f, TCPSTATE_ORIG)),
                 (char *)tcpstate_state_name(orig)));
    cr_assert(eq(str, (char *)tcpstate_state_name(tcpstate_flow_state(f, TCPSTATE_RESP)),
                 (char *)tcpstate_state_name(resp)));
}

static int grab_flow(void *user, tcpstate_flow *flow)
{
    *(tcpstate_flow **)user = flow;
    return 0;
}

/* The engine's flow, found by iteration (some flows never fire an event). */
static tcpstate_flow *only_flow(void)
{
    tcpstate_flow *f = NULL;
    cr_assert(eq(int, tcpstate_foreach(rec.engine, grab_flow, &f), TCPSTATE_OK));
    cr_assert_not_null(f);
    return f;
}

static tcpstate_flow_info info_of_flow(void)
{
    tcpstate_flow_info fi;
    cr_assert(eq(int, tcpstate_flow_get_info(only_flow(), &fi), TCPSTATE_OK));
    return fi;
}

static tcpstate_stats stats(void)
{
    tcpstate_stats st;
    cr_assert(eq(int, tcpstate_get_stats(rec.engine, &st), TCPSTATE_OK));
    return st;
}

/* The handshake every later test starts from: client ISN 1000, server ISN 5000. */
#define HANDSHAKE                                                                                  \
    {CLI, SRV, S, 1000, 0, 0}, {SRV, CLI, S | A, 5000, 1001, 0}, { CLI, SRV, A, 1001, 5001, 0 }
#define HANDSHAKE_LOG                                                                              \
    "SYN(o) o:CLOSED>SYN_SENT; SYN-ACK(r) r:CLOSED>SYN_RECEIVED o:SYN_SENT>ESTABLISHED; "          \
    "ACK(o) r:SYN_RECEIVED>ESTABLISHED"

TestSuite(track, .init = start);

/* ------------------------------------------------------------ opening */

Test(track, three_way_handshake_reaches_ESTABLISHED_on_both_sides)
{
    PLAY(HANDSHAKE);
    EXPECT_LOG(HANDSHAKE_LOG);
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    tcpstate_flow_info fi = info_of_flow();
    cr_assert(eq(u32, fi.isn[TCPSTATE_ORIG], 1000));
    cr_assert(eq(u32, fi.isn[TCPSTATE_RESP], 5000));
    cr_assert(eq(u16, fi.port[TCPSTATE_ORIG], 40000));
    cr_assert(eq(u16, fi.port[TCPSTATE_RESP], 80));
    cr_assert(ne(u32, fi.flags & TCPSTATE_FLOW_HANDSHAKE, 0));
    cr_assert(eq(u8, fi.flags & TCPSTATE_FLOW_MIDSTREAM, 0));
    /* One millisecond between frames: both handshake RTTs are 1 ms. */
    cr_assert(eq(u64, fi.rtt_syn_synack, 1000000));
    cr_assert(eq(u64, fi.rtt_synack_ack, 1000000));
}

Test(track, retransmitted_syn_and_synack_are_flagged_not_new_connections)
{
    PLAY({CLI, SRV, S, 1000, 0, 0}, {CLI, SRV, S, 1000, 0, 0}, {SRV, CLI, S | A, 5000, 1001, 0},
         {SRV, CLI, S | A, 5000, 1001, 0}, {CLI, SRV, A, 1001, 5001, 0});
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT; SYN(o,retx); "
               "SYN-ACK(r) r:CLOSED>SYN_RECEIVED o:SYN_SENT>ESTABLISHED; SYN-ACK(r,retx); "
               "ACK(o) r:SYN_RECEIVED>ESTABLISHED");
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.flows_created, 1));
    cr_assert(eq(u64, st.syn_retransmits, 2));
}

Test(track, syn_rtt_is_measured_from_the_latest_syn)
{
    struct seg syn = seg_make(CLI, SRV, S, 1000, 0, 0);
    struct seg synack = seg_make(SRV, CLI, S | A, 5000, 1001, 0);
    cr_assert(eq(int, recorder_feed_at(&rec, &syn, 1000000000), TCPSTATE_OK));
    cr_assert(eq(int, recorder_feed_at(&rec, &syn, 4000000000), TCPSTATE_OK));
    cr_assert(eq(int, recorder_feed_at(&rec, &synack, 4000250000), TCPSTATE_OK));
    cr_assert(eq(u64, info_of_flow().rtt_syn_synack, 250000));
}

Test(track, simultaneous_open_passes_through_SYN_RECEIVED_on_both_sides)
{
    PLAY({"10.0.0.1:40000", "10.0.0.2:50000", S, 1000, 0, 0},
         {"10.0.0.2:50000", "10.0.0.1:40000", S, 5000, 0, 0},
         {"10.0.0.1:40000", "10.0.0.2:50000", S | A, 1000, 5001, 0},
         {"10.0.0.2:50000", "10.0.0.1:40000", S | A, 5000, 1001, 0});
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT; "
               "SYN(r,simul) r:CLOSED>SYN_RECEIVED o:SYN_SENT>SYN_RECEIVED; "
               "SYN-ACK(o,simul) r:SYN_RECEIVED>ESTABLISHED; "
               "SYN-ACK(r,simul) o:SYN_RECEIVED>ESTABLISHED");
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    cr_assert(ne(u32, info_of_flow().flags & TCPSTATE_FLOW_HANDSHAKE, 0));
}

Test(track, refused_connection_syn_then_rst_ack_closes_the_client)
{
    PLAY({CLI, SRV, S, 1000, 0, 0}, {SRV, CLI, R | A, 0, 1001, 0});
    expect_states(TCPSTATE_CLOSED, TCPSTATE_CLOSED);
    cr_assert(eq(int, tcpstate_finish(rec.engine), TCPSTATE_OK));
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT; RST(r) o:SYN_SENT>CLOSED; END(reset)");
    cr_assert(eq(u64, stats().flows_reset, 1));
}

Test(track, rst_to_a_syn_must_acknowledge_it)
{
    /* RFC 9293 §3.10.7.3: in SYN-SENT a RST counts only with an acceptable ACK. */
    PLAY({CLI, SRV, S, 1000, 0, 0}, {SRV, CLI, R, 0, 0, 0}, {SRV, CLI, R | A, 0, 1234, 0});
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT; RST(r,oow); RST(r,oow)");
    expect_states(TCPSTATE_SYN_SENT, TCPSTATE_CLOSED);
    cr_assert(eq(u64, stats().rst_out_of_window, 2));
}

Test(track, unanswered_syn_stays_SYN_SENT_and_times_out)
{
    PLAY({CLI, SRV, S, 1000, 0, 0});
    expect_states(TCPSTATE_SYN_SENT, TCPSTATE_CLOSED);
    /* The embryonic timeout (120 s by default) runs from the SYN's time. */
    cr_assert(eq(int, tcpstate_expire(rec.engine, rec.frame_ts + 110 * UINT64_C(1000000000), 0),
                 TCPSTATE_OK));
    cr_assert(eq(u64, stats().flows_active, 1));
    cr_assert(eq(int, tcpstate_expire(rec.engine, rec.frame_ts + 121 * UINT64_C(1000000000), 0),
                 TCPSTATE_OK));
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT; END(timeout)");
    cr_assert(eq(u64, stats().flows_timed_out, 1));
}

Test(track, bad_synack_ack_does_not_advance_the_handshake)
{
    PLAY({CLI, SRV, S, 1000, 0, 0}, {SRV, CLI, S | A, 5000, 1005, 0});
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT; SYN-ACK(r,badack)");
    expect_states(TCPSTATE_SYN_SENT, TCPSTATE_CLOSED);
    cr_assert(eq(u64, stats().bad_acks, 1));
    /* The right SYN-ACK still completes it. */
    PLAY({SRV, CLI, S | A, 5000, 1001, 0}, {CLI, SRV, A, 1001, 5001, 0});
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
}

Test(track, final_ack_must_acknowledge_the_synack)
{
    /* An ACK of the server's ISN itself (below ISN + 1) does not complete it. */
    PLAY({CLI, SRV, S, 1000, 0, 0}, {SRV, CLI, S | A, 5000, 1001, 0}, {CLI, SRV, A, 1001, 5000, 0});
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_SYN_RECEIVED);
    cr_assert(eq(u64, stats().bad_acks, 1));
    /* Nor does one acknowledging bytes the server never sent (the capture may
     * have missed some: believed, but not an ACK of the SYN)... */
    PLAY({CLI, SRV, A, 1001, 7000, 0});
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_SYN_RECEIVED);
    cr_assert(eq(u64, stats().bad_acks, 2));
    /* ...and beyond what the client's window let the server send, not even believed. */
    PLAY({CLI, SRV, A, 1001, 7000 + 65535 + 1, 0});
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_SYN_RECEIVED);
    cr_assert(eq(u64, stats().acks_implausible, 1));
    PLAY({CLI, SRV, A, 1001, 5001, 0});
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
}

Test(track, syn_with_data_tfo_synack_may_acknowledge_the_data)
{
    /* RFC 7413: the server acknowledges the SYN's 20 bytes in its SYN-ACK. */
    PLAY({CLI, SRV, S, 1000, 0, 20}, {SRV, CLI, S | A, 5000, 1021, 0},
         {CLI, SRV, A, 1021, 5001, 0});
    EXPECT_LOG(HANDSHAKE_LOG);
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    cr_assert(eq(u64, info_of_flow().bytes[TCPSTATE_ORIG], 20));
}

Test(track, syn_with_data_tfo_rejected_synack_acknowledges_only_the_syn)
{
    PLAY({CLI, SRV, S, 1000, 0, 20}, {SRV, CLI, S | A, 5000, 1001, 0},
         {CLI, SRV, A | P, 1001, 5001, 20});
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    /* The data was sent twice; the stream holds it once. */
    cr_assert(eq(u64, info_of_flow().bytes[TCPSTATE_ORIG], 20));
}

Test(track, syn_options_are_recorded_per_side)
{
    uint8_t opts[40];
    size_t n = tcpopt_mss(opts, 1460);
    n += tcpopt_sack_perm(opts + n);
    n += tcpopt_timestamp(opts + n, 1, 0);
    n += tcpopt_nop(opts + n);
    n += tcpopt_wscale(opts + n, 7);
    struct frame_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.flags = S;
    spec.seq = 1000;
    spec.tcp_opts = opts;
    spec.tcp_opts_len = n;
    struct seg syn = seg_make_spec(CLI, SRV, spec);
    cr_assert(eq(int, recorder_feed(&rec, &syn), TCPSTATE_OK));
    tcpstate_flow_info fi = info_of_flow();
    cr_assert(eq(u16, fi.mss[TCPSTATE_ORIG], 1460));
    cr_assert(eq(u8, fi.wscale[TCPSTATE_ORIG], 7));
    cr_assert(eq(u8, fi.syn_opts[TCPSTATE_ORIG],
                 TCPSTATE_SYNOPT_SEEN | TCPSTATE_SYNOPT_MSS | TCPSTATE_SYNOPT_WSCALE |
                     TCPSTATE_SYNOPT_SACK_PERM | TCPSTATE_SYNOPT_TIMESTAMP));
    cr_assert(eq(u8, fi.syn_opts[TCPSTATE_RESP], 0));
}

Test(track, ack_from_syn_sender_proves_a_missed_synack)
{
    /* Asymmetric capture: the SYN-ACK took another path. */
    PLAY({CLI, SRV, S, 1000, 0, 0}, {CLI, SRV, A | P, 1001, 5001, 10});
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT; ACK(o) o:SYN_SENT>ESTABLISHED r:CLOSED>ESTABLISHED");
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    cr_assert(ne(u32, info_of_flow().flags & TCPSTATE_FLOW_MIDSTREAM, 0));
}

Test(track, synack_first_flow_takes_the_synack_sender_as_responder)
{
    PLAY({SRV, CLI, S | A, 5000, 1001, 0}, {CLI, SRV, A, 1001, 5001, 0});
    EXPECT_LOG("SYN-ACK(r) r:CLOSED>SYN_RECEIVED o:SYN_SENT>ESTABLISHED; "
               "ACK(o) r:SYN_RECEIVED>ESTABLISHED");
    tcpstate_flow_info fi = info_of_flow();
    cr_assert(eq(u16, fi.port[TCPSTATE_RESP], 80));
    cr_assert(eq(u32, fi.isn[TCPSTATE_ORIG], 1000));
    cr_assert(ne(u32, fi.flags & TCPSTATE_FLOW_MIDSTREAM, 0));
}

/* ------------------------------------------------------------ closing */

Test(track, client_closes_first_client_ends_in_TIME_WAIT)
{
    PLAY(HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, A, 5001, 1002, 0},
         {SRV, CLI, F | A, 5001, 1002, 0}, {CLI, SRV, A, 1002, 5002, 0});
    expect_states(TCPSTATE_TIME_WAIT, TCPSTATE_CLOSED);
    cr_assert(ne(u32, info_of_flow().flags & TCPSTATE_FLOW_CLOSED, 0));
    cr_assert(eq(int, tcpstate_finish(rec.engine), TCPSTATE_OK));
    EXPECT_LOG(HANDSHAKE_LOG "; FIN(o) o:ESTABLISHED>FIN_WAIT_1 r:ESTABLISHED>CLOSE_WAIT; "
                             "ACK(r) o:FIN_WAIT_1>FIN_WAIT_2; "
                             "FIN(r) r:CLOSE_WAIT>LAST_ACK o:FIN_WAIT_2>TIME_WAIT; "
                             "ACK(o) r:LAST_ACK>CLOSED; END(closed)");
}

Test(track, server_closes_first_server_ends_in_TIME_WAIT)
{
    PLAY(HANDSHAKE, {SRV, CLI, F | A, 5001, 1001, 0}, {CLI, SRV, A, 1001, 5002, 0},
         {CLI, SRV, F | A, 1001, 5002, 0}, {SRV, CLI, A, 5002, 1002, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; FIN(r) r:ESTABLISHED>FIN_WAIT_1 o:ESTABLISHED>CLOSE_WAIT; "
                             "ACK(o) r:FIN_WAIT_1>FIN_WAIT_2; "
                             "FIN(o) o:CLOSE_WAIT>LAST_ACK r:FIN_WAIT_2>TIME_WAIT; "
                             "ACK(r) o:LAST_ACK>CLOSED");
    expect_states(TCPSTATE_CLOSED, TCPSTATE_TIME_WAIT);
}

Test(track, fin_ack_in_FIN_WAIT_1_takes_the_ack_before_the_fin)
{
    /* RFC 9293 §3.10.7.4: the ACK field ("fifth") before the FIN bit ("eighth"). */
    PLAY(HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, F | A, 5001, 1002, 0},
         {CLI, SRV, A, 1002, 5002, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; FIN(o) o:ESTABLISHED>FIN_WAIT_1 r:ESTABLISHED>CLOSE_WAIT; "
                             "ACK(r) o:FIN_WAIT_1>FIN_WAIT_2 "
                             "FIN(r) r:CLOSE_WAIT>LAST_ACK o:FIN_WAIT_2>TIME_WAIT; "
                             "ACK(o) r:LAST_ACK>CLOSED");
    expect_states(TCPSTATE_TIME_WAIT, TCPSTATE_CLOSED);
}

Test(track, simultaneous_close_goes_through_CLOSING_on_both_sides)
{
    PLAY(HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, F | A, 5001, 1001, 0},
         {CLI, SRV, A, 1002, 5002, 0}, {SRV, CLI, A, 5002, 1002, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; FIN(o) o:ESTABLISHED>FIN_WAIT_1 r:ESTABLISHED>CLOSE_WAIT; "
                             "FIN(r,simul) r:CLOSE_WAIT>CLOSING o:FIN_WAIT_1>CLOSING; "
                             "ACK(o) r:CLOSING>TIME_WAIT; ACK(r) o:CLOSING>TIME_WAIT");
    expect_states(TCPSTATE_TIME_WAIT, TCPSTATE_TIME_WAIT);
}

Test(track, half_close_lets_data_flow_the_other_way)
{
    PLAY(HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, A, 5001, 1002, 0},
         {SRV, CLI, A | P, 5001, 1002, 100}, {CLI, SRV, A, 1002, 5101, 0},
         {SRV, CLI, A | P, 5101, 1002, 100}, {CLI, SRV, A, 1002, 5201, 0},
         {SRV, CLI, F | A, 5201, 1002, 0}, {CLI, SRV, A, 1002, 5202, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; FIN(o) o:ESTABLISHED>FIN_WAIT_1 r:ESTABLISHED>CLOSE_WAIT; "
                             "ACK(r) o:FIN_WAIT_1>FIN_WAIT_2; "
                             "FIN(r) r:CLOSE_WAIT>LAST_ACK o:FIN_WAIT_2>TIME_WAIT; "
                             "ACK(o) r:LAST_ACK>CLOSED");
    tcpstate_flow_info fi = info_of_flow();
    cr_assert(eq(u64, fi.bytes[TCPSTATE_RESP], 200));
    cr_assert(eq(u64, fi.bytes[TCPSTATE_ORIG], 0));
    cr_assert(eq(u32, fi.pkts[TCPSTATE_RESP], 5));
}

Test(track, fin_carrying_data_is_acknowledged_after_the_data)
{
    PLAY(HANDSHAKE, {CLI, SRV, F | A | P, 1001, 5001, 10}, {SRV, CLI, A, 5001, 1011, 0});
    /* ack 1011 covers the data but not the FIN at 1011. */
    expect_states(TCPSTATE_FIN_WAIT_1, TCPSTATE_CLOSE_WAIT);
    PLAY({SRV, CLI, A, 5001, 1012, 0});
    expect_states(TCPSTATE_FIN_WAIT_2, TCPSTATE_CLOSE_WAIT);
    cr_assert(eq(u64, info_of_flow().bytes[TCPSTATE_ORIG], 10));
}

Test(track, retransmitted_fin_is_flagged_and_changes_nothing)
{
    PLAY(HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {CLI, SRV, F | A, 1001, 5001, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; FIN(o) o:ESTABLISHED>FIN_WAIT_1 r:ESTABLISHED>CLOSE_WAIT; "
                             "FIN(o,retx)");
}

Test(track, ack_that_does_not_cover_the_fin_completes_nothing)
{
    PLAY(HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, A, 5001, 1001, 0});
    expect_states(TCPSTATE_FIN_WAIT_1, TCPSTATE_CLOSE_WAIT);
    cr_assert(eq(u32, rec.counts[TCPSTATE_EV_ACK], 1)); /* only the handshake's */
}

Test(track, fin_without_ack_bit_changes_nothing)
{
    /* RFC 9293 §3.10.7.4 "fifth": a segment without ACK is dropped. */
    PLAY(HANDSHAKE, {CLI, SRV, F, 1001, 0, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; FIN(o,badack)");
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
}

/* ------------------------------------------------------------ window checks */

Test(track, rst_outside_the_window_is_reported_and_ignored)
{
    PLAY(HANDSHAKE, {SRV, CLI, R, 5001 + 70000, 0, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; RST(r,oow)");
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    cr_assert(eq(u64, stats().rst_out_of_window, 1));
    /* The window's right edge is exclusive (RFC 9293 §3.10.7.4): the client
     * advertised 65535 bytes above 5001. */
    PLAY({SRV, CLI, R, 5001 + 65535, 0, 0});
    cr_assert(eq(u64, stats().rst_out_of_window, 2));
}

Test(track, rst_inside_the_window_but_inexact_is_not_applied)
{
    /* RFC 5961 §3.2: only RCV.NXT exactly resets; the rest of the window gets
     * a challenge ACK. */
    PLAY(HANDSHAKE, {SRV, CLI, R, 5001 + 60000, 0, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; RST(r,inexact)");
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    cr_assert(eq(u64, stats().rst_inexact, 1));
    cr_assert(eq(u32, info_of_flow().flags & TCPSTATE_FLOW_RESET, 0));
    /* The challenge ACK from the client names RCV.NXT; the exact RST that
     * follows it resets the connection. */
    PLAY({CLI, SRV, A, 1001, 5001, 0}, {SRV, CLI, R, 5001, 0, 0});
    expect_states(TCPSTATE_CLOSED, TCPSTATE_CLOSED);
    cr_assert(ne(u32, info_of_flow().flags & TCPSTATE_FLOW_RESET, 0));
}

Test(track, rst_in_window_policy_is_a_config_option)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 16;
    cfg.flags |= TCPSTATE_F_RST_IN_WINDOW;
    cr_assert_not_null(recorder_start(&rec, engine_mem, sizeof engine_mem, &cfg));
    PLAY(HANDSHAKE, {SRV, CLI, R, 5001 + 60000, 0, 0});
    expect_states(TCPSTATE_CLOSED, TCPSTATE_CLOSED);
}

Test(track, rst_below_the_window_is_ignored)
{
    PLAY(HANDSHAKE, {CLI, SRV, R, 900, 0, 0});
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    cr_assert(eq(u64, stats().rst_out_of_window, 1));
}

Test(track, fin_outside_the_window_is_reported_and_ignored)
{
    PLAY(HANDSHAKE, {CLI, SRV, F | A, 1001 + 100000, 5001, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; FIN(o,implausible)");
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    cr_assert(eq(u64, stats().fin_out_of_window, 1));
}

Test(track, window_check_can_be_turned_off)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 16;
    cfg.flags |= TCPSTATE_F_NO_WINDOW_CHECK;
    cr_assert_not_null(recorder_start(&rec, engine_mem, sizeof engine_mem, &cfg));
    PLAY(HANDSHAKE, {SRV, CLI, R, 5001 + 70000, 0, 0});
    expect_states(TCPSTATE_CLOSED, TCPSTATE_CLOSED);
}

Test(track, syn_in_ESTABLISHED_with_a_new_isn_changes_nothing)
{
    /* RFC 5961 §4: answered with a challenge ACK, no state change. */
    PLAY(HANDSHAKE, {CLI, SRV, S, 777777, 0, 0});
    EXPECT_LOG(HANDSHAKE_LOG "; SYN(o,oow)");
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
}

/* ------------------------------------------------------------ RST in every state */

struct rst_case {
    const char *name;
    struct step prefix[8];
    size_t n_prefix;
    struct step rst;
    tcpstate_tcp_state before_orig, before_resp;
};

static const struct rst_case rst_cases[] = {
    {"SYN_SENT receiver",
     {{CLI, SRV, S, 1000, 0, 0}},
     1,
     {SRV, CLI, R | A, 0, 1001, 0},
     TCPSTATE_SYN_SENT,
     TCPSTATE_CLOSED},
    {"SYN_RECEIVED receiver",
     {{CLI, SRV, S, 1000, 0, 0}, {SRV, CLI, S | A, 5000, 1001, 0}},
     2,
     {CLI, SRV, R, 1001, 0, 0},
     TCPSTATE_ESTABLISHED,
     TCPSTATE_SYN_RECEIVED},
    {"ESTABLISHED",
     {HANDSHAKE},
     3,
     {SRV, CLI, R | A, 5001, 1001, 0},
     TCPSTATE_ESTABLISHED,
     TCPSTATE_ESTABLISHED},
    {"FIN_WAIT_1 receiver",
     {HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}},
     4,
     {SRV, CLI, R, 5001, 0, 0},
     TCPSTATE_FIN_WAIT_1,
     TCPSTATE_CLOSE_WAIT},
    {"CLOSE_WAIT receiver",
     {HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}},
     4,
     {CLI, SRV, R, 1002, 0, 0},
     TCPSTATE_FIN_WAIT_1,
     TCPSTATE_CLOSE_WAIT},
    {"FIN_WAIT_2 receiver",
     {HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, A, 5001, 1002, 0}},
     5,
     {SRV, CLI, R, 5001, 0, 0},
     TCPSTATE_FIN_WAIT_2,
     TCPSTATE_CLOSE_WAIT},
    {"CLOSING receiver",
     {HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, F | A, 5001, 1001, 0}},
     5,
     {SRV, CLI, R, 5002, 0, 0},
     TCPSTATE_CLOSING,
     TCPSTATE_CLOSING},
    {"LAST_ACK receiver",
     {HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, F | A, 5001, 1002, 0}},
     5,
     {CLI, SRV, R, 1002, 0, 0},
     TCPSTATE_TIME_WAIT,
     TCPSTATE_LAST_ACK},
    {"TIME_WAIT receiver",
     {HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, F | A, 5001, 1002, 0}},
     5,
     {SRV, CLI, R, 5002, 0, 0},
     TCPSTATE_TIME_WAIT,
     TCPSTATE_LAST_ACK},
};

Test(track, rst_in_every_state_closes_both_endpoints)
{
    for (size_t i = 0; i < sizeof rst_cases / sizeof *rst_cases; i++) {
        const struct rst_case *c = &rst_cases[i];
        start();
        cr_assert(eq(sz, recorder_play(&rec, c->prefix, c->n_prefix), c->n_prefix), "%s", c->name);
        tcpstate_flow *f = recorder_flow(&rec);
        cr_assert(eq(int, tcpstate_flow_state(f, TCPSTATE_ORIG), c->before_orig), "%s", c->name);
        cr_assert(eq(int, tcpstate_flow_state(f, TCPSTATE_RESP), c->before_resp), "%s", c->name);
        cr_assert(eq(sz, recorder_play(&rec, &c->rst, 1), 1), "%s", c->name);
        cr_assert(eq(int, tcpstate_flow_state(f, TCPSTATE_ORIG), TCPSTATE_CLOSED), "%s", c->name);
        cr_assert(eq(int, tcpstate_flow_state(f, TCPSTATE_RESP), TCPSTATE_CLOSED), "%s", c->name);
        cr_assert(eq(int, tcpstate_finish(rec.engine), TCPSTATE_OK));
        cr_assert(eq(u64, stats().flows_reset, 1), "%s", c->name);
    }
}

/* ------------------------------------------------------------ midstream, reuse, wrap */

Test(track, a_one_sided_capture_is_tracked_to_its_close)
{
    /* Only the server's side was captured (asymmetric routing): its ACKs cover
     * client data never seen, within the window it advertised. They are
     * believed, and its FIN is taken. */
    PLAY({SRV, CLI, S | A, 5000, 1001, 0}, {SRV, CLI, A | P, 5001, 1001, 21},
         {SRV, CLI, A, 5022, 1022, 0}, {SRV, CLI, A | P, 5022, 1022, 856},
         {SRV, CLI, A, 5878, 2294, 0}, {SRV, CLI, F | A, 5878, 2400, 0});
    cr_assert(eq(u64, stats().acks_implausible, 0));
    cr_assert(eq(u64, stats().fin_out_of_window, 0));
    cr_assert(eq(int, tcpstate_flow_state(only_flow(), TCPSTATE_RESP), TCPSTATE_FIN_WAIT_1));
}

Test(track, midstream_pickup_assumes_ESTABLISHED_and_flags_it)
{
    PLAY({CLI, SRV, A | P, 7000, 9000, 50}, {SRV, CLI, A, 9000, 7050, 0},
         {SRV, CLI, F | A, 9000, 7050, 0});
    EXPECT_LOG("FIN(r) r:ESTABLISHED>FIN_WAIT_1 o:ESTABLISHED>CLOSE_WAIT");
    tcpstate_flow_info fi = info_of_flow();
    cr_assert(ne(u32, fi.flags & TCPSTATE_FLOW_MIDSTREAM, 0));
    cr_assert(eq(u16, fi.port[TCPSTATE_RESP], 80));
    cr_assert(eq(u64, stats().midstream_pickups, 1));
}

Test(track, midstream_roles_follow_the_server_port_not_the_first_sender)
{
    PLAY({SRV, CLI, A | P, 9000, 7000, 50});
    tcpstate_flow_info fi = info_of_flow();
    cr_assert(eq(u16, fi.port[TCPSTATE_ORIG], 40000));
    cr_assert(eq(u16, fi.port[TCPSTATE_RESP], 80));
    cr_assert(eq(u32, fi.pkts[TCPSTATE_RESP], 1));
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
}

Test(track, midstream_roles_without_a_server_port_follow_the_first_sender)
{
    PLAY({"10.0.0.2:50000", "10.0.0.1:40000", A | P, 9000, 7000, 50});
    tcpstate_flow_info fi = info_of_flow();
    cr_assert(eq(u16, fi.port[TCPSTATE_ORIG], 50000));
    /* Nobody's SYN was seen: the isn fields are only first sequence numbers. */
    cr_assert(eq(u8, fi.syn_opts[TCPSTATE_ORIG] & TCPSTATE_SYNOPT_SEEN, 0));
    cr_assert(eq(u8, fi.syn_opts[TCPSTATE_RESP] & TCPSTATE_SYNOPT_SEEN, 0));
}

Test(track, midstream_pickup_off_ignores_segments_without_syn)
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 16;
    cfg.flags &= ~TCPSTATE_F_PICKUP_MIDSTREAM;
    cr_assert_not_null(recorder_start(&rec, engine_mem, sizeof engine_mem, &cfg));
    struct seg data = seg_make(CLI, SRV, A | P, 7000, 9000, 50);
    cr_assert(eq(int, recorder_feed(&rec, &data), TCPSTATE_SKIP_MIDSTREAM));
    struct seg synack = seg_make(SRV, CLI, S | A, 5000, 1001, 0);
    cr_assert(eq(int, recorder_feed(&rec, &synack), TCPSTATE_SKIP_MIDSTREAM));
    PLAY(HANDSHAKE);
    EXPECT_LOG(HANDSHAKE_LOG);
    cr_assert(eq(u64, stats().midstream_ignored, 2));
}

Test(track, new_syn_in_TIME_WAIT_ends_the_old_flow_and_starts_a_new_one)
{
    PLAY(HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, F | A, 5001, 1002, 0},
         {CLI, SRV, A, 1002, 5002, 0});
    recorder_clear(&rec);
    PLAY({CLI, SRV, S, 90000, 0, 0});
    EXPECT_LOG("END(reused) SYN(o) o:CLOSED>SYN_SENT");
    expect_states(TCPSTATE_SYN_SENT, TCPSTATE_CLOSED);
    tcpstate_stats st = stats();
    cr_assert(eq(u64, st.flows_reused, 1));
    cr_assert(eq(u64, st.flows_created, 2));
    cr_assert(eq(u32, info_of_flow().isn[TCPSTATE_ORIG], 90000));
}

Test(track, new_syn_after_the_server_closed_first_reuses_the_tuple)
{
    PLAY(HANDSHAKE, {SRV, CLI, F | A, 5001, 1001, 0}, {CLI, SRV, F | A, 1001, 5002, 0},
         {SRV, CLI, A, 5002, 1002, 0});
    recorder_clear(&rec);
    PLAY({CLI, SRV, S, 90000, 0, 0});
    EXPECT_LOG("END(reused) SYN(o) o:CLOSED>SYN_SENT");
}

Test(track, new_syn_after_a_reset_reuses_the_tuple)
{
    PLAY({CLI, SRV, S, 1000, 0, 0}, {SRV, CLI, R | A, 0, 1001, 0});
    recorder_clear(&rec);
    PLAY({CLI, SRV, S, 2000, 0, 0}, {SRV, CLI, R | A, 0, 2001, 0});
    EXPECT_LOG("END(reused) SYN(o) o:CLOSED>SYN_SENT; RST(r) o:SYN_SENT>CLOSED");
}

Test(track, new_isn_while_still_SYN_SENT_is_a_new_attempt)
{
    PLAY({CLI, SRV, S, 1000, 0, 0}, {CLI, SRV, S, 3000, 0, 0});
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT; END(reused) SYN(o) o:CLOSED>SYN_SENT");
}

Test(track, old_syn_duplicate_in_TIME_WAIT_does_not_reopen)
{
    PLAY(HANDSHAKE, {CLI, SRV, F | A, 1001, 5001, 0}, {SRV, CLI, F | A, 5001, 1002, 0},
         {CLI, SRV, A, 1002, 5002, 0}, {CLI, SRV, S, 1000, 0, 0});
    expect_states(TCPSTATE_TIME_WAIT, TCPSTATE_CLOSED);
    cr_assert(eq(u64, stats().flows_reused, 0));
}

Test(track, sequence_numbers_wrap_at_2_to_the_32)
{
    const uint32_t c = 0xFFFFFFF0u, s = 0xFFFFFF00u;
    PLAY({CLI, SRV, S, c, 0, 0}, {SRV, CLI, S | A, s, c + 1, 0}, {CLI, SRV, A, c + 1, s + 1, 0},
         {CLI, SRV, A | P, c + 1, s + 1, 100}, {SRV, CLI, A | P, s + 1, c + 101, 1000},
         {CLI, SRV, F | A, c + 101, s + 1001, 0}, {SRV, CLI, F | A, s + 1001, c + 102, 0},
         {CLI, SRV, A, c + 102, s + 1002, 0});
    expect_states(TCPSTATE_TIME_WAIT, TCPSTATE_CLOSED);
    tcpstate_flow_info fi = info_of_flow();
    cr_assert(eq(u64, fi.bytes[TCPSTATE_ORIG], 100));
    cr_assert(eq(u64, fi.bytes[TCPSTATE_RESP], 1000));
}

Test(track, byte_counts_pass_4_gib)
{
    /* 70,000 segments of 61,440 bytes = 4.3 GB, captured with a 54-byte snap length. */
    static uint8_t frame[FB_MAX_FRAME];
    struct frame_spec spec;
    struct frame_layout lay;
    PLAY(HANDSHAKE);
    memset(&spec, 0, sizeof spec);
    spec.linktype = TCPSTATE_LINKTYPE_ETHERNET;
    spec.src = "10.0.0.1";
    spec.dst = "10.0.0.2";
    spec.sport = 40000;
    spec.dport = 80;
    spec.flags = A;
    spec.ack = 5001;
    spec.payload_len = 61440;
    size_t len = frame_build(&spec, frame, sizeof frame, &lay);
    cr_assert(ge(sz, len, 1));
    uint32_t seq = 1001;
    for (unsigned i = 0; i < 70000; i++) {
        frame[lay.l4 + 4] = (uint8_t)(seq >> 24);
        frame[lay.l4 + 5] = (uint8_t)(seq >> 16);
        frame[lay.l4 + 6] = (uint8_t)(seq >> 8);
        frame[lay.l4 + 7] = (uint8_t)seq;
        cr_assert(eq(int,
                     tcpstate_feed(rec.engine, TCPSTATE_LINKTYPE_ETHERNET, frame, lay.l4 + 20, len,
                                   rec.frame_ts),
                     TCPSTATE_OK));
        seq += 61440;
    }
    cr_assert(eq(u64, info_of_flow().bytes[TCPSTATE_ORIG], UINT64_C(70000) * 61440));
}

/* ------------------------------------------------------------ callbacks */

Test(track, callback_can_drop_the_flow)
{
    rec.act_kind = TCPSTATE_EV_SYN;
    rec.act_nth = 1;
    rec.act_result = TCPSTATE_CB_DROP_FLOW;
    PLAY({CLI, SRV, S, 1000, 0, 0});
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT END(dropped)");
    cr_assert(eq(u64, stats().flows_active, 0));
    cr_assert(eq(u64, stats().flows_dropped, 1));
}

Test(track, callback_stop_ends_the_feed_with_a_status_and_the_engine_stays_usable)
{
    rec.act_kind = TCPSTATE_EV_SYNACK;
    rec.act_nth = 1;
    rec.act_result = TCPSTATE_CB_STOP;
    struct seg syn = seg_make(CLI, SRV, S, 1000, 0, 0);
    struct seg synack = seg_make(SRV, CLI, S | A, 5000, 1001, 0);
    struct seg ack = seg_make(CLI, SRV, A, 1001, 5001, 0);
    cr_assert(eq(int, recorder_feed(&rec, &syn), TCPSTATE_OK));
    cr_assert(eq(int, recorder_feed(&rec, &synack), TCPSTATE_E_CALLBACK));
    /* The frame was applied in full; only its remaining callbacks were skipped. */
    EXPECT_LOG("SYN(o) o:CLOSED>SYN_SENT; SYN-ACK(r)");
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_SYN_RECEIVED);
    cr_assert(eq(int, recorder_feed(&rec, &ack), TCPSTATE_OK));
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
}

Test(track, any_other_callback_result_counts_as_stop)
{
    rec.act_kind = TCPSTATE_EV_SYN;
    rec.act_nth = 1;
    rec.act_result = 42;
    struct seg syn = seg_make(CLI, SRV, S, 1000, 0, 0);
    cr_assert(eq(int, recorder_feed(&rec, &syn), TCPSTATE_E_CALLBACK));
}

Test(track, callback_reentering_the_engine_gets_a_status)
{
    rec.try_reenter = 1;
    PLAY({CLI, SRV, S, 1000, 0, 0});
    cr_assert(eq(int, rec.reenter_status, TCPSTATE_E_REENTRANT));
    /* Nothing was corrupted: the handshake completes. */
    PLAY({SRV, CLI, S | A, 5000, 1001, 0}, {CLI, SRV, A, 1001, 5001, 0});
    expect_states(TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
}

Test(track, events_carry_the_packet_and_frame_number)
{
    PLAY(HANDSHAKE);
    /* three frames fed: the ACK event was numbered 3 */
    cr_assert(eq(u64, rec.last_frame, 3));
}
