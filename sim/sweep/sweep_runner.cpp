#include "sim/sweep/sweep_runner.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <yaml-cpp/yaml.h>

#include "hwmodels/area_model.hpp"
#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/run_request.hpp"
#include "sim/sweep/content_hash.hpp"
#include "sim/sweep/sweep_design.hpp"
#include "sim/sweep/sweep_results.hpp"
#include "sim/workload/import/input_shape.hpp"
#include "sim/workload/import/model_loader.hpp"
#include "validation/progress.hpp"

namespace tilesim {
namespace {

// What a point runs, resolved: its SoC description and run settings, and their digest.
struct ResolvedPoint {
  YAML::Node soc_tree;
  std::string model, soc, engine, device;
  RunRequest run;
  std::string hash;
};

// Models and engines of a sweep, loaded once before any point runs: a model that does not load
// is an error of the config, not a failure of every point that names it.
class SweepInputs {
 public:
  SweepInputs(const SweepConfig& c, const std::vector<PointValues>& points) {
    std::optional<Shape> input;
    if (c.base.count("input")) input = parse_input_shape(c.base.at("input"));
    for (const auto& p : points) {
      const std::string model = model_of(c, p), device = device_of(c, p), engine = engine_of(c, p);
      if (!models_.count(model)) models_.emplace(model, load_model(model, input));
      if (!engines_.count(engine)) engines_.emplace(engine, load_engine(engine));
    }
  }
  static std::string model_of(const SweepConfig& c, const PointValues& p) {
    const std::string m = c.run_value(p, "model");
    return m.empty() ? "mobilenet_v2" : m;
  }
  static std::string device_of(const SweepConfig& c, const PointValues& p) {
    const std::string d = c.run_value(p, "device");
    return d.empty() ? "cpu" : d;
  }
  static std::string engine_of(const SweepConfig& c, const PointValues& p) {
    const std::string e = c.run_value(p, "engine");
    return e.empty() ? default_engine(device_of(c, p)) : e;
  }
  const Network& model(const std::string& name) const { return models_.at(name); }
  const EngineProfile& engine(const std::string& name) const { return engines_.at(name); }

 private:
  std::map<std::string, Network> models_;
  std::map<std::string, EngineProfile> engines_;
};

// A canonical text of a tree, to digest: every scalar with its length, so no two trees share one.
void canonical_text(const YAML::Node& n, std::string& out) {
  if (n.IsMap()) {
    out += '{';
    for (const auto& kv : n) {
      canonical_text(kv.first, out);
      canonical_text(kv.second, out);
    }
    out += '}';
  } else if (n.IsSequence()) {
    out += '[';
    for (const auto& v : n) canonical_text(v, out);
    out += ']';
  } else if (n.IsScalar()) {
    out += fmt::format("{}:", n.Scalar().size());
    out += n.Scalar();
  } else {
    out += '~';
  }
}

ResolvedPoint resolve_point(const SweepConfig& c, const SweepSocs& socs, const PointValues& p) {
  ResolvedPoint r;
  r.soc_tree = socs.tree(p);
  r.model = SweepInputs::model_of(c, p);
  r.device = SweepInputs::device_of(c, p);
  r.engine = SweepInputs::engine_of(c, p);
  r.soc = c.run_value(p, "soc").empty() ? "snapdragon855" : c.run_value(p, "soc");
  r.run.device = r.device;
  if (const std::string v = c.run_value(p, "cores"); !v.empty()) r.run.cores = v;
  if (const std::string v = c.run_value(p, "precision"); !v.empty()) r.run.precision = v;
  if (const std::string v = c.run_value(p, "threads"); !v.empty()) r.run.threads = std::stoi(v);
  if (const std::string v = c.run_value(p, "warmup"); !v.empty()) r.run.warmup = std::stoi(v);
  std::string soc_text;
  canonical_text(r.soc_tree, soc_text);
  r.hash = content_hash(fmt::format("{}\nmodel={} input={} engine={} device={} cores={} precision={} threads={} warmup={}",
                                    soc_text, r.model, c.run_value(p, "input"), r.engine, r.device, r.run.cores,
                                    r.run.precision, r.run.threads.value_or(0), r.run.warmup));
  return r;
}

void simulate_point(const ResolvedPoint& rp, const SweepInputs& inputs, PointResult& out) {
  try {
    const SocSpec soc = parse_soc(rp.soc_tree, rp.soc);
    const RunResult r = simulate_run(inputs.model(rp.model), soc, inputs.engine(rp.engine), rp.run);
    out.threads = r.threads;
    out.latency_ms = r.latency_s * 1e3;
    out.energy_mj = r.energy_j * 1e3;
    out.peak_memory_mib = static_cast<double>(r.peak_memory_bytes) / 1048576.0;
    const SocArea area = soc_area(soc);
    out.area_mm2 = area.unknown.empty() ? area.total() * 1e6 : std::numeric_limits<double>::quiet_NaN();
    out.macs = r.macs;
    out.events = static_cast<int64_t>(r.events);
    out.status = "ok";
  } catch (const ConfigError& e) {  // a point the model refuses: recorded with its reason
    out.status = "failed";
    out.error = e.setting().empty() ? e.what() : fmt::format("{}: {}", e.setting(), e.what());
  } catch (const GraphError& e) {
    out.status = "failed";
    out.error = e.what();
  }
}

// Configuration digest -> the row that simulated it successfully.
std::unordered_map<std::string, size_t> simulated_rows(const std::vector<PointResult>& rows) {
  std::unordered_map<std::string, size_t> first;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].status == "ok") first.emplace(rows[i].hash, i);
  return first;
}

}  // namespace

SweepRunStats run_sweep(const SweepConfig& c, const SweepRunOptions& o) {
  const SweepSocs socs(c);
  const SweepDesign design = design_sweep(c, socs);
  SweepRunStats stats;
  stats.path = sweep_part_path(o.out, o.rank, o.ranks);
  stats.planned = static_cast<int64_t>(design.points.size());

  SweepResults results;
  if (std::filesystem::exists(stats.path)) {
    if (!o.resume)
      throw ConfigError(fmt::format("{}: exists; --resume continues that sweep, or remove the file", stats.path));
    results = read_sweep_results(stats.path);
    if (results.config_hash != c.hash)
      throw ConfigError(fmt::format("{}: holds the results of another sweep config (its digest {}, {}'s {}); --resume "
                                    "continues only the same sweep", stats.path, results.config_hash, c.file, c.hash));
    if (results.rank != o.rank || results.ranks != o.ranks)
      throw ConfigError(fmt::format("{}: is rank {}'s part of {}, not rank {}'s of {}", stats.path, results.rank,
                                    results.ranks, o.rank, o.ranks));
  }
  results.config_file = c.file;
  results.config_text = c.text;
  results.config_hash = c.hash;
  results.sampling = sampling_name(c.sampling);
  results.seed = c.sampling == Sampling::grid ? 0 : static_cast<int64_t>(c.seed);
  results.drawn = design.drawn;
  results.planned = stats.planned;
  results.rank = o.rank;
  results.ranks = o.ranks;
  results.parameters.clear();
  for (const auto& p : c.parameters) results.parameters.push_back(p.key);

  std::set<int64_t> done;
  for (const auto& r : results.rows) done.insert(r.index);
  auto first_of = simulated_rows(results.rows);
  std::vector<int64_t> todo;
  for (int64_t i = 0; i < stats.planned; ++i)
    if (i % o.ranks == o.rank) {
      ++stats.share;
      if (!done.count(i)) todo.push_back(i);
    }
  stats.already_done = stats.share - static_cast<int64_t>(todo.size());

  std::vector<PointValues> mine;
  for (const int64_t i : todo) mine.push_back(design.points[static_cast<size_t>(i)]);
  const SweepInputs inputs(c, mine);
  Progress progress("sweep", todo.size(), Progress::Untty::lines);
  const auto start = std::chrono::steady_clock::now();
  for (size_t begin = 0; begin < todo.size(); begin += static_cast<size_t>(o.batch)) {
    const size_t end = std::min(todo.size(), begin + static_cast<size_t>(o.batch));
    std::vector<PointResult> batch(end - begin);
    std::vector<ResolvedPoint> resolved(end - begin);
    tbb::parallel_for(size_t{0}, end - begin, [&](size_t k) {
      const PointValues& p = design.points[static_cast<size_t>(todo[begin + k])];
      PointResult& r = batch[k];
      r.index = todo[begin + k];
      r.values = p;
      try {
        resolved[k] = resolve_point(c, socs, p);
      } catch (const ConfigError& e) {
        r.status = "failed";
        r.error = e.what();
        progress.tick();
        return;
      }
      r.hash = resolved[k].hash;
      r.model = resolved[k].model;
      r.soc = resolved[k].soc;
      r.engine = resolved[k].engine;
      r.device = resolved[k].device;
    });
    // A configuration seen before (in this batch, earlier or in the file) is not simulated again.
    std::vector<size_t> to_simulate;
    std::vector<std::pair<size_t, std::string>> duplicates;
    std::unordered_map<std::string, size_t> in_batch;
    for (size_t k = 0; k < batch.size(); ++k) {
      if (batch[k].status == "failed") continue;
      if (first_of.count(batch[k].hash) || in_batch.count(batch[k].hash)) duplicates.emplace_back(k, batch[k].hash);
      else {
        in_batch.emplace(batch[k].hash, k);
        to_simulate.push_back(k);
      }
    }
    tbb::parallel_for(size_t{0}, to_simulate.size(), [&](size_t j) {
      const size_t k = to_simulate[j];
      Progress::Tick tick{progress};
      simulate_point(resolved[k], inputs, batch[k]);
    });
    for (const auto& [k, hash] : duplicates) {
      const PointResult& first = in_batch.count(hash) ? batch[in_batch.at(hash)] : results.rows[first_of.at(hash)];
      PointResult copy = first;
      copy.index = batch[k].index;
      copy.values = batch[k].values;
      copy.status = "duplicate";
      batch[k] = std::move(copy);
      progress.tick();
    }
    for (auto& r : batch) {
      stats.failed += r.status == "failed";
      stats.duplicates += r.status == "duplicate";
      if (r.status == "ok") {
        ++stats.simulated;
        stats.events += r.events;
      }
      results.rows.push_back(std::move(r));
    }
    std::sort(results.rows.begin(), results.rows.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    first_of = simulated_rows(results.rows);
    write_sweep_results(stats.path, results);
  }
  if (todo.empty()) write_sweep_results(stats.path, results);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace tilesim
