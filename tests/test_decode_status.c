/* SPDX-License-Identifier: BSD-2-Clause */
/* Every status the decoder (and the engine) can return has its own name and text. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "tcpstate.h"

Test(decode_status, every_status_has_a_distinct_known_name_and_description)
{
    for (int a = TCPSTATE_STATUS_MIN; a <= TCPSTATE_STATUS_MAX; a++) {
        const char *name = tcpstate_status_name((tcpstate_status)a);
        const char *text = tcpstate_strerror((tcpstate_status)a);
        cr_assert(not(eq(ptr, (void *)name, NULL)));
        cr_assert(not(eq(ptr, (void *)text, NULL)));
        cr_assert(not(eq(str, (char *)name, "TCPSTATE_UNKNOWN")), "status %d", a);
        cr_assert(not(eq(str, (char *)text, "unknown tcpstate status")), "status %d", a);
        cr_assert(eq(int, strncmp(name, "TCPSTATE_", 9), 0));
        for (int b = TCPSTATE_STATUS_MIN; b < a; b++) {
            cr_assert(not(eq(str, (char *)name, (char *)tcpstate_status_name((tcpstate_status)b))),
                      "statuses %d and %d share a name", a, b);
            cr_assert(not(eq(str, (char *)text, (char *)tcpstate_strerror((tcpstate_status)b))),
                      "statuses %d and %d share a description", a, b);
        }
    }
}

Test(decode_status, values_outside_the_range_are_unknown)
{
    cr_assert(eq(str, (char *)tcpstate_status_name((tcpstate_status)(TCPSTATE_STATUS_MAX + 1)),
                 "TCPSTATE_UNKNOWN"));
    cr_assert(eq(str, (char *)tcpstate_strerror((tcpstate_status)(TCPSTATE_STATUS_MIN - 1)),
                 "unknown tcpstate status"));
}

Test(decode_status, names_match_the_identifiers)
{
    cr_assert(eq(str, (char *)tcpstate_status_name(TCPSTATE_E_TRUNCATED), "TCPSTATE_E_TRUNCATED"));
    cr_assert(
        eq(str, (char *)tcpstate_status_name(TCPSTATE_E_BAD_IPV6_EXT), "TCPSTATE_E_BAD_IPV6_EXT"));
    cr_assert(eq(str, (char *)tcpstate_status_name(TCPSTATE_OK), "TCPSTATE_OK"));
}
