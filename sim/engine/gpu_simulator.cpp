#include "sim/engine/simulation_bound.hpp"
#include "sim/engine/gpu_simulator.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "kernels/lowering.hpp"
#include "sim/engine/bandwidth_sharing.hpp"
#include "sim/engine/layer_accounting.hpp"
#include "sim/engine/memory_hierarchy.hpp"
#include "sim/engine/work_pool.hpp"
#include "sim/engine/timeline.hpp"
#include "sim/workload/fusion.hpp"

namespace tilesim {

int64_t resident_workgroups(const GpuSpec& gpu, int64_t local_size, int64_t registers_per_invocation,
                            int64_t local_memory_bytes) {
  const int64_t waves = std::max<int64_t>(1, (local_size + static_cast<int64_t>(gpu.wave_size) - 1) /
                                                 static_cast<int64_t>(gpu.wave_size));
  int64_t resident = static_cast<int64_t>(gpu.max_waves_per_core) / waves;
  resident = std::min(resident, static_cast<int64_t>(gpu.registers_per_core) /
                                    std::max<int64_t>(1, registers_per_invocation * local_size));
  if (local_memory_bytes > 0)
    resident = std::min(resident, static_cast<int64_t>(gpu.local_memory) / local_memory_bytes);
  return std::max<int64_t>(1, resident);
}

namespace {

// DRAM limits of a GPU run: the memory's total, then the GPU's port.
constexpr int kMemoryLimit = 0;
constexpr int kGpuPortLimit = 1;

// What a waiting invocation has outstanding: one 32-bit load. A workgroup's waves keep its
// invocations' loads in flight together, which is how many resident waves hide latency.
constexpr double kBytesPerInvocationInFlight = 4;

// The workgroup slots of the shader cores (cores x resident workgroups), as executors of work
// items: slot s runs on core s mod cores, and the resident workgroups of a core share its ALUs
// and its bandwidth to the caches.
class ShaderSlots final : public Executor {
 public:
  ShaderSlots(const SocSpec& soc, const EngineProfile::OnCore& on, MemoryPath path)
      : soc_(soc), gpu_(*soc.gpu), on_(on), path_(std::move(path)) {}

  // Slots for a dispatch whose workgroups of `local_size` invocations a core holds `resident` at a time.
  int occupy(int64_t resident, int64_t local_size) {
    resident_ = resident;
    const double waves = std::ceil(static_cast<double>(std::max<int64_t>(1, local_size)) / gpu_.wave_size);
    bytes_in_flight_ = waves * gpu_.wave_size * kBytesPerInvocationInFlight;
    return static_cast<int>(static_cast<int64_t>(gpu_.shader_cores) * resident);
  }

  ItemCost cost(int, const KernelPlan& plan, const Phase& phase, const WorkItem& work) override {
    const double f = gpu_.frequency;
    const Traffic t = MemoryHierarchy::access(path_, work, bytes_per_element(plan.precision));
    const double share = 1.0 / static_cast<double>(resident_);
    const double per_clock = plan.precision == DataType::fp16 ? gpu_.fp16_flops_per_clock : gpu_.fp32_flops_per_clock;
    const double per_flop = plan.precision == DataType::fp16 ? gpu_.energy_per_fp16_flop : gpu_.energy_per_fp32_flop;
    ItemCost c;
    c.compute = work.flops / (per_clock * f * on_.efficiency(phase.kernel_class, plan.precision) * share);
    c.arithmetic = c.compute;
    c.on_chip = level_seconds(static_cast<double>(t.l1), gpu_.l1, f, share, bytes_in_flight_);
    for (size_t i = 0; i < path_.levels.size(); ++i) {
      const CacheLevel& level = *path_.levels[i];
      if (!level.spec) continue;  // the L1-sized stand-in: its hits were charged at the L1
      c.on_chip += level_seconds(static_cast<double>(t.level[i]), *level.spec, f, share, bytes_in_flight_);
    }
    c.energy = work.flops * per_flop + t.l1 * gpu_.l1.energy_per_byte + level_energy(path_, t, true) +
               t.dram * soc_.memory.energy_per_byte + level_energy(path_, t, false);
    c.dram = t.dram;
    // Little's law at DRAM, as for a CPU core: the workgroup's requests in flight over the latency.
    c.flow.cap = bytes_in_flight_ / soc_.memory.latency;
    c.flow.through(kMemoryLimit);
    if (gpu_.max_dram_bandwidth > 0) c.flow.through(kGpuPortLimit);
    return c;
  }

  // Many resident waves hide memory latency behind other waves' arithmetic; a lone workgroup
  // exposes part of it.
  double overlapped(int, double compute, double memory) const override {
    return std::max(compute, memory) + std::min(compute, memory) / (1.0 + static_cast<double>(resident_));
  }

  int track(int slot) const override { return slot % static_cast<int>(gpu_.shader_cores); }

 private:
  const SocSpec& soc_;
  const GpuSpec& gpu_;
  const EngineProfile::OnCore& on_;  // the engine's efficiencies on this GPU's architecture
  MemoryPath path_;
  int64_t resident_ = 1;
  double bytes_in_flight_ = 0;  // one workgroup's: each of its invocations waits on one load
};

class GpuSimulation {
 public:
  GpuSimulation(const SocSpec& soc, const EngineProfile& engine, bool record)
      : gpu_(*soc.gpu), on_(engine.on_core(gpu_.calibration_family())), memory_(soc), pool_(record),
        slots_(soc, on_, memory_.add_gpu(gpu_)), limits_{soc.memory.achievable_bandwidth(), soc.gpu->max_dram_bandwidth} {
    if (auto t = pool_.timeline())
      for (int c = 0; c < static_cast<int>(gpu_.shader_cores); ++c)
        t->tracks.push_back(fmt::format("gpu core {} ({})", c, gpu_.name));
  }

  WorkPool& pool() { return pool_; }
  // Each dispatch's fixed cost: the GPU's launch and the engine's own (recording, the barrier
  // before the next dispatch), which calibration fits.
  double dispatch_overhead() const { return gpu_.launch_overhead + on_.values.layer_overhead; }

  // A dispatch: its fixed cost, then workgroups over the slots, waves as slots free up. Returns
  // its end, from `origin`, and adds what its slots did to the layer's `tally`; a probe gets the
  // dispatch's busiest slot (the slots are alike: the one the last wave waits for decides).
  double run_dispatch(const KernelPlan& plan, const Phase& phase, double origin, int layer, SlotTally& tally,
                      RunProbe* probe = nullptr) {
    const int slots = slots_.occupy(
        resident_workgroups(gpu_, phase.local_size, phase.registers_per_invocation, phase.local_memory_bytes),
        phase.local_size);
    ItemSource waves = ItemSource::shared_queue(static_cast<int64_t>(phase.items.size()));
    const SlotTally before = probe ? tally : SlotTally{};
    const double end = pool_.run_phase(plan, phase, slots, waves, slots_, limits_, origin, layer, dispatch_overhead(), tally);
    if (probe) record_dispatch(plan, phase, before, tally, end - dispatch_overhead(), *probe);
    return end;
  }

 private:
  void record_dispatch(const KernelPlan& plan, const Phase& phase, const SlotTally& before, const SlotTally& after,
                       double seconds, RunProbe& probe) const {
    auto during = [&](const std::vector<double>& was, const std::vector<double>& now, size_t s) {
      return now[s] - (s < was.size() ? was[s] : 0.0);
    };
    PhaseSample p{phase.kernel_class, plan.precision, seconds, {}};
    size_t busiest = 0;
    for (size_t s = 1; s < after.busy.size(); ++s)
      if (during(before.busy, after.busy, s) > during(before.busy, after.busy, busiest)) busiest = s;
    if (!after.busy.empty())
      p.slots.push_back({during(before.arithmetic, after.arithmetic, busiest),
                         during(before.memory_bound, after.memory_bound, busiest), during(before.busy, after.busy, busiest)});
    if (probe.slot_family.empty()) probe.slot_family.push_back(gpu_.calibration_family());
    probe.phases.push_back(std::move(p));
    ++probe.layers;  // the fit's per-layer cost is a GPU's per-dispatch cost
  }

  const GpuSpec& gpu_;
  EngineProfile::OnCore on_;
  MemoryHierarchy memory_;
  WorkPool pool_;
  ShaderSlots slots_;
  std::vector<double> limits_;  // DRAM: the memory's total, the GPU's port
};

// Host<->device copy of `bytes`: read and written once through DRAM, as the engine's staging does.
LayerResult copy_layer(const std::string& name, const std::string& op, int64_t bytes, const SocSpec& soc) {
  LayerResult l;
  l.name = name;
  l.op = op;
  l.algorithm = "copy";
  l.dram_bytes = 2 * bytes;
  l.latency_s = static_cast<double>(l.dram_bytes) / soc.memory.achievable_bandwidth() + soc.memory.latency;
  l.memory_s = l.latency_s;
  l.energy_j = static_cast<double>(l.dram_bytes) * soc.memory.energy_per_byte;
  l.bound = "memory";
  return l;
}

}  // namespace

RunResult simulate_gpu(const Network& unfused, const SocSpec& soc, const EngineProfile& engine,
                       const GpuRunOptions& options) {
  check_simulation_size(unfused, 1 + options.warmup_runs);
  if (!soc.gpu) throw ConfigError::about("device", fmt::format("gpu: {} has no GPU described", soc.name));
  if (engine.target != EngineTarget::gpu)
    throw ConfigError::about("device", fmt::format("gpu: engine '{}' targets the cpu; a GPU engine (ncnn-vulkan, tflite-gpu) runs there",
                                  engine.name));
  const GpuSpec& gpu = *soc.gpu;
  DataType precision = options.precision == "fp32" ? DataType::fp32 : DataType::fp16;
  if (options.precision == "auto") precision = engine.gpu_precision;
  if (options.precision == "int8") throw ConfigError::about("precision", "int8: the GPU engines modelled compute in fp16 or fp32");
  if (precision == DataType::fp16 && gpu.fp16_flops_per_clock <= 0) precision = DataType::fp32;

  const Network net = fuse(unfused, engine.fusion());
  GpuSimulation sim(soc, engine, options.record_timeline);
  if (options.probe) {
    *options.probe = RunProbe{};
    options.probe->threads = 1;  // a single submitting thread: no wake-up, no barrier between threads
  }
  RunResult result = run_identity(net, soc, engine, "gpu");
  result.threads = 1;
  result.cores = gpu.name;
  result.precision = std::string(to_string(precision));
  const int64_t elem = bytes_per_element(precision);
  double now = 0;
  auto add = [&](LayerResult l) {
    now += l.latency_s;
    result.energy_j += l.energy_j;
    result.macs += l.macs;
    result.layers.push_back(std::move(l));
  };
  // One submission per inference (the engine records every dispatch into one command buffer).
  LayerResult submit;
  submit.name = "submit";
  submit.op = "Submit";
  submit.algorithm = "command_buffer";
  submit.latency_s = submit.overhead_s = gpu.submit_overhead;
  submit.bound = "overhead";
  add(submit);
  if (engine.gpu_host_copies)
    for (TensorId t : net.graph_inputs()) add(copy_layer("upload", "Upload", net.tensor(t).elements() * elem, soc));

  const auto order = net.topological_order();
  std::vector<KernelPlan> plans(net.op_count());  // every inference runs the same plans
  for (OpId id : order) plans[static_cast<size_t>(id)] = lower_layer_gpu(net, id, engine, GpuTarget{&gpu, precision});
  for (int w = 0; w < options.warmup_runs; ++w)  // warm the caches; nothing is reported
    for (OpId id : order) {
      const KernelPlan& plan = plans[static_cast<size_t>(id)];
      SlotTally scratch;
      for (const Phase& phase : plan.phases) sim.run_dispatch(plan, phase, 0, 0, scratch);
    }
  sim.pool().clear_timeline();
  for (OpId id : order) {
    const KernelPlan& plan = plans[static_cast<size_t>(id)];
    result.workspace_bytes = std::max(result.workspace_bytes, plan.workspace_bytes);
    result.weight_bytes += resident_weight_bytes(net, id, plan, elem);
    LayerResult l = layer_result_for(net, id, plan);
    if (const Phase* main = main_phase(plan))
      l.main_slots = static_cast<int64_t>(gpu.shader_cores) *
                     resident_workgroups(gpu, main->local_size, main->registers_per_invocation, main->local_memory_bytes);
    double clock = 0;
    SlotTally tally;
    tally.split = options.probe != nullptr;
    for (const Phase& phase : plan.phases)
      clock = sim.run_dispatch(plan, phase, now + clock, static_cast<int>(result.layers.size()), tally, options.probe) + clock;
    l.latency_s = clock;
    l.overhead_s = sim.dispatch_overhead() * static_cast<double>(plan.phases.size());
    l.compute_s = tally.mean_compute;
    l.memory_s = std::max(0.0, tally.mean_busy - tally.mean_compute);
    // Tail of the last wave: slots idle while the slowest workgroups finish.
    l.imbalance_s = std::max(0.0, l.latency_s - l.overhead_s - tally.mean_busy);
    l.energy_j = tally.energy + gpu.static_power * l.latency_s;
    l.dram_bytes = tally.dram;
    name_bound(l);
    add(std::move(l));
  }
  if (engine.gpu_host_copies)
    for (TensorId t : net.graph_outputs()) add(copy_layer("download", "Download", net.tensor(t).elements() * elem, soc));
  if (options.probe) {  // what calibration does not scale: submission, copies, the GPU's own launches
    double fixed = static_cast<double>(options.probe->layers) * gpu.launch_overhead;
    for (const LayerResult& l : result.layers)
      if (l.op == "Submit" || l.algorithm == "copy") fixed += l.latency_s;
    options.probe->phases.push_back(PhaseSample{KernelClass::elementwise, precision, fixed, {}});
  }
  close_run(result, net, order, elem, now, gpu.static_power, sim.pool());
  return result;
}

}  // namespace tilesim
