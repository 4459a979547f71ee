/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Formatting helpers of tcpstate-pcap: times, addresses, flag spellings and
 * JSON strings. Nothing here knows about TCP beyond the names of bits.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "tcpstate-pcap.h"

#define NS_PER_S UINT64_C(1000000000)

/* The example prefers dying with a message to threading allocation failures
 * through every printer. */
static void out_of_memory(void)
{
    fputs("tcpstate-pcap: out of memory\n", stderr);
    exit(1);
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (p == NULL && n != 0 && size != 0) {
        out_of_memory();
    }
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (q == NULL && size != 0) {
        out_of_memory();
    }
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = xcalloc(1, n);
    memcpy(d, s, n);
    return d;
}

void fmt_time(char *buf, size_t len, uint64_t ts_ns)
{
    time_t secs = (time_t)(ts_ns / NS_PER_S);
    struct tm tm;
    char day[32];
    if (gmtime_r(&secs, &tm) == NULL || strftime(day, sizeof day, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
        snprintf(day, sizeof day, "%llu", (unsigned long long)secs);
    }
    snprintf(buf, len, "%s.%06u", day, (unsigned)(ts_ns % NS_PER_S / 1000u));
}

/* Rounded to the microsecond: the library keeps durations to within a
 * fraction of one, rounding down. */
void fmt_secs(char *buf, size_t len, uint64_t ns)
{
    uint64_t us = ns / 1000u + (ns % 1000u >= 500u);
    snprintf(buf, len, "%llu.%06u", (unsigned long long)(us / 1000000u), (unsigned)(us % 1000000u));
}

void fmt_addr(char *buf, size_t len, uint8_t ip_version, const uint8_t *addr)
{
    if (inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len) == NULL) {
        snprintf(buf, len, "?");
    }
}

void fmt_endpoint(char *buf, size_t len, uint8_t ip_version, const uint8_t *addr, uint16_t port)
{
    char a[64];
    fmt_addr(a, sizeof a, ip_version, addr);
    snprintf(buf, len, ip_version == 6 ? "[%s]:%u" : "%s:%u", a, (unsigned)port);
}

/* TCP flags in the order tcpdump and Wireshark print them. */
static const struct {
    uint16_t bit;
    char letter;
    const char *name;
} tcp_flags[] = {
    {TCPSTATE_TH_FIN, 'F', "FIN"}, {TCPSTATE_TH_SYN, 'S', "SYN"}, {TCPSTATE_TH_RST, 'R', "RST"},
    {TCPSTATE_TH_PSH, 'P', "PSH"}, {TCPSTATE_TH_ACK, '.', "ACK"}, {TCPSTATE_TH_URG, 'U', "URG"},
    {TCPSTATE_TH_ECE, 'E', "ECE"}, {TCPSTATE_TH_CWR, 'W', "CWR"}, {TCPSTATE_TH_AE, 'e', "AE"},
};
#define N_TCP_FLAGS (sizeof tcp_flags / sizeof *tcp_flags)

void fmt_tcp_letters(char *buf, size_t len, uint16_t flags)
{
    size_t n = 0;
    for (size_t i = 0; i < N_TCP_FLAGS && n + 1 < len; i++) {
        if (flags & tcp_flags[i].bit) {
            buf[n++] = tcp_flags[i].letter;
        }
    }
    buf[n] = '\0';
    if (n == 0) {
        snprintf(buf, len, "none");
    }
}

void fmt_tcp_names(char *buf, size_t len, uint16_t flags)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_TCP_FLAGS; i++) {
        if (flags & tcp_flags[i].bit) {
            size_t n = strlen(buf);
            snprintf(buf + n, len - n, "%s%s", n ? "," : "", tcp_flags[i].name);
        }
    }
    if (buf[0] == '\0') {
        snprintf(buf, len, "none");
    }
}

static const struct {
    uint32_t bit;
    const char *name;
} ev_flags[] = {
    {TCPSTATE_EVF_NEW_FLOW, "new-flow"},
    {TCPSTATE_EVF_MIDSTREAM, "midstream"},
    {TCPSTATE_EVF_RETRANSMIT, "retransmission"},
    {TCPSTATE_EVF_OUT_OF_WINDOW, "out-of-window"},
    {TCPSTATE_EVF_BAD_ACK, "bad-ack"},
    {TCPSTATE_EVF_SIMULTANEOUS, "simultaneous"},
    {TCPSTATE_EVF_DATA, "data"},
};
#define N_EV_FLAGS (sizeof ev_flags / sizeof *ev_flags)

void fmt_evflags(char *buf, size_t len, uint32_t evflags, const char *sep)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_EV_FLAGS; i++) {
        if (evflags & ev_flags[i].bit) {
            size_t n = strlen(buf);
            snprintf(buf + n, len - n, "%s%s", n ? sep : "", ev_flags[i].name);
        }
    }
}

const char *note_text(uint8_t note)
{
    return note == NOTE_ISN ? "ISN" : note == NOTE_ISN1 ? "ISN+1" : NULL;
}

const char *side_name(unsigned side) { return side == TCPSTATE_ORIG ? "client" : "server"; }

void json_str(FILE *out, const char *s)
{
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            fprintf(out, "\\%c", *p);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(out, "\\u%04x", *p);
        } else {
            putc(*p, out);
        }
    }
    putc('"', out);
}

void json_evflags(FILE *out, uint32_t evflags)
{
    int first = 1;
    putc('[', out);
    for (size_t i = 0; i < N_EV_FLAGS; i++) {
        if (evflags & ev_flags[i].bit) {
            fprintf(out, "%s\"%s\"", first ? "" : ",", ev_flags[i].name);
            first = 0;
        }
    }
    putc(']', out);
}

void fmt_progress(char *buf, size_t len, uint64_t frames, uint64_t bytes, double secs,
                  uint64_t total)
{
    double mbs = secs > 0 ? (double)bytes / 1e6 / secs : 0.0;
    int n = snprintf(buf, len, "%llu frames, %.1f MB/s", (unsigned long long)frames, mbs);
    if (total > 0 && n > 0 && (size_t)n < len) {
        unsigned pct = bytes >= total ? 100u : (unsigned)(bytes * 100u / total);
        snprintf(buf + n, len - (size_t)n, ", %u%%", pct);
    }
}

void fmt_zeek_open(char *buf, size_t len, uint64_t ts_ns)
{
    time_t secs = (time_t)(ts_ns / NS_PER_S);
    struct tm tm;
    if (gmtime_r(&secs, &tm) == NULL || strftime(buf, len, "%Y-%m-%d-%H-%M-%S", &tm) == 0) {
        snprintf(buf, len, "%llu", (unsigned long long)secs);
    }
}
