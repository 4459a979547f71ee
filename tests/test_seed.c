/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seed article's story, with its exact numbers: the handshake of frames
 * 1-3 (client port 1038) and the server-first close of frames 17-20 (client
 * port 1028), picked up midstream.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "support/recorder.h"
#include "support/seed.h"
#include "tcpstate.h"

static _Alignas(64) uint8_t engine_mem[1 << 18];

struct seen {
    uint64_t frame;
    uint8_t kind, dir;
    uint32_t seq, ack, flags;
    uint8_t after[2];
    uint16_t client_port;
};

static struct seen events[64];
static unsigned n_events;

static int on_event(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    (void)user;
    if (ev->kind == TCPSTATE_EV_STATE_CHANGE || ev->kind == TCPSTATE_EV_FLOW_END ||
        n_events == sizeof events / sizeof *events) {
        return TCPSTATE_CB_CONTINUE;
    }
    tcpstate_flow_info fi;
    tcpstate_flow_get_info(flow, &fi);
    struct seen *s = &events[n_events++];
    s->frame = ev->frame;
    s->kind = ev->kind;
    s->dir = ev->dir;
    s->seq = ev->pkt->seq;
    s->ack = ev->pkt->ack;
    s->flags = ev->flags;
    memcpy(s->after, ev->after, 2);
    s->client_port = fi.port[TCPSTATE_ORIG];
    return TCPSTATE_CB_CONTINUE;
}

static tcpstate_engine *feed_seed(struct recorder *rec)
{
    static struct seed_frame frames[SEED_FRAMES];
    tcpstate_callbacks cb;
    tcpstate_config cfg;
    tcpstate_engine *e;
    cr_assert(eq(int, seed_build(frames), 0));
    tcpstate_config_init(&cfg);
    cfg.max_flows = 8;
    if (rec != NULL) {
        cr_assert_not_null(recorder_start(rec, engine_mem, sizeof engine_mem, &cfg));
        e = rec->engine;
    } else {
        memset(&cb, 0, sizeof cb);
        cb.on_syn = cb.on_synack = cb.on_ack = cb.on_fin = cb.on_rst = on_event;
        n_events = 0;
        cr_assert(eq(int, tcpstate_init(engine_mem, sizeof engine_mem, &cfg, &cb, NULL, &e),
                     TCPSTATE_OK));
    }
    for (unsigned i = 0; i < SEED_FRAMES; i++) {
        cr_assert(eq(int,
                     tcpstate_feed(e, TCPSTATE_LINKTYPE_ETHERNET, frames[i].seg.bytes,
                                   frames[i].seg.len, frames[i].seg.len, frames[i].ts),
                     TCPSTATE_OK),
                  "frame %u", i + 1);
    }
    return e;
}

static void expect_event(unsigned i, uint64_t frame, tcpstate_event_kind kind, tcpstate_side dir,
                         uint32_t seq, uint32_t ack, tcpstate_tcp_state client,
                         tcpstate_tcp_state server)
{
    cr_assert(lt(u32, i, n_events));
    const struct seen *s = &events[i];
    cr_expect(eq(u64, s->frame, frame));
    cr_expect(eq(str, (char *)tcpstate_event_name((tcpstate_event_kind)s->kind),
                 (char *)tcpstate_event_name(kind)));
    cr_expect(eq(u8, s->dir, dir));
    if (kind != TCPSTATE_EV_SYN) {
        cr_expect(eq(u32, s->ack, ack), "frame %llu ack", (unsigned long long)frame);
    }
    cr_expect(eq(u32, s->seq, seq), "frame %llu seq", (unsigned long long)frame);
    cr_expect(eq(str, (char *)tcpstate_state_name((tcpstate_tcp_state)s->after[TCPSTATE_ORIG]),
                 (char *)tcpstate_state_name(client)),
              "frame %llu client", (unsigned long long)frame);
    cr_expect(eq(str, (char *)tcpstate_state_name((tcpstate_tcp_state)s->after[TCPSTATE_RESP]),
                 (char *)tcpstate_state_name(server)),
              "frame %llu server", (unsigned long long)frame);
}

Test(seed, frames_1_to_3_are_the_handshake_with_the_articles_numbers)
{
    feed_seed(NULL);
    expect_event(0, 1, TCPSTATE_EV_SYN, TCPSTATE_ORIG, 1791872318u, 0, TCPSTATE_SYN_SENT,
                 TCPSTATE_CLOSED);
    expect_event(1, 2, TCPSTATE_EV_SYNACK, TCPSTATE_RESP, 3880988084u, 1791872318u + 1,
                 TCPSTATE_ESTABLISHED, TCPSTATE_SYN_RECEIVED);
    expect_event(2, 3, TCPSTATE_EV_ACK, TCPSTATE_ORIG, 1791872318u + 1, 3880988084u + 1,
                 TCPSTATE_ESTABLISHED, TCPSTATE_ESTABLISHED);
    for (unsigned i = 0; i < 3; i++) {
        cr_expect(eq(u16, events[i].client_port, 1038));
    }
}

Test(seed, frames_17_to_20_close_the_1028_connection_server_first_midstream)
{
    feed_seed(NULL);
    /* Frames 4-16 carry FTP commands on an established connection: no events. */
    cr_assert(eq(u32, n_events, 7));
    expect_event(3, 17, TCPSTATE_EV_FIN, TCPSTATE_RESP, 1803774978u, 846902939u,
                 TCPSTATE_CLOSE_WAIT, TCPSTATE_FIN_WAIT_1);
    expect_event(4, 18, TCPSTATE_EV_ACK, TCPSTATE_ORIG, 846902939u, 1803774978u + 1,
                 TCPSTATE_CLOSE_WAIT, TCPSTATE_FIN_WAIT_2);
    expect_event(5, 19, TCPSTATE_EV_FIN, TCPSTATE_ORIG, 846902939u, 1803774978u + 1,
                 TCPSTATE_LAST_ACK, TCPSTATE_TIME_WAIT);
    expect_event(6, 20, TCPSTATE_EV_ACK, TCPSTATE_RESP, 1803774978u + 1, 846902939u + 1,
                 TCPSTATE_CLOSED, TCPSTATE_TIME_WAIT);
    for (unsigned i = 3; i < 7; i++) {
        cr_expect(eq(u16, events[i].client_port, 1028));
        cr_expect(ne(u32, events[i].flags & TCPSTATE_EVF_MIDSTREAM, 0));
    }
}

Test(seed, the_whole_story_as_callbacks)
{
    struct recorder rec;
    feed_seed(&rec);
    cr_assert(eq(str, (char *)recorder_log(&rec),
                 "SYN(o) o:CLOSED>SYN_SENT; "
                 "SYN-ACK(r) r:CLOSED>SYN_RECEIVED o:SYN_SENT>ESTABLISHED; "
                 "ACK(o) r:SYN_RECEIVED>ESTABLISHED; "
                 "FIN(r) r:ESTABLISHED>FIN_WAIT_1 o:ESTABLISHED>CLOSE_WAIT; "
                 "ACK(o) r:FIN_WAIT_1>FIN_WAIT_2; "
                 "FIN(o) o:CLOSE_WAIT>LAST_ACK r:FIN_WAIT_2>TIME_WAIT; "
                 "ACK(r) o:LAST_ACK>CLOSED"));
    cr_assert(eq(int, tcpstate_finish(rec.engine), TCPSTATE_OK));
    tcpstate_stats st;
    tcpstate_get_stats(rec.engine, &st);
    cr_assert(eq(u64, st.flows_created, 2));
    cr_assert(eq(u64, st.midstream_pickups, 1));
    cr_assert(eq(u64, st.flows_closed, 1));   /* 1028: closed by FINs */
    cr_assert(eq(u64, st.flows_finished, 1)); /* 1038: still open at the end */
}
