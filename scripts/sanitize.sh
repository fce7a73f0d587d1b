#!/usr/bin/env bash
# Builds the project with clang, AddressSanitizer and UndefinedBehaviorSanitizer (and libFuzzer's
# instrumentation, so that scripts/fuzz.sh shares the build) into build-san/, and runs the whole
# suite there. Any sanitizer report fails the test that caused it. Usage: scripts/sanitize.sh [ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build-san/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTILESIM_FUZZ=ON
fi
cmake --build build-san -j "$(nproc)"
# scripts/lsan.supp: what the OpenMP runtime under oneDNN (libgomp) and oneDNN keep to the end, not
# ours to free. use_tls=0: LeakSanitizer's tracer crashes reading the thread-local storage of
# libgomp's idle pool threads (signal 11 in the tracer, after `record` ran oneDNN in the process);
# without TLS as roots, a block reachable only from thread-local storage is reported: lsan.supp names
# each kind there is (libhdf5's error stacks, the loader's, glibc's thread_local destructor lists).
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0:use_tls=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-san --output-on-failure -j "$(nproc)" --timeout 600 "$@"
