#include "sim/sweep/sweep_summary.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <unordered_set>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "hwmodels/config_error.hpp"

namespace tilesim {
namespace {

// The file itself, or every rank's part of it (sweep_part_path), all of one sweep.
std::vector<std::string> result_files(const std::string& path) {
  if (std::filesystem::exists(path)) return {path};
  std::filesystem::path p(path);
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : ".";
  const std::string stem = p.stem().string(), ext = p.extension().string().empty() ? ".h5" : p.extension().string();
  std::map<int, std::string> parts;
  int ranks = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string prefix = stem + ".rank-";
    if (name.rfind(prefix, 0) != 0 || name.size() < ext.size() || name.substr(name.size() - ext.size()) != ext) continue;
    int r = -1, n = -1;
    if (std::sscanf(name.c_str() + prefix.size(), "%d-of-%d", &r, &n) != 2 || n < 1 || r < 0 || r >= n) continue;
    if (ranks && n != ranks)
      throw ConfigError(fmt::format("{}: parts of {} and of {} ranks lie beside each other", path, ranks, n));
    ranks = n;
    parts[r] = entry.path().string();
  }
  if (parts.empty()) throw ConfigError(fmt::format("{}: no such file, and no rank's part of it beside it", path));
  for (int r = 0; r < ranks; ++r)
    if (!parts.count(r))
      throw ConfigError(fmt::format("{}: rank {}'s part of {} is missing ({})", path, r, ranks,
                                    sweep_part_path(path, r, ranks)));
  std::vector<std::string> files;
  for (const auto& [r, f] : parts) files.push_back(f);
  return files;
}

bool dominates(const PointResult& a, const PointResult& b, bool area) {
  const bool no_worse = a.latency_ms <= b.latency_ms && a.energy_mj <= b.energy_mj && (!area || a.area_mm2 <= b.area_mm2);
  const bool better = a.latency_ms < b.latency_ms || a.energy_mj < b.energy_mj || (area && a.area_mm2 < b.area_mm2);
  return no_worse && better;
}

std::vector<PointResult> pareto_front(std::vector<const PointResult*> rows, bool area) {
  std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    return a->latency_ms != b->latency_ms ? a->latency_ms < b->latency_ms : a->index < b->index;
  });
  std::vector<PointResult> front;
  for (const PointResult* r : rows) {
    // Sorted by latency: only points already on the front can dominate this one.
    bool dominated = false;
    for (const auto& f : front) dominated = dominated || dominates(f, *r, area) ||
                                            (f.latency_ms == r->latency_ms && f.energy_mj == r->energy_mj &&
                                             (!area || f.area_mm2 == r->area_mm2));
    if (!dominated) front.push_back(*r);
  }
  return front;
}

// The number a value's text starts with ("2400MT/s" -> 2400), for grouping a range into quartiles.
double leading_number(const std::string& s) {
  try {
    return std::stod(s);
  } catch (const std::exception&) {
    return 0;
  }
}

ParameterEffect effect(size_t p, const std::string& key, const std::vector<const PointResult*>& rows, bool range) {
  ParameterEffect e;
  e.key = key;
  // Each point against its model's geometric mean, so that the mix of models in a group matters not.
  std::map<std::string, std::pair<double, double>> model_mean;  // log latency, log energy
  std::map<std::string, int> model_n;
  for (const auto* r : rows) {
    model_mean[r->model].first += std::log(r->latency_ms);
    model_mean[r->model].second += std::log(r->energy_mj);
    ++model_n[r->model];
  }
  for (auto& [m, v] : model_mean) {
    v.first /= model_n[m];
    v.second /= model_n[m];
  }
  const bool is_model = key == "model";
  std::vector<std::string> group_of(rows.size());
  std::set<std::string> distinct;
  for (const auto* r : rows) distinct.insert(r->values[p]);
  if (range && distinct.size() > 4) {  // quartiles of the drawn values
    std::vector<double> v;
    for (const auto* r : rows) v.push_back(leading_number(r->values[p]));
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    const auto q = [&](double f) { return sorted[static_cast<size_t>(f * static_cast<double>(sorted.size() - 1))]; };
    const double cuts[] = {q(0.25), q(0.5), q(0.75)};
    const char* names[] = {"lowest quarter", "second quarter", "third quarter", "highest quarter"};
    for (size_t i = 0; i < rows.size(); ++i) {
      int b = 0;
      while (b < 3 && v[i] > cuts[b]) ++b;
      group_of[i] = names[b];
    }
  } else {
    for (size_t i = 0; i < rows.size(); ++i) group_of[i] = rows[i]->values[p];
  }
  std::map<std::string, std::pair<double, double>> sum;
  std::map<std::string, int> n;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto* r = rows[i];
    const auto& m = model_mean[r->model];
    sum[group_of[i]].first += std::log(r->latency_ms) - (is_model ? 0 : m.first);
    sum[group_of[i]].second += std::log(r->energy_mj) - (is_model ? 0 : m.second);
    ++n[group_of[i]];
  }
  e.groups = static_cast<int>(sum.size());
  double lat_lo = INFINITY, lat_hi = -INFINITY, en_lo = INFINITY, en_hi = -INFINITY;
  for (const auto& [g, s] : sum) {
    const double lat = s.first / n[g], en = s.second / n[g];
    if (lat < lat_lo) {
      lat_lo = lat;
      e.best_latency_value = g;
    }
    if (en < en_lo) {
      en_lo = en;
      e.best_energy_value = g;
    }
    lat_hi = std::max(lat_hi, lat);
    en_hi = std::max(en_hi, en);
  }
  if (e.groups > 1) {
    e.latency_ratio = std::exp(lat_hi - lat_lo);
    e.energy_ratio = std::exp(en_hi - en_lo);
  }
  return e;
}

nlohmann::json point_json(const PointResult& r, const std::vector<std::string>& parameters) {
  nlohmann::json values = nlohmann::json::object();
  for (size_t i = 0; i < parameters.size(); ++i) values[parameters[i]] = r.values[i];
  nlohmann::json j{{"index", r.index}, {"hash", r.hash}, {"status", r.status}, {"parameters", values},
                   {"model", r.model}, {"soc", r.soc}, {"engine", r.engine}, {"device", r.device}};
  if (r.status == "failed") {
    j["error"] = r.error;
    return j;
  }
  j["threads"] = r.threads;
  j["latency_ms"] = r.latency_ms;
  j["energy_mj"] = r.energy_mj;
  j["peak_memory_mib"] = r.peak_memory_mib;
  j["area_mm2"] = std::isfinite(r.area_mm2) ? nlohmann::json(r.area_mm2) : nlohmann::json(nullptr);
  j["macs"] = r.macs;
  return j;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

SweepSummary summarize_sweep(const std::string& path) {
  SweepSummary s;
  s.files = result_files(path);
  for (const auto& f : s.files) {
    SweepResults part = read_sweep_results(f);
    if (s.results.config_hash.empty()) {
      auto rows = std::move(part.rows);
      s.results = std::move(part);
      s.results.rows = std::move(rows);
      continue;
    }
    if (part.config_hash != s.results.config_hash)
      throw ConfigError(fmt::format("{}: a part of another sweep (config digest {}, not {})", f, part.config_hash,
                                    s.results.config_hash));
    for (auto& r : part.rows) s.results.rows.push_back(std::move(r));
  }
  auto& rows = s.results.rows;
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  s.points = static_cast<int64_t>(rows.size());
  s.missing = s.results.planned - s.points;
  std::unordered_set<std::string> seen;
  std::vector<const PointResult*> unique;
  for (const auto& r : rows) {
    if (r.status == "failed") {
      s.failures.push_back(r);
      continue;
    }
    if (!seen.insert(r.hash).second) {
      ++s.duplicates;
      continue;
    }
    unique.push_back(&r);
  }
  std::map<std::string, std::vector<const PointResult*>> by_model;
  for (const auto* r : unique) by_model[r->model].push_back(r);
  bool area = true;
  for (const auto* r : unique) area = area && std::isfinite(r->area_mm2);
  if (!area) s.notes.push_back("some points' SoCs have a part configs/area.yaml gives no area for: the Pareto front is over latency and energy");
  s.objectives = area ? std::vector<std::string>{"latency_ms", "energy_mj", "area_mm2"}
                      : std::vector<std::string>{"latency_ms", "energy_mj"};
  for (const auto& [model, model_rows] : by_model) {
    auto front = pareto_front(model_rows, area);
    s.pareto.insert(s.pareto.end(), front.begin(), front.end());
  }
  for (size_t p = 0; p < s.results.parameters.size(); ++p) {
    std::set<std::string> distinct;
    for (const auto* r : unique) distinct.insert(r->values[p]);
    if (distinct.size() < 2) continue;
    bool numeric = true;
    for (const auto& v : distinct) numeric = numeric && !v.empty() && (std::isdigit(static_cast<unsigned char>(v[0])) || v[0] == '.');
    // A grid's levels are few and each its own group; a sample's drawn values are grouped in quartiles.
    s.sensitivity.push_back(effect(p, s.results.parameters[p], unique, numeric && s.results.sampling != "grid"));
  }
  std::stable_sort(s.sensitivity.begin(), s.sensitivity.end(),
                   [](const auto& a, const auto& b) { return a.latency_ratio > b.latency_ratio; });
  if (s.missing > 0)
    s.notes.push_back(fmt::format("{} of {} planned points are in no file: the sweep is still running or was "
                                  "stopped; `tilesim sweep --resume` completes it", s.missing, s.results.planned));
  return s;
}

nlohmann::json sweep_summary_json(const SweepSummary& s) {
  nlohmann::json failures = nlohmann::json::array(), pareto = nlohmann::json::array(), effects = nlohmann::json::array();
  for (const auto& f : s.failures) failures.push_back(point_json(f, s.results.parameters));
  for (const auto& p : s.pareto) pareto.push_back(point_json(p, s.results.parameters));
  for (const auto& e : s.sensitivity)
    effects.push_back({{"parameter", e.key}, {"latency_ratio", e.latency_ratio}, {"best_latency_value", e.best_latency_value},
                       {"energy_ratio", e.energy_ratio}, {"best_energy_value", e.best_energy_value}, {"groups", e.groups}});
  return {{"config", s.results.config_file}, {"config_hash", s.results.config_hash}, {"files", s.files},
          {"sampling", s.results.sampling}, {"planned", s.results.planned}, {"points", s.points},
          {"missing", s.missing}, {"duplicates", s.duplicates}, {"failures", failures},
          {"objectives", s.objectives}, {"pareto", pareto}, {"sensitivity", effects}, {"notes", s.notes}};
}

void print_sweep_summary(const SweepSummary& s, std::ostream& out) {
  const auto& params = s.results.parameters;
  fmt::print(out, "sweep of {} ({}, config digest {}): {} of {} planned points in {} file{}\n", s.results.config_file,
             s.results.sampling, s.results.config_hash, s.points, s.results.planned, s.files.size(),
             s.files.size() > 1 ? "s" : "");
  fmt::print(out, "  {} duplicate{} (the same configuration as an earlier point), {} failure{}\n", s.duplicates,
             s.duplicates == 1 ? "" : "s", s.failures.size(), s.failures.size() == 1 ? "" : "s");
  for (size_t i = 0; i < s.failures.size() && i < 10; ++i)
    fmt::print(out, "  failed: point {}: {}\n", s.failures[i].index, s.failures[i].error);
  if (s.failures.size() > 10) fmt::print(out, "  ... {} more (--format json lists every one)\n", s.failures.size() - 10);
  constexpr size_t kShown = 12;
  fmt::print(out, "\nPareto front of each model over {}:\n", fmt::join(s.objectives, ", "));
  std::string header = fmt::format("  {:>6}  {:<20} {:>11} {:>10} {:>9}", "point", "model", "latency ms", "energy mJ", "area mm2");
  for (const auto& p : params)
    if (p != "model") header += fmt::format("  {}", p);
  fmt::print(out, "{}\n", header);
  std::map<std::string, size_t> shown, total;
  for (const auto& r : s.pareto) ++total[r.model];
  for (const auto& r : s.pareto) {
    if (shown[r.model]++ >= kShown) {
      if (shown[r.model] == kShown + 1)
        fmt::print(out, "  ... {} more of {} (--format json lists every one)\n", total[r.model] - kShown, r.model);
      continue;
    }
    std::string line = fmt::format("  {:>6}  {:<20} {:>11.3f} {:>10.3f} {:>9}", r.index, r.model, r.latency_ms, r.energy_mj,
                                   std::isfinite(r.area_mm2) ? fmt::format("{:.1f}", r.area_mm2) : "-");
    for (size_t i = 0; i < params.size(); ++i)
      if (params[i] != "model") line += fmt::format("  {:>{}}", r.values[i], params[i].size());
    fmt::print(out, "{}\n", line);
  }
  fmt::print(out, "\nSensitivity: geometric-mean latency and energy at a parameter's worst value over its best\n"
                  "(each point first divided by its model's geometric mean; a range in quartiles):\n");
  fmt::print(out, "  {:<36} {:>9}  {:<18} {:>9}  {:<18}\n", "parameter", "latency", "best for latency", "energy",
             "best for energy");
  for (const auto& e : s.sensitivity)
    fmt::print(out, "  {:<36} {:>8.2f}x  {:<18} {:>8.2f}x  {:<18}\n", e.key, e.latency_ratio, e.best_latency_value,
               e.energy_ratio, e.best_energy_value);
  for (const auto& n : s.notes) fmt::print(out, "note: {}\n", n);
}

void print_sweep_points_csv(const SweepSummary& s, std::ostream& out) {
  out << "index,hash,status";
  for (const auto& p : s.results.parameters) out << ',' << csv_field(kParameterColumn + p);
  out << ",model,soc,engine,device,threads,latency_ms,energy_mj,peak_memory_mib,area_mm2,macs,events,error\n";
  for (const auto& r : s.results.rows) {
    out << r.index << ',' << r.hash << ',' << r.status;
    for (const auto& v : r.values) out << ',' << csv_field(v);
    const bool ok = r.status != "failed";
    out << ',' << csv_field(r.model) << ',' << csv_field(r.soc) << ',' << r.engine << ',' << r.device << ',';
    if (ok)
      out << fmt::format("{},{},{},{},{},{},{}", r.threads, r.latency_ms, r.energy_mj, r.peak_memory_mib,
                         std::isfinite(r.area_mm2) ? fmt::format("{}", r.area_mm2) : "", r.macs, r.events);
    else
      out << ",,,,,,";
    out << ',' << csv_field(r.error) << '\n';
  }
}

}  // namespace tilesim
