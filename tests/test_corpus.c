/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every frame of every capture in the shared corpora (tcpdump's hostile and
 * unusual captures, Zeek's traces) through the decoder and the engine, with
 * and without checksum checks. Expect a status for every frame, never a
 * crash; run under ASan and UBSan in CI. Each frame is copied into a buffer of
 * exactly its captured length, so any over-read is caught.
 *
 * Skips, with a message, when ../shared is absent (users won't have it).
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support/options.h"
#include "tcpstate.h"

struct tally {
    unsigned files, unreadable;
    uint64_t frames;
    uint64_t by_status[TCPSTATE_STATUS_SLOTS];
    uint64_t flows;
    uint32_t refused_linktype; /* the last link type given TCPSTATE_E_LINKTYPE */
};

static _Alignas(64) uint8_t engine_mem[64 << 20];

static void feed_file(const char *path, int verify, struct tally *t)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
    if (p == NULL) {
        t->unreadable++;
        return;
    }
    t->files++;
    tcpstate_config cfg;
    tcpstate_engine *e;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 4096;
    cfg.flags |= IF_ZEEK(TCPSTATE_F_HISTORY) | (verify ? TCPSTATE_F_VERIFY_CHECKSUMS : 0u);
    cr_assert(
        eq(int, tcpstate_init(engine_mem, sizeof engine_mem, &cfg, NULL, NULL, &e), TCPSTATE_OK));
    uint32_t linktype = (uint32_t)pcap_datalink(p);
    struct pcap_pkthdr *h;
    const u_char *data;
    tcpstate_packet pkt;
    while (pcap_next_ex(p, &h, &data) == 1) {
        uint8_t *copy = malloc(h->caplen ? h->caplen : 1);
        memcpy(copy, data, h->caplen);
        uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
        tcpstate_status ds = tcpstate_decode(linktype, copy, h->caplen, h->len,
                                             verify ? TCPSTATE_DECODE_VERIFY_CHECKSUMS : 0, &pkt);
        tcpstate_status fs = tcpstate_feed(e, linktype, copy, h->caplen, h->len, ts);
        free(copy);
        cr_assert(ge(int, ds, TCPSTATE_STATUS_MIN));
        cr_assert(le(int, ds, TCPSTATE_STATUS_MAX));
        /* The engine reports the decoder's verdict, or a tracking outcome for good frames;
         * for an IP fragment, what reassembly made of it (issue 8). */
        int frag = (pkt.frag_flags & TCPSTATE_FRAG_IS) != 0;
        cr_assert(frag || (ds != TCPSTATE_OK ? fs == ds
                                             : fs == TCPSTATE_OK || fs == TCPSTATE_SKIP_MIDSTREAM),
                  "%s: decode %s, feed %s", path, tcpstate_status_name(ds),
                  tcpstate_status_name(fs));
        t->frames++;
        t->by_status[tcpstate_status_index(ds)]++;
        if (ds == TCPSTATE_E_LINKTYPE) {
            t->refused_linktype = linktype;
        }
    }
    tcpstate_stats st;
    tcpstate_get_stats(e, &st);
    t->flows += st.flows_created;
    cr_assert(eq(int, tcpstate_finish(e), TCPSTATE_OK));
    pcap_close(p);
}

static void walk(const char *dir, int verify, struct tally *t)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    if (d == NULL) {
        return;
    }
    while ((ent = readdir(d)) != NULL) {
        char path[4096];
        struct stat sb;
        if (ent->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        if (stat(path, &sb) != 0) {
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            walk(path, verify, t);
        } else if (strstr(ent->d_name, ".pcap") != NULL) {
            feed_file(path, verify, t);
        }
    }
    closedir(d);
}

static void run_corpus(const char *name)
{
    const char *shared = getenv("TCPSTATE_SHARED_DIR");
    char dir[4096];
    struct stat sb;
    snprintf(dir, sizeof dir, "%s/corpus/%s/pcaps", shared ? shared : "../shared", name);
    if (stat(dir, &sb) != 0) {
        cr_skip_test("shared corpus not found at %s (set TCPSTATE_SHARED_DIR): skipped", dir);
    }
    for (int verify = 0; verify < 2; verify++) {
        static struct tally t;
        memset(&t, 0, sizeof t);
        walk(dir, verify, &t);
        cr_assert(ge(u32, t.files, 1));
        char line[2048];
        int n = snprintf(line, sizeof line, "%s%s: %u files, %llu frames, %llu flows;", name,
                         verify ? " (checksums verified)" : "", t.files,
                         (unsigned long long)t.frames, (unsigned long long)t.flows);
        for (int s = TCPSTATE_STATUS_MIN; s <= TCPSTATE_STATUS_MAX; s++) {
            uint64_t c = t.by_status[tcpstate_status_index((tcpstate_status)s)];
            if (c != 0 && n > 0 && (size_t)n < sizeof line) {
                n += snprintf(line + n, sizeof line - (size_t)n, " %s=%llu",
                              tcpstate_status_name((tcpstate_status)s), (unsigned long long)c);
            }
        }
        cr_log_info("%s", line);
        printf("%s\n", line);
        /* Every link type in both corpora carries IP, and the decoder knows
         * them all (issue 8): a refusal means a capture of a new kind came in.
         * A build with TCPSTATE_NO_LINK_TYPES refuses those it left out. */
#ifndef TCPSTATE_NO_LINK_TYPES
        cr_expect(eq(u64, t.by_status[tcpstate_status_index(TCPSTATE_E_LINKTYPE)], 0),
                  "%s: link type %u refused; if it carries IP, decode it", name,
                  t.refused_linktype);
#endif
    }
}

Test(corpus, every_tcpdump_capture_frame_gets_a_status) { run_corpus("tcpdump"); }

Test(corpus, every_zeek_trace_frame_gets_a_status) { run_corpus("zeek"); }
