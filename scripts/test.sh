#!/usr/bin/env bash
# Builds (configuring build/ first if needed) and runs the whole test suite, printing failures.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/CMakeCache.txt ]; then
  werror=OFF
  [ -n "${CI:-}" ] && werror=ON
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTILESIM_WERROR="$werror"
fi
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
