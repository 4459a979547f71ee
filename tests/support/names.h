/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names for the test suites of a TCPSTATE_NO_STRINGS build. The suites use
 * the library's names as their vocabulary (the recorder writes events as
 * "STATE orig SYN_SENT -> ESTABLISHED", tests compare them), but such a
 * library answers "TCPSTATE_NO_STRINGS" for every name. tests/CMakeLists.txt
 * then includes this header in front of every test source (-include), so
 * the name functions resolve to a copy of src/status.c built with its
 * tables (support/names.c) and the suites run unchanged. What the library
 * itself answers is tested by api::without_strings_every_name_is_one_fixed_string
 * and tests/cross/options_check.c.
 */
#ifndef TCPSTATE_TEST_NAMES_H
#define TCPSTATE_TEST_NAMES_H

/* Macros only: this header comes before everything in a test source,
 * feature-test macros included, so it includes nothing itself. The
 * declarations in tcpstate.h then declare these names. */
#define tcpstate_strerror        tcpstate_test_strerror
#define tcpstate_status_name     tcpstate_test_status_name
#define tcpstate_state_name      tcpstate_test_state_name
#define tcpstate_event_name      tcpstate_test_event_name
#define tcpstate_end_reason_name tcpstate_test_end_reason_name
#define tcpstate_conn_state_name tcpstate_test_conn_state_name
#define tcpstate_version         tcpstate_test_version
#define tcpstate_version_string  tcpstate_test_version_string

#endif
