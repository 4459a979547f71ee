/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpstate-pcap: read frames with libpcap (a file or a live interface) and
 * show the TCP connection state the tcpstate library reconstructs from them:
 * one line per event, and after the input a ladder diagram and a summary row
 * per connection. docs/tcpstate-pcap.md describes the options and every
 * output format.
 *
 *   tcpstate-pcap [options] (-r FILE | -i IFACE [-c COUNT]) [BPF filter expression...]
 *
 * This file holds the options, the engine setup and the capture loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcpstate-pcap.h"

#define PROG       "tcpstate-pcap"
#define EXIT_USAGE 2

/* What the signal handler stops: global, because a signal handler gets no
 * user pointer. */
pcap_t *volatile g_capture;
volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
    if (g_capture != NULL) {
        pcap_breakloop(g_capture);
    }
}

static void usage(FILE *out)
{
    fputs("usage: " PROG " [options] (-r FILE | -i IFACE [-c COUNT]) [BPF filter...]\n"
          "  -r FILE               read a pcap or pcapng file\n"
          "  -i IFACE              capture live on an interface\n"
          "  -c COUNT              stop after COUNT frames\n"
          "      --workers N       N engines in N threads (default 1); same output\n"
          "      --progress        report progress on stderr (default: on a terminal, after 2 s)\n"
          "  -q, --quiet           no event lines (only the sections asked for)\n"
          "      --conn            a summary row per connection after the input\n"
          "      --ladder          a ladder diagram per connection after the input\n"
          "      --json            every section as JSON lines\n"
          "      --stats           the engine's counters after the input\n"
          "      --verify-checksums  count and skip frames with bad IPv4/TCP checksums\n"
          "      --server-ports LIST|none|default\n"
          "                        ports marking the server of flows picked up midstream\n"
          "      --max-flows N     flow table capacity (default 1048576)\n"
          "      --hash-key HEX    the flow hash key, 32 hex digits (default: random)\n"
          "  -h, --help            this text\n"
          "  -V, --version         library version\n",
          out);
}

/* One-line message, then exit. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3), noreturn))
#endif
static void
die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(status);
}

static int parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (s[0] < '0' || s[0] > '9') {
        return -1;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

/* "21,80,443" / "none" / "default". */
static void parse_server_ports(struct options *opt, const char *arg)
{
    free(opt->server_ports);
    opt->server_ports = NULL;
    opt->n_server_ports = 0;
    opt->server_ports_mode = strcmp(arg, "default") != 0;
    if (!opt->server_ports_mode || strcmp(arg, "none") == 0) {
        return;
    }
    /* At most one port per two characters of the list. */
    opt->server_ports = xcalloc(strlen(arg) / 2 + 1, sizeof *opt->server_ports);
    char *copy = xstrdup(arg), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        unsigned long long port;
        if (parse_number(tok, 65535, &port) != 0) {
            die(EXIT_USAGE, "--server-ports: '%s' is not a port number (0-65535)", tok);
        }
        opt->server_ports[opt->n_server_ports++] = (uint16_t)port;
    }
    if (opt->n_server_ports == 0) {
        die(EXIT_USAGE, "--server-ports: empty list '%s' (use 'none' for no ports)", arg);
    }
    free(copy);
}

/* The trailing arguments, joined with spaces, as tcpdump takes a filter. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++) {
        len += strlen(argv[i]) + 1;
    }
    char *s = xcalloc(1, len);
    for (int i = 0; i < argc; i++) {
        if (i > 0) {
            strcat(s, " ");
        }
        strcat(s, argv[i]);
    }
    return s;
}

/* 32 hexadecimal digits into 16 bytes; -1 if it is anything else. */
static int parse_hex_key(const char *s, uint8_t key[16])
{
    if (strlen(s) != 32) {
        return -1;
    }
    for (int i = 0; i < 32; i++) {
        int c = s[i], v = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (v < 0) {
            return -1;
        }
        key[i / 2] = (uint8_t)(i % 2 ? key[i / 2] | v : v << 4);
    }
    return 0;
}

/* A secret key for the flow hash, from the operating system: with a key an
 * attacker can guess, crafted tuples can pile into chosen buckets (see the
 * library's tcpstate_config::hash_key). The library reads no randomness. */
static void random_key(uint8_t key[16])
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    while (fd >= 0 && got < 16) {
        ssize_t n = read(fd, key + got, 16 - got);
        if (n <= 0 && !(n < 0 && errno == EINTR)) {
            break;
        }
        got += n > 0 ? (size_t)n : 0;
    }
    if (fd >= 0) {
        close(fd);
    }
    if (got < 16) {
        die(1, "cannot read 16 random bytes for the hash key (give --hash-key)");
    }
}

static void parse_options(struct options *opt, int argc, char **argv)
{
    enum {
        O_CONN = 256,
        O_LADDER,
        O_JSON,
        O_STATS,
        O_VERIFY,
        O_SERVER_PORTS,
        O_MAX_FLOWS,
        O_WORKERS,
        O_PROGRESS,
        O_HASH_KEY
    };
    static const struct option longopts[] = {
        {"quiet", no_argument, NULL, 'q'},
        {"conn", no_argument, NULL, O_CONN},
        {"ladder", no_argument, NULL, O_LADDER},
        {"json", no_argument, NULL, O_JSON},
        {"stats", no_argument, NULL, O_STATS},
        {"verify-checksums", no_argument, NULL, O_VERIFY},
        {"server-ports", required_argument, NULL, O_SERVER_PORTS},
        {"max-flows", required_argument, NULL, O_MAX_FLOWS},
        {"workers", required_argument, NULL, O_WORKERS},
        {"progress", no_argument, NULL, O_PROGRESS},
        {"hash-key", required_argument, NULL, O_HASH_KEY},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    unsigned long long n;
    int c, key_given = 0;

    memset(opt, 0, sizeof *opt);
    opt->max_flows = 1u << 20;
    opt->workers = 1;
    opterr = 0; /* our own one-line messages */
    while ((c = getopt_long(argc, argv, ":r:i:c:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            opt->file = optarg;
            break;
        case 'i':
            opt->iface = optarg;
            break;
        case 'c':
            if (parse_number(optarg, (unsigned long long)INT32_MAX, &n) != 0 || n == 0) {
                die(EXIT_USAGE, "-c: '%s' is not a positive count", optarg);
            }
            opt->count = (long long)n;
            break;
        case 'q':
            opt->quiet = 1;
            break;
        case O_CONN:
            opt->conn = 1;
            break;
        case O_LADDER:
            opt->ladder = 1;
            break;
        case O_JSON:
            opt->json = 1;
            break;
        case O_STATS:
            opt->stats = 1;
            break;
        case O_VERIFY:
            opt->verify_checksums = 1;
            break;
        case O_SERVER_PORTS:
            parse_server_ports(opt, optarg);
            break;
        case O_MAX_FLOWS:
            if (parse_number(optarg, 1u << 28, &n) != 0 || n == 0) {
                die(EXIT_USAGE, "--max-flows: '%s' is not a count from 1 to 268435456", optarg);
            }
            opt->max_flows = (uint32_t)n;
            opt->max_flows_set = 1;
            break;
        case O_WORKERS:
            if (parse_number(optarg, 64, &n) != 0 || n == 0) {
                die(EXIT_USAGE, "--workers: '%s' is not a count from 1 to 64", optarg);
            }
            opt->workers = (unsigned)n;
            break;
        case O_PROGRESS:
            opt->progress = 1;
            break;
        case O_HASH_KEY:
            if (parse_hex_key(optarg, opt->hash_key) != 0) {
                die(EXIT_USAGE, "--hash-key: '%s' is not 32 hexadecimal digits", optarg);
            }
            key_given = 1;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case 'V':
            printf(PROG " (tcpstate %s, %s)\n", tcpstate_version_string(), pcap_lib_version());
            exit(0);
        case ':':
            die(EXIT_USAGE, "option '%s' needs an argument (try --help)", argv[optind - 1]);
        default:
            if (optopt != 0) {
                die(EXIT_USAGE, "unknown option '-%c' (try --help)", optopt);
            }
            die(EXIT_USAGE, "unknown option '%s' (try --help)", argv[optind - 1]);
        }
    }
    if ((opt->file == NULL) == (opt->iface == NULL)) {
        die(EXIT_USAGE, "give exactly one of -r FILE and -i IFACE (try --help)");
    }
    if (optind < argc) {
        opt->filter = join_args(argc - optind, argv + optind);
    }
    if (!key_given) {
        random_key(opt->hash_key);
    }
}

/* ---------------------------------------------------------------- capture */

static void open_capture(struct capture *cap, const struct options *opt)
{
    char err[PCAP_ERRBUF_SIZE] = "";

    if (opt->file != NULL) {
        cap->name = opt->file;
        /* Ask for nanoseconds: libpcap scales microsecond files up. */
        cap->p =
            pcap_open_offline_with_tstamp_precision(opt->file, PCAP_TSTAMP_PRECISION_NANO, err);
        if (cap->p == NULL) {
            die(1, "%s", err);
        }
        cap->ts_mult = 1;
    } else {
        cap->name = opt->iface;
        cap->p = pcap_create(opt->iface, err);
        if (cap->p == NULL) {
            die(1, "%s: %s", opt->iface, err);
        }
        (void)pcap_set_snaplen(cap->p, 65535);
        (void)pcap_set_promisc(cap->p, 1);
        (void)pcap_set_timeout(cap->p, 100);
        (void)pcap_set_tstamp_precision(cap->p, PCAP_TSTAMP_PRECISION_NANO); /* if offered */
        int rc = pcap_activate(cap->p);
        if (rc < 0) {
            die(1, "%s: cannot capture: %s", opt->iface,
                rc == PCAP_ERROR ? pcap_geterr(cap->p) : pcap_statustostr(rc));
        }
        cap->ts_mult = pcap_get_tstamp_precision(cap->p) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000;
    }
    cap->linktype = (uint32_t)pcap_datalink(cap->p);

    if (!tcpstate_linktype_supported(cap->linktype)) {
        const char *lt = pcap_datalink_val_to_name((int)cap->linktype);
        die(1, "%s: link type %u%s%s%s is not supported", cap->name, (unsigned)cap->linktype,
            lt != NULL ? " (" : "", lt != NULL ? lt : "", lt != NULL ? ")" : "");
    }

    if (opt->filter != NULL) {
        if (pcap_compile(cap->p, &cap->prog, opt->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            die(1, "bad filter '%s': %s", opt->filter, pcap_geterr(cap->p));
        }
        if (opt->file != NULL) {
            cap->offline_filter = 1;
        } else if (pcap_setfilter(cap->p, &cap->prog) != 0) {
            die(1, "cannot set the filter: %s", pcap_geterr(cap->p));
        }
    }
}

int main(int argc, char **argv)
{
    struct options opt;
    struct capture cap;
    struct sigaction sa;

    memset(&cap, 0, sizeof cap);
    parse_options(&opt, argc, argv);

    /* Ctrl-C (or a TERM) ends the capture loop; summaries are still printed. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int rc;
    if (opt.iface != NULL && opt.workers > 1) {
        rc = run_live_fanout(&opt); /* one AF_PACKET socket per worker */
    } else {
        open_capture(&cap, &opt);
        rc = run_capture(&opt, &cap);
        if (opt.filter != NULL) {
            pcap_freecode(&cap.prog);
        }
        pcap_close(cap.p);
    }
    free(opt.server_ports);
    free(opt.filter);
    return rc;
}
