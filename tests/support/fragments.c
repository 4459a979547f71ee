/* SPDX-License-Identifier: BSD-2-Clause */
#include "support/fragments.h"

#include <string.h>

#include "support/frames.h"

static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

uint32_t frag_payload_len(const uint8_t *frame, size_t l3)
{
    const uint8_t *ip = frame + l3;
    if (ip[0] >> 4 == 4) {
        return be16(ip + 2) - (uint32_t)(ip[0] & 0x0F) * 4u;
    }
    return be16(ip + 4);
}

size_t frag_make(const uint8_t *frame, size_t l3, uint32_t off, uint32_t n, int more, uint32_t id,
                 const uint8_t *data, uint8_t *out, size_t cap)
{
    const uint8_t *ip = frame + l3;
    int v4 = ip[0] >> 4 == 4;
    size_t hlen = v4 ? (size_t)(ip[0] & 0x0F) * 4u : 40u;
    size_t nh_at = 6; /* IPv6: the Next Header byte that will name the fragment header */
    if (!v4) {
        /* Hop-by-hop, routing and destination options before the fragment
         * header stay in the unfragmentable part (RFC 8200 §4.5). */
        while (ip[nh_at] == 0 || ip[nh_at] == 43 || ip[nh_at] == 60) {
            nh_at = hlen;
            hlen += ((size_t)ip[hlen + 1] + 1) * 8u;
        }
    }
    size_t ext = v4 ? 0 : 8;
    size_t len = l3 + hlen + ext + n;
    if (len > cap) {
        return 0;
    }
    memcpy(out, frame, l3 + hlen);
    uint8_t *h = out + l3;
    const uint8_t *src = data != NULL ? data : ip + hlen + off;
    if (v4) {
        put16(h + 2, (unsigned)(hlen + n));
        put16(h + 4, id & 0xFFFFu);
        put16(h + 6, (more ? 0x2000u : 0u) | (off / 8u));
        put16(h + 10, 0);
        put16(h + 10, csum_fold(csum_add(0, h, hlen))); /* already complemented */
    } else {
        uint8_t *fh = h + hlen;
        fh[0] = ip[nh_at];
        fh[1] = 0;
        put16(fh + 2, (off & 0xFFF8u) | (more ? 1u : 0u));
        fh[4] = (uint8_t)(id >> 24);
        fh[5] = (uint8_t)(id >> 16);
        fh[6] = (uint8_t)(id >> 8);
        fh[7] = (uint8_t)id;
        h[nh_at] = 44;
        put16(h + 4, (unsigned)(hlen - 40 + 8 + n));
    }
    memcpy(out + l3 + hlen + ext, src, n);
    return len;
}
