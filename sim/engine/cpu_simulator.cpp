#include "sim/engine/simulation_bound.hpp"
#include "sim/engine/cpu_simulator.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "kernels/lowering.hpp"
#include "sim/engine/bandwidth_sharing.hpp"
#include "sim/engine/work_pool.hpp"
#include "sim/engine/layer_accounting.hpp"
#include "sim/engine/memory_hierarchy.hpp"
#include "sim/workload/fusion.hpp"

namespace tilesim {
namespace {

// In-order cores overlap only part of their memory stalls with arithmetic (no reordering
// around a missing load); out-of-order cores hide the shorter of the two entirely.
constexpr double kInOrderExposedFraction = 0.5;

// DRAM limits of a CPU run: the memory's total, then each cluster's port.
constexpr int kMemoryLimit = 0;
constexpr int cluster_limit(int group) { return 1 + group; }

struct Core {
  const ClusterSpec* cluster = nullptr;
  int group = 0;     // index of its cluster among those in use (its DRAM limit)
  MemoryPath path;   // the levels past its L1
};

// The cores running the engine's threads, as executors of work items.
class CpuCores final : public Executor {
 public:
  CpuCores(const SocSpec& soc, const EngineProfile& engine, std::vector<Core> cores) : soc_(soc), cores_(std::move(cores)) {
    for (const Core& c : cores_) on_core_.push_back(engine.on_core(c.cluster->core.family));
  }

  ItemCost cost(int w, const KernelPlan& plan, const Phase& phase, const WorkItem& work) override {
    const Core& core = cores_[static_cast<size_t>(w)];
    const ClusterSpec& cl = *core.cluster;
    const CoreSpec& cs = cl.core;
    const double f = cl.frequency;
    const Traffic t = MemoryHierarchy::access(core.path, work, bytes_per_element(plan.precision));
    ItemCost c;
    const double efficiency = on_core_[static_cast<size_t>(w)].efficiency(phase.kernel_class, plan.precision);
    const double rate = cs.ops_per_cycle(plan.precision) * efficiency * f;
    // The L1 serves loads at its bandwidth (and as far as the lines the core keeps in flight cover
    // its latency); stores go through a port of their own.
    const double mlp = cs.outstanding_misses;  // lines in flight at any level: the core's memory-level parallelism
    const double l1_loads = level_seconds(static_cast<double>(t.l1 - t.l1_written), cs.l1d, f, 1.0, mlp * cs.l1d.line);
    const double l1_stores = t.l1_written / (cs.store_bytes_per_cycle * f);
    c.arithmetic = rate > 0 ? static_cast<double>(work.flops) / rate : 0.0;
    c.l1 = std::max(l1_loads, l1_stores);
    c.compute = std::max(c.arithmetic, c.l1);
    for (size_t i = 0; i < core.path.levels.size(); ++i) {
      const CacheSpec& level = *core.path.levels[i]->spec;
      c.on_chip += level_seconds(static_cast<double>(t.level[i]), level, f, 1.0, mlp * level.line);
    }
    // The first miss to DRAM is exposed whole; the rest overlap as the flow's cap allows.
    if (t.dram > 0) c.on_chip += soc_.memory.latency;
    // The core, its L1 and L2 sit in the cluster's voltage domain; shared levels and DRAM do not.
    const double core_energy = work.flops * cs.energy_per_op(plan.precision) + t.l1 * cs.l1d.energy_per_byte +
                               level_energy(core.path, t, true);
    c.energy = cl.energy_scale() * core_energy + t.dram * soc_.memory.energy_per_byte + level_energy(core.path, t, false);
    c.dram = t.dram;
    // Little's law at DRAM: the L2's lines in flight over the memory's latency bound one core's bandwidth.
    c.flow.cap = mlp * core.path.levels.front()->spec->line / soc_.memory.latency;
    c.flow.through(kMemoryLimit).through(cluster_limit(core.group));
    return c;
  }

  double overlapped(int w, double compute, double memory) const override {
    double took = std::max(compute, memory);
    if (!cores_[static_cast<size_t>(w)].cluster->core.out_of_order)
      took += kInOrderExposedFraction * std::min(compute, memory);
    return took;
  }

  const std::vector<Core>& cores() const { return cores_; }
  const std::vector<EngineProfile::OnCore>& on_core() const { return on_core_; }

 private:
  const SocSpec& soc_;
  std::vector<Core> cores_;  // in placement order
  std::vector<EngineProfile::OnCore> on_core_;  // what the engine reaches on each
};

class CpuSimulation {
 public:
  CpuSimulation(const SocSpec& soc, const EngineProfile& engine, const CpuRunOptions& opt)
      : engine_(engine), options_(opt), memory_(soc), pool_(opt.record_timeline),
        cores_(soc, engine, place_threads(soc, opt)) {
    limits_.push_back(soc.memory.achievable_bandwidth());
    for (const ClusterSpec* c : used_clusters_) {
      static_power_ += c->static_power_cluster;
      limits_.push_back(c->max_dram_bandwidth);
    }
    for (const Core& c : cores_.cores()) static_power_ += c.cluster->static_power_per_core;
    // The fixed costs of a layer: the slowest core's wake-up and barrier decide.
    for (const auto& on : cores_.on_core()) {
      wakeup_s_ = std::max(wakeup_s_, at_threads(on.values.wakeup_overhead, opt.threads));
      barrier_s_ = std::max(barrier_s_, at_threads(on.values.barrier_overhead, opt.threads));
      layer_s_ = std::max(layer_s_, on.values.layer_overhead);
    }
    precision_ = resolve_precision();
    if (auto t = pool_.timeline()) {
      int index = 0;
      for (const Core& c : cores_.cores())
        t->tracks.push_back(fmt::format("cpu{} ({}, {})", index++, c.cluster->name, c.cluster->core.name));
    }
  }

  DataType precision() const { return precision_; }
  double static_power() const { return static_power_; }
  WorkPool& pool() { return pool_; }
  const CpuCores& cores() const { return cores_; }
  void probe_into(RunProbe* probe) { probe_ = probe; }

  KernelPlan lower(const Network& net, OpId id) const {
    return lower_layer(net, id, engine_, cpu_target(*cores_.cores().front().cluster, precision_, options_.threads));
  }

  LayerResult run_layer(const Network& net, OpId id, const KernelPlan& plan, double& now, int layer_index,
                        int64_t& workspace, int64_t& weights) {
    const auto& cores = cores_.cores();
    workspace = std::max(workspace, plan.workspace_bytes);
    weights += resident_weight_bytes(net, id, plan, bytes_per_element(precision_));
    LayerResult r = layer_result_for(net, id, plan);
    r.main_slots = options_.threads;
    if (plan.phases.empty()) {  // a view: no kernel runs
      name_bound(r);
      return r;
    }
    // Phases run one after another, each a parallel loop ended by a barrier: the slowest thread
    // decides when the next starts. Each layer runs on its own clock from 0, so its time does
    // not depend on where it sits in the network. Static partition: OpenMP schedule(static)
    // chunks; tile2d and dynamic: each free core takes the next tile (pthreadpool's work
    // stealing evens out the same way).
    const auto workers = static_cast<int>(cores.size());
    SlotTally tally;
    tally.busy.assign(cores.size(), 0.0);
    tally.compute.assign(cores.size(), 0.0);
    tally.split = probe_ != nullptr;
    // pthreadpool runs a loop of one tile on the calling thread: nothing to wake, nothing to wait
    // for. OpenMP's parallel for forks and joins the team whatever the trip count.
    auto forks = [&](const Phase& phase) { return engine_.partition == Partition::static_chunks || phase.items.size() > 1; };
    const bool wakes = std::any_of(plan.phases.begin(), plan.phases.end(), forks);
    const double barriers = static_cast<double>(std::count_if(plan.phases.begin(), plan.phases.end(), forks));
    double clock = layer_s_ + (wakes ? wakeup_s_ : 0.0);
    for (const Phase& phase : plan.phases) {
      const auto n = static_cast<int64_t>(phase.items.size());
      ItemSource source = engine_.partition == Partition::static_chunks ? ItemSource::static_chunks(n, options_.threads, workers)
                                                        : ItemSource::shared_queue(n);
      const SlotTally before = probe_ ? tally : SlotTally{};
      const double start = clock;
      clock = pool_.run_phase(plan, phase, workers, source, cores_, limits_, now, layer_index, clock, tally);
      if (probe_) record_phase(plan, phase, before, tally, clock - start);
      if (forks(phase)) clock += barrier_s_;
    }
    const double mean_busy = std::accumulate(tally.busy.begin(), tally.busy.end(), 0.0) / workers;
    r.overhead_s = layer_s_ + (wakes ? wakeup_s_ : 0.0) + barrier_s_ * barriers;
    if (probe_) {
      ++probe_->layers;
      probe_->wakeups += wakes;
      probe_->barriers += static_cast<int64_t>(barriers);
    }
    r.compute_s = std::accumulate(tally.compute.begin(), tally.compute.end(), 0.0) / workers;
    r.memory_s = mean_busy - r.compute_s;
    r.latency_s = clock;
    // What is left is waiting for the slowest thread; the parts add up to the latency.
    r.imbalance_s = std::max(0.0, r.latency_s - r.overhead_s - mean_busy);
    r.energy_j = tally.energy + static_power_ * r.latency_s;
    r.dram_bytes = tally.dram;
    now += r.latency_s;
    name_bound(r);
    return r;
  }

 private:
  void record_phase(const KernelPlan& plan, const Phase& phase, const SlotTally& before, const SlotTally& after,
                    double seconds) {
    PhaseSample p{phase.kernel_class, plan.precision, seconds, {}};
    for (size_t s = 0; s < after.busy.size(); ++s) {
      auto was = [&](const std::vector<double>& v) { return s < v.size() ? v[s] : 0.0; };
      p.slots.push_back({after.arithmetic[s] - was(before.arithmetic), after.memory_bound[s] - was(before.memory_bound),
                         after.busy[s] - was(before.busy)});
    }
    probe_->phases.push_back(std::move(p));
  }

  // The cores the threads run on, in placement order: the requested clusters' cores, one thread
  // each (threads beyond them time-share).
  std::vector<Core> place_threads(const SocSpec& soc, const CpuRunOptions& opt) {
    if (opt.threads < 1) throw ConfigError::about("threads", fmt::format("a run needs at least one thread, not {}", opt.threads));
    auto clusters = soc.clusters_of(opt.cores);
    if (clusters.empty()) clusters = soc.clusters_of("all");  // a homogeneous SoC: every core is both
    std::vector<const ClusterSpec*> candidates;
    for (const ClusterSpec* c : clusters)
      for (int i = 0; i < static_cast<int>(c->count); ++i) candidates.push_back(c);
    const int workers = std::min<int>(opt.threads, static_cast<int>(candidates.size()));
    std::vector<Core> placed;
    for (int w = 0; w < workers; ++w) {
      const ClusterSpec* cluster = candidates[static_cast<size_t>(w)];
      auto it = std::find(used_clusters_.begin(), used_clusters_.end(), cluster);
      if (it == used_clusters_.end()) it = used_clusters_.insert(used_clusters_.end(), cluster);
      placed.push_back(Core{cluster, static_cast<int>(it - used_clusters_.begin()), memory_.add_core(*cluster)});
    }
    return placed;
  }

  DataType resolve_precision() const {
    const auto& p = options_.precision;
    const auto& cores = cores_.cores();
    if (p == "auto") {
      DataType t = engine_.auto_precision(cores.front().cluster->core);
      for (const Core& c : cores)
        if (engine_.auto_precision(c.cluster->core) != t) t = DataType::fp32;  // a mixed pool computes in what all support
      return t;
    }
    const DataType t = p == "fp16" ? DataType::fp16 : p == "int8" ? DataType::int8 : DataType::fp32;
    for (const Core& c : cores)
      if (c.cluster->core.ops_per_cycle(t) <= 0)
        throw ConfigError::about("precision", fmt::format("{}: core '{}' has no {} arithmetic", p, c.cluster->core.name, p));
    return t;
  }

  const EngineProfile& engine_;
  CpuRunOptions options_;
  MemoryHierarchy memory_;
  std::vector<const ClusterSpec*> used_clusters_;  // filled by place_threads
  WorkPool pool_;
  CpuCores cores_;
  std::vector<double> limits_;  // DRAM: the memory's, then each used cluster's
  DataType precision_ = DataType::fp32;
  double static_power_ = 0;
  double layer_s_ = 0, wakeup_s_ = 0, barrier_s_ = 0;  // per layer, per layer, per phase
  RunProbe* probe_ = nullptr;            // recording the phases, where set
};

}  // namespace

RunResult simulate_cpu(const Network& unfused, const SocSpec& soc, const EngineProfile& engine,
                       const CpuRunOptions& options) {
  check_simulation_size(unfused, 1 + options.warmup_runs);
  const Network net = fuse(unfused, engine.fusion());
  CpuSimulation sim(soc, engine, options);
  RunResult result = run_identity(net, soc, engine, "cpu");
  result.threads = options.threads;
  result.cores = options.cores;
  result.precision = std::string(to_string(sim.precision()));

  const auto order = net.topological_order();
  std::vector<KernelPlan> plans(net.op_count());  // every inference runs the same plans
  for (OpId id : order) plans[static_cast<size_t>(id)] = sim.lower(net, id);
  for (int w = 0; w < options.warmup_runs; ++w) {
    double scratch_time = 0;
    int64_t scratch_workspace = 0, scratch_weights = 0;
    for (OpId id : order)
      sim.run_layer(net, id, plans[static_cast<size_t>(id)], scratch_time, 0, scratch_workspace, scratch_weights);
  }
  sim.pool().clear_timeline();  // the warm-up is not part of the run
  if (options.probe) {
    *options.probe = RunProbe{};
    options.probe->threads = options.threads;
    for (const Core& c : sim.cores().cores()) options.probe->slot_family.push_back(c.cluster->core.family);
    sim.probe_into(options.probe);
  }
  double now = 0;
  for (OpId id : order) {
    LayerResult layer = sim.run_layer(net, id, plans[static_cast<size_t>(id)], now, static_cast<int>(result.layers.size()),
                                      result.workspace_bytes, result.weight_bytes);
    result.energy_j += layer.energy_j;
    result.macs += layer.macs;
    result.layers.push_back(std::move(layer));
  }
  close_run(result, net, order, bytes_per_element(sim.precision()), now, sim.static_power(), sim.pool());
  return result;
}

}  // namespace tilesim
