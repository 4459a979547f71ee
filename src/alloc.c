/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The optional convenience pair tcpstate_create() / tcpstate_destroy(): the
 * one place the library obtains memory itself, and only through the caller's
 * allocator (or malloc, in a TCPSTATE_WITH_MALLOC build). Everything else
 * runs in memory handed to tcpstate_init().
 */
#include <string.h>

#include "engine.h"
#include "tcpstate.h"
#ifndef TCPSTATE_NO_CREATE /* size option (docs/embedding.md): this pair left out */

#ifdef TCPSTATE_WITH_MALLOC
#include <stdlib.h>

static void *libc_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void libc_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)size;
    free(ptr);
}
#endif

tcpstate_status tcpstate_create(const tcpstate_config *cfg, const tcpstate_callbacks *cb,
                                void *user, const tcpstate_allocator *a, tcpstate_engine **out)
{
    tcpstate_allocator chosen;
    if (out == NULL) {
        return TCPSTATE_E_INVAL;
    }
    *out = NULL;
    if (a != NULL) {
        chosen = *a;
    } else {
#ifdef TCPSTATE_WITH_MALLOC
        chosen.alloc = libc_alloc;
        chosen.free = libc_free;
        chosen.ctx = NULL;
#else
        return TCPSTATE_E_INVAL;
#endif
    }
    if (chosen.alloc == NULL || chosen.free == NULL) {
        return TCPSTATE_E_INVAL;
    }
    size_t size = tcpstate_footprint(cfg);
    if (size == 0) {
        return TCPSTATE_E_INVAL;
    }
    void *mem = chosen.alloc(chosen.ctx, size);
    if (mem == NULL) {
        return TCPSTATE_E_NOMEM;
    }
    tcpstate_engine *e;
    tcpstate_status st = tcpstate_init(mem, size, cfg, cb, user, &e);
    if (st != TCPSTATE_OK) {
        chosen.free(chosen.ctx, mem, size);
        return st;
    }
    e->alloc_base = mem;
    e->alloc_size = size;
    e->alloc = chosen;
    *out = e;
    return TCPSTATE_OK;
}

void tcpstate_destroy(tcpstate_engine *e)
{
    if (e == NULL || e->alloc.free == NULL) {
        return; /* NULL, or an engine the caller built with tcpstate_init() */
    }
    tcpstate_allocator a = e->alloc;
    a.free(a.ctx, e->alloc_base, e->alloc_size);
}

#else
#ifdef TCPSTATE_WITH_MALLOC
#error "TCPSTATE_NO_CREATE leaves out tcpstate_create(): TCPSTATE_WITH_MALLOC has nothing to do"
#endif
/* Built with TCPSTATE_NO_CREATE: engines live only in memory handed to
 * tcpstate_init(), which tcpstate_destroy() leaves alone anyway. */
tcpstate_status tcpstate_create(const tcpstate_config *cfg, const tcpstate_callbacks *cb,
                                void *user, const tcpstate_allocator *a, tcpstate_engine **out)
{
    (void)cfg, (void)cb, (void)user, (void)a;
    if (out != NULL) {
        *out = NULL;
    }
    return TCPSTATE_E_DISABLED;
}

void tcpstate_destroy(tcpstate_engine *e) { (void)e; }
#endif
