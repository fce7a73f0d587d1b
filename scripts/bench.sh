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
bench "mobilenet_v2 snapdragon855 ncnn 4 threads" 8 --model mobilenet_v2 --soc snapdragon855 --threads 4
bench "resnet50 snapdragon855 ncnn 4 threads" 20 --model resnet50 --soc snapdragon855 --threads 4
bench "resnet50 snapdragon855 xnnpack 4 threads" 20 --model resnet50 --soc snapdragon855 --engine xnnpack --threads 4
bench "resnet50 snapdragon855 ncnn-vulkan gpu (no goal)" 999 --model resnet50 --soc snapdragon855 --device gpu

# A sweep in one process: 10,000 random MobileNetV2 points (big-core clock and count, DRAM rate) on
# every core; the rate and the events per second are what `tilesim sweep` prints. One run: it is
# long enough for the noise of a shared machine to average out. SWEEP_POINTS=N for a shorter one.
sweep_points=${SWEEP_POINTS:-10000}
sweep_dir=$(mktemp -d)
trap 'rm -rf "$sweep_dir"' EXIT
cat > "$sweep_dir/sweep.yaml" <<EOF_SWEEP
sampling: random
samples: $sweep_points
seed: 1
base: {model: mobilenet_v2, soc: snapdragon855}
parameters:
  cpu.clusters.big.frequency: {min: 1.0GHz, max: 3.2GHz}
  cpu.clusters.big.count: {min: 1, max: 4}
  memory.data_rate: {min: 1600MT/s, max: 6400MT/s}
EOF_SWEEP
t0=$(date +%s%N)
build/tilesim sweep --config "$sweep_dir/sweep.yaml" --out "$sweep_dir/sweep.h5" --batch 1000 > /dev/null 2>&1
t1=$(date +%s%N)
events=$(build/tilesim sweep-summary --in "$sweep_dir/sweep.h5" --format csv |
         awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "events") c = i; next} {e += $c} END {print e}')
awk -v n="$sweep_points" -v s="$(( (t1 - t0) / 1000000 ))" -v e="$events" 'BEGIN {
  goal = 60 * n / 10000
  printf "%-44s %7.1f s  %5.0f points/s  goal <= %3.0f s  %s  %6.2f M events/s\n", "sweep: " n " mobilenet_v2 points, every core",
         s/1000, n/(s/1000), goal, (s/1000 <= goal ? "ok  " : "SLOW"), e/(s/1000)/1e6 }'

# Loading an ONNX file: torchvision's resnet50 (~100 MB, weights parsed and dropped), exported once
# by scripts/export_onnx.py into build/onnx_models (the ONNX tests' fixture folder).
onnx_dir=build/onnx_models
onnx_file=$onnx_dir/resnet50.onnx
if [ ! -f "$onnx_file" ]; then
  /usr/bin/python3 scripts/export_onnx.py --out "$onnx_dir" --model resnet50 > /dev/null 2>&1 || true
fi
if [ -f "$onnx_file" ] && build/tilesim info --model "$onnx_file" > /dev/null 2>&1; then
  times=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    build/tilesim info --model "$onnx_file" > /dev/null
    t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000 ))")
  done
  med_us=$(printf '%s\n' "${times[@]}" | median)
  min_us=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
  peak_kb=""
  if [ -x /usr/bin/time ]; then
    peak_kb=$({ /usr/bin/time -v build/tilesim info --model "$onnx_file" > /dev/null; } 2>&1 |
              awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
  fi
  mb=$(du -m "$onnx_file" | cut -f1)
  awk -v l="onnx load resnet50 (${mb} MB, tilesim info)" -v m="$med_us" -v lo="$min_us" -v g=250 -v p="$peak_kb" 'BEGIN {
    printf "%-44s median %7.2f ms  min %7.2f ms  goal <= %3d ms  %s  peak %s MB\n",
           l, m/1000, lo/1000, g, (m/1000 <= g ? "ok  " : "SLOW"), (p == "" ? "?" : sprintf("%.0f", p/1024)) }'
else
  echo "onnx load resnet50: skipped (no $onnx_file: needs python3-torch; or tilesim info cannot import .onnx yet)"
fi
