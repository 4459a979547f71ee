/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Zeek emulation: per-flow record of what Zeek's TCP analyzer would keep for
 * the same packets (its endpoint states, history letters, the facts its
 * conn_state classification and its connection timers use), so the library
 * can report conn_state and history exactly as Zeek logs them and, with
 * TCPSTATE_F_ZEEK_LIFETIME, end flows where Zeek ends connections.
 *
 * The record lives in the flow's extension bytes (TCPSTATE_HISTORY_BYTES).
 * It follows the flow's roles: letters are upper case for the flow's
 * originator. The engine calls these hooks; none of them fires callbacks.
 *
 * Roles never change after tcpstate__zeek_open(): where Zeek would swap them
 * later (a SYN-ACK-first connection it did not flip at creation) the record
 * reads as if Zeek had flipped at creation ("^h..."). The history holds 38
 * letters; further letters are dropped. Timers are not events: the record
 * keeps when each would fire and tcpstate__zeek_deadline() derives the
 * removal time, so the engine needs no timer queue.
 */
#ifndef TCPSTATE_ZEEK_H
#define TCPSTATE_ZEEK_H

#include <stddef.h>
#include <stdint.h>

#include "tcpstate.h"

#ifdef TCPSTATE_NO_ZEEK
/* Built without the Zeek emulation (docs/embedding.md): the flags that need
 * it are refused by tcpstate_init(), so these are never reached with a
 * record; they exist so that the callers compile unchanged. */
#define TCPSTATE_ZEEK_FLAGS 0u
static inline void tcpstate__zeek_open(uint8_t *r, int o, uint64_t t) { (void)r, (void)o, (void)t; }
static inline void tcpstate__zeek_segment(uint8_t *r, const tcpstate_packet *p, int o, uint64_t t)
{
    (void)r, (void)p, (void)o, (void)t;
}
static inline void tcpstate__zeek_bad_checksum(uint8_t *r, int o) { (void)r, (void)o; }
static inline int tcpstate__zeek_is_reuse(const uint8_t *r, const tcpstate_packet *p, int o)
{
    return (void)r, (void)p, (void)o, 0;
}
static inline uint64_t tcpstate__zeek_deadline(const uint8_t *r) { return (void)r, UINT64_MAX; }
static inline tcpstate_conn_state tcpstate__zeek_conn_state(const uint8_t *r)
{
    return (void)r, TCPSTATE_CONN_OTH;
}
static inline size_t tcpstate__zeek_history(const uint8_t *r, char *b, size_t n)
{
    return (void)r, (void)b, (void)n, 0;
}
#else
#define TCPSTATE_ZEEK_FLAGS (TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME)

/* Start a record for a flow created by a packet at `ts`. `first_from_orig`:
 * the creating packet was sent by the flow's originator (if not, Zeek would
 * have flipped roles: the history starts with '^'). */
void tcpstate__zeek_open(uint8_t *rec, int first_from_orig, uint64_t ts);

/* One segment with a good (or unchecked) checksum, sent by the flow's
 * originator if `from_orig`. */
void tcpstate__zeek_segment(uint8_t *rec, const tcpstate_packet *pkt, int from_orig, uint64_t ts);

/* A segment whose TCP checksum is bad: Zeek records only 'C' / 'c'. */
void tcpstate__zeek_bad_checksum(uint8_t *rec, int from_orig);

/* Whether Zeek would end the connection and start a new one for this
 * segment (a SYN after a close or reset, or with a new ISN). */
int tcpstate__zeek_is_reuse(const uint8_t *rec, const tcpstate_packet *pkt, int from_orig);

/* When Zeek would remove the connection if no further packet arrives
 * (absolute ns; UINT64_MAX if never). A packet at or after this time belongs
 * to a new connection. */
uint64_t tcpstate__zeek_deadline(const uint8_t *rec);

/* Zeek's conn_state of the record as it stands. */
tcpstate_conn_state tcpstate__zeek_conn_state(const uint8_t *rec);

/* Copy the history string into buf (NUL-terminated, truncated to len - 1);
 * returns its full length. */
size_t tcpstate__zeek_history(const uint8_t *rec, char *buf, size_t len);

#endif /* TCPSTATE_NO_ZEEK */

#endif
