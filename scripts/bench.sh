#!/usr/bin/env bash
# Speed benchmark of whole `tilesim run` processes (Release build): medians over repeated runs,
# and simulated events per second. A benchmark, not a test: this machine is shared and noisy,
# so compare medians taken in the same run. For repeatable counts, profile with
#   valgrind --tool=callgrind build/tilesim run --model resnet50
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-15}
[ -x build/tilesim ] || scripts/setup.sh

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

bench() {
  local label=$1 goal_ms=$2; shift 2
  local events
  events=$(build/tilesim run "$@" --format json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["events"])')
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    build/tilesim run "$@" --format json > /dev/null
    t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000 ))")
  done
  local med_us
  med_us=$(printf '%s\n' "${times[@]}" | median)
  local min_us
  min_us=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
  awk -v l="$label" -v m="$med_us" -v lo="$min_us" -v g="$goal_ms" -v e="$events" 'BEGIN {
    printf "%-44s median %7.2f ms  min %7.2f ms  goal <= %3d ms  %s  %9d events  %6.2f M events/s\n",
           l, m/1000, lo/1000, g, (m/1000 <= g ? "ok  " : "SLOW"), e, e/(m/1e6)/1e6 }'
}

echo "tilesim bench: $runs runs each, whole process, $(nproc) cores, $(date -u +%FT%TZ)"
bench "mobilenet_v2 snapdragon855 ncnn 4 threads" 20 --model mobilenet_v2 --soc snapdragon855 --threads 4
bench "resnet50 snapdragon855 ncnn 4 threads" 50 --model resnet50 --soc snapdragon855 --threads 4
bench "resnet50 snapdragon855 xnnpack 4 threads" 50 --model resnet50 --soc snapdragon855 --engine xnnpack --threads 4
bench "resnet50 snapdragon855 ncnn-vulkan gpu (no goal)" 999 --model resnet50 --soc snapdragon855 --device gpu
