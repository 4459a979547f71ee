/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Zeek emulation: what Zeek's TCP analyzer would record for a connection, so
 * that a flow reports Zeek's conn_state and history and ends where Zeek would
 * end it. The behaviour follows the project's research note on how Zeek
 * derives conn_state and history (checked against Zeek's own test baselines);
 * it is described here in our own words and contains no Zeek code.
 *
 * What Zeek keeps per endpoint (a coarse state, where its sequence space
 * starts and ends, what the peer acknowledged, what it already wrote into the
 * history) and per connection (the history, the time of its last packet, a
 * few timers) lives in a fixed record inside the flow (struct zeek_rec,
 * zeek_rec.h). This file writes it as packets arrive and works out from it
 * when Zeek would remove the connection; zeek_report.c reads from it the
 * conn_state and history Zeek would log.
 *
 * Deliberate differences from Zeek:
 *  - Roles are the flow's, decided by the engine when the flow is created
 *    (SYN sender; SYN-ACK receiver; else the likely-server-port rule). If the
 *    creating packet came from the responder the history starts with '^', as
 *    when Zeek flips roles at creation. Zeek's two later flips (a SYN answered
 *    by a SYN from the SYN-ACK sender's peer, and the "late flip" of a
 *    connection opened by a SYN-ACK) never happen here: their state effects
 *    are kept, the role swap is not. A connection opened by a lone SYN-ACK
 *    therefore always reads "^h...", where Zeek without a likely server port
 *    writes "H".
 *  - No reassembly, so no 'G'/'g' (content gaps) and no 'X'.
 *  - The history holds ZEEK_HISTORY_CAP letters; later letters are dropped.
 *
 * Timers are not events here: the record keeps when each armed timer fires
 * next, and tcpstate__zeek_deadline() works out, from the record as it
 * stands, the first firing that would remove the connection. A timer that
 * fires without removing it has no effect other than re-arming itself, so
 * nothing is lost by evaluating them lazily.
 */
#include <string.h>

#include "zeek.h"
#ifndef TCPSTATE_NO_ZEEK

#include "divfree.h"
#include "seq.h"
#include "zeek_rec.h"

#define NS_PER_S UINT64_C(1000000000)

/* Built for size (-Os, issue 9), GCC inlines every step of
 * tcpstate__zeek_segment() into it (each is called once), and the merged
 * function spends more code on spilling registers than the calls cost:
 * these steps stay out of line there (460 bytes less on Cortex-M4, GCC 12).
 * Other builds inline as the compiler sees fit. */
#if defined(__GNUC__) && defined(__OPTIMIZE_SIZE__)
#define ZK_OUT_OF_LINE __attribute__((noinline))
#else
#define ZK_OUT_OF_LINE
#endif

/* Zeek's default timeouts (init-bare). */
#define ZK_SYN_TIMEOUT   (5u * NS_PER_S) /* first EXPIRE check after creation */
#define ZK_SESSION_TIMER (6u * NS_PER_S) /* EXPIRE re-check period; half-close check */
#define ZK_LINGER        (5u * NS_PER_S) /* idle time EXPIRE wants before removing */
#define ZK_ATTEMPT_DELAY (5u * NS_PER_S) /* an unanswered SYN is given up after this */
#define ZK_CLOSE_DELAY   (5u * NS_PER_S) /* a closed or reset connection lingers this long */
/* Idle limits: while both ends are still in handshake states (Zeek uses its
 * UDP value there), and once either end got past them. */
#define ZK_IDLE_HANDSHAKE (60u * NS_PER_S)
#define ZK_IDLE_TCP       (300u * NS_PER_S)

/* A SYN or RST farther than this from the sender's sequence position is
 * too wild to move it. */
#define ZK_SEQ_TOO_FAR 1048576u

/* A scaled letter is written at the 1st, 10th, 100th ... occurrence. Zeek
 * counts in 32 bits: past 10^9 the threshold cannot grow, so the count
 * restarts and the letter comes back every 10^9 occurrences. */
#define ZK_SCALE_TOP UINT32_C(1000000000)


/* What one packet says, in the terms the analysis uses. */
struct zk_pkt {
    uint32_t seq, ack;
    uint32_t len;     /* payload bytes, from the IP length */
    uint32_t seq_end; /* seq + the sequence space it takes */
    uint16_t window;
    uint16_t fl; /* TCPSTATE_TH_*: tested in place rather than unpacked, which
                   keeps fewer values live through the analysis (code size) */
};

#define P_SYN(p) (((p)->fl & TCPSTATE_TH_SYN) != 0)
#define P_FIN(p) (((p)->fl & TCPSTATE_TH_FIN) != 0)
#define P_RST(p) (((p)->fl & TCPSTATE_TH_RST) != 0)
#define P_ACK(p) (((p)->fl & TCPSTATE_TH_ACK) != 0)

ZK_OUT_OF_LINE
static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Whether a lies more than ZK_SEQ_TOO_FAR from b either way in sequence
 * space (|a - b| as a 32-bit signed distance), in 32-bit arithmetic: with
 * u = a - b, that is TOO_FAR < u < 2^32 - TOO_FAR, and adding TOO_FAR maps
 * exactly the near values (u <= TOO_FAR, or wrapping past 2^32) to
 * [0, 2 TOO_FAR]. */
static int seq_too_far(uint32_t a, uint32_t b)
{
    return (uint32_t)(a - b + ZK_SEQ_TOO_FAR) > 2u * ZK_SEQ_TOO_FAR;
}

/* a lies after b (strictly positive signed distance). seq_gt() would also
 * say so for a distance of exactly 2^31, which Zeek counts as negative. */
static int seq_after(uint32_t a, uint32_t b) { return !seq_le(a, b); }

static int in_handshake(uint8_t s)
{
    return s == ZK_INACTIVE || s == ZK_SYN_SENT || s == ZK_SYN_ACK_SENT;
}

static int is_opening(uint8_t s) { return s == ZK_SYN_SENT || s == ZK_SYN_ACK_SENT; }

/* ------------------------------------------------------------------ history */

static void hist_put(struct zeek_rec *r, char c)
{
    if (r->hist_len < ZEEK_HISTORY_CAP) {
        r->hist[r->hist_len++] = c;
    }
}

/* A letter as the endpoint writes it: upper case for the originator. */
static void hist_letter(struct zeek_rec *r, int orig, char upper)
{
    hist_put(r, orig ? upper : (char)(upper - 'A' + 'a'));
}

/* Write a once-only letter if the endpoint has not written it yet. Returns
 * whether it had already been written (the repeat rules need to know). */
static int hist_once(struct zeek_rec *r, struct zeek_ep *ep, int orig, unsigned bit, char upper)
{
    if (ep->once & bit) {
        return 1;
    }
    ep->once = (uint8_t)(ep->once | bit);
    hist_letter(r, orig, upper);
    return 0;
}

static int is_power_of_ten(uint32_t n)
{
    uint32_t p = 1;
    while (p < n && p < ZK_SCALE_TOP) {
        p *= 10u;
    }
    return p == n;
}

/* Count one more occurrence of a scaled letter and write it at 1, 10, 100 ... */
static void hist_scaled(struct zeek_rec *r, struct zeek_ep *ep, int orig, unsigned which,
                        char upper)
{
    unsigned top = EPF_SCALE_TOP << which;
    uint32_t n = ++ep->scaled[which];
    int hit = (ep->flags & top) ? n == ZK_SCALE_TOP : is_power_of_ten(n);
    if (!hit) {
        return;
    }
    hist_letter(r, orig, upper);
    if (n == ZK_SCALE_TOP) {
        ep->scaled[which] = 0;
        ep->flags = (uint8_t)(ep->flags | top);
    }
}

/* ------------------------------------------------------------------ sequence space */

/*
 * Position of s relative to the endpoint's start (low 32 bits; see the
 * layout note). `ref` and `wraps` say where the endpoint's count of 2^32
 * wraps stands; s just across a wrap from ref counts one wrap more or less.
 * *below is set when the position is before the start (only possible when no
 * wrap has happened): Zeek then treats it as an underflow.
 */
static uint32_t rel_seq(const struct zeek_ep *ep, uint32_t s, uint32_t ref, uint32_t wraps,
                        int *below)
{
    if (seq_lt(s, ref) && wraps > 0 && s > ref) {
        wraps--;
    } else if (seq_after(s, ref) && s < ref) {
        wraps++;
    }
    *below = wraps == 0 && seq_lt(s, ep->start_seq);
    return s - ep->start_seq;
}

static uint16_t wraps_inc(uint16_t w) { return w == UINT16_MAX ? w : (uint16_t)(w + 1u); }

static void set_last_seq(struct zeek_ep *ep, uint32_t s)
{
    if (s < ep->last_seq) {
        ep->seq_wraps = wraps_inc(ep->seq_wraps);
    }
    ep->last_seq = s;
}

static void set_ack_seq(struct zeek_ep *ep, uint32_t s)
{
    if (s < ep->ack_seq) {
        ep->ack_wraps = wraps_inc(ep->ack_wraps);
    }
    ep->ack_seq = s;
}

/* Start (or restart) an endpoint's sequence space at a SYN. */
static void start_at_syn(struct zeek_ep *ep, const struct zk_pkt *p)
{
    ep->start_seq = p->seq;
    ep->ack_seq = p->seq;
    ep->last_seq = p->seq_end;
    ep->flags = (uint8_t)(ep->flags & ~EPF_START_NEG);
}

/* A start learned without a SYN: pretend the SYN sat just before `next`. */
static void start_before(struct zeek_ep *ep, uint32_t next)
{
    ep->start_seq = next - 1u;
    ep->ack_seq = next - 1u;
    ep->flags = (uint8_t)(next == 0 ? ep->flags | EPF_START_NEG : ep->flags & ~EPF_START_NEG);
}

/* Before anything else, the sender's sequence space is set up: at its first
 * packet, or again when a SYN brings a new ISN. */
ZK_OUT_OF_LINE
static void init_endpoint(struct zeek_ep *e, const struct zk_pkt *p)
{
    switch ((enum zk_state)e->state) {
    case ZK_INACTIVE:
        if (P_SYN(p)) {
            start_at_syn(e, p);
        } else {
            /* Midstream: last_seq is this packet's seq, not its end, so the
             * packet itself does not count as a retransmission. */
            start_before(e, p->seq);
            e->last_seq = p->seq;
        }
        break;
    case ZK_SYN_SENT:
    case ZK_SYN_ACK_SENT:
        if (P_SYN(p) && p->seq != e->start_seq) {
            start_at_syn(e, p);
        }
        break;
    case ZK_ESTABLISHED:
    case ZK_PARTIAL:
        if (P_SYN(p)) {
            start_at_syn(e, p);
        }
        break;
    case ZK_RESET:
        if (P_SYN(p) && e->prev_state == ZK_INACTIVE) {
            start_at_syn(e, p);
        }
        break;
    case ZK_CLOSED:
        break;
    }
}

/* The sender's ACK tells where the peer's sequence space stands: the peer's
 * start if nothing is known of it yet, else a higher ack_seq. */
ZK_OUT_OF_LINE
static void learn_ack(struct zeek_ep *peer, const struct zk_pkt *p)
{
    if (!P_ACK(p)) {
        return;
    }
    if (peer->state == ZK_INACTIVE) {
        start_before(peer, p->ack);
        peer->last_seq = p->ack - 1u;
        return;
    }
    int below;
    (void)rel_seq(peer, p->ack, peer->ack_seq, peer->ack_wraps, &below);
    if (P_RST(p) || below) {
        return;
    }
    /* An ack of 0 far ahead is a stack that left the field unset. (Ahead
     * means a distance in [1, 2^31): there, far means above TOO_FAR.) */
    if (seq_after(p->ack, peer->ack_seq) &&
        !(p->ack == 0 && p->ack - peer->ack_seq > ZK_SEQ_TOO_FAR)) {
        set_ack_seq(peer, p->ack);
    }
}

/* Advance the sender's highest sequence number, or count a retransmission:
 * Zeek's notion is purely positional, "payload that does not reach beyond
 * what this sender already sent". */
ZK_OUT_OF_LINE
static void advance_last_seq(struct zeek_rec *r, struct zeek_ep *e, int orig,
                             const struct zk_pkt *p)
{
    if ((P_SYN(p) || P_RST(p)) && seq_too_far(p->seq_end, e->last_seq)) {
        return;
    }
    if (P_FIN(p) && e->last_seq == e->start_seq + 1u) {
        set_last_seq(e, p->seq_end); /* SYN then FIN: taken even if it moves back */
    } else if (e->state == ZK_RESET) {
        return;
    } else if (seq_after(p->seq_end, e->last_seq)) {
        set_last_seq(e, p->seq_end);
    } else if (p->len > 0) {
        hist_scaled(r, e, orig, SC_T, 'T');
    }
}

/* ------------------------------------------------------------------ letters */

/* S / H / F / R / I / Q / D / A from the flags. SYN, FIN and RST letters
 * repeat only when the packet's relative position differs from that of the
 * previous one of its kind. */
ZK_OUT_OF_LINE
static void flag_letters(struct zeek_rec *r, struct zeek_ep *e, int orig, const struct zk_pkt *p,
                         uint32_t rs)
{
    unsigned n = (unsigned)P_SYN(p) + (unsigned)P_FIN(p) + (unsigned)P_RST(p);
    if (n > 1) {
        if (P_FIN(p) && P_RST(p)) {
            (void)hist_once(r, e, orig, ONCE_FINRST, 'I');
        } else {
            (void)hist_once(r, e, orig, ONCE_MULTI, 'Q');
        }
        return;
    }
    if (P_SYN(p)) {
        char c = P_ACK(p) ? 'H' : 'S';
        if (hist_once(r, e, orig, ONCE_SYN, c) && rs != e->last_syn) {
            hist_letter(r, orig, c);
        }
        e->last_syn = rs;
    } else if (P_FIN(p)) {
        uint32_t at = rs + p->len; /* the FIN sits after its payload */
        if (hist_once(r, e, orig, ONCE_FIN, 'F') && at != e->last_fin) {
            hist_letter(r, orig, 'F');
        }
        e->last_fin = at;
    } else if (P_RST(p)) {
        if (hist_once(r, e, orig, ONCE_RST, 'R') && rs != e->last_rst) {
            hist_letter(r, orig, 'R');
        }
        e->last_rst = rs;
    } else if (p->len > 0) {
        (void)hist_once(r, e, orig, ONCE_DATA, 'D');
    } else if (P_ACK(p)) {
        (void)hist_once(r, e, orig, ONCE_ACK, 'A');
    }
}

/* A zero window counts unless it rides on a RST, the sender was reset, or
 * the peer already closed (a window shut after the peer's FIN says nothing). */
static void zero_window_letter(struct zeek_rec *r, struct zeek_ep *e, const struct zeek_ep *peer,
                               int orig, const struct zk_pkt *p)
{
    if (p->window == 0 && !P_RST(p) && peer->state != ZK_CLOSED && e->state != ZK_RESET) {
        hist_scaled(r, e, orig, SC_W, 'W');
    }
}

/* ------------------------------------------------------------------ state machine */

/* Change an endpoint's state. The first time either endpoint leaves the
 * handshake states, the connection's idle limit grows to the TCP one. */
static void set_state(struct zeek_rec *r, struct zeek_ep *x, const struct zeek_ep *other, uint8_t s)
{
    if (s == x->state) {
        return;
    }
    if (!in_handshake(s) && in_handshake(x->state) && in_handshake(other->state)) {
        r->cflags = (uint8_t)(r->cflags | CF_IDLE_TCP);
    }
    x->prev_state = x->state;
    x->state = s;
}

struct zk_close {
    int close; /* the sender's close is to be reported */
    int event; /* ... as an event a script would see (matters for is_active) */
};

/* The sender's first packet. */
static void sm_inactive(struct zeek_rec *r, struct zeek_ep *e, struct zeek_ep *peer, int orig,
                        const struct zk_pkt *p, uint64_t ts, struct zk_close *c)
{
    if (P_SYN(p)) {
        if (orig) {
            set_state(r, e, peer, P_ACK(p) ? ZK_SYN_ACK_SENT : ZK_SYN_SENT);
            if (!(r->cflags & CF_CLOSING)) {
                r->once_timer.attempt_at = add_sat(ts, ZK_ATTEMPT_DELAY);
            }
        } else {
            /* A SYN answering the originator's SYN-ACK with the expected
             * sequence number: Zeek would swap roles here; we keep ours and
             * take only the outcome, both ends established. */
            if (!P_ACK(p) && peer->state == ZK_SYN_ACK_SENT && p->seq == e->start_seq) {
                set_state(r, peer, e, ZK_ESTABLISHED);
            }
            if (peer->state == ZK_SYN_SENT) {
                set_state(r, peer, e, ZK_ESTABLISHED);
            }
            set_state(r, e, peer, ZK_ESTABLISHED);
        }
    }
    if (P_FIN(p)) {
        set_state(r, e, peer, ZK_CLOSED);
        c->close = c->event = 1;
    }
    if (P_RST(p)) {
        set_state(r, e, peer, ZK_RESET);
        /* A rejection: the responder resets an opening, or the originator
         * resets what the responder considers established. */
        int reject = orig ? peer->state == ZK_ESTABLISHED : is_opening(peer->state);
        c->close = 1;
        c->event = !reject;
    }
    if (e->state != ZK_INACTIVE) {
        return;
    }
    if (!orig && p->len == 0 && r->ep[0].state == ZK_SYN_SENT) {
        return; /* an early bare ACK to a SYN does not wake the responder */
    }
    if (P_ACK(p) && peer->state == ZK_ESTABLISHED) {
        set_state(r, e, peer, ZK_ESTABLISHED); /* its SYN was missed, the SYN-ACK seen */
    } else {
        set_state(r, e, peer, ZK_PARTIAL);
    }
}

/* A SYN or SYN-ACK is outstanding: only FIN and RST move the sender. */
static void sm_opening(struct zeek_rec *r, struct zeek_ep *e, struct zeek_ep *peer,
                       const struct zk_pkt *p, struct zk_close *c)
{
    if (P_FIN(p)) {
        set_state(r, e, peer, ZK_CLOSED);
        c->close = c->event = 1;
    }
    if (P_RST(p)) {
        set_state(r, e, peer, ZK_RESET);
        r->cflags = (uint8_t)(r->cflags & ~CF_ACTIVE);
        c->close = 1;
    }
}

static void sm_open(struct zeek_rec *r, struct zeek_ep *e, struct zeek_ep *peer,
                    const struct zk_pkt *p, struct zk_close *c)
{
    if (P_SYN(p) && !P_ACK(p) && e->state == ZK_PARTIAL && peer->state == ZK_INACTIVE) {
        set_state(r, e, peer, ZK_SYN_SENT); /* midstream sender now opens properly */
    }
    if (P_FIN(p) && !P_RST(p)) {
        set_state(r, e, peer, ZK_CLOSED);
        /* The peer had sent FIN then RST: with this FIN the close is normal. */
        if (peer->state == ZK_RESET && peer->prev_state == ZK_CLOSED) {
            set_state(r, peer, e, ZK_CLOSED);
        }
        c->close = c->event = 1;
    }
    if (P_RST(p)) {
        set_state(r, e, peer, ZK_RESET);
        c->close = 1;
        if (!(peer->state == ZK_RESET && peer->prev_state == ZK_ESTABLISHED)) {
            r->cflags = (uint8_t)(r->cflags & ~CF_ACTIVE);
        }
    }
}

static void sm_closed(struct zeek_rec *r, struct zeek_ep *e, struct zeek_ep *peer,
                      const struct zk_pkt *p, struct zk_close *c)
{
    if (P_RST(p) && peer->state != ZK_CLOSED) {
        set_state(r, e, peer, ZK_RESET);
        if (!(e->flags & EPF_DID_CLOSE)) {
            c->close = 1;
        }
    }
}

ZK_OUT_OF_LINE
static void state_machine(struct zeek_rec *r, struct zeek_ep *e, struct zeek_ep *peer, int orig,
                          const struct zk_pkt *p, uint64_t ts, struct zk_close *c)
{
    switch ((enum zk_state)e->state) {
    case ZK_INACTIVE:
        sm_inactive(r, e, peer, orig, p, ts, c);
        break;
    case ZK_SYN_SENT:
    case ZK_SYN_ACK_SENT:
        sm_opening(r, e, peer, p, c);
        break;
    case ZK_ESTABLISHED:
    case ZK_PARTIAL:
        sm_open(r, e, peer, p, c);
        break;
    case ZK_CLOSED:
        sm_closed(r, e, peer, p, c);
        break;
    case ZK_RESET:
        break; /* a reset endpoint never changes again */
    }
}

/* The sender's close (FIN or RST) is reported once. If the peer is gone too
 * (closed, reset, or never seen) the connection is over: every timer is
 * replaced by DELETE after the close delay. Otherwise a half close gives the
 * peer a session-timer's grace through another EXPIRE timer. */
static void connection_closed(struct zeek_rec *r, struct zeek_ep *e, const struct zeek_ep *peer,
                              int event)
{
    if (e->flags & EPF_DID_CLOSE) {
        return;
    }
    e->flags = (uint8_t)(e->flags | EPF_DID_CLOSE);
    int complete =
        e->state == ZK_RESET || (peer->flags & EPF_DID_CLOSE) || peer->state == ZK_INACTIVE;
    if (complete) {
        if (event && (e->prev_state != ZK_INACTIVE || peer->state != ZK_INACTIVE)) {
            r->cflags = (uint8_t)(r->cflags & ~CF_ACTIVE);
        }
        r->expire_at[0] = r->expire_at[1] = 0;
        r->cflags = (uint8_t)(r->cflags | CF_CLOSING);
        r->once_timer.delete_at = add_sat(r->last_time, ZK_CLOSE_DELAY);
    } else if (e->prev_state != ZK_INACTIVE) {
        r->expire_at[1] = add_sat(r->last_time, ZK_SESSION_TIMER);
    }
}

/* ------------------------------------------------------------------ timers */

/* Whether at + periods * ZK_SESSION_TIMER passes UINT64_MAX. The quotient
 * below is folded by the compiler; no division is left at run time
 * (divfree.h). Same answer as periods > (UINT64_MAX - at) / ZK_SESSION_TIMER. */
static int periods_overflow(uint64_t at, uint64_t periods)
{
    return periods > UINT64_MAX / ZK_SESSION_TIMER || periods * ZK_SESSION_TIMER > UINT64_MAX - at;
}

/* The first firing of an EXPIRE chain (at, at + 6 s, at + 12 s, ...) that
 * lies strictly after `t` (UINT64_MAX if it passes the end of time). */
static uint64_t chain_after(uint64_t at, uint64_t t)
{
    if (at > t) {
        return at;
    }
    uint64_t periods = udiv64_slow(t - at, ZK_SESSION_TIMER) + 1u;
    return periods_overflow(at, periods) ? UINT64_MAX : at + periods * ZK_SESSION_TIMER;
}

/* Timers due at or before `ts` fired before the packet at `ts` (and did not
 * remove the connection, or the engine would have ended the flow): an EXPIRE
 * timer re-armed itself every session-timer period, counted from the time it
 * was due, so it stays on its own grid whatever other traffic does; an
 * ATTEMPT timer is spent. */
static void pass_timers(struct zeek_rec *r, uint64_t ts)
{
    for (unsigned i = 0; i < 2; i++) {
        if (r->expire_at[i] != 0) {
            r->expire_at[i] = chain_after(r->expire_at[i], ts);
        }
    }
    if (!(r->cflags & CF_CLOSING) && r->once_timer.attempt_at <= ts) {
        r->once_timer.attempt_at = 0;
    }
}

/* Whether an EXPIRE firing would remove the connection, time aside: a close
 * was reported and the other side is closed, reset or never seen; or nobody
 * ever spoke (only bad-checksum packets, say). */
static int expire_would_remove(const struct zeek_rec *r)
{
    const struct zeek_ep *o = &r->ep[0], *s = &r->ep[1];
    int o_closed = (o->flags & EPF_DID_CLOSE) != 0, s_closed = (s->flags & EPF_DID_CLOSE) != 0;
    if ((o_closed || s_closed) &&
        ((o_closed && s_closed) || o->state == ZK_RESET || s->state == ZK_RESET ||
         o->state == ZK_INACTIVE || s->state == ZK_INACTIVE)) {
        return 1;
    }
    return o->state == ZK_INACTIVE && s->state == ZK_INACTIVE;
}

/* ------------------------------------------------------------------ the hooks */

void tcpstate__zeek_open(uint8_t *rec, int first_from_orig, uint64_t ts)
{
    struct zeek_rec *r = rec_of(rec);
    memset(r, 0, sizeof *r);
    r->last_time = ts;
    r->expire_at[0] = add_sat(ts, ZK_SYN_TIMEOUT);
    r->cflags = CF_ACTIVE;
    if (!first_from_orig) {
        hist_put(r, '^'); /* Zeek would have flipped roles at creation */
    }
}

static void read_packet(const tcpstate_packet *pkt, struct zk_pkt *p)
{
    p->seq = pkt->seq; /* every field is set: no memset needed */
    p->ack = pkt->ack;
    p->len = pkt->payload_len;
    p->window = pkt->window;
    p->fl = pkt->tcp_flags;
    /* A RST's payload (a diagnostic text) takes no sequence space. */
    uint32_t space = P_RST(p) ? 0u : p->len;
    p->seq_end = p->seq + space + (P_SYN(p) ? 1u : 0u) + (P_FIN(p) ? 1u : 0u);
}

void tcpstate__zeek_segment(uint8_t *rec, const tcpstate_packet *pkt, int from_orig, uint64_t ts)
{
    struct zeek_rec *r = rec_of(rec);
    struct zk_pkt p;
    read_packet(pkt, &p);
    pass_timers(r, ts);

    int orig = from_orig != 0;
    struct zeek_ep *e = &r->ep[orig ? 0 : 1];
    struct zeek_ep *peer = &r->ep[orig ? 1 : 0];

    init_endpoint(e, &p);
    int below;
    uint32_t rs = rel_seq(e, p.seq, e->last_seq, e->seq_wraps, &below);
    flag_letters(r, e, orig, &p, rs);
    zero_window_letter(r, e, peer, orig, &p);
    /* Once both closes were reported the connection stops aging: late ACKs
     * and retransmissions do not keep it alive. */
    if (!((r->ep[0].flags & EPF_DID_CLOSE) && (r->ep[1].flags & EPF_DID_CLOSE))) {
        r->last_time = ts;
    }
    if (P_FIN(&p)) {
        e->flags = (uint8_t)(e->flags | EPF_FIN_SEEN);
    }
    learn_ack(peer, &p);
    advance_last_seq(r, e, orig, &p);
    struct zk_close c = {0, 0};
    state_machine(r, e, peer, orig, &p, ts, &c);
    if (c.close) {
        connection_closed(r, e, peer, c.event);
    }
}

void tcpstate__zeek_bad_checksum(uint8_t *rec, int from_orig)
{
    struct zeek_rec *r = rec_of(rec);
    int orig = from_orig != 0;
    hist_scaled(r, &r->ep[orig ? 0 : 1], orig, SC_C, 'C');
}

int tcpstate__zeek_is_reuse(const uint8_t *rec, const tcpstate_packet *pkt, int from_orig)
{
    const struct zeek_rec *r = crec_of(rec);
    const struct zeek_ep *o = &r->ep[0], *s = &r->ep[1];
    unsigned fl = pkt->tcp_flags;
    /* Zeek judges a SYN by the connection, whichever side sent it, except for
     * the crossing SYN of a simultaneous open below. */
    if (!(fl & TCPSTATE_TH_SYN)) {
        return 0;
    }
    /* A SYN-ACK can only open anew a connection whose originator never spoke;
     * it is then compared with the responder's start. */
    const struct zeek_ep *x = o;
    if (fl & TCPSTATE_TH_ACK) {
        if (o->state != ZK_INACTIVE) {
            return 0;
        }
        x = s;
    }
    if ((o->flags & EPF_DID_CLOSE) || (s->flags & EPF_DID_CLOSE)) {
        return 1; /* any SYN after a close or reset starts a new connection */
    }
    /* Simultaneous open (RFC 9293 §3.5, figure 8): the responder's own SYN
     * crossing the originator's, or its retransmission. Zeek takes it for a
     * reuse ("SYN_seq_jump") and splits the connection; issue 8 keeps
     * crossing SYNs one connection in every mode, as the tracker does. */
    if (!from_orig && !(fl & TCPSTATE_TH_ACK) &&
        (s->state == ZK_INACTIVE ? o->state == ZK_SYN_SENT : pkt->seq == s->start_seq)) {
        return 0;
    }
    if (pkt->seq == x->start_seq) {
        return 0; /* the same ISN: a retransmission */
    }
    if (!(fl & TCPSTATE_TH_ACK) && x->state == ZK_SYN_ACK_SENT && s->state == ZK_INACTIVE &&
        pkt->seq == s->start_seq) {
        return 0; /* the SYN a SYN-ACK already answered, seen late */
    }
    return 1;
}

uint64_t tcpstate__zeek_deadline(const uint8_t *rec)
{
    const struct zeek_rec *r = crec_of(rec);
    uint64_t idle = (r->cflags & CF_IDLE_TCP) ? ZK_IDLE_TCP : ZK_IDLE_HANDSHAKE;
    /* INACTIVITY: however its timer was armed, it removes the connection at
     * the first firing at least `idle` after last_time, and re-arms itself
     * for exactly that time when it fires earlier. */
    uint64_t d = add_sat(r->last_time, idle);
    if (r->cflags & CF_CLOSING) {
        return min_u64(d, r->once_timer.delete_at);
    }
    if (!(r->cflags & CF_ACTIVE)) {
        return d; /* ATTEMPT and EXPIRE do nothing any more */
    }
    const struct zeek_ep *o = &r->ep[0], *s = &r->ep[1];
    if (r->once_timer.attempt_at != 0 && is_opening(o->state) && s->state == ZK_INACTIVE) {
        d = min_u64(d, r->once_timer.attempt_at);
    }
    if (expire_would_remove(r)) {
        for (unsigned i = 0; i < 2; i++) {
            if (r->expire_at[i] != 0) {
                /* removal needs a firing after the linger time */
                d = min_u64(d, chain_after(r->expire_at[i], add_sat(r->last_time, ZK_LINGER)));
            }
        }
    }
    return d;
}

#else
typedef int tcpstate__zeek_left_out; /* ISO C: no empty translation unit */
#endif
