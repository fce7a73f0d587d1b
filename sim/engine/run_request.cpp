#include "sim/engine/run_request.hpp"

#include "sim/engine/cpu_simulator.hpp"
#include "sim/engine/gpu_simulator.hpp"

namespace tilesim {

std::string default_engine(const std::string& device) { return device == "gpu" ? "ncnn-vulkan" : "ncnn"; }

int default_threads(const SocSpec& soc, const std::string& cores) {
  int n = 0;
  for (const ClusterSpec* c : soc.clusters_of(cores)) n += static_cast<int>(c->count);
  if (n == 0)
    for (const ClusterSpec* c : soc.clusters_of("all")) n += static_cast<int>(c->count);
  return n;
}

RunResult simulate_run(const Network& net, const SocSpec& soc, const EngineProfile& engine, const RunRequest& run) {
  if (run.device == "gpu") return simulate_gpu(net, soc, engine, GpuRunOptions{run.precision, run.record_timeline, run.warmup});
  CpuRunOptions cpu;
  cpu.cores = run.cores;
  cpu.precision = run.precision;
  cpu.threads = run.threads.value_or(default_threads(soc, run.cores));
  cpu.record_timeline = run.record_timeline;
  cpu.warmup_runs = run.warmup;
  return simulate_cpu(net, soc, engine, cpu);
}

}  // namespace tilesim
