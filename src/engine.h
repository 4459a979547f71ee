/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The engine object and the internal calls the modules make on it. Lives at the start of the
 * caller's memory.
 */
#ifndef TCPSTATE_ENGINE_H
#define TCPSTATE_ENGINE_H

#include <stdint.h>

#include "flowtable.h"
#include "tcpstate.h"

#define SERVER_PORT_BITMAP_BYTES (65536u / 8u)

struct tcpstate_engine {
    uint32_t flags;              /* TCPSTATE_F_* */
    uint32_t expire_budget;      /* flows tcpstate_feed() may expire per call */
    uint32_t user_bytes;         /* inline application bytes per flow (start of ext) */
    uint32_t history_offset;     /* history record's offset in ext, or UINT32_MAX */
    uint64_t timeout[CLS_COUNT]; /* idle timeout per flow class, ns */
    tcpstate_callbacks cb;
    void *user;
    uint64_t now;          /* newest timestamp seen */
    uint64_t frame_no;     /* tcpstate_feed() calls */
    uint8_t in_callback;   /* re-entry guard */
    uint8_t stop;          /* a callback returned STOP during this call */
    uint8_t weak_key;      /* the hash key is all zero (tcpstate_stats.weak_hash_key) */
    uint32_t sweep;        /* next record the Zeek-lifetime expiry sweep looks at */
    uint64_t expiry_floor; /* no flow's idle deadline comes before this */
    tcpstate_stats stats;
    struct flowtable ft;
    /* tcpstate_create() bookkeeping: the block to give back, and how. */
    void *alloc_base;
    size_t alloc_size;
    tcpstate_allocator alloc;
    uint8_t server_ports[SERVER_PORT_BITMAP_BYTES]; /* likely server ports, one bit each */
};

/* Whether a port is in the likely-server set. */
static inline int tcpstate__is_server_port(const tcpstate_engine *e, uint16_t port)
{
    unsigned bits = e->server_ports[port >> 3];
    return (int)((bits >> (port & 7u)) & 1u);
}

/* The per-flow history record, or NULL without TCPSTATE_F_HISTORY. */
uint8_t *tcpstate__flow_history_record(const tcpstate_engine *e, const struct tcpstate_flow *f);

#endif
