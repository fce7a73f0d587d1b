#pragma once
// A model file (ONNX or ncnn .param) loaded as `--model FILE` loads it, and, where it is small
// enough to take well under a millisecond, simulated on a CPU and a GPU: lowering and tiling see
// every shape an importer lets through.
#include "hwmodels/soc_loader.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/engine/gpu_simulator.hpp"
#include "sim/engine/simulation_bound.hpp"
#include "sim/workload/import/model_loader.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace tilesim::fuzz {

inline void load_and_simulate(const std::string& path) {
  static const SocSpec soc = load_soc("snapdragon855");
  static const EngineProfile cpu = load_engine("ncnn"), gpu = load_engine("ncnn-vulkan");
  accept_bad_input([&] {
    const Network net = load_model(path, std::nullopt, ImportOptions{std::nullopt, true, nullptr});
    if (written_elements(net) > 1e6) return;
    simulate_cpu(net, soc, cpu, CpuRunOptions{.threads = 2});
    simulate_gpu(net, soc, gpu, GpuRunOptions{});
  });
}

}  // namespace tilesim::fuzz
