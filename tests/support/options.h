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

#ifdef TCPSTATE_NO_ZEEK
#define NEEDS_ZEEK() TCPSTATE_TEST_LEFT_OUT("TCPSTATE_NO_ZEEK")
#else
#define NEEDS_ZEEK() ((void)0)
#endif

#ifdef TCPSTATE_NO_IPV6
#define NEEDS_IPV6() TCPSTATE_TEST_LEFT_OUT("TCPSTATE_NO_IPV6")
#else
#define NEEDS_IPV6() ((void)0)
#endif

#ifdef TCPSTATE_NO_TUNNELS
#define NEEDS_TUNNELS() TCPSTATE_TEST_LEFT_OUT("TCPSTATE_NO_TUNNELS")
#else
#define NEEDS_TUNNELS() ((void)0)
#endif

#ifdef TCPSTATE_NO_REASSEMBLY
#define NEEDS_REASSEMBLY() TCPSTATE_TEST_LEFT_OUT("TCPSTATE_NO_REASSEMBLY")
#else
#define NEEDS_REASSEMBLY() ((void)0)
#endif

/* Tests that run over several configurations keep the ones this build can
 * make: IF_ZEEK(TCPSTATE_F_HISTORY) is the flag, or 0 without the emulation;
 * IF_REASSEMBLY(n) is n contexts, or 0 without reassembly; a loop over
 * both IP versions runs to IF_IPV6(1), so its IPv4 half still runs. */
#ifdef TCPSTATE_NO_ZEEK
#define IF_ZEEK(flags) 0u
#else
#define IF_ZEEK(flags) (flags)
#endif
#ifdef TCPSTATE_NO_IPV6
#define IF_IPV6(x) 0
#else
#define IF_IPV6(x) (x)
#endif
#ifdef TCPSTATE_NO_REASSEMBLY
#define IF_REASSEMBLY(n) 0u
#else
#define IF_REASSEMBLY(n) (n)
#endif

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
