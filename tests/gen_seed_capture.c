/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the seed article's 20 frames (tests/support/seed.c) as a classic
 * microsecond pcap, Ethernet link type, snap length 65535: the demo capture
 * examples/data/seed-ftp.pcap. A ctest test rebuilds it and compares it byte
 * for byte with the committed copy, so the two cannot drift apart.
 *
 *   gen_seed_capture OUT.pcap
 */
#include <stdio.h>

#include "support/frames.h"
#include "support/seed.h"

int main(int argc, char **argv)
{
    static struct seed_frame frames[SEED_FRAMES]; /* static: 20 frames of 2 KiB each */
    struct pcap_writer w;

    if (argc != 2) {
        fprintf(stderr, "usage: gen_seed_capture OUT.pcap\n");
        return 2;
    }
    if (seed_build(frames) != 0) {
        fprintf(stderr, "gen_seed_capture: building the seed frames failed\n");
        return 1;
    }
    if (pcap_open_write(&w, argv[1], TCPSTATE_LINKTYPE_ETHERNET, 65535, 0) != 0) {
        perror(argv[1]);
        return 1;
    }
    for (unsigned i = 0; i < SEED_FRAMES; i++) {
        if (pcap_write(&w, frames[i].ts, frames[i].seg.bytes, frames[i].seg.len,
                       frames[i].seg.len) != 0) {
            perror(argv[1]);
            (void)pcap_close_write(&w);
            return 1;
        }
    }
    if (pcap_close_write(&w) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
