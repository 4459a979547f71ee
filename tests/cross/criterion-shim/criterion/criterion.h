/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A stand-in for the part of Criterion's API the tcpstate suites use, for
 * targets Debian ships no libcriterion-dev for (armhf and s390x in Debian 12;
 * see tests/cross/run.sh). Written for this project, not taken from Criterion.
 *
 * Test(suite, name) registers a function with a constructor; the runner
 * (runner.c) forks one child per test, as Criterion does, so a crash fails
 * one test and state never leaks between tests. cr_assert* end the test on
 * failure, cr_expect records it and goes on, cr_skip_test ends it as skipped.
 * GCC or Clang only (constructor attribute).
 */
#ifndef TCPSTATE_CRITERION_SHIM_H
#define TCPSTATE_CRITERION_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct crs_test {
    const char *suite;
    const char *name;
    void (*fn)(void);
    struct crs_test *next;
};

/* TestSuite(name, .init = f, .fini = g): per-test set-up and tear-down of a suite. */
struct crs_suite {
    const char *name;
    void (*init)(void);
    void (*fini)(void);
    struct crs_suite *next;
};

void crs_register(struct crs_test *t);
void crs_register_suite(struct crs_suite *s);
/* `fmt` and what follows are the assertion's optional message, plus a
 * trailing "" the macros add (extra arguments are ignored, as C allows). */
void crs_fail(int fatal, const char *file, int line, const char *what, const char *fmt, ...);
void crs_skip(void);
void crs_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define Test(suite, name)                                                                          \
    static void crs_fn_##suite##_##name(void);                                                     \
    __attribute__((constructor)) static void crs_reg_##suite##_##name(void)                        \
    {                                                                                              \
        static struct crs_test t = {#suite, #name, crs_fn_##suite##_##name, NULL};                 \
        crs_register(&t);                                                                          \
    }                                                                                              \
    static void crs_fn_##suite##_##name(void)

/* At least one option (.init or .fini) must follow the name. */
#define TestSuite(suite, ...)                                                                      \
    __attribute__((constructor)) static void crs_suite_##suite(void)                               \
    {                                                                                              \
        static struct crs_suite s = {.name = #suite, __VA_ARGS__};                                 \
        crs_register_suite(&s);                                                                    \
    }                                                                                              \
    struct crs_unused_##suite

#define CRS_COND_(cond, ...) (cond)
#define CRS_REST_(cond, ...) __VA_ARGS__
#define cr_assert(...)                                                                             \
    do {                                                                                           \
        if (!CRS_COND_(__VA_ARGS__, 0)) {                                                          \
            crs_fail(1, __FILE__, __LINE__, #__VA_ARGS__, "" CRS_REST_(__VA_ARGS__, ""));          \
        }                                                                                          \
    } while (0)
#define cr_expect(...)                                                                             \
    do {                                                                                           \
        if (!CRS_COND_(__VA_ARGS__, 0)) {                                                          \
            crs_fail(0, __FILE__, __LINE__, #__VA_ARGS__, "" CRS_REST_(__VA_ARGS__, ""));          \
        }                                                                                          \
    } while (0)
#define cr_assert_null(...)     cr_assert((CRS_COND_(__VA_ARGS__, 0)) == NULL)
#define cr_assert_not_null(...) cr_assert((CRS_COND_(__VA_ARGS__, 0)) != NULL)
#define cr_skip_test(...)                                                                          \
    do {                                                                                           \
        crs_log("skip", __VA_ARGS__);                                                              \
        crs_skip();                                                                                \
    } while (0)
#define cr_log_info(...)  crs_log("info", __VA_ARGS__)
#define cr_log_warn(...)  crs_log("warn", __VA_ARGS__)
#define cr_log_error(...) crs_log("error", __VA_ARGS__)

#endif
