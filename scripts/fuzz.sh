#!/usr/bin/env bash
# Runs every fuzz target (tests/fuzz) for SECONDS each with libFuzzer, ASan and UBSan, two at a time
# per core pair, from its seed corpus and regression inputs; prints each target's executions and
# findings, and exits 1 if any target found a crash, hang, leak or out-of-memory input. Findings
# are written to build-san/fuzz/findings/: keep each as tests/fuzz/regressions/TARGET/NAME once fixed.
# Usage: scripts/fuzz.sh SECONDS [TARGET...]      each target for SECONDS
#        scripts/fuzz.sh --runs N [TARGET...]     each target for N executions (the 1M campaign)
# (builds build-san/ first, as scripts/sanitize.sh does). FUZZ_JOBS=K runs K targets at a time
# (default: one per core). Each target's corpus grows in build-san/fuzz/corpus/ from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/fuzz.sh SECONDS [TARGET...] | scripts/fuzz.sh --runs N [TARGET...]"
if [ "${1:-}" = --runs ]; then
  limit="-runs=${2:?$usage}"
  shift 2
else
  limit="-max_total_time=${1:?$usage}"
  shift
fi
if [ ! -f build-san/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTILESIM_FUZZ=ON
fi
cmake --build build-san -j "$(nproc)"
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in tests/fuzz/fuzz_*.cpp; do
    t="${f##*/fuzz_}"
    targets+=("${t%.cpp}")
  done
fi
out=build-san/fuzz
mkdir -p "$out/findings" "$out/logs"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"

fuzz_one() {  # target limit
  local t="$1" limit="$2" work="$out/corpus/$1"
  mkdir -p "$work"
  local seeds=("tests/fuzz/corpus/$t")
  [ -d "tests/fuzz/regressions/$t" ] && seeds+=("tests/fuzz/regressions/$t")
  local timeout=10 asan=""
  # The reports of libhdf5's memory errors in the HDF5 target's child process (contained, not
  # findings) cost seconds each to symbolize.
  [ "$t" = hdf5_trace ] && asan="symbolize=0"
  ASAN_OPTIONS="$asan" "$out/fuzz_$t" "$work" "${seeds[@]}" "$limit" -timeout=$timeout -rss_limit_mb=4096 -max_len=65536 \
    -report_slow_units=1000 -print_final_stats=1 -artifact_prefix="$out/findings/$t-" >"$out/logs/$t.log" 2>&1 || true
}
export -f fuzz_one
export out
for t in "${targets[@]}"; do rm -f "$out/findings/$t-"*; done
printf '%s\n' "${targets[@]}" | xargs -P "${FUZZ_JOBS:-$(nproc)}" -I{} bash -c "fuzz_one {} $limit"

status=0
printf '%-16s %14s %10s %9s %9s\n' target executions "exec/s" seconds findings
for t in "${targets[@]}"; do
  log="$out/logs/$t.log"
  # A target that crashed prints no final statistics: each lookup may find nothing.
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1 || true)
  rate=$(grep -oE 'stat::average_exec_per_sec:[[:space:]]*[0-9]+' "$log" | awk '{print $2}' | tail -1 || true)
  secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | awk '{print $5}' | tail -1 || true)
  found=$(find "$out/findings" -name "$t-*" ! -name "$t-slow-unit-*" | wc -l)
  if [ -z "$runs" ] || ((found > 0)); then
    status=1
    grep -E 'ERROR|SUMMARY|runtime error|uncaught|Test unit written' "$log" | head -5 | sed "s/^/  $t: /" || true
  fi
  printf '%-16s %14s %10s %9s %9s\n' "$t" "${runs:-none}" "${rate:-?}" "${secs:-?}" "$found"
done
exit $status
