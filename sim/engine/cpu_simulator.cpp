#include "sim/engine/cpu_simulator.hpp"

#include <algorithm>
#include <deque>
#include <memory>
#include <numeric>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "kernels/lowering.hpp"
#include "sim/engine/block_cache.hpp"
#include "sim/engine/canonical_blocks.hpp"
#include "sim/engine/event_queue.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/memory_planner.hpp"
#include "sim/workload/op_cost.hpp"

namespace tilesim {
namespace {

// In-order cores overlap only part of their memory stalls with arithmetic (no reordering
// around a missing load); out-of-order cores hide the shorter of the two entirely.
constexpr double kInOrderExposedFraction = 0.5;

struct Worker {
  const ClusterSpec* cluster = nullptr;
  BlockCache* l2 = nullptr;  // the L2 this core reads through (private or the cluster's)
};

struct ItemTime {
  double total = 0, compute = 0, energy = 0;
  int64_t dram_bytes = 0;
};

class CpuSimulation {
 public:
  CpuSimulation(const SocSpec& soc, const EngineProfile& engine, const CpuRunOptions& opt)
      : soc_(soc), engine_(engine), options_(opt) {
    auto clusters = soc.clusters_of(opt.cores);
    if (clusters.empty()) clusters = soc.clusters_of("all");  // a homogeneous SoC: every core is both
    for (const ClusterSpec* c : clusters) {
      BlockCache* shared = nullptr;
      if (c->l2) shared = &caches_.emplace_back(c->l2->size);
      for (int i = 0; i < static_cast<int>(c->count); ++i) {
        BlockCache* l2 = shared;
        if (!l2 && c->core.l2) l2 = &caches_.emplace_back(c->core.l2->size);
        if (!l2) l2 = &caches_.emplace_back(c->core.l1d.size);  // no L2: L1 is the last private level
        cores_.push_back(Worker{c, l2});
      }
    }
    if (opt.threads < 1) throw ConfigError(fmt::format("--threads {}: must be at least 1", opt.threads));
    workers_ = std::min<int>(opt.threads, static_cast<int>(cores_.size()));
    l3_ = BlockCache(soc.l3 ? soc.l3->size : 0);
    slc_ = BlockCache(soc.memory.system_cache ? soc.memory.system_cache->size : 0);
    precision_ = resolve_precision();
    for (int w = 0; w < workers_; ++w) used_clusters_.push_back(cores_[static_cast<size_t>(w)].cluster);
    std::sort(used_clusters_.begin(), used_clusters_.end());
    used_clusters_.erase(std::unique(used_clusters_.begin(), used_clusters_.end()), used_clusters_.end());
    for (int w = 0; w < workers_; ++w) static_power_ += cores_[static_cast<size_t>(w)].cluster->static_power_per_core;
    for (const ClusterSpec* c : used_clusters_) static_power_ += c->static_power_cluster;
  }

  DataType precision() const { return precision_; }
  double static_power() const { return static_power_; }
  uint64_t events() const { return events_.pushed(); }
  const std::string& cores_name() const { return options_.cores; }

  // Runs one parallel loop from `start`; returns when its last item finishes. Static partition:
  // OpenMP schedule(static) gives each of the N threads one contiguous chunk, and threads beyond
  // the number of cores time-share them. tile2d and dynamic: each free core takes the next tile
  // (pthreadpool's work stealing evens out the same way).
  double run_phase(const KernelPlan& plan, const Phase& phase, double start,
                   std::vector<double>& busy, std::vector<double>& compute, LayerResult& r) {
    const auto n = static_cast<int64_t>(phase.items.size());
    if (n == 0) return start;
    const int threads = options_.threads;
    const bool is_static = engine_.partition == "static";
    std::vector<std::vector<int64_t>> queue(static_cast<size_t>(workers_));
    if (is_static) {
      int64_t next = 0;
      for (int t = 0; t < threads; ++t) {
        const int64_t count = n / threads + (t < n % threads ? 1 : 0);
        for (int64_t i = 0; i < count; ++i) queue[static_cast<size_t>(t % workers_)].push_back(next++);
      }
    }
    int64_t dynamic_next = 0;
    const int sharers = static_cast<int>(std::min<int64_t>(workers_, n));
    std::vector<size_t> cursor(static_cast<size_t>(workers_), 0);
    for (int w = 0; w < workers_; ++w) events_.push(start, 0, w);
    double end = start;
    while (!events_.empty()) {
      const auto e = events_.pop();
      const auto w = static_cast<size_t>(e.payload);
      int64_t item = -1;
      if (is_static) {
        if (cursor[w] < queue[w].size()) item = queue[w][cursor[w]++];
      } else if (dynamic_next < n) {
        item = dynamic_next++;
      }
      end = std::max(end, e.time);
      if (item < 0) continue;
      const ItemTime t = time_item(phase.items[static_cast<size_t>(item)], plan, phase.efficiency, cores_[w], sharers);
      busy[w] += t.total;
      compute[w] += t.compute;
      r.energy_j += t.energy;
      r.dram_bytes += t.dram_bytes;
      events_.push(e.time + t.total, 1, e.payload);
    }
    return end;
  }

  LayerResult run_layer(const Network& net, OpId id, double& now, int64_t& workspace, int64_t& weights) {
    const Operator& op = net.op(id);
    const OpCost cost = op_cost(net, id);
    const KernelPlan plan = lower_layer(net, id, engine_, cpu_target(*cores_.front().cluster, precision_, options_.threads));
    workspace = std::max(workspace, plan.workspace_bytes);
    int64_t raw_weights = 0;
    for (TensorId t : op.weights) raw_weights += net.tensor(t).elements() * bytes_per_element(precision_);
    weights += plan.packed_weight_bytes > 0 ? plan.packed_weight_bytes : raw_weights;

    LayerResult r;
    r.name = op.name;
    r.op = std::string(onnx_name(op.type));
    for (const auto& f : op.fused) r.fused.push_back(std::string(onnx_name(f.type)));
    r.algorithm = plan.algorithm;
    r.macs = cost.macs;
    r.flops = cost.flops;
    r.tiles = plan.tiles();
    if (plan.phases.empty()) {
      r.bound = "overhead";
      return r;
    }

    // Phases run one after another, each a parallel loop ended by a barrier; the slowest thread
    // decides when the next starts.
    double clock = engine_.wakeup_overhead;  // each layer runs on its own clock from 0
    std::vector<double> busy(static_cast<size_t>(workers_), 0.0), compute(static_cast<size_t>(workers_), 0.0);
    for (const Phase& phase : plan.phases) {
      clock = run_phase(plan, phase, clock, busy, compute, r);
      clock += engine_.barrier_overhead;
    }
    const double mean_busy = std::accumulate(busy.begin(), busy.end(), 0.0) / workers_;
    r.overhead_s = engine_.wakeup_overhead + engine_.barrier_overhead * static_cast<double>(plan.phases.size());
    r.compute_s = std::accumulate(compute.begin(), compute.end(), 0.0) / workers_;
    r.memory_s = mean_busy - r.compute_s;
    r.latency_s = clock;
    // What is left is waiting for the slowest thread; the parts add up to the latency.
    r.imbalance_s = std::max(0.0, r.latency_s - r.overhead_s - mean_busy);
    r.energy_j += static_power_ * r.latency_s;
    now += r.latency_s;
    const std::pair<double, const char*> parts[] = {
        {r.compute_s, "compute"}, {r.memory_s, "memory"}, {r.imbalance_s, "imbalance"}, {r.overhead_s, "overhead"}};
    r.bound = std::max_element(std::begin(parts), std::end(parts))->second;
    return r;
  }

 private:
  DataType resolve_precision() const {
    const auto& p = options_.precision;
    std::vector<const CoreSpec*> used;
    for (int w = 0; w < workers_; ++w) used.push_back(&cores_[static_cast<size_t>(w)].cluster->core);
    if (p == "auto") {
      DataType t = engine_.auto_precision(*used.front());
      for (const CoreSpec* c : used)
        if (engine_.auto_precision(*c) != t) t = DataType::fp32;  // a mixed pool computes in what all support
      return t;
    }
    const DataType t = p == "fp16" ? DataType::fp16 : p == "int8" ? DataType::int8 : DataType::fp32;
    for (const CoreSpec* c : used)
      if (c->ops_per_cycle(t) <= 0)
        throw ConfigError(fmt::format("--precision {}: core '{}' has no {} arithmetic", p, c->name, p));
    return t;
  }

  // Walks the block down the hierarchy (private/cluster L2, shared L3, system cache), filling
  // each level it missed. Returns the DRAM bytes it causes: a read that misses everywhere, and
  // modified blocks the last level evicts. A write that misses allocates without reading DRAM
  // (whole blocks are overwritten).
  int64_t lookup(const Worker& core, const BlockKey& key, int64_t bytes, bool write, int64_t& l2, int64_t& l3,
                 int64_t& slc) {
    BlockCache* levels[] = {core.l2, soc_.l3 ? &l3_ : nullptr, soc_.memory.system_cache ? &slc_ : nullptr};
    int64_t* served[] = {&l2, &l3, &slc};
    BlockCache* last = core.l2;
    for (BlockCache* c : levels)
      if (c) last = c;
    int64_t dram = 0;
    for (int i = 0; i < 3; ++i) {
      if (!levels[i]) continue;
      const BlockCache::Outcome o = levels[i]->access(key, bytes, write);
      if (levels[i] == last) dram += o.written_back;
      if (o.hit || write) {
        *served[i] += bytes;
        return dram;
      }
    }
    return dram + bytes;
  }

  ItemTime time_item(const WorkItem& item, const KernelPlan& plan, double efficiency, const Worker& core,
                     int sharers) {
    const ClusterSpec& cl = *core.cluster;
    const CoreSpec& cs = cl.core;
    const double f = cl.frequency;
    const CacheSpec& l2spec = cs.l2 ? *cs.l2 : (cl.l2 ? *cl.l2 : cs.l1d);
    int64_t l1 = 0, l2 = 0, l3 = 0, slc = 0, dram = 0;
    const int64_t elem = bytes_per_element(plan.precision);
    for (const DataAccess& a : item.accesses) {
      for_each_block(a, elem, [&](const BlockKey& key, int64_t bytes) {
        l1 += bytes;
        dram += lookup(core, key, bytes, a.write, l2, l3, slc);
      });
    }
    ItemTime t;
    const double rate = cs.ops_per_cycle(plan.precision) * efficiency * f;
    const double arithmetic = rate > 0 ? item.flops / rate : 0;
    const double l1_time = l1 / (cs.load_bytes_per_cycle * f);
    const double dram_share = soc_.memory.achievable_bandwidth() / std::max(1, sharers);
    double mem = l2 / (l2spec.bandwidth * f) + dram / dram_share + (dram > 0 ? soc_.memory.latency : 0);
    if (soc_.l3) mem += l3 / (soc_.l3->bandwidth * f);
    if (soc_.memory.system_cache) mem += slc / (soc_.memory.system_cache->bandwidth * f);
    t.compute = std::max(arithmetic, l1_time);
    t.total = std::max(t.compute, mem);
    if (!cs.out_of_order) t.total += kInOrderExposedFraction * std::min(t.compute, mem);
    t.dram_bytes = dram;
    // The core, its L1 and L2 sit in the cluster's voltage domain; shared levels and DRAM do not.
    t.energy = cl.energy_scale() * (item.flops * cs.energy_per_op(plan.precision) + l1 * cs.l1d.energy_per_byte +
                                    l2 * l2spec.energy_per_byte) +
               dram * soc_.memory.energy_per_byte;
    if (soc_.l3) t.energy += l3 * soc_.l3->energy_per_byte;
    if (soc_.memory.system_cache) t.energy += slc * soc_.memory.system_cache->energy_per_byte;
    return t;
  }

  const SocSpec& soc_;
  const EngineProfile& engine_;
  CpuRunOptions options_;
  std::deque<BlockCache> caches_;  // stable addresses for Worker::l2
  std::vector<Worker> cores_;      // candidate cores in placement order
  int workers_ = 1;                // cores actually running threads
  std::vector<const ClusterSpec*> used_clusters_;
  BlockCache l3_, slc_;
  DataType precision_ = DataType::fp32;
  double static_power_ = 0;
  EventQueue<int> events_;
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
  double now = 0;
  for (OpId id : order) {
    LayerResult layer = sim.run_layer(net, id, now, result.workspace_bytes, result.weight_bytes);
    result.energy_j += layer.energy_j;
    result.macs += layer.macs;
    result.layers.push_back(std::move(layer));
  }
  result.latency_s = now;
  result.static_energy_j = sim.static_power() * now;
  const int64_t elem = bytes_per_element(sim.precision());
  for (size_t t = 0; t < net.tensor_count(); ++t) {
    const Tensor& tensor = net.tensor(static_cast<TensorId>(t));
    if (tensor.kind == TensorKind::weight && tensor.learnable) result.params += tensor.elements();
  }
  result.activation_bytes = peak_activation_bytes(net, order, elem);
  result.peak_memory_bytes = result.weight_bytes + result.activation_bytes + result.workspace_bytes;
  result.events = sim.events();
  return result;
}

}  // namespace tilesim
