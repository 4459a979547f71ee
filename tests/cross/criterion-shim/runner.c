/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Runner of the Criterion stand-in (criterion/criterion.h): runs every
 * registered test in its own child process, in name order, and prints one
 * line per test and Criterion's "Synthesis" line. Exit status 0 when no test
 * failed or crashed. Criterion's command-line options are accepted and
 * ignored (--ascii, --jobs N, ...).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criterion/criterion.h"

#define EXIT_SKIPPED 77

static struct crs_test *tests;
static struct crs_suite *suites;
static int expect_failed;

void crs_register(struct crs_test *t)
{
    /* Keep the list sorted by suite, then name: a stable order on every target. */
    struct crs_test **at = &tests;
    while (*at != NULL) {
        int c = strcmp((*at)->suite, t->suite);
        if (c > 0 || (c == 0 && strcmp((*at)->name, t->name) > 0)) {
            break;
        }
        at = &(*at)->next;
    }
    t->next = *at;
    *at = t;
}

void crs_register_suite(struct crs_suite *s)
{
    s->next = suites;
    suites = s;
}

static const struct crs_suite *suite_of(const struct crs_test *t)
{
    for (const struct crs_suite *s = suites; s != NULL; s = s->next) {
        if (strcmp(s->name, t->suite) == 0) {
            return s;
        }
    }
    return NULL;
}

void crs_fail(int fatal, const char *file, int line, const char *what, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: assertion failed: %s\n  ", file, line, what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    if (fatal) {
        _exit(1);
    }
    expect_failed = 1;
}

void crs_skip(void)
{
    fflush(NULL);
    _exit(EXIT_SKIPPED);
}

void crs_log(const char *level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%s] ", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int main(void)
{
    unsigned n = 0, passed = 0, failed = 0, crashed = 0, skipped = 0;
    for (struct crs_test *t = tests; t != NULL; t = t->next) {
        n++;
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0) {
            const struct crs_suite *s = suite_of(t);
            if (s != NULL && s->init != NULL) {
                s->init();
            }
            t->fn();
            if (s != NULL && s->fini != NULL) {
                s->fini();
            }
            fflush(NULL);
            _exit(expect_failed ? 1 : 0);
        }
        int status;
        if (waitpid(pid, &status, 0) < 0) {
            perror("waitpid");
            return 2;
        }
        const char *verdict;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            verdict = "PASS";
            passed++;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_SKIPPED) {
            verdict = "SKIP";
            skipped++;
        } else if (WIFEXITED(status)) {
            verdict = "FAIL";
            failed++;
        } else {
            verdict = "CRASH";
            crashed++;
        }
        printf("[%s] %s::%s\n", verdict, t->suite, t->name);
    }
    printf(
        "[====] Synthesis: Tested: %u | Passing: %u | Failing: %u | Crashing: %u | Skipped: %u\n",
        n, passed, failed, crashed, skipped);
    return failed == 0 && crashed == 0 ? 0 : 1;
}
