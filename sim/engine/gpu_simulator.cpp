#include "sim/engine/gpu_simulator.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "kernels/lowering.hpp"
#include "sim/engine/bandwidth_sharing.hpp"
#include "sim/engine/block_cache.hpp"
#include "sim/engine/canonical_blocks.hpp"
#include "sim/engine/layer_accounting.hpp"
#include "sim/engine/work_events.hpp"
#include "sim/engine/timeline.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/memory_planner.hpp"

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

struct Slot {
  int core = 0;
  int64_t item = -1;
  double start = 0, compute = 0, on_chip = 0, energy = 0;
  int64_t dram = 0;
};


class GpuSimulation {
 public:
  GpuSimulation(const SocSpec& soc, bool record)
      : soc_(soc), gpu_(*soc.gpu),
        l2_(gpu_.l2 ? gpu_.l2->size : gpu_.l1.size), slc_(soc.memory.system_cache ? soc.memory.system_cache->size : 0) {
    if (record) {
      timeline_ = std::make_shared<Timeline>();
      for (int c = 0; c < static_cast<int>(gpu_.shader_cores); ++c)
        timeline_->tracks.push_back(fmt::format("gpu core {} ({})", c, gpu_.name));
    }
  }

  std::shared_ptr<Timeline> timeline() const { return timeline_; }
  uint64_t events() const { return events_.pushed(); }

  // A dispatch: launch overhead, then workgroups over the slots, waves as slots free up.
  double run_dispatch(const KernelPlan& plan, const Phase& phase, double origin, int layer, LayerResult& r,
                      double& busy, double& compute) {
    const int64_t resident =
        resident_workgroups(gpu_, phase.local_size, phase.registers_per_invocation, phase.local_memory_bytes);
    const auto cores = static_cast<int64_t>(gpu_.shader_cores);
    slots_.assign(static_cast<size_t>(cores * resident), Slot{});
    for (size_t s = 0; s < slots_.size(); ++s) slots_[s].core = static_cast<int>(static_cast<int64_t>(s) % cores);
    resident_ = resident;
    origin_ = origin;
    layer_ = layer;
    transfers_ = TransferSet(slots_.size(), soc_.memory.achievable_bandwidth(), {0.0});
    const double start = gpu_.launch_overhead;
    int64_t next = 0;
    const auto n = static_cast<int64_t>(phase.items.size());
    for (size_t s = 0; s < slots_.size(); ++s) events_.push(start, 0, WorkEvent{WorkEvent::next_item, static_cast<int>(s), 0});
    double end = start;
    while (!events_.empty()) {
      const auto e = events_.pop();
      Slot& slot = slots_[static_cast<size_t>(e.payload.owner)];
      switch (e.payload.kind) {
        case WorkEvent::next_item:
          end = std::max(end, e.time);
          if (next < n) start_item(plan, phase, e.payload.owner, next++, e.time);
          break;
        case WorkEvent::transfer_done:
          if (!transfers_.complete(e.payload.owner, e.payload.version, e.time)) break;
          reschedule_transfers(transfers_, events_, e.time, timeline_.get(), origin_);
          finish(e.payload.owner, e.time);
          break;
        case WorkEvent::item_done:
          busy += (e.time - slot.start) / static_cast<double>(slots_.size());
          compute += std::min(slot.compute, e.time - slot.start) / static_cast<double>(slots_.size());
          r.energy_j += slot.energy;
          r.dram_bytes += slot.dram;
          if (timeline_)
            timeline_->slices.push_back(TimelineSlice{slot.core, origin_ + slot.start, origin_ + e.time, layer_,
                                                      phase.name, phase.items[static_cast<size_t>(slot.item)].flops,
                                                      slot.dram});
          events_.push(e.time, 0, WorkEvent{WorkEvent::next_item, e.payload.owner, 0});
          end = std::max(end, e.time);
          break;
      }
    }
    return end;
  }

 private:
  void start_item(const KernelPlan& plan, const Phase& phase, int s, int64_t item, double now) {
    Slot& slot = slots_[static_cast<size_t>(s)];
    const WorkItem& work = phase.items[static_cast<size_t>(item)];
    const double f = gpu_.frequency;
    int64_t l1 = 0, l2 = 0, slc = 0, dram = 0;
    const int64_t elem = bytes_per_element(plan.precision);
    for (const DataAccess& a : work.accesses)
      for_each_block(a, elem, [&](const BlockKey& key, int64_t bytes) {
        l1 += bytes;
        const BlockCache::Outcome o = l2_.access(key, bytes, a.write);
        if (!soc_.memory.system_cache) dram += o.written_back;
        if (o.hit || a.write) {
          l2 += bytes;
          return;
        }
        if (soc_.memory.system_cache) {
          const BlockCache::Outcome so = slc_.access(key, bytes, false);
          dram += so.written_back;
          if (so.hit) {
            slc += bytes;
            return;
          }
        }
        dram += bytes;
      });
    // The resident workgroups of a core share its ALUs and its bandwidth to the cache.
    const double share = 1.0 / static_cast<double>(resident_);
    const double per_clock = plan.precision == DataType::fp16 ? gpu_.fp16_flops_per_clock : gpu_.fp32_flops_per_clock;
    slot.item = item;
    slot.start = now;
    slot.compute = work.flops / (per_clock * f * phase.efficiency * share);
    slot.on_chip = l1 / (gpu_.l1.bandwidth * f * share);
    if (gpu_.l2) slot.on_chip += l2 / (gpu_.l2->bandwidth * f * share);
    if (soc_.memory.system_cache) slot.on_chip += slc / (soc_.memory.system_cache->bandwidth * f * share);
    slot.dram = dram;
    const double per_flop = plan.precision == DataType::fp16 ? gpu_.energy_per_fp16_flop : gpu_.energy_per_fp32_flop;
    slot.energy = work.flops * per_flop + l1 * gpu_.l1.energy_per_byte + (gpu_.l2 ? l2 * gpu_.l2->energy_per_byte : 0) +
                  dram * soc_.memory.energy_per_byte;
    if (soc_.memory.system_cache) slot.energy += slc * soc_.memory.system_cache->energy_per_byte;
    if (dram == 0) {
      finish(s, now);
      return;
    }
    transfers_.start(s, static_cast<double>(dram), Flow{0, 0, 0}, now);
    reschedule_transfers(transfers_, events_, now, timeline_.get(), origin_);
  }

  // Many resident waves hide memory latency behind other waves' arithmetic; a lone workgroup
  // exposes part of it.
  void finish(int s, double now) {
    Slot& slot = slots_[static_cast<size_t>(s)];
    const double memory = slot.on_chip + (now - slot.start);
    const double took = std::max(slot.compute, memory) + std::min(slot.compute, memory) / (1.0 + static_cast<double>(resident_));
    events_.push(slot.start + took, 1, WorkEvent{WorkEvent::item_done, s, 0});
  }
  const SocSpec& soc_;
  const GpuSpec& gpu_;
  BlockCache l2_, slc_;
  std::vector<Slot> slots_;
  TransferSet transfers_{0, 0, {}};
  int64_t resident_ = 1;
  double origin_ = 0;
  int layer_ = 0;
  EventQueue<WorkEvent> events_;
  std::shared_ptr<Timeline> timeline_;
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
  if (!soc.gpu) throw ConfigError(fmt::format("--device gpu: {} has no GPU described", soc.name));
  if (engine.target != "gpu")
    throw ConfigError(fmt::format("--device gpu: engine '{}' targets the cpu; use a GPU engine (ncnn-vulkan, tflite-gpu)",
                                  engine.name));
  const GpuSpec& gpu = *soc.gpu;
  DataType precision = options.precision == "fp32" ? DataType::fp32 : DataType::fp16;
  if (options.precision == "auto") precision = engine.gpu_precision == "fp32" ? DataType::fp32 : DataType::fp16;
  if (options.precision == "int8") throw ConfigError("--precision int8: GPU engines here run fp16 or fp32");
  if (precision == DataType::fp16 && gpu.fp16_flops_per_clock <= 0) precision = DataType::fp32;

  const Network net = fuse(unfused, engine.fusion());
  GpuSimulation sim(soc, options.record_timeline);
  RunResult result;
  result.model = net.name();
  result.soc = soc.name;
  result.engine = engine.name;
  result.device = "gpu";
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
  for (int w = 0; w < options.warmup_runs; ++w)  // warm the caches; nothing is reported
    for (OpId id : order) {
      const KernelPlan plan = lower_layer_gpu(net, id, engine, GpuTarget{&gpu, precision});
      LayerResult scratch;
      double busy = 0, compute = 0;
      for (const Phase& phase : plan.phases) sim.run_dispatch(plan, phase, 0, 0, scratch, busy, compute);
    }
  if (auto t = sim.timeline()) {
    t->slices.clear();
    t->counters.clear();
  }
  for (OpId id : order) {
    const KernelPlan plan = lower_layer_gpu(net, id, engine, GpuTarget{&gpu, precision});
    result.workspace_bytes = std::max(result.workspace_bytes, plan.workspace_bytes);
    result.weight_bytes += resident_weight_bytes(net, id, plan, elem);
    LayerResult l = layer_result_for(net, id, plan);
    double clock = 0, busy = 0, compute = 0;
    for (const Phase& phase : plan.phases)
      clock = sim.run_dispatch(plan, phase, now + clock, static_cast<int>(result.layers.size()), l, busy, compute) + clock;
    l.latency_s = clock;
    l.overhead_s = gpu.launch_overhead * static_cast<double>(plan.phases.size());
    l.compute_s = compute;
    l.memory_s = std::max(0.0, busy - compute);
    // Tail of the last wave: slots idle while the slowest workgroups finish.
    l.imbalance_s = std::max(0.0, l.latency_s - l.overhead_s - busy);
    l.energy_j += gpu.static_power * l.latency_s;
    name_bound(l);
    add(std::move(l));
  }
  if (engine.gpu_host_copies)
    for (TensorId t : net.graph_outputs()) add(copy_layer("download", "Download", net.tensor(t).elements() * elem, soc));
  result.latency_s = now;
  result.static_energy_j = gpu.static_power * now;
  result.params = learnable_params(net);
  result.activation_bytes = peak_activation_bytes(net, order, elem);
  result.peak_memory_bytes = result.weight_bytes + result.activation_bytes + result.workspace_bytes;
  result.events = sim.events();
  result.timeline = sim.timeline();
  return result;
}

}  // namespace tilesim
