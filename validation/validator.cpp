#include "validation/validator.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <numeric>
#include <set>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/engine/gpu_simulator.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/op_cost.hpp"
#include "sim/workload/import/model_loader.hpp"
#include "validation/baselines.hpp"
#include "validation/layer_network.hpp"
#include "validation/progress.hpp"

namespace tilesim {
namespace {

// What the baselines need of a simulated configuration: the peak FLOP/s of the compute in use
// and the achievable DRAM bandwidth, both from the SoC description alone.
struct Peak {
  double flops = 0, bandwidth = 0;
};

// `quantized`: the network fixes int8 arithmetic for some layers (ncnn's *_int8), whose peak then bounds.
Peak peak_of(const SocSpec& soc, const RunResult& r, bool quantized = false) {
  Peak p;
  p.bandwidth = soc.memory.achievable_bandwidth();
  const DataType t = r.precision == "fp16" ? DataType::fp16
                     : r.precision == "int8" || (quantized && r.device == "cpu") ? DataType::int8
                                                                                 : DataType::fp32;
  if (r.device == "gpu") {
    p.flops = soc.gpu->peak_flops(t);
    return p;
  }
  int left = r.threads;
  auto clusters = soc.clusters_of(r.cores);
  if (clusters.empty()) clusters = soc.clusters_of("all");
  for (const ClusterSpec* c : clusters)
    for (int i = 0; i < static_cast<int>(c->count) && left > 0; ++i, --left)
      p.flops += c->core.ops_per_cycle(t) * c->frequency;
  return p;
}

// Bytes a layer must move at least once: its inputs, outputs and weights.
double min_bytes(const Network& net, OpId id, int64_t elem) {
  const OpCost c = op_cost(net, id);
  return static_cast<double>(c.input_bytes + c.output_bytes + c.weight_bytes) / 4.0 * static_cast<double>(elem);
}

RunResult simulate(const Network& net, const SocSpec& soc, const EngineProfile& engine, const std::string& device,
                   int threads, const std::string& cores, const std::string& precision) {
  if (device == "gpu") return simulate_gpu(net, soc, engine, GpuRunOptions{precision, false, 1});
  CpuRunOptions o{threads, cores, precision};
  o.warmup_runs = 1;
  return simulate_cpu(net, soc, engine, o);
}

std::string model_key(const NetworkMeasurement& m) {
  return (m.model_file.empty() ? m.model : m.model_file) + "@" + shape_to_string(m.input);
}

bool quantized(const Network& fused) {
  for (size_t k = 0; k < fused.op_count(); ++k)
    if (fused.op(static_cast<OpId>(k)).compute_type == DataType::int8) return true;
  return false;
}

}  // namespace

std::string MeasuredSocs::key(const NetworkMeasurement& m) {
  std::string key = m.soc;
  for (const auto& o : m.soc_overrides) key += "|" + o;
  return key;
}

MeasuredSocs::MeasuredSocs(const std::vector<const NetworkMeasurement*>& rows) {
  for (const NetworkMeasurement* m : rows)
    if (!loaded_.count(key(*m))) loaded_.emplace(key(*m), load_soc(m->soc, m->soc_overrides));
}

const SocSpec& MeasuredSocs::of(const NetworkMeasurement& m) const { return loaded_.at(key(m)); }

void check_plausible(const NetworkMeasurement& m, const Network& fused, const SocSpec& soc, const RunResult& r) {
  double flops = 0;
  for (size_t k = 0; k < fused.op_count(); ++k) flops += static_cast<double>(op_cost(fused, static_cast<OpId>(k)).flops);
  const Peak p = peak_of(soc, r, quantized(fused));
  const double floor_ms = p.flops > 0 ? flops / (2 * p.flops) * 1e3 : 0;
  if (compared_time_ms(m.time) < floor_ms)
    throw ConfigError(fmt::format("{} on {} measured {:.3f} ms, below the {:.3f} ms that twice the peak allows",
                                  m.model, m.soc, compared_time_ms(m.time), floor_ms));
}

MeasuredNetworks::MeasuredNetworks(const std::vector<const NetworkMeasurement*>& rows) {
  std::set<std::string> unbuildable;
  for (const NetworkMeasurement* m : rows) {
    const std::string key = model_key(*m);
    if (built_.count(key) || unbuildable.count(key)) continue;
    const std::string& model = m->model_file.empty() ? m->model : m->model_file;
    try {
      built_.emplace(key, load_model(model, m->input.empty() ? std::nullopt : std::optional<Shape>(m->input)));
    } catch (const std::runtime_error& e) {  // a malformed model file (ConfigError) or graph (GraphError)
      unbuildable.insert(key);
      failures_.push_back(fmt::format("{}: {}", model, e.what()));
    }
  }
}

const Network* MeasuredNetworks::of(const NetworkMeasurement& m) const {
  const auto it = built_.find(model_key(m));
  return it == built_.end() ? nullptr : &it->second;
}

double compared_time_ms(const TimeStats& t) {
  if (t.min_ms > 0) return t.min_ms;
  if (t.median_ms > 0) return t.median_ms;
  return t.mean_ms;
}

std::vector<ValidationRow> validate_layers(const Trace& trace, const LayerValidationOptions& o,
                                           std::vector<std::string>& notes) {
  const std::string soc_name = o.soc.empty() ? trace.soc : o.soc;
  const std::string engine_name = o.engine.empty() ? trace.engine : o.engine;
  const SocSpec soc = load_soc(soc_name, o.soc_overrides);
  const EngineProfile engine = o.engine_profile ? *o.engine_profile : load_engine(engine_name);
  const std::string group = o.group.empty() ? (trace.device.empty() ? soc_name : trace.device) : o.group;
  const std::string& device = choice_name(engine_target_names(), engine.target);
  const int threads = static_cast<int>(std::max<int64_t>(1, trace.threads));
  const std::string precision = trace.precision.empty() ? "auto" : trace.precision;
  const std::string detail = fmt::format("{} {} threads {} {}", engine_name, threads, trace.cores, precision);
  std::vector<ValidationRow> rows(trace.layers.size());
  std::vector<uint8_t> used(trace.layers.size(), 0);  // not vector<bool>: written from parallel tasks

  // Rows without shapes: simulate the model once and match by order within each operator kind.
  std::map<std::string, std::vector<size_t>> by_op;
  for (size_t i = 0; i < trace.layers.size(); ++i)
    if (trace.layers[i].input.empty()) by_op[trace.layers[i].op].push_back(i);
  std::vector<std::pair<size_t, double>> order_matched;  // row -> FLOPs of the layer it matched
  if (!by_op.empty()) {
    if (o.model.empty()) {
      notes.push_back(fmt::format("{} rows of {} have no shapes and no model was given to match them to: left out",
                                  std::accumulate(by_op.begin(), by_op.end(), size_t{0},
                                                  [](size_t s, const auto& kv) { return s + kv.second.size(); }),
                                  trace.source));
    } else {
      const Network net = load_model(o.model, std::nullopt, ImportOptions{std::nullopt, o.allow_unknown, nullptr});
      const RunResult r = simulate(net, soc, engine, device, threads, trace.cores, precision);
      auto match = [&](size_t row, const LayerResult& sim, const std::string& how) {
        rows[row] = ValidationRow{group, trace.layers[row].name + how + sim.name, detail,
                                  compared_time_ms(trace.layers[row].time), sim.latency_s * 1e3};
        used[row] = true;
        order_matched.emplace_back(row, sim.flops);
      };
      // A trace recorded from the same model file names its layers as the simulation does: those
      // rows match by name; the rest in order within each operator kind.
      std::map<std::string, const LayerResult*> sim_by_name;
      for (const auto& l : r.layers) sim_by_name.emplace(l.name, &l);
      std::set<const LayerResult*> taken;
      for (auto& [op, idx] : by_op)
        for (size_t row : idx)
          if (auto it = sim_by_name.find(trace.layers[row].name); it != sim_by_name.end() && !taken.count(it->second)) {
            match(row, *it->second, " = ");
            taken.insert(it->second);
          }
      std::map<std::string, std::vector<const LayerResult*>> sim_by_op;
      for (const auto& l : r.layers)
        if (!taken.count(&l)) sim_by_op[l.op].push_back(&l);
      for (auto& [op, all] : by_op) {
        std::vector<size_t> idx;
        for (size_t row : all)
          if (!used[row]) idx.push_back(row);
        const auto& sims = sim_by_op[op];
        if (sims.size() != idx.size() && !idx.empty())
          notes.push_back(fmt::format("{}: {} measured {} rows, {} simulated {} layers: matched in order as far as both go",
                                      trace.source, idx.size(), op, sims.size(), op));
        for (size_t k = 0; k < std::min(idx.size(), sims.size()); ++k) match(idx[k], *sims[k], " ~ ");
      }
    }
  }

  // Rows with shapes: one-layer networks, simulated in parallel.
  std::mutex mu;
  std::vector<double> flops(trace.layers.size(), 0), bytes(trace.layers.size(), 0);
  std::vector<Peak> peaks(trace.layers.size());
  for (const auto& [i, f] : order_matched) flops[i] = f;
  int skipped = 0;
  Progress progress(fmt::format("simulating the layers of {}", trace.source), trace.layers.size());
  tbb::parallel_for(size_t{0}, trace.layers.size(), [&](size_t i) {
    const Progress::Tick tick{progress};
    const LayerMeasurement& l = trace.layers[i];
    if (l.input.empty()) return;
    std::optional<Network> net;
    try {
      net = layer_network(l);
    } catch (const ConfigError& e) {
      std::lock_guard lock(mu);
      notes.push_back(fmt::format("{}: left out: {}", trace.source, e.what()));
      return;
    }
    if (!net) {
      std::lock_guard lock(mu);
      ++skipped;
      return;
    }
    const RunResult r = simulate(*net, soc, engine, device, threads, trace.cores, precision);
    double ms = 0;
    for (const auto& layer : r.layers) ms += layer.latency_s * 1e3;
    const Network fused = fuse(*net, engine.fusion());
    const int64_t elem = r.precision == "fp16" ? 2 : r.precision == "int8" ? 1 : 4;
    for (size_t k = 0; k < fused.op_count(); ++k) {
      flops[i] += static_cast<double>(op_cost(fused, static_cast<OpId>(k)).flops);
      bytes[i] += min_bytes(fused, static_cast<OpId>(k), elem);
    }
    peaks[i] = peak_of(soc, r);
    rows[i] = ValidationRow{group, l.name, detail, compared_time_ms(l.time), ms};
    used[i] = true;
  });
  if (skipped > 0) notes.push_back(fmt::format("{}: {} rows of operators not simulated alone (elementwise, reshape, ...) left out",
                                               trace.source, skipped));
  std::vector<ValidationRow> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!used[i]) continue;
    Peak p = peaks[i];
    if (p.flops == 0) {  // an order-matched row: the peak of the configuration the model ran in
      RunResult shell;
      shell.device = device;
      shell.threads = threads;
      shell.cores = trace.cores;
      shell.precision = precision == "auto" ? "fp32" : precision;
      p = peak_of(soc, shell);
    }
    ValidationRow row = rows[i];
    row.flops = flops[i];
    row.min_bytes = bytes[i];
    row.peak_flops = p.flops;
    row.bandwidth = p.bandwidth;
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<ValidationRow> validate_networks(const std::vector<NetworkMeasurement>& rows,
                                             std::vector<std::string>& notes, const EngineProfile* given) {
  // Load each distinct SoC and engine once; simulate rows in parallel.
  std::vector<const NetworkMeasurement*> row_ptrs;
  for (const auto& m : rows) row_ptrs.push_back(&m);
  const MeasuredSocs socs(row_ptrs);
  std::map<std::string, EngineProfile> engines;
  for (const auto& r : rows)
    if (!given && !engines.count(r.engine)) engines.emplace(r.engine, load_engine(r.engine));
  std::vector<ValidationRow> out(rows.size());
  std::vector<uint8_t> ok(rows.size(), 0);  // not vector<bool>: written from parallel tasks
  const MeasuredNetworks networks(row_ptrs);
  for (const auto& f : networks.failures()) notes.push_back(f + "; its rows left out");
  std::mutex mu;
  Progress progress("simulating measured networks", rows.size());
  tbb::parallel_for(size_t{0}, rows.size(), [&](size_t i) {
    const NetworkMeasurement& m = rows[i];
    const Progress::Tick tick{progress};
    const Network* net = networks.of(m);
    if (!net) return;
    const SocSpec& soc = socs.of(m);
    const EngineProfile& engine = given ? *given : engines.at(m.engine);
    try {
      const RunResult r = simulate(*net, soc, engine, m.device, static_cast<int>(std::max<int64_t>(1, m.threads)),
                                   m.cores, m.precision.empty() ? "auto" : m.precision);
      const Network fused = fuse(*net, engine.fusion());
      const int64_t elem = r.precision == "fp16" ? 2 : r.precision == "int8" ? 1 : 4;
      double flops = 0, bytes = 0;
      for (size_t k = 0; k < fused.op_count(); ++k) {
        flops += static_cast<double>(op_cost(fused, static_cast<OpId>(k)).flops);
        bytes += min_bytes(fused, static_cast<OpId>(k), elem);
      }
      const Peak p = peak_of(soc, r, quantized(fused));
      check_plausible(m, fused, soc, r);
      const std::string group = m.device == "gpu" ? fmt::format("{} gpu", m.soc) : m.soc;
      out[i] = ValidationRow{group, m.model,
                             fmt::format("{} {} {} threads {} {}", m.engine, m.device, m.threads, m.cores, r.precision),
                             compared_time_ms(m.time), r.latency_s * 1e3, flops, bytes, p.flops, p.bandwidth};
      ok[i] = true;
    } catch (const ConfigError& e) {
      std::lock_guard lock(mu);
      notes.push_back(fmt::format("{}: left out: {}", m.source, e.what()));
    }
  });
  std::vector<ValidationRow> kept;
  for (size_t i = 0; i < rows.size(); ++i)
    if (ok[i]) kept.push_back(std::move(out[i]));
  return kept;
}

ValidationReport summarize(std::vector<ValidationRow> rows, std::vector<std::string> notes) {
  std::vector<BaselineInput> base;
  for (const auto& row : rows)
    base.push_back(
        BaselineInput{row.group, row.detail, row.measured_ms, row.flops, row.min_bytes, row.peak_flops, row.bandwidth});
  const BaselinePredictions bp = predict_baselines(base);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].flops_ms = bp.flops_ms[i];
    rows[i].roofline_ms = bp.roofline_ms[i];
    rows[i].oracle_flops_ms = bp.oracle_flops_ms[i];
  }
  ValidationReport r;
  r.compared_statistic = "min where the source gives min/max/avg (least disturbed by noise and heat), else median";
  auto summary = [](const std::vector<const ValidationRow*>& rs) {
    std::vector<double> m, s, f, l, om, o;
    for (const auto* x : rs) {
      m.push_back(x->measured_ms);
      s.push_back(x->simulated_ms);
      f.push_back(x->flops_ms);
      l.push_back(x->roofline_ms);
      if (x->oracle_flops_ms > 0) {
        om.push_back(x->measured_ms);
        o.push_back(x->oracle_flops_ms);
      }
    }
    return ValidationSummary{error_metrics(m, s), error_metrics(m, f), error_metrics(m, l), error_metrics(om, o)};
  };
  std::vector<const ValidationRow*> all;
  std::map<std::string, std::vector<const ValidationRow*>> groups;
  for (const auto& row : rows) {
    all.push_back(&row);
    groups[row.group].push_back(&row);
  }
  r.overall = summary(all);
  for (const auto& [g, rs] : groups) r.per_group.emplace_back(g, summary(rs));
  std::sort(notes.begin(), notes.end());
  r.notes = std::move(notes);
  r.rows = std::move(rows);
  return r;
}

}  // namespace tilesim
