/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The TCP header (RFC 9293 §3.1), its options, and the Internet checksums.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "tcpstate.h"

enum {
    TCP_MIN_HDR = 20,
    OPT_EOL = 0,
    OPT_NOP = 1,
    OPT_MSS = 2,       /* RFC 9293 §3.2 */
    OPT_WSCALE = 3,    /* RFC 7323 §2.2 */
    OPT_SACK_PERM = 4, /* RFC 2018 §2 */
    OPT_SACK = 5,      /* RFC 2018 §3 */
    OPT_TIMESTAMP = 8, /* RFC 7323 §3.2 */
    OPT_TFO = 34,      /* RFC 7413 §4.1.1 */
    OPT_EXP = 254,     /* RFC 6994 shared experimental option */
    TFO_EXP_MAGIC = 0xF989,
    TFO_COOKIE_MIN = 4,
    TFO_COOKIE_MAX = 16
};

uint64_t tcpstate__csum_add(const struct cur *c, size_t off, size_t n, uint64_t sum)
{
    size_t end = cur_has(c, off, n) ? off + n : off;
    size_t i = off;
    for (; end - i >= 2; i += 2) {
        sum += cur_be16(c, i);
    }
    if (i < end) {
        sum += (uint64_t)cur_u8(c, i) << 8; /* RFC 1071 §4.1: pad the odd byte with zero */
    }
    return sum;
}

uint16_t tcpstate__csum_fold(uint64_t sum)
{
    /* End-around carry; a 64-bit sum needs at most five folds. */
    for (int i = 0; i < 8 && (sum >> 16) != 0; i++) {
        sum = (sum & 0xFFFFu) + (sum >> 16);
    }
    return (uint16_t)sum;
}

/* RFC 7413 §4.1.1: no cookie is a request; a cookie is 4 to 16 bytes. */
static int tcp_tfo(tcpstate_packet *pkt, const struct cur *c, size_t off, size_t n)
{
    if (n != 0 && (n < TFO_COOKIE_MIN || n > TFO_COOKIE_MAX)) {
        return 0;
    }
    pkt->opts |= TCPSTATE_OPT_TFO;
    pkt->tfo_cookie = n != 0 ? c->p + off : NULL;
    pkt->tfo_len = (uint8_t)n;
    return 1;
}

/* One option of `len` bytes (kind and length byte included), all captured.
 * A known kind with the wrong length is ignored as Linux's tcp_parse_options()
 * ignores it: counted as OTHER, skipped by its length. */
static void tcp_option(tcpstate_packet *pkt, const struct cur *c, size_t off, uint8_t kind,
                       size_t len)
{
    switch (kind) {
    case OPT_MSS:
        if (len == 4) {
            pkt->opts |= TCPSTATE_OPT_MSS;
            pkt->mss = cur_be16(c, off + 2);
            return;
        }
        break;
    case OPT_WSCALE:
        if (len == 3) {
            pkt->opts |= TCPSTATE_OPT_WSCALE;
            pkt->wscale = cur_u8(c, off + 2); /* as sent; RFC 7323 §2.3 caps its use at 14 */
            return;
        }
        break;
    case OPT_SACK_PERM:
        if (len == 2) {
            pkt->opts |= TCPSTATE_OPT_SACK_PERM;
            return;
        }
        break;
    case OPT_SACK:
        if (len >= 10 && len <= 2 + 8 * TCPSTATE_MAX_SACK && (len - 2) % 8 == 0) {
            if ((pkt->opts & TCPSTATE_OPT_SACK) == 0) { /* the first SACK option counts */
                pkt->sack_count = (uint8_t)((len - 2) / 8);
                for (size_t i = 0; i < pkt->sack_count; i++) {
                    pkt->sack_left[i] = cur_be32(c, off + 2 + 8 * i);
                    pkt->sack_right[i] = cur_be32(c, off + 6 + 8 * i);
                }
            }
            pkt->opts |= TCPSTATE_OPT_SACK;
            return;
        }
        break;
    case OPT_TIMESTAMP:
        if (len == 10) {
            pkt->opts |= TCPSTATE_OPT_TIMESTAMP;
            pkt->ts_val = cur_be32(c, off + 2);
            pkt->ts_ecr = cur_be32(c, off + 6);
            return;
        }
        break;
    case OPT_TFO:
        if (tcp_tfo(pkt, c, off + 2, len - 2)) {
            return;
        }
        break;
    case OPT_EXP: /* RFC 7413 §4.1.1, pre-assignment form: ExID 0xF989 (RFC 6994) */
        if (len >= 4 && cur_be16(c, off + 2) == TFO_EXP_MAGIC &&
            tcp_tfo(pkt, c, off + 4, len - 4)) {
            return;
        }
        break;
    default:
        break;
    }
    pkt->opts |= TCPSTATE_OPT_OTHER;
}

/* Options between off and end (the data offset). RFC 9293 §3.1: EOL ends the
 * list, NOP is one byte, every other option has a length byte counting
 * itself and the kind. Where the capture stops, parsing stops too. */
void tcpstate__tcp_options(tcpstate_packet *pkt, const struct cur *c, size_t off, size_t end)
{
    if (end > c->len) {
        pkt->flags |= TCPSTATE_PKT_OPTS_TRUNCATED;
    }
    /* Every pass consumes a byte at least: 40 bytes of options, 40 passes. */
    for (unsigned pass = 0; pass < 40 && off < end && off < c->len; pass++) {
        uint8_t kind = cur_u8(c, off);
        if (kind == OPT_EOL) {
            break;
        }
        if (kind == OPT_NOP) {
            off++;
            continue;
        }
        if (end - off < 2) {
            pkt->flags |= TCPSTATE_PKT_BAD_OPTIONS; /* its length byte lies past the header */
            break;
        }
        if (!cur_has(c, off, 2)) {
            break;
        }
        size_t len = cur_u8(c, off + 1);
        if (len < 2 || len > end - off) {
            /* Linux's tcp_parse_options() stops at such an option and keeps
             * the segment; so does a passive observer, which must see what
             * the receiver acts on (and must not be blinded by a bad option). */
            pkt->flags |= TCPSTATE_PKT_BAD_OPTIONS;
            break;
        }
        if (!cur_has(c, off, len)) {
            break;
        }
        tcp_option(pkt, c, off, kind, len);
        off += len;
    }
}

/* RFC 9293 §3.1 over the IPv4 pseudo-header, RFC 8200 §8.1 over IPv6's: the
 * upper-layer length as 32 bits covers both (IPv4's fits in the low half). */
static int tcp_checksum_ok(const struct dec *d, size_t l4)
{
    size_t seg_len = d->ip_end - l4;
    uint64_t sum = tcpstate__csum_add(&d->c, d->src_off, d->addr_len, 0);
    sum = tcpstate__csum_add(&d->c, d->dst_off, d->addr_len, sum);
    sum += 6u + ((uint64_t)seg_len >> 16) + (seg_len & 0xFFFFu);
    sum = tcpstate__csum_add(&d->c, l4, seg_len, sum);
    return tcpstate__csum_fold(sum) == 0xFFFF;
}

tcpstate_status tcpstate__decode_tcp(struct dec *d, size_t l4)
{
    const struct cur *c = &d->c;
    tcpstate_packet *pkt = d->pkt;
    pkt->l4_offset = (uint32_t)l4;
    size_t seg_len = d->ip_end - l4;
    /* A first fragment too short for the header is not malformed: the rest of
     * the header is in the next fragment, which we never see together. */
    tcpstate_status cut = d->fragment ? TCPSTATE_SKIP_FRAGMENT : TCPSTATE_E_BAD_TCP_HEADER;
    tcpstate_status st = need(c, d->ip_end, l4, TCP_MIN_HDR, cut);
    if (st != TCPSTATE_OK) {
        return st;
    }
    pkt->sport = cur_be16(c, l4);
    pkt->dport = cur_be16(c, l4 + 2);
    pkt->seq = cur_be32(c, l4 + 4);
    pkt->ack = cur_be32(c, l4 + 8);
    uint8_t off_byte = cur_u8(c, l4 + 12);
    pkt->tcp_flags = (uint16_t)((off_byte & 0x01u) << 8 | cur_u8(c, l4 + 13));
    pkt->window = cur_be16(c, l4 + 14);
    pkt->urgent = cur_be16(c, l4 + 18);
    size_t hlen = (size_t)(off_byte >> 4) * 4;
    pkt->tcp_hlen = (uint8_t)hlen;
    if (hlen < TCP_MIN_HDR) {
        return TCPSTATE_E_BAD_TCP_OFFSET;
    }
    if (hlen > seg_len) {
        return d->fragment ? TCPSTATE_SKIP_FRAGMENT : TCPSTATE_E_BAD_TCP_OFFSET;
    }
    tcpstate__tcp_options(pkt, c, l4 + TCP_MIN_HDR, l4 + hlen);

    /* Payload as the IP length says; only what was captured is readable.
     * With the options cut, the payload offset is held at caplen so that
     * frame + payload_offset never points past the caller's bytes. */
    size_t data = l4 + hlen;
    size_t cap_end = d->ip_end < c->len ? d->ip_end : c->len;
    pkt->payload_len = (uint32_t)(d->ip_end - data);
    pkt->payload_offset = (uint32_t)(data < c->len ? data : c->len);
    pkt->payload_caplen = (uint32_t)(cap_end > data ? cap_end - data : 0);
    if (pkt->payload_caplen < pkt->payload_len) {
        pkt->flags |= TCPSTATE_PKT_PAYLOAD_TRUNCATED;
    }
    if (d->fragment) {
        pkt->flags |= TCPSTATE_PKT_FRAGMENT;
    }

    if ((d->flags & TCPSTATE_DECODE_VERIFY_CHECKSUMS) == 0) {
        return TCPSTATE_OK;
    }
    if (d->fragment || d->dst_unknown || d->ip_end > c->len) {
        pkt->tcp_csum = TCPSTATE_CSUM_UNVERIFIABLE;
        return TCPSTATE_OK;
    }
    if (!tcp_checksum_ok(d, l4)) {
        pkt->tcp_csum = TCPSTATE_CSUM_BAD;
        return TCPSTATE_E_BAD_TCP_CHECKSUM;
    }
    pkt->tcp_csum = TCPSTATE_CSUM_GOOD;
    return TCPSTATE_OK;
}
