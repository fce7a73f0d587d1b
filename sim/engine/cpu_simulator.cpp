#include "sim/engine/cpu_simulator.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "kernels/lowering.hpp"
#include "sim/engine/bandwidth_sharing.hpp"
#include "sim/engine/work_events.hpp"
#include "sim/engine/layer_accounting.hpp"
#include "sim/engine/memory_hierarchy.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/memory_planner.hpp"

namespace tilesim {
namespace {

// In-order cores overlap only part of their memory stalls with arithmetic (no reordering
// around a missing load); out-of-order cores hide the shorter of the two entirely.
constexpr double kInOrderExposedFraction = 0.5;

struct Core {
  const ClusterSpec* cluster = nullptr;
  int group = 0;             // index of its cluster among those in use (bandwidth limits)
  BlockCache* l2 = nullptr;  // the L2 it reads through
};

// A work item in flight on a core.
struct Running {
  int64_t item = -1;
  double start = 0;
  double compute = 0;     // arithmetic (or L1-bound) time
  double on_chip = 0;     // L2/L3/system-cache time plus the DRAM latency, if it misses
  double energy = 0;
  int64_t dram = 0;
};


class CpuSimulation {
 public:
  CpuSimulation(const SocSpec& soc, const EngineProfile& engine, const CpuRunOptions& opt)
      : soc_(soc), engine_(engine), options_(opt), memory_(soc) {
    if (opt.threads < 1) throw ConfigError(fmt::format("--threads {}: must be at least 1", opt.threads));
    auto clusters = soc.clusters_of(opt.cores);
    if (clusters.empty()) clusters = soc.clusters_of("all");  // a homogeneous SoC: every core is both
    std::vector<Core> candidates;
    for (const ClusterSpec* c : clusters)
      for (int i = 0; i < static_cast<int>(c->count); ++i) candidates.push_back(Core{c, 0, nullptr});
    const int workers = std::min<int>(opt.threads, static_cast<int>(candidates.size()));
    for (int w = 0; w < workers; ++w) {
      Core core = candidates[static_cast<size_t>(w)];
      auto it = std::find(used_clusters_.begin(), used_clusters_.end(), core.cluster);
      if (it == used_clusters_.end()) it = used_clusters_.insert(used_clusters_.end(), core.cluster);
      core.group = static_cast<int>(it - used_clusters_.begin());
      core.l2 = memory_.add_core(*core.cluster);
      cores_.push_back(core);
      static_power_ += core.cluster->static_power_per_core;
    }
    for (const ClusterSpec* c : used_clusters_) {
      static_power_ += c->static_power_cluster;
      group_caps_.push_back(c->max_dram_bandwidth);
    }
    precision_ = resolve_precision();
    running_.resize(cores_.size());
    transfers_ = TransferSet(cores_.size(), soc.memory.achievable_bandwidth(), group_caps_);
    if (opt.record_timeline) {
      timeline_ = std::make_shared<Timeline>();
      int index = 0;
      for (const Core& c : cores_)
        timeline_->tracks.push_back(fmt::format("cpu{} ({}, {})", index++, c.cluster->name, c.cluster->core.name));
    }
  }

  DataType precision() const { return precision_; }
  double static_power() const { return static_power_; }
  uint64_t events() const { return events_.pushed(); }
  std::shared_ptr<Timeline> timeline() const { return timeline_; }

  LayerResult run_layer(const Network& net, OpId id, double& now, int layer_index, int64_t& workspace,
                        int64_t& weights) {
    const KernelPlan plan =
        lower_layer(net, id, engine_, cpu_target(*cores_.front().cluster, precision_, options_.threads));
    workspace = std::max(workspace, plan.workspace_bytes);
    weights += resident_weight_bytes(net, id, plan, bytes_per_element(precision_));
    LayerResult r = layer_result_for(net, id, plan);
    if (plan.phases.empty()) {  // a view: no kernel runs
      name_bound(r);
      return r;
    }
    // Phases run one after another, each a parallel loop ended by a barrier: the slowest thread
    // decides when the next starts. Each layer runs on its own clock from 0, so its time does
    // not depend on where it sits in the network.
    origin_ = now;
    layer_index_ = layer_index;
    double clock = engine_.wakeup_overhead;
    std::vector<double> busy(cores_.size(), 0.0), compute(cores_.size(), 0.0);
    for (const Phase& phase : plan.phases) {
      clock = run_phase(plan, phase, clock, busy, compute, r);
      clock += engine_.barrier_overhead;
    }
    const double workers = static_cast<double>(cores_.size());
    const double mean_busy = std::accumulate(busy.begin(), busy.end(), 0.0) / workers;
    r.overhead_s = engine_.wakeup_overhead + engine_.barrier_overhead * static_cast<double>(plan.phases.size());
    r.compute_s = std::accumulate(compute.begin(), compute.end(), 0.0) / workers;
    r.memory_s = mean_busy - r.compute_s;
    r.latency_s = clock;
    // What is left is waiting for the slowest thread; the parts add up to the latency.
    r.imbalance_s = std::max(0.0, r.latency_s - r.overhead_s - mean_busy);
    r.energy_j += static_power_ * r.latency_s;
    now += r.latency_s;
    name_bound(r);
    return r;
  }

 private:
  DataType resolve_precision() const {
    const auto& p = options_.precision;
    if (p == "auto") {
      DataType t = engine_.auto_precision(cores_.front().cluster->core);
      for (const Core& c : cores_)
        if (engine_.auto_precision(c.cluster->core) != t) t = DataType::fp32;  // a mixed pool computes in what all support
      return t;
    }
    const DataType t = p == "fp16" ? DataType::fp16 : p == "int8" ? DataType::int8 : DataType::fp32;
    for (const Core& c : cores_)
      if (c.cluster->core.ops_per_cycle(t) <= 0)
        throw ConfigError(fmt::format("--precision {}: core '{}' has no {} arithmetic", p, c.cluster->core.name, p));
    return t;
  }

  // Runs one parallel loop from `start`; returns when its last item finishes. Static partition:
  // OpenMP schedule(static) gives each of the N threads one contiguous chunk, and threads beyond
  // the number of cores time-share them. tile2d and dynamic: each free core takes the next tile
  // (pthreadpool's work stealing evens out the same way).
  double run_phase(const KernelPlan& plan, const Phase& phase, double start, std::vector<double>& busy,
                   std::vector<double>& compute, LayerResult& r) {
    const auto n = static_cast<int64_t>(phase.items.size());
    if (n == 0) return start;
    const auto workers = static_cast<int>(cores_.size());
    const bool is_static = engine_.partition == "static";
    std::vector<std::vector<int64_t>> queue(cores_.size());
    if (is_static) {
      const int threads = options_.threads;
      int64_t next = 0;
      for (int t = 0; t < threads; ++t) {
        const int64_t count = n / threads + (t < n % threads ? 1 : 0);
        for (int64_t i = 0; i < count; ++i) queue[static_cast<size_t>(t % workers)].push_back(next++);
      }
    }
    int64_t dynamic_next = 0;
    std::vector<size_t> cursor(cores_.size(), 0);
    for (int w = 0; w < workers; ++w) events_.push(start, 0, WorkEvent{WorkEvent::next_item, w, 0});
    double end = start;
    while (!events_.empty()) {
      const auto e = events_.pop();
      const int w = e.payload.owner;
      Running& run = running_[static_cast<size_t>(w)];
      switch (e.payload.kind) {
        case WorkEvent::next_item: {
          int64_t item = -1;
          if (is_static) {
            if (cursor[static_cast<size_t>(w)] < queue[static_cast<size_t>(w)].size())
              item = queue[static_cast<size_t>(w)][cursor[static_cast<size_t>(w)]++];
          } else if (dynamic_next < n) {
            item = dynamic_next++;
          }
          end = std::max(end, e.time);
          if (item >= 0) start_item(plan, phase, w, item, e.time);
          break;
        }
        case WorkEvent::transfer_done:
          if (!transfers_.complete(w, e.payload.version, e.time)) break;  // superseded by a re-division
          reschedule_transfers(transfers_, events_, e.time, timeline_.get(), origin_);
          finish_item(w, e.time);
          break;
        case WorkEvent::item_done: {
          const double took = e.time - run.start;
          busy[static_cast<size_t>(w)] += took;
          compute[static_cast<size_t>(w)] += std::min(run.compute, took);
          r.energy_j += run.energy;
          r.dram_bytes += run.dram;
          if (timeline_)
            timeline_->slices.push_back(TimelineSlice{w, origin_ + run.start, origin_ + e.time, layer_index_, phase.name,
                                                      phase.items[static_cast<size_t>(run.item)].flops, run.dram});
          run.item = -1;
          events_.push(e.time, 0, WorkEvent{WorkEvent::next_item, w, 0});
          end = std::max(end, e.time);
          break;
        }
      }
    }
    return end;
  }

  void start_item(const KernelPlan& plan, const Phase& phase, int w, int64_t item, double now) {
    const Core& core = cores_[static_cast<size_t>(w)];
    const ClusterSpec& cl = *core.cluster;
    const CoreSpec& cs = cl.core;
    const double f = cl.frequency;
    const WorkItem& work = phase.items[static_cast<size_t>(item)];
    const Traffic t = memory_.access(*core.l2, work, bytes_per_element(plan.precision));
    const CacheSpec& l2spec = cs.l2 ? *cs.l2 : (cl.l2 ? *cl.l2 : cs.l1d);
    Running& run = running_[static_cast<size_t>(w)];
    run.item = item;
    run.start = now;
    const double rate = cs.ops_per_cycle(plan.precision) * phase.efficiency * f;
    run.compute = std::max(rate > 0 ? work.flops / rate : 0.0, t.l1 / (cs.load_bytes_per_cycle * f));
    run.on_chip = t.l2 / (l2spec.bandwidth * f) + (t.dram > 0 ? soc_.memory.latency : 0.0);
    if (soc_.l3) run.on_chip += t.l3 / (soc_.l3->bandwidth * f);
    if (soc_.memory.system_cache) run.on_chip += t.slc / (soc_.memory.system_cache->bandwidth * f);
    run.dram = t.dram;
    // The core, its L1 and L2 sit in the cluster's voltage domain; shared levels and DRAM do not.
    run.energy = cl.energy_scale() * (work.flops * cs.energy_per_op(plan.precision) + t.l1 * cs.l1d.energy_per_byte +
                                      t.l2 * l2spec.energy_per_byte) +
                 t.dram * soc_.memory.energy_per_byte;
    if (soc_.l3) run.energy += t.l3 * soc_.l3->energy_per_byte;
    if (soc_.memory.system_cache) run.energy += t.slc * soc_.memory.system_cache->energy_per_byte;
    if (t.dram == 0) {
      finish_item(w, now);
      return;
    }
    transfers_.start(w, static_cast<double>(t.dram),
                     Flow{core.group, cs.outstanding_misses * l2spec.line / soc_.memory.latency, 0}, now);
    reschedule_transfers(transfers_, events_, now, timeline_.get(), origin_);
  }

  // The item's memory time is what its on-chip traffic took plus its DRAM transfer; it ends when
  // both that and its arithmetic are done, as far as the core overlaps them.
  void finish_item(int w, double now) {
    Running& run = running_[static_cast<size_t>(w)];
    const double memory = run.on_chip + (now - run.start);
    double took = std::max(run.compute, memory);
    if (!cores_[static_cast<size_t>(w)].cluster->core.out_of_order)
      took += kInOrderExposedFraction * std::min(run.compute, memory);
    events_.push(run.start + took, 1, WorkEvent{WorkEvent::item_done, w, 0});
  }

  const SocSpec& soc_;
  const EngineProfile& engine_;
  CpuRunOptions options_;
  MemoryHierarchy memory_;
  std::vector<Core> cores_;  // the cores running threads, in placement order
  std::vector<const ClusterSpec*> used_clusters_;
  std::vector<double> group_caps_;
  std::vector<Running> running_;
  TransferSet transfers_{0, 0, {}};
  DataType precision_ = DataType::fp32;
  double static_power_ = 0;
  double origin_ = 0;  // start of the current layer on the run's clock
  int layer_index_ = 0;
  EventQueue<WorkEvent> events_;
  std::shared_ptr<Timeline> timeline_;
};

}  // namespace

RunResult simulate_cpu(const Network& unfused, const SocSpec& soc, const EngineProfile& engine,
                       const CpuRunOptions& options) {
  const Network net = fuse(unfused, engine.fusion());
  CpuSimulation sim(soc, engine, options);
  RunResult result;
  result.model = net.name();
  result.soc = soc.name;
  result.engine = engine.name;
  result.device = "cpu";
  result.threads = options.threads;
  result.cores = options.cores;
  result.precision = std::string(to_string(sim.precision()));

  const auto order = net.topological_order();
  for (int w = 0; w < options.warmup_runs; ++w) {
    double scratch_time = 0;
    int64_t scratch_workspace = 0, scratch_weights = 0;
    for (OpId id : order) sim.run_layer(net, id, scratch_time, 0, scratch_workspace, scratch_weights);
  }
  if (auto t = sim.timeline()) {  // the warm-up is not part of the timeline
    t->slices.clear();
    t->counters.clear();
  }
  double now = 0;
  for (OpId id : order) {
    LayerResult layer = sim.run_layer(net, id, now, static_cast<int>(result.layers.size()), result.workspace_bytes,
                                      result.weight_bytes);
    result.energy_j += layer.energy_j;
    result.macs += layer.macs;
    result.layers.push_back(std::move(layer));
  }
  result.latency_s = now;
  result.static_energy_j = sim.static_power() * now;
  result.params = learnable_params(net);
  result.activation_bytes = peak_activation_bytes(net, order, bytes_per_element(sim.precision()));
  result.peak_memory_bytes = result.weight_bytes + result.activation_bytes + result.workspace_bytes;
  result.events = sim.events();
  result.timeline = sim.timeline();
  return result;
}

}  // namespace tilesim
