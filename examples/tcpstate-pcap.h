/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpstate-pcap, the example program: shared declarations.
 *
 *   tcpstate-pcap.c         options, engine setup, the libpcap capture loop
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
#include <stdio.h>

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
    uint64_t serial;     /* order of first sight: ties in first-packet time */
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
    int conn, ladder, json, stats;
    uint32_t max_flows;
    int max_flows_set;     /* --max-flows given */
    int server_ports_mode; /* 0 default, 1 list (possibly empty) */
    uint16_t *server_ports;
    uint32_t n_server_ports;
};

struct app {
    struct options opt;
    FILE *out;
    tcpstate_engine *engine;
    uint64_t frame_no; /* position of the frame being fed */
    uint64_t next_serial;
    struct conn **done; /* ended connections, kept for the summaries */
    size_t n_done, cap_done;
};

/* tcpstate-pcap-events.c */
void events_callbacks(tcpstate_callbacks *cb);

/* tcpstate-pcap-report.c */
void report_print(struct app *app);
void report_free(struct app *app);

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

#endif
