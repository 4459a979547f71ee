/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpstate-pcap, the example program: shared declarations.
 *
 *   tcpstate-pcap.c         options, opening the capture, main
 *   tcpstate-pcap-workers.c engines (one per worker thread), the reader that
 *                           dispatches frames to them, the merge of their output
 *   tcpstate-pcap-live.c    live capture with --workers: AF_PACKET fanout (Linux)
 *   tcpstate-pcap-events.c  the engine callbacks: event lines, per-connection records
 *   tcpstate-pcap-report.c  what is printed after the input ends: --ladder, --conn
 *   tcpstate-pcap-fmt.c     small formatting helpers (times, endpoints, flags, JSON)
 *
 * The library does all the TCP work; these files only print what it reports.
 */
#ifndef TCPSTATE_PCAP_H
#define TCPSTATE_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#include "tcpstate.h"

/* Arrows a ladder keeps per connection; later segments are only counted. */
#define LADDER_MAX_ARROWS 64

/* What a sequence or acknowledgment number is, when it is something. */
enum num_note { NOTE_NONE, NOTE_ISN, NOTE_ISN1 };

/* One segment of a ladder: what the first event of a frame reported, with the
 * states after the frame's last event. */
struct arrow {
    uint64_t frame;    /* position in the capture */
    uint64_t ts;       /* ns */
    uint32_t seq, ack; /* ack meaningful with TCPSTATE_TH_ACK */
    uint32_t evflags;  /* TCPSTATE_EVF_* of all the frame's events */
    uint16_t tcp_flags;
    uint8_t from; /* tcpstate_side of the sender */
    uint8_t seq_note, ack_note;
    uint8_t after[2]; /* states of ORIG and RESP after the frame */
};

/* What the program keeps about one connection (one flow of the engine). It
 * lives from the flow's first event until its end; if a summary was asked for,
 * it is then kept, completed, until the input ends. */
struct conn {
    /* Order of first sight, for ties in first-packet time: the item (frame
     * number and phase) during which the program first heard of the flow,
     * and the count of flows first heard of earlier in that item. The same
     * whichever engine the flow ran on (--workers). */
    uint64_t ser_n;
    uint8_t ser_phase;
    uint32_t ser_sub;
    uint8_t start[2];    /* states before the first arrow */
    uint32_t n_arrows;
    uint64_t arrows_dropped; /* beyond LADDER_MAX_ARROWS */
    struct arrow *arrows;    /* only with --ladder */
    /* Filled at the flow's end. */
    tcpstate_flow_info info;
    int have_conn_state;
    tcpstate_conn_state conn_state;
    char *history;      /* "" if none */
    uint8_t end_reason; /* tcpstate_end_reason */
};

struct options {
    const char *file;  /* -r */
    const char *iface; /* -i */
    long long count;   /* -c, 0 = no limit */
    char *filter;      /* joined trailing arguments, or NULL */
    int verify_checksums;
    int quiet; /* -q: no event lines */
    unsigned workers; /* --workers, 1 by default */
    int progress;     /* --progress given: always report progress on stderr */
    int conn, ladder, json, stats;
    uint32_t max_flows;
    int max_flows_set;     /* --max-flows given */
    int server_ports_mode; /* 0 default, 1 list (possibly empty) */
    uint16_t *server_ports;
    uint32_t n_server_ports;
    uint8_t hash_key[16]; /* --hash-key, else drawn from the OS's random source */
};

/* Phases of the work on the input, in output order: a sweep of idle flows
 * runs before the frame it is numbered after; the finish after every frame. */
enum phase { PH_SWEEP = 0, PH_FRAME = 1, PH_FINISH = 2 };

/* One output record: the bytes an item (or one flow end of a sweep or the
 * finish) printed, and where they go in the merged output. */
struct rec {
    uint64_t n;       /* frame number */
    uint8_t phase;    /* enum phase */
    uint8_t ip_version;
    uint16_t port[2]; /* sweep and finish: the flow, to order ends of one instant */
    uint8_t addr[2][16];
    uint64_t ts, first_ts;
    size_t off, len; /* in the engine's output buffer */
};

/* One engine and what it printed (one per worker). */
struct app {
    struct options opt;
    FILE *out;
    tcpstate_engine *engine;
    uint64_t frame_no; /* position of the frame being fed */
    struct conn **done; /* ended connections, kept for the summaries */
    size_t n_done, cap_done;
    /* The item being processed, for conn_of() and the records. */
    uint64_t item_n;
    uint8_t item_phase;
    uint32_t item_sub;
    uint64_t finish_ts; /* time of the finish: the last frame's */
    /* Records (files): out is a memory stream, cut into records at items. */
    int recording;
    char *buf;
    size_t buf_size;
    off_t mark;
    struct rec *recs;
    size_t n_recs, cap_recs;
};

/* What the report needs beyond the connections. */
struct summary {
    uint64_t first_ts, last_ts; /* of the frames fed; Zeek's #open and #close */
};

/* tcpstate-pcap-events.c */
void events_callbacks(tcpstate_callbacks *cb);

/* tcpstate-pcap-report.c */
void report_print(struct app *app, const struct summary *sum);
void report_free(struct app *app);
/* The engine counters (summed over the engines), as #stats lines or JSON. */
void stats_print(const tcpstate_stats *st, int json);

/* An open libpcap capture (tcpstate-pcap.c opens it). */
struct capture {
    pcap_t *p;
    const char *name; /* file or interface, for messages */
    uint32_t linktype;
    uint64_t ts_mult;   /* 1 if timestamps are in ns, 1000 if in us */
    int offline_filter; /* files: filter here, so frame numbers stay the file's */
    struct bpf_program prog;
};

/* tcpstate-pcap.c: the handle a signal breaks out of (NULL: none yet). */
extern pcap_t *volatile g_capture;
/* Set by SIGINT / SIGTERM; live fanout workers poll it. */
extern volatile sig_atomic_t g_stop;

/* tcpstate-pcap-workers.c */
/* End the current record of a recording engine: what it printed since the
 * last cut becomes one record. At a flow end of a sweep or the finish, `c`
 * and `ts` order it among the others of that instant; NULL for a frame's. */
void rec_cut(struct app *app, const struct conn *c, uint64_t ts);
/* Read every frame of a file (or, live with one worker, the interface) and
 * run it through opt->workers engines; then print everything. Returns the
 * exit status. */
int run_capture(const struct options *opt, struct capture *cap);

/* Live capture on `opt->iface` with opt->workers AF_PACKET sockets in one
 * fanout group, one engine each. Returns the exit status. */
int run_live_fanout(const struct options *opt);

/* tcpstate-pcap-live.c (Linux): an AF_PACKET socket on `iface` in fanout
 * group `group` (hash mode), with the BPF `filter` if not NULL; -1 and a
 * message in err if impossible. */
int fanout_open(const char *iface, uint16_t group, const char *filter, uint32_t *linktype,
                char *err, size_t errlen);
/* One frame into buf: 1, 0 if none came within 100 ms, -1 on error. */
int fanout_read(int fd, uint8_t *buf, size_t cap, uint32_t *caplen, uint32_t *wirelen,
                uint64_t *ts);

/* tcpstate-pcap-fmt.c */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/* "2005-03-14 09:26:53.000512" (UTC) */
void fmt_time(char *buf, size_t len, uint64_t ts_ns);
/* seconds with 6 decimals, as Zeek writes them: "1110792413.000512" */
void fmt_secs(char *buf, size_t len, uint64_t ns);
/* Address text (IPv6 without brackets). */
void fmt_addr(char *buf, size_t len, uint8_t ip_version, const uint8_t *addr);
/* "1.2.3.4:80" or "[::1]:80" */
void fmt_endpoint(char *buf, size_t len, uint8_t ip_version, const uint8_t *addr, uint16_t port);
/* tcpdump's letters ("S.", "F.", "none") or names joined by commas ("SYN,ACK"). */
void fmt_tcp_letters(char *buf, size_t len, uint16_t flags);
void fmt_tcp_names(char *buf, size_t len, uint16_t flags);
/* Names of TCPSTATE_EVF_* bits joined by `sep` ("" if none). */
void fmt_evflags(char *buf, size_t len, uint32_t evflags, const char *sep);
const char *note_text(uint8_t note);  /* "ISN", "ISN+1" or NULL */
const char *side_name(unsigned side); /* "client" / "server" */
/* A JSON string literal, quotes included. */
void json_str(FILE *out, const char *s);
/* JSON array of event flag names. */
void json_evflags(FILE *out, uint32_t evflags);
/* "1234567 frames, 85.3 MB/s, 42%" (percent left out when total is 0). */
void fmt_progress(char *buf, size_t len, uint64_t frames, uint64_t bytes, double secs,
                  uint64_t total);
/* Zeek's log time stamp, "2005-03-14-09-26-53" (UTC). */
void fmt_zeek_open(char *buf, size_t len, uint64_t ts_ns);

#endif
