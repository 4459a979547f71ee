/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shared corpora (../shared/corpus, or $TCPSTATE_SHARED_DIR/corpus): where
 * they are, and a walk over every capture file below a folder, in directory
 * order.
 */
#ifndef TCPSTATE_TEST_CORPUS_H
#define TCPSTATE_TEST_CORPUS_H

#include <stddef.h>

/* Write the corpus folder's path into buf; 1 if it exists, 0 if not (the
 * caller skips its test, naming the path). */
int corpus_dir(char *buf, size_t len);

/* Call fn(path, user) for every .pcap, .pcapng and .trace file below dir;
 * returns how many. */
unsigned corpus_walk(const char *dir, void (*fn)(const char *path, void *user), void *user);

#endif
