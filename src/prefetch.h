/* SPDX-License-Identifier: BSD-2-Clause */
/* A hint to fetch the cache line holding an address: the batch stages
 * (feed.c) and the lookup (flowtable.c) ask for memory before they need it,
 * so that several misses overlap. Never a read: any address may be hinted. */
#ifndef TCPSTATE_PREFETCH_H
#define TCPSTATE_PREFETCH_H

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

#endif
