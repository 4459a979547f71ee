#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The committed demo capture is exactly what the generator writes from
# tests/support/seed.c (a byte-for-byte comparison):
#   seed_capture.sh GENERATOR OUT COMMITTED CMAKE
set -u
gen=$1 out=$2 committed=$3 cmake=${4:-cmake}
"$gen" "$out" || { echo "FAIL: $gen $out"; exit 1; }
if ! "$cmake" -E compare_files "$out" "$committed"; then
    echo "FAIL: $out differs from $committed; regenerate it with: $gen $committed"
    exit 1
fi
echo ok
