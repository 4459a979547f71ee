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
#include <getopt.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tcpstate-pcap.h"

#define PROG       "tcpstate-pcap"
#define EXIT_USAGE 2

/* The handle the signal handler breaks out of: the one piece of global
 * state, because a signal handler gets no user pointer. */
static pcap_t *volatile g_capture;

static void on_signal(int sig)
{
    (void)sig;
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
          "  -q, --quiet           no event lines (only the sections asked for)\n"
          "      --conn            a summary row per connection after the input\n"
          "      --ladder          a ladder diagram per connection after the input\n"
          "      --json            every section as JSON lines\n"
          "      --stats           the engine's counters after the input\n"
          "      --verify-checksums  count and skip frames with bad IPv4/TCP checksums\n"
          "      --server-ports LIST|none|default\n"
          "                        ports marking the server of flows picked up midstream\n"
          "      --max-flows N     flow table capacity (default 1048576)\n"
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

static void parse_options(struct options *opt, int argc, char **argv)
{
    enum { O_CONN = 256, O_LADDER, O_JSON, O_STATS, O_VERIFY, O_SERVER_PORTS, O_MAX_FLOWS };
    static const struct option longopts[] = {
        {"quiet", no_argument, NULL, 'q'},
        {"conn", no_argument, NULL, O_CONN},
        {"ladder", no_argument, NULL, O_LADDER},
        {"json", no_argument, NULL, O_JSON},
        {"stats", no_argument, NULL, O_STATS},
        {"verify-checksums", no_argument, NULL, O_VERIFY},
        {"server-ports", required_argument, NULL, O_SERVER_PORTS},
        {"max-flows", required_argument, NULL, O_MAX_FLOWS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    unsigned long long n;
    int c;

    memset(opt, 0, sizeof *opt);
    opt->max_flows = 1u << 20;
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
}

/* ---------------------------------------------------------------- capture */

struct capture {
    pcap_t *p;
    const char *name; /* file or interface, for messages */
    uint32_t linktype;
    uint64_t ts_mult;   /* 1 if timestamps are in ns, 1000 if in us */
    int offline_filter; /* files: filter here, so frame numbers stay the file's */
    struct bpf_program prog;
};

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

struct loop_ctx {
    struct app *app;
    struct capture *cap;
    uint64_t fed; /* frames that passed the filter */
};

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct loop_ctx *ctx = (struct loop_ctx *)(void *)user;
    struct app *app = ctx->app;

    app->frame_no++; /* every frame counts, filtered out or not */
    if (ctx->cap->offline_filter && !pcap_offline_filter(&ctx->cap->prog, h, bytes)) {
        return;
    }
    uint64_t ts =
        (uint64_t)h->ts.tv_sec * UINT64_C(1000000000) + (uint64_t)h->ts.tv_usec * ctx->cap->ts_mult;
    /* Every status is counted by the engine (--stats); none stops the run,
     * since the callbacks never ask to stop. */
    (void)!tcpstate_feed(app->engine, ctx->cap->linktype, bytes, h->caplen, h->len, ts);
    /* -c counts the frames that passed the filter, as tcpdump's does. */
    if (app->opt.count > 0 && ++ctx->fed == (uint64_t)app->opt.count) {
        pcap_breakloop(ctx->cap->p);
    }
}

/* ---------------------------------------------------------------- engine */

static void *make_engine(struct app *app)
{
    static const uint16_t no_ports[1] = {0}; /* a non-NULL empty list: "none" */
    tcpstate_config cfg;
    tcpstate_callbacks cb;

    tcpstate_config_init(&cfg);
    /* Zeek's conn_state and history, and flows delimited as Zeek delimits
     * connections, so that --conn rows compare with a conn.log. */
    cfg.flags |= TCPSTATE_F_HISTORY | TCPSTATE_F_ZEEK_LIFETIME;
    if (app->opt.verify_checksums) {
        cfg.flags |= TCPSTATE_F_VERIFY_CHECKSUMS;
    }
    cfg.max_flows = app->opt.max_flows;
    /* A file cannot hold more connections than it holds frames of at least
     * a record header and minimal IPv4 and TCP headers (56 bytes): size the
     * table down for small files instead of taking 1M flows' worth of memory. */
    struct stat sb;
    if (!app->opt.max_flows_set && app->opt.file != NULL && stat(app->opt.file, &sb) == 0 &&
        (uint64_t)sb.st_size / 56u + 1024u < cfg.max_flows) {
        cfg.max_flows = (uint32_t)((uint64_t)sb.st_size / 56u + 1024u);
    }
    if (app->opt.server_ports_mode) {
        cfg.server_ports = app->opt.n_server_ports ? app->opt.server_ports : no_ports;
        cfg.n_server_ports = app->opt.n_server_ports;
    }
    size_t need = tcpstate_footprint(&cfg);
    if (need == 0) {
        die(1, "invalid engine configuration");
    }
    void *mem = malloc(need);
    if (mem == NULL) {
        die(1, "cannot allocate %zu bytes for the flow table (try a smaller --max-flows)", need);
    }
    events_callbacks(&cb);
    tcpstate_status st = tcpstate_init(mem, need, &cfg, &cb, app, &app->engine);
    if (st != TCPSTATE_OK) {
        die(1, "tcpstate_init: %s", tcpstate_strerror(st));
    }
    return mem;
}

static void print_stats(const struct app *app)
{
    tcpstate_stats st;
    if (tcpstate_get_stats(app->engine, &st) != TCPSTATE_OK) {
        return;
    }
    const struct {
        const char *name;
        uint64_t v;
    } rows[] = {
        {"frames", st.frames},
        {"flows_created", st.flows_created},
        {"flows_peak", st.flows_peak},
        {"flows_closed", st.flows_closed},
        {"flows_reset", st.flows_reset},
        {"flows_timed_out", st.flows_timed_out},
        {"flows_evicted", st.flows_evicted},
        {"flows_reused", st.flows_reused},
        {"flows_finished", st.flows_finished},
        {"flows_refused", st.flows_refused},
        {"midstream_pickups", st.midstream_pickups},
        {"rst_out_of_window", st.rst_out_of_window},
        {"fin_out_of_window", st.fin_out_of_window},
        {"syn_retransmits", st.syn_retransmits},
        {"bad_acks", st.bad_acks},
        {"time_backwards", st.time_backwards},
    };
    FILE *out = app->out;
    if (app->opt.json) {
        fputs("{\"type\":\"stats\"", out);
    }
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        fprintf(out, app->opt.json ? ",\"%s\":%llu" : "#stats\t%s\t%llu\n", rows[i].name,
                (unsigned long long)rows[i].v);
    }
    /* Frames by status, under the status names (TCPSTATE_OK, TCPSTATE_SKIP_NOT_TCP, ...). */
    if (app->opt.json) {
        fputs(",\"status\":{", out);
    }
    int first = 1;
    for (int s = TCPSTATE_STATUS_MIN; s <= TCPSTATE_STATUS_MAX; s++) {
        uint64_t v = st.frames_by_status[tcpstate_status_index((tcpstate_status)s)];
        if (v == 0) {
            continue;
        }
        const char *name = tcpstate_status_name((tcpstate_status)s);
        fprintf(out, app->opt.json ? "%s\"%s\":%llu" : "%s#stats\t%s\t%llu\n",
                app->opt.json && !first ? "," : "", name, (unsigned long long)v);
        first = 0;
    }
    if (app->opt.json) {
        fputs("}}\n", out);
    }
}

int main(int argc, char **argv)
{
    struct app app;
    struct capture cap;
    struct loop_ctx ctx = {&app, &cap, 0};
    struct sigaction sa;

    memset(&app, 0, sizeof app);
    memset(&cap, 0, sizeof cap);
    app.out = stdout;
    parse_options(&app.opt, argc, argv);
    open_capture(&cap, &app.opt);
    if (app.opt.iface != NULL) {
        setvbuf(stdout, NULL, _IOLBF, 0); /* live: show events as they happen */
    }
    void *mem = make_engine(&app);

    /* Ctrl-C (or a TERM) ends the capture loop; summaries are still printed. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_capture = cap.p;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int rc = pcap_loop(cap.p, -1, on_frame, (u_char *)(void *)&ctx);
    char err[PCAP_ERRBUF_SIZE + 64] = "";
    if (rc == PCAP_ERROR) {
        /* A truncated or damaged file: summarise what was read, then say so. */
        snprintf(err, sizeof err, "%s: %s", cap.name, pcap_geterr(cap.p));
    }
    g_capture = NULL;

    /* Every flow still open ends now, through the same flow-end callback. */
    (void)tcpstate_finish(app.engine);
    report_print(&app);
    if (app.opt.stats) {
        print_stats(&app);
    }
    fflush(stdout);

    report_free(&app);
    free(mem);
    if (app.opt.filter != NULL) {
        pcap_freecode(&cap.prog);
    }
    pcap_close(cap.p);
    free(app.opt.server_ports);
    free(app.opt.filter);
    if (err[0] != '\0') {
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    return ferror(stdout) ? 1 : 0;
}
