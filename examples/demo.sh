#!/bin/sh
# Build tcpstate-pcap and run it on the bundled capture of the seed article
# (an FTP handshake and, on another connection, its close): every TCP event
# with the article's numbers, a ladder diagram per connection, and one
# summary row per connection.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/deps.sh"
need_packages cmake make gcc pkg-config libpcap-dev

build="$top/build/demo"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTCPSTATE_BUILD_TESTS=OFF \
    -DTCPSTATE_BUILD_DOCS=OFF >/dev/null
cmake --build "$build" --target tcpstate-pcap -j "$(nproc)" >/dev/null
exec "$build/examples/tcpstate-pcap" --ladder --conn -r "$top/examples/data/seed-ftp.pcap" "$@"
