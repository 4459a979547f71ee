// SPDX-License-Identifier: BSD-2-Clause
// The C++ consumer: the header used from C++ (extern "C", no C-only syntax).
#include <cstdio>
#include <cstring>
#include <tcpstate.h>
#include <vector>

int main()
{
    tcpstate_config cfg;
    tcpstate_config_init(&cfg);
    cfg.max_flows = 128;
    std::vector<unsigned char> mem(tcpstate_footprint(&cfg));
    tcpstate_engine *e = nullptr;
    if (tcpstate_init(mem.data(), mem.size(), &cfg, nullptr, nullptr, &e) != TCPSTATE_OK) {
        return 1;
    }
    std::printf("tcpstate %s from C++: %zu bytes for %u flows\n", tcpstate_version_string(),
                mem.size(), cfg.max_flows);
    return tcpstate_finish(e) == TCPSTATE_OK ? 0 : 1;
}
