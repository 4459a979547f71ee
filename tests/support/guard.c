/* SPDX-License-Identifier: BSD-2-Clause */
/* Guard-page buffers (see guard.h): the picohttpparser way of catching over-reads. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS under -std=c11 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guard.h"

const uint8_t *guard_copy(struct guard *g, const void *src, size_t len)
{
    g->map = NULL;
    g->map_len = 0;
    long ps = sysconf(_SC_PAGESIZE);
    size_t page = ps > 0 ? (size_t)ps : 4096;
    size_t data = (len + page - 1) / page * page;
    size_t total = data + page;
    void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        return NULL;
    }
    uint8_t *base = m;
    uint8_t *copy = base + data - len;
    if (len > 0) {
        memcpy(copy, src, len);
    }
    /* The bytes become read-only too: a decoder must not write the frame. */
    if (mprotect(base + data, page, PROT_NONE) != 0 ||
        (data > 0 && mprotect(base, data, PROT_READ) != 0)) {
        munmap(m, total);
        return NULL;
    }
    g->map = m;
    g->map_len = total;
    return copy;
}

void guard_free(struct guard *g)
{
    if (g != NULL && g->map != NULL) {
        munmap(g->map, g->map_len);
        g->map = NULL;
        g->map_len = 0;
    }
}
