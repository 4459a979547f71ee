/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seed article's capture, rebuilt: an FTP client (76.88.16.104) and server
 * (76.88.16.16) on one hub, seen by a sniffer on the client (see
 * shared/seed/README.md). Frames 1-3 are the article's handshake on client
 * port 1038 and frames 17-20 its close on client port 1028, with the
 * article's exact sequence and acknowledgment numbers; frames 4-16 are the
 * FTP login and download commands on the port-1038 connection, as a sniffer
 * would have caught them (the article does not show them).
 */
#ifndef TCPSTATE_TEST_SEED_H
#define TCPSTATE_TEST_SEED_H

#include <stdint.h>

#include "support/frames.h"

#define SEED_FRAMES 20

/* The article's numbers. */
#define SEED_CLIENT_ISN     1791872318u /* frame 1 */
#define SEED_SERVER_ISN     3880988084u /* frame 2 */
#define SEED_SERVER_FIN_SEQ 1803774978u /* frame 17 */
#define SEED_CLIENT_FIN_SEQ 846902939u  /* frame 19 */

struct seed_frame {
    uint64_t ts;    /* ns since the epoch */
    struct seg seg; /* the Ethernet frame */
};

/* Build the 20 frames in capture order (index 0 is frame 1). Returns 0 on success. */
int seed_build(struct seed_frame out[SEED_FRAMES]);

#endif
