/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IP fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5) in a fixed pool
 * carved from the caller's memory: a table of datagram contexts and a store
 * of 1 KiB blocks. The engine hands every fragment the decoder reports to
 * tcpstate__reasm_add(); when a datagram is whole, the module returns the
 * rebuilt IP packet (header fields fixed up: lengths, fragment fields, IPv4
 * header checksum) for the engine to decode as a raw IP frame.
 *
 * Policy (documented in include/tcpstate.h with the counters):
 *  - key: family, source, destination, identification, protocol (IPv4; RFC
 *    791) or identification only (IPv6; RFC 8200 §4.5), plus a zone (the
 *    outer VLAN when the flow key has it), so fragments of different
 *    datagrams never mix;
 *  - timeout: a datagram is dropped reasm_timeout after its first fragment
 *    arrived, in packet time;
 *  - overlaps: a fragment whose bytes are all held already and identical is
 *    a duplicate and ignored. Otherwise IPv4 keeps the bytes that came first
 *    (as Zeek does) and fills only the holes; IPv6 drops the whole datagram
 *    (RFC 5722 §4, as Linux does);
 *  - pool full: the oldest datagram is dropped to make room, so a flood of
 *    fragments that never complete cannot hold the pool for long nor grow it.
 */
#ifndef TCPSTATE_REASM_H
#define TCPSTATE_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "tcpstate.h"

#define REASM_BLOCK 1024u /* bytes per storage block */

struct reasm;

enum reasm_result {
    REASM_REFUSED = 0, /* not taken (counted why); the caller keeps the decoder's verdict */
    REASM_HELD,        /* taken (or a duplicate); the datagram is not complete yet */
    REASM_DONE         /* the datagram is complete: *out / *out_len hold it */
};

#ifdef TCPSTATE_NO_REASSEMBLY
/* Built without IP reassembly (docs/embedding.md): tcpstate_config_init()
 * leaves reasm_contexts 0 and any other value is refused, so no pool exists
 * and these are never reached with one. */
static inline uint64_t tcpstate__reasm_footprint(uint32_t contexts, uint32_t bytes)
{
    (void)bytes;
    return contexts == 0 ? 0 : UINT64_MAX;
}
static inline struct reasm *tcpstate__reasm_init(void *mem, uint32_t contexts, uint32_t bytes,
                                                 uint64_t timeout, const uint8_t key[16])
{
    (void)mem, (void)contexts, (void)bytes, (void)timeout, (void)key;
    return NULL;
}
static inline void tcpstate__reasm_reset(struct reasm *r) { (void)r; }
static inline enum reasm_result tcpstate__reasm_add(struct reasm *r, const tcpstate_packet *pkt,
                                                   uint32_t zone, uint64_t now, tcpstate_stats *st,
                                                   const uint8_t **out, size_t *out_len,
                                                   uint8_t *flags)
{
    (void)r, (void)pkt, (void)zone, (void)now, (void)st, (void)out, (void)out_len, (void)flags;
    return REASM_REFUSED;
}
static inline void tcpstate__reasm_expire(struct reasm *r, uint64_t now, tcpstate_stats *st)
{
    (void)r, (void)now, (void)st;
}
#else
/* Bytes the pool needs for `contexts` datagrams and `bytes` of storage
 * (0 when contexts is 0: reassembly off); UINT64_MAX if the sizes are out of
 * range. Computed in 64 bits. */
uint64_t tcpstate__reasm_footprint(uint32_t contexts, uint32_t bytes);

/* Build the pool inside `mem` (tcpstate__reasm_footprint() bytes, 8-byte
 * aligned). The hash key keeps fragment floods from aiming at one chain. */
struct reasm *tcpstate__reasm_init(void *mem, uint32_t contexts, uint32_t bytes, uint64_t timeout,
                                   const uint8_t key[16]);

/* Forget every datagram (no counters touched). */
void tcpstate__reasm_reset(struct reasm *r);

/* Offer one fragment (pkt->frag_flags has TCPSTATE_FRAG_IS). `zone` separates
 * address spaces (0 if none). On REASM_DONE, *out points to the whole IP
 * packet inside the pool, valid until the next call into the pool, and
 * *flags gets TCPSTATE_FRAG_* bits for the rebuilt view. Counters go to `st`. */
enum reasm_result tcpstate__reasm_add(struct reasm *r, const tcpstate_packet *pkt, uint32_t zone,
                                      uint64_t now, tcpstate_stats *st, const uint8_t **out,
                                      size_t *out_len, uint8_t *flags);

/* Drop the datagrams whose time ran out by `now`. */
void tcpstate__reasm_expire(struct reasm *r, uint64_t now, tcpstate_stats *st);
#endif /* TCPSTATE_NO_REASSEMBLY */

#endif
