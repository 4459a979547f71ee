/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The names of src/status.c under the test names of support/names.h, for
 * the suites of a TCPSTATE_NO_STRINGS build (tests/CMakeLists.txt builds
 * this file only there): the library's own source, compiled with its tables.
 */
#undef TCPSTATE_NO_STRINGS
#include "support/names.h"

#include "../../src/status.c"
