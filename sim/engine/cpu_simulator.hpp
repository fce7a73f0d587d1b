#pragma once
// Simulates a network on a CPU thread pool: each layer lowered into tiles, tiles split over
// threads bound to cores as the engine splits them, each tile timed from its arithmetic and
// the traffic it causes at each cache level and DRAM, a barrier ending each layer.
#include <string>

#include "hwmodels/soc.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/run_probe.hpp"
#include "sim/engine/run_result.hpp"
#include "sim/engine/timeline.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

struct CpuRunOptions {
  int threads = 4;
  std::string cores = "big";      // all | big | little (ncnn powersave 0 | 2 | 1)
  std::string precision = "auto"; // auto | fp32 | fp16 | int8
  bool record_timeline = false;   // fill RunResult::timeline (for --trace and --out)
  int warmup_runs = 0;            // inferences run first, unreported, to warm the caches (benchmarks do)
  RunProbe* probe = nullptr;      // calibration: filled with the reported run's phases
};

// `net` is the unfused network; the engine's fusion is applied here.
RunResult simulate_cpu(const Network& net, const SocSpec& soc, const EngineProfile& engine,
                       const CpuRunOptions& options);

}  // namespace tilesim
