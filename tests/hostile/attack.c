/* SPDX-License-Identifier: BSD-2-Clause */
#include "attack.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "flowtable.h"

uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static int on_rst(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct tally *t = user;
    (void)flow;
    t->events++;
    if (ev->before[0] != ev->after[0] || ev->before[1] != ev->after[1]) {
        t->rst_applied++;
    }
    return TCPSTATE_CB_CONTINUE;
}

static int on_fin(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct tally *t = user;
    (void)flow;
    t->events++;
    if (ev->before[0] != ev->after[0] || ev->before[1] != ev->after[1]) {
        t->fin_applied++;
    }
    return TCPSTATE_CB_CONTINUE;
}

static int finished(unsigned s) { return s == TCPSTATE_CLOSED || s == TCPSTATE_TIME_WAIT; }

static int on_end(void *user, tcpstate_flow *flow, const tcpstate_event *ev)
{
    struct tally *t = user;
    (void)flow;
    t->events++;
    if (!(finished(ev->after[0]) && finished(ev->after[1]))) {
        t->ended_live++;
    }
    return TCPSTATE_CB_CONTINUE;
}

tcpstate_engine *attack_engine(void *mem, size_t len, uint32_t max_flows, uint32_t flags_or,
                               uint32_t flags_off, const uint8_t *key, struct tally *t)
{
    tcpstate_config cfg;
    tcpstate_callbacks cb;
    tcpstate_engine *e = NULL;
    tcpstate_config_init(&cfg);
    cfg.max_flows = max_flows;
    cfg.flags = (cfg.flags | flags_or) & ~flags_off;
    if (key != NULL) {
        memcpy(cfg.hash_key, key, sizeof cfg.hash_key);
    }
    memset(&cb, 0, sizeof cb);
    cb.on_rst = on_rst;
    cb.on_fin = on_fin;
    cb.on_flow_end = on_end;
    memset(t, 0, sizeof *t);
    if (tcpstate_init(mem, len, &cfg, &cb, t, &e) != TCPSTATE_OK) {
        return NULL;
    }
    return e;
}

/* A SYN's options: MSS 1460, SACK permitted, window scale. */
static size_t syn_options(uint8_t *o)
{
    static const uint8_t opts[] = {2, 4, 0x05, 0xb4, 4, 2, 1, 3, 3, ATTACK_WSCALE};
    memcpy(o, opts, sizeof opts);
    memset(o + sizeof opts, 0, 2); /* EOL padding to 12 */
    return 12;
}

static size_t build(uint8_t *f, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                    uint16_t flags, uint32_t seq, uint32_t ack, uint32_t payload_len)
{
    size_t opt_len = (flags & TCPSTATE_TH_SYN) ? 12u : 0u;
    size_t tcp_len = 20 + opt_len;
    size_t total = 20 + tcp_len + payload_len;
    memset(f, 0, 20 + tcp_len);
    f[0] = 0x45;
    put16(f + 2, (uint32_t)total);
    f[8] = 64;
    f[9] = 6;
    put32(f + 12, src);
    put32(f + 16, dst);
    uint8_t *t = f + 20;
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = (uint8_t)((tcp_len / 4) << 4);
    t[13] = (uint8_t)flags;
    /* Window fields in SYNs are never scaled (RFC 7323 §2.2): advertise 65535 there. */
    put16(t + 14, (flags & TCPSTATE_TH_SYN) ? 65535u : ATTACK_WINDOW);
    if (opt_len != 0) {
        syn_options(t + 20);
    }
    memset(t + tcp_len, 0xab, payload_len);
    return total;
}

tcpstate_status attack_send(tcpstate_engine *e, uint32_t src, uint16_t sport, uint32_t dst,
                            uint16_t dport, uint16_t flags, uint32_t seq, uint32_t ack,
                            uint32_t payload_len, uint64_t ts)
{
    static uint8_t frame[2048]; /* tests run their suites one at a time per process */
    if (payload_len > 1400) {
        payload_len = 1400;
    }
    size_t n = build(frame, src, sport, dst, dport, flags, seq, ack, payload_len);
    return tcpstate_feed(e, TCPSTATE_LINKTYPE_RAW, frame, n, n, ts);
}

void attack_establish(tcpstate_engine *e, struct conn *c, uint32_t net, uint32_t i, uint64_t ts)
{
    const uint16_t A = TCPSTATE_TH_ACK;
    struct rng r = {UINT64_C(0x5eed) ^ ((uint64_t)net << 32) ^ i};
    c->cli = net | (i + 1u);
    c->srv = UINT32_C(0xc0a80001); /* 192.168.0.1 */
    c->cport = (uint16_t)(1024u + (i % 60000u));
    c->sport = 443;
    uint32_t ciss = rng_u32(&r), siss = rng_u32(&r);
    (void)attack_send(e, c->cli, c->cport, c->srv, c->sport, TCPSTATE_TH_SYN, ciss, 0, 0, ts);
    (void)attack_send(e, c->srv, c->sport, c->cli, c->cport, TCPSTATE_TH_SYN | A, siss, ciss + 1,
                      0, ts + 1000);
    (void)attack_send(e, c->cli, c->cport, c->srv, c->sport, A, ciss + 1, siss + 1, 0, ts + 2000);
    (void)attack_send(e, c->cli, c->cport, c->srv, c->sport, A | TCPSTATE_TH_PSH, ciss + 1,
                      siss + 1, 200, ts + 3000);
    (void)attack_send(e, c->srv, c->sport, c->cli, c->cport, A | TCPSTATE_TH_PSH, siss + 1,
                      ciss + 201, 1000, ts + 4000);
    (void)attack_send(e, c->cli, c->cport, c->srv, c->sport, A, ciss + 201, siss + 1001, 0,
                      ts + 5000);
    c->cli_nxt = ciss + 201;
    c->srv_nxt = siss + 1001;
}

int attack_states(tcpstate_engine *e, const struct conn *c, tcpstate_tcp_state *orig,
                  tcpstate_tcp_state *resp)
{
    uint8_t frame[64];
    tcpstate_packet pkt;
    size_t n = build(frame, c->cli, c->cport, c->srv, c->sport, TCPSTATE_TH_ACK, 0, 0, 0);
    if (tcpstate_decode(TCPSTATE_LINKTYPE_RAW, frame, n, n, 0, &pkt) != TCPSTATE_OK) {
        return -1;
    }
    struct flow_key key;
    int src_is_hi;
    tcpstate__ft_make_key(&key, &pkt, 0, &src_is_hi);
    struct tcpstate_flow *f = tcpstate__ft_lookup(&e->ft, &key, tcpstate__ft_hash(&e->ft, &key));
    if (f == NULL) {
        return -1;
    }
    *orig = tcpstate_flow_state(f, TCPSTATE_ORIG);
    *resp = tcpstate_flow_state(f, TCPSTATE_RESP);
    return 0;
}

int attack_is_established(tcpstate_engine *e, const struct conn *c)
{
    tcpstate_tcp_state o, r;
    return attack_states(e, c, &o, &r) == 0 && o == TCPSTATE_ESTABLISHED &&
           r == TCPSTATE_ESTABLISHED;
}

uint32_t attack_scale(void)
{
    const char *s = getenv("TCPSTATE_HOSTILE_SCALE");
    long v = s != NULL ? strtol(s, NULL, 10) : 1;
    return v >= 1 && v <= 1000 ? (uint32_t)v : 1u;
}
