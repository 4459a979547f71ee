/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The size options (docs/embedding.md) as the test suites see them:
 * tests/CMakeLists.txt defines for every test the TCPSTATE_NO_* macros the
 * library was built with. A test of a feature the build left out starts
 * with the matching NEEDS_...() and is then reported as skipped, with the
 * option named; in the default build these expand to nothing.
 */
#ifndef TCPSTATE_TEST_OPTIONS_H
#define TCPSTATE_TEST_OPTIONS_H

#include <criterion/criterion.h>

#define TCPSTATE_TEST_LEFT_OUT(opt) cr_skip_test("left out of this build by " opt)

#ifdef TCPSTATE_NO_CREATE
#define NEEDS_CREATE() TCPSTATE_TEST_LEFT_OUT("TCPSTATE_NO_CREATE")
#else
#define NEEDS_CREATE() ((void)0)
#endif

#ifdef TCPSTATE_NO_STRINGS
#define NEEDS_STRINGS() TCPSTATE_TEST_LEFT_OUT("TCPSTATE_NO_STRINGS")
#else
#define NEEDS_STRINGS() ((void)0)
#endif

#ifdef TCPSTATE_NO_SHARDING
#define NEEDS_SHARDING() TCPSTATE_TEST_LEFT_OUT("TCPSTATE_NO_SHARDING")
#else
#define NEEDS_SHARDING() ((void)0)
#endif

#ifdef TCPSTATE_NO_LINK_TYPES
#define NEEDS_LINK_TYPES() TCPSTATE_TEST_LEFT_OUT("TCPSTATE_NO_LINK_TYPES")
#else
#define NEEDS_LINK_TYPES() ((void)0)
#endif

#ifdef TCPSTATE_NO_SERVER_PORT_LIST
#define NEEDS_SERVER_PORT_LIST() TCPSTATE_TEST_LEFT_OUT("TCPSTATE_NO_SERVER_PORT_LIST")
#else
#define NEEDS_SERVER_PORT_LIST() ((void)0)
#endif

#endif
