/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tracker's paths for the common segments (tcpstate__track_fast() in
 * src/track_fast.h: a plausible segment with ACK and no SYN or RST, in the
 * steady state, completing a handshake or a close, or carrying the first or
 * second FIN of a close; and the SYN and SYN-ACK that open a connection)
 * against the general path they short-cut. The per-frame path (feed.c)
 * tries the fast paths and hands what they decline to the library's
 * tcpstate__track_general(); this file does the same, and compiles
 * src/track.c a second time with its external names renamed to run the
 * general path alone. Both get the same random segments on the same random
 * flow records: the records, the events, the verdicts and the statistics
 * must be identical, byte for byte.
 */
#define tcpstate__track_general    general_track_general
#define tcpstate__track_open       general_track_open
#define tcpstate__track_restart    general_track_restart
#define tcpstate__track_may_open   general_track_may_open
#define tcpstate__track_end_reason general_track_end_reason
#include "../src/track.c"
#undef tcpstate__track_general
#undef tcpstate__track_open
#undef tcpstate__track_restart
#undef tcpstate__track_may_open
#undef tcpstate__track_end_reason

#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "../src/track_fast.h"

/* The library's general path (the header above declared only the renamed
 * one). */
enum track_verdict tcpstate__track_general(tcpstate_engine *e, struct tcpstate_flow *f,
                                           const tcpstate_packet *pkt, tcpstate_side sender,
                                           uint64_t ts, uint32_t evflags, struct track_out *out);

/* What feed.c does with a segment: the fast paths, else the general path.
 * The class the fast paths return for a segment they take is the one
 * feed.c files the flow with: it must be tcpstate__track_class()'s. */
static unsigned fast_classes;

static enum track_verdict fast_then_general(tcpstate_engine *e, struct tcpstate_flow *f,
                                            const tcpstate_packet *pkt, tcpstate_side sender,
                                            uint64_t ts, uint32_t evflags, struct track_out *out,
                                            unsigned n)
{
    unsigned taken = tcpstate__track_fast(e, f, pkt, sender, ts, evflags, out,
                                          (e->flags & TCPSTATE_F_PER_FRAME_OPTS) != 0);
    if (taken != TRACK_FAST_NO) {
        cr_assert(eq(u32, taken - TRACK_FAST_CLASS(0), (unsigned)tcpstate__track_class(f)),
                  "class after the fast path differs at segment %u", n);
        fast_classes++;
        return TRACK_DONE;
    }
    return tcpstate__track_general(e, f, pkt, sender, ts, evflags, out);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* A number near `base`: most often equal, else a little or a lot away. */
static uint32_t near(uint32_t base)
{
    switch (next32() & 7) {
    case 0:
    case 1:
    case 2:
        return base;
    case 3:
        return base + (next32() & 0xff);
    case 4:
        return base - (next32() & 0xff);
    case 5:
        return base + (next32() & 0xfffff);
    case 6:
        return base - (next32() & 0xfffff);
    default:
        return next32();
    }
}

static void random_endpoint(struct endpoint *ep, uint32_t base)
{
    /* Mostly established, often a state an ACK can complete (SYN_RECEIVED,
     * FIN_WAIT_1, CLOSING, LAST_ACK) or one a connection opens from (CLOSED,
     * SYN_SENT), else any; mostly the common flag sets. */
    static const uint8_t special[8] = {TCPSTATE_SYN_RECEIVED, TCPSTATE_FIN_WAIT_1, TCPSTATE_CLOSING,
                                       TCPSTATE_LAST_ACK,     TCPSTATE_CLOSED,     TCPSTATE_CLOSED,
                                       TCPSTATE_SYN_SENT,     TCPSTATE_SYN_SENT};
    switch (next32() & 3) {
    case 0:
    case 1:
        ep->state = TCPSTATE_ESTABLISHED;
        break;
    case 2:
        ep->state = special[next32() & 7];
        break;
    default:
        ep->state = (uint8_t)(next32() % TCPSTATE_STATE_COUNT);
        break;
    }
    ep->flags = (uint8_t)((next32() & 3) ? (EP_ACKED | EP_SYN | EP_BELIEVED) : next32());
    ep->isn = base - (next32() & 0xffff);
    ep->nxt = base;
    ep->ack = next32();
    ep->win = (uint16_t)next32();
    ep->synopt = (uint8_t)next32();
    ep->wraps = (uint8_t)(next32() & 1);
    ep->mss = (uint16_t)next32();
    ep->pkts = next32() & 0xff;
}

Test(track_fast, equals_the_general_path_on_random_segments)
{
    static tcpstate_engine ea, eb;
    static struct track_out oa, ob;
    unsigned steady = 0, completing = 0, closing = 0, crossed = 0, opening = 0, other = 0;
    for (unsigned n = 0; n < 400000; n++) {
        struct tcpstate_flow fa;
        memset(&fa, 0, sizeof fa);
        uint32_t b0 = next32(), b1 = next32();
        random_endpoint(&fa.ep[0], b0);
        random_endpoint(&fa.ep[1], b1);
        fa.ep[0].ack = near(b1); /* what each acknowledged: near the other's next */
        fa.ep[1].ack = near(b0);
        fa.fflags = (uint8_t)(next32() & ~FF_DROP);
        fa.first_ts = 1000;

        tcpstate_side sender = (tcpstate_side)(next32() & 1);
        if ((next32() & 7) == 0) {
            /* A connection opening: both CLOSED, or the receiver in SYN_SENT. */
            fa.ep[sender].state = TCPSTATE_CLOSED;
            fa.ep[sender ^ 1].state = (next32() & 1) ? TCPSTATE_CLOSED : TCPSTATE_SYN_SENT;
        }
        if ((next32() & 15) == 0) {
            /* A close's second FIN, from CLOSE_WAIT, the peer's FIN acknowledged
             * or not (FIN_WAIT_2, FIN_WAIT_1: the FINs crossed). */
            fa.ep[sender].state = TCPSTATE_CLOSE_WAIT;
            fa.ep[sender ^ 1].state = (next32() & 1) ? TCPSTATE_FIN_WAIT_1 : TCPSTATE_FIN_WAIT_2;
        }
        fa.cls = (uint8_t)tcpstate__track_class(&fa); /* filed by its previous segment */
        struct tcpstate_flow fb = fa;
        const struct endpoint *snd = &fb.ep[sender], *rcv = &fb.ep[sender ^ 1];
        const unsigned snd_was = snd->state, rcv_was = rcv->state;
        tcpstate_packet pkt;
        memset(&pkt, 0, sizeof pkt);
        /* Mostly ACKs, often with FIN (with PSH or not), SYNs and SYN-ACKs,
         * else any flags. */
        static const uint16_t common[10] = {TCPSTATE_TH_ACK,
                                            TCPSTATE_TH_ACK,
                                            TCPSTATE_TH_ACK,
                                            TCPSTATE_TH_ACK | TCPSTATE_TH_PSH,
                                            TCPSTATE_TH_ACK | TCPSTATE_TH_FIN,
                                            TCPSTATE_TH_ACK | TCPSTATE_TH_FIN | TCPSTATE_TH_PSH,
                                            TCPSTATE_TH_SYN,
                                            TCPSTATE_TH_SYN | TCPSTATE_TH_ACK,
                                            0,
                                            0};
        unsigned pick = next32() % 10;
        pkt.tcp_flags = (uint16_t)(common[pick] != 0 ? common[pick] : next32() & 0xff);
        pkt.seq = near(snd->nxt);
        pkt.ack = near(rcv->nxt);
        pkt.payload_len = (next32() & 1) ? next32() % 1461 : 0;
        pkt.window = (uint16_t)next32();
        pkt.opts = (uint8_t)next32();
        pkt.mss = (uint16_t)next32();
        pkt.wscale = (uint8_t)(next32() & 15);

        memset(&ea, 0, sizeof ea);
        ea.flags = (n % 11) == 0 ? TCPSTATE_F_NO_WINDOW_CHECK : 0u;
        eb = ea;
        memset(&oa, 0, sizeof oa);
        memset(&ob, 0, sizeof ob);
        /* Every event kind, those of the yardstick's backend, or none (the
         * fast paths form an event's flags only for a kind wanted). */
        oa.want = ob.want = (n & 4)    ? 0xffffu
                            : (n & 16) ? 0u
                                       : (uint16_t)(1u << TCPSTATE_EV_ACK | 1u << TCPSTATE_EV_RST |
                                                    1u << TCPSTATE_EV_FLOW_END);
        uint32_t evflags = (n & 8) ? TCPSTATE_EVF_NEW_FLOW : 0u;
        enum track_verdict va = fast_then_general(&ea, &fa, &pkt, sender, 5000, evflags, &oa, n);
        enum track_verdict vb = general_track_general(&eb, &fb, &pkt, sender, 5000, evflags, &ob);

        cr_assert(eq(int, va, vb), "verdict differs at segment %u", n);
        cr_assert(eq(int, memcmp(&fa, &fb, sizeof fa), 0), "flow record differs at segment %u", n);
        cr_assert(eq(int, memcmp(&ea.stats, &eb.stats, sizeof ea.stats), 0),
                  "statistics differ at segment %u", n);
        cr_assert(eq(u16, oa.n, ob.n), "event count differs at segment %u", n);
        cr_assert(eq(int, memcmp(oa.ev, ob.ev, oa.n * sizeof oa.ev[0]), 0),
                  "events differ at segment %u", n);

        /* What the ACK path takes: ACK alone, the sender's cell keeps, and
         * the segment was believed (no counter moved, the sender's facts
         * did); completing: a receiver's state changed. */
        unsigned nexts, nextr;
        int gs, gr;
        tcpstate__track_cell(0, TRACK_ACK, (tcpstate_tcp_state)snd_was, &nexts, &gs);
        tcpstate__track_cell(1, TRACK_ACK, (tcpstate_tcp_state)rcv_was, &nextr, &gr);
        unsigned kind =
            pkt.tcp_flags & (TCPSTATE_TH_SYN | TCPSTATE_TH_ACK | TCPSTATE_TH_FIN | TCPSTATE_TH_RST);
        int ack_only = kind == TCPSTATE_TH_ACK && nexts == TRACK_KEEP && !gs;
        tcpstate_stats zero;
        memset(&zero, 0, sizeof zero);
        if (ack_only && nextr == TRACK_KEEP && !gr && memcmp(&eb.stats, &zero, sizeof zero) == 0) {
            steady++;
        } else if (ack_only && gr && rcv->state != rcv_was) {
            completing++;
        } else if (kind == (TCPSTATE_TH_ACK | TCPSTATE_TH_FIN) && snd->state != snd_was &&
                   (snd_was == TCPSTATE_ESTABLISHED || snd_was == TCPSTATE_CLOSE_WAIT)) {
            closing++; /* a first or second FIN taken */
            /* the second while the first was not yet acknowledged (the fast
             * path's branch-free CLOSING) */
            crossed += snd->state == TCPSTATE_CLOSING;
        } else if ((kind & ~TCPSTATE_TH_ACK) == TCPSTATE_TH_SYN && snd_was == TCPSTATE_CLOSED &&
                   snd->state != snd_was) {
            opening++; /* a SYN or SYN-ACK from CLOSED taken */
        } else {
            other++;
        }
    }
    /* Every path was exercised, each many times. */
    cr_log_info("steady %u, completing %u, closing %u (crossed %u), opening %u, other %u", steady,
                completing, closing, crossed, opening, other);
    cr_assert(ge(u32, steady, 20000), "only %u steady segments", steady);
    cr_assert(ge(u32, completing, 2000), "only %u segments completing a transition", completing);
    cr_assert(ge(u32, closing, 5000), "only %u FINs closing a connection", closing);
    cr_assert(ge(u32, crossed, 200), "only %u FINs crossing the peer's", crossed);
    cr_assert(ge(u32, opening, 2000), "only %u SYNs and SYN-ACKs opening one", opening);
    cr_assert(ge(u32, other, 20000), "only %u other segments", other);
    cr_assert(ge(u32, fast_classes, 50000), "only %u classes checked", fast_classes);
}
