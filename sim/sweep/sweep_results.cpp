#include "sim/sweep/sweep_results.hpp"

#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "traces/hdf5_table.hpp"

namespace tilesim {
namespace {

constexpr const char* kSource = "tilesim sweep";

template <class T>
const std::vector<T>& column(const Table& t, const std::string& name, const std::string& path) {
  const Column* c = t.column(name);
  if (!c || !std::holds_alternative<std::vector<T>>(*c) || std::get<std::vector<T>>(*c).size() != t.rows())
    throw ConfigError(fmt::format("{}: points: column '{}' is missing or of the wrong type", path, name));
  return std::get<std::vector<T>>(*c);
}

template <class T>
T attribute(const Hdf5File& f, const std::string& name, const std::string& path) {
  const auto it = f.attributes.find(name);
  if (it == f.attributes.end() || !std::holds_alternative<T>(it->second))
    throw ConfigError(fmt::format("{}: attribute '{}' is missing or of the wrong type", path, name));
  return std::get<T>(it->second);
}

}  // namespace

std::string sweep_part_path(const std::string& path, int rank, int ranks) {
  if (ranks <= 1) return path;
  std::filesystem::path p(path);
  const std::string ext = p.extension().string();
  p.replace_extension();
  return fmt::format("{}.rank-{}-of-{}{}", p.string(), rank, ranks, ext.empty() ? ".h5" : ext);
}

void write_sweep_results(const std::string& path, const SweepResults& s) {
  Hdf5File f;
  f.attributes = {{"source", std::string(kSource)},
                  {"config_file", s.config_file},
                  {"config", s.config_text},
                  {"config_hash", s.config_hash},
                  {"sampling", s.sampling},
                  {"seed", s.seed},
                  {"drawn", s.drawn},
                  {"planned", s.planned},
                  {"rank", int64_t{s.rank}},
                  {"ranks", int64_t{s.ranks}}};
  std::string params;
  for (const auto& p : s.parameters) params += (params.empty() ? "" : "\n") + p;
  f.attributes["parameters"] = params;
  Table t;
  std::vector<int64_t> index, threads, macs, events;
  std::vector<std::string> hash, status, error, model, soc, engine, device;
  std::vector<double> latency, energy, memory, area;
  std::vector<std::vector<std::string>> values(s.parameters.size());
  for (const auto& r : s.rows) {
    index.push_back(r.index);
    hash.push_back(r.hash);
    status.push_back(r.status);
    error.push_back(r.error);
    for (size_t i = 0; i < values.size(); ++i) values[i].push_back(r.values.at(i));
    model.push_back(r.model);
    soc.push_back(r.soc);
    engine.push_back(r.engine);
    device.push_back(r.device);
    threads.push_back(r.threads);
    latency.push_back(r.latency_ms);
    energy.push_back(r.energy_mj);
    memory.push_back(r.peak_memory_mib);
    area.push_back(r.area_mm2);
    macs.push_back(r.macs);
    events.push_back(r.events);
  }
  t.columns = {{"index", index}, {"hash", hash}, {"status", status}, {"error", error}};
  for (size_t i = 0; i < values.size(); ++i) t.columns.emplace_back(kParameterColumn + s.parameters[i], values[i]);
  const std::vector<std::pair<std::string, Column>> rest{
      {"model", model},       {"soc", soc},           {"engine", engine},          {"device", device},
      {"threads", threads},   {"latency_ms", latency}, {"energy_mj", energy},      {"peak_memory_mib", memory},
      {"area_mm2", area},     {"macs", macs},         {"events", events}};
  t.columns.insert(t.columns.end(), rest.begin(), rest.end());
  f.tables.emplace_back("points", std::move(t));
  write_hdf5(path, f);
}

SweepResults read_sweep_results(const std::string& path) {
  const Hdf5File f = read_hdf5(path);
  const auto source = f.attributes.find("source");
  if (source == f.attributes.end() || source->second != Attribute(std::string(kSource)))
    throw ConfigError(fmt::format("{}: not the results of a tilesim sweep", path));
  SweepResults s;
  s.config_file = attribute<std::string>(f, "config_file", path);
  s.config_text = attribute<std::string>(f, "config", path);
  s.config_hash = attribute<std::string>(f, "config_hash", path);
  s.sampling = attribute<std::string>(f, "sampling", path);
  s.seed = attribute<int64_t>(f, "seed", path);
  s.drawn = attribute<int64_t>(f, "drawn", path);
  s.planned = attribute<int64_t>(f, "planned", path);
  s.rank = static_cast<int>(attribute<int64_t>(f, "rank", path));
  s.ranks = static_cast<int>(attribute<int64_t>(f, "ranks", path));
  std::istringstream params(attribute<std::string>(f, "parameters", path));
  for (std::string line; std::getline(params, line);) s.parameters.push_back(line);
  const Table* t = f.table("points");
  if (!t) throw ConfigError(fmt::format("{}: no points table", path));
  const auto& index = column<int64_t>(*t, "index", path);
  const auto& hash = column<std::string>(*t, "hash", path);
  const auto& status = column<std::string>(*t, "status", path);
  const auto& error = column<std::string>(*t, "error", path);
  std::vector<const std::vector<std::string>*> values;
  for (const auto& p : s.parameters) values.push_back(&column<std::string>(*t, kParameterColumn + p, path));
  const auto& model = column<std::string>(*t, "model", path);
  const auto& soc = column<std::string>(*t, "soc", path);
  const auto& engine = column<std::string>(*t, "engine", path);
  const auto& device = column<std::string>(*t, "device", path);
  const auto& threads = column<int64_t>(*t, "threads", path);
  const auto& latency = column<double>(*t, "latency_ms", path);
  const auto& energy = column<double>(*t, "energy_mj", path);
  const auto& memory = column<double>(*t, "peak_memory_mib", path);
  const auto& area = column<double>(*t, "area_mm2", path);
  const auto& macs = column<int64_t>(*t, "macs", path);
  const auto& events = column<int64_t>(*t, "events", path);
  for (size_t i = 0; i < t->rows(); ++i) {
    PointResult r;
    r.index = index[i];
    r.hash = hash[i];
    r.status = status[i];
    r.error = error[i];
    for (const auto* v : values) r.values.push_back((*v)[i]);
    r.model = model[i];
    r.soc = soc[i];
    r.engine = engine[i];
    r.device = device[i];
    r.threads = threads[i];
    r.latency_ms = latency[i];
    r.energy_mj = energy[i];
    r.peak_memory_mib = memory[i];
    r.area_mm2 = area[i];
    r.macs = macs[i];
    r.events = events[i];
    s.rows.push_back(std::move(r));
  }
  return s;
}

}  // namespace tilesim
