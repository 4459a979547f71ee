/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_server_ports: cost of one likely-server-port lookup (made once per
 * flow picked up midstream, never per segment of a known flow) in each form
 * of the set (src/engine.h): the default set (ports below 1024, then a binary
 * search of 47 ports in flash), a caller's list of 4096 ports (binary
 * search, 12 probes) and a caller's list of 5000 (an 8 KiB bitmap).
 *
 * Usage: bench_server_ports [lookups]   (default 50,000,000)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine.h"

static _Alignas(64) uint8_t mem[1 << 18];
static uint16_t ports[5000];

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void run(const char *name, const uint16_t *list, uint32_t n, unsigned long lookups)
{
    tcpstate_config cfg;
    tcpstate_engine *e;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 16;
    cfg.server_ports = list;
    cfg.n_server_ports = n;
    if (tcpstate_init(mem, sizeof mem, &cfg, NULL, NULL, &e) != TCPSTATE_OK) {
        fprintf(stderr, "init failed\n");
        exit(1);
    }
    uint32_t x = 12345, hits = 0;
    double t0 = now_ns();
    for (unsigned long i = 0; i < lookups; i++) {
        x = x * 1664525u + 1013904223u; /* ports spread over 0..65535 */
        hits += (uint32_t)tcpstate__is_server_port(e, (uint16_t)(x >> 16));
    }
    double t1 = now_ns();
    printf("%-34s %6.2f ns/lookup (%u hits)\n", name, (t1 - t0) / (double)lookups, hits);
}

int main(int argc, char **argv)
{
    unsigned long lookups = argc > 1 ? strtoul(argv[1], NULL, 10) : 50000000ul;
    for (uint32_t i = 0; i < 5000; i++) {
        ports[i] = (uint16_t)(i * 13u + 1024u);
    }
    run("default set (<1024 + 47 ports)", NULL, 0, lookups);
    run("caller's list of 4096 ports", ports, 4096, lookups);
    run("caller's list of 5000 (bitmap)", ports, 5000, lookups);
    return 0;
}
