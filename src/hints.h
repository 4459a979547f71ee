/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hints to the compiler and the CPU for the per-frame path. None changes
 * what the code does; other compilers, and builds for size (-Os), ignore
 * them.
 */
#ifndef TCPSTATE_HINTS_H
#define TCPSTATE_HINTS_H

/* Fetch the cache line holding an address: the batch stages (feed.c) and
 * the lookup (flowtable.c) ask for memory before they need it, so that
 * several misses overlap. Never a read: any address may be hinted. */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* HOT_INLINE: merged into its caller (every frame runs it; measured with
 * callgrind, each saves a call's setup and spills). RARE: kept out of line,
 * so that the common path around it stays small (only some frames run it).
 * Not at -Os, where calls are smaller than copies. */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
#define HOT_INLINE __attribute__((always_inline)) inline
#define RARE       __attribute__((noinline))
#else
#define HOT_INLINE inline
#define RARE
#endif

#endif
