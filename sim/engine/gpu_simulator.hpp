#pragma once
// Simulates a network on the SoC's GPU as a GPU engine runs it: one command submission per
// inference, a launch per dispatch, workgroups spread over the shader cores in waves limited by
// occupancy (resident waves, registers, local memory), DRAM shared among the workgroups in flight,
// and the host<->device copies the engine's timing includes.
#include <string>

#include "hwmodels/soc.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/run_probe.hpp"
#include "sim/engine/run_result.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

struct GpuRunOptions {
  std::string precision = "auto";  // auto | fp32 | fp16
  bool record_timeline = false;
  int warmup_runs = 0;  // inferences run first, unreported, to warm the caches (benchmarks do)
  RunProbe* probe = nullptr;  // calibration: filled with the reported run's dispatches
};

// Workgroups one shader core holds at once for a dispatch of this shape.
int64_t resident_workgroups(const GpuSpec& gpu, int64_t local_size, int64_t registers_per_invocation,
                            int64_t local_memory_bytes);

RunResult simulate_gpu(const Network& net, const SocSpec& soc, const EngineProfile& engine,
                       const GpuRunOptions& options);

}  // namespace tilesim
