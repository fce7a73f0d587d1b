#!/usr/bin/env bash
# Installs every Debian package the build, tests and scripts need, then builds Release into build/.
# Idempotent and non-interactive; run as root (or with sudo available) on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config
  libeigen3-dev libtbb-dev libboost-graph-dev libhdf5-dev
  doctest-dev libyaml-cpp-dev libyaml-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  libdnnl-dev                       # tilesim record: host traces with oneDNN
  libxnnpack-dev libpthreadpool-dev # tilesim record --engine xnnpack: host traces with XNNPACK
  python3-h5py python3-matplotlib   # scripts/plot_validation.py (Debian's /usr/bin/python3)
  libonnx-dev libprotobuf-dev protobuf-compiler   # ONNX import (libtilesim_onnx.so)
  python3-onnx python3-torch python3-torchvision  # scripts/export_onnx.py: the ONNX tests' models
  clang libclang-rt-14-dev          # scripts/sanitize.sh and scripts/fuzz.sh: ASan, UBSan, libFuzzer
  openmpi-bin                       # mpirun -n N tilesim sweep: a sweep over MPI ranks (a test)
  chromium                          # tilesim report: the HTML report rendered headless (a test)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

werror=OFF
[ -n "${CI:-}" ] && werror=ON
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTILESIM_WERROR="$werror"
cmake --build build -j "$(nproc)"

# `host` is measured, not written: describe this machine as an SoC (configs/socs/host.yaml).
build/tilesim probe-host
