#pragma once
// One simulated run as `tilesim run` and each sweep point ask for it: the device, the cores and
// threads, the precision, and the inferences that warm the caches first.
#include <optional>
#include <string>

#include "hwmodels/soc.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/run_result.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

struct RunRequest {
  std::string device = "cpu";      // cpu | gpu
  std::string cores = "big";       // cpu: all | big | little (the cluster the threads are bound to)
  std::string precision = "auto";  // auto | fp32 | fp16 | int8
  std::optional<int> threads;      // cpu: unset means one per selected core, ncnn's default
  int warmup = 1;                  // unreported inferences first, as benchmarks run them
  bool record_timeline = false;
};

// The engine a device runs when none is named: ncnn on the CPU, ncnn's Vulkan backend on the GPU.
std::string default_engine(const std::string& device);

// The threads a CPU run gets when none are asked for: one per core of the selected clusters
// (every core where the SoC has none of that kind).
int default_threads(const SocSpec& soc, const std::string& cores);

RunResult simulate_run(const Network& net, const SocSpec& soc, const EngineProfile& engine, const RunRequest& run);

}  // namespace tilesim
