#include "traces/trace.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwmodels/config_error.hpp"
#include "traces/hdf5_table.hpp"
#include "traces/import_generic_csv.hpp"

namespace tilesim {
namespace {

std::string shape_text(const Shape& s) { return shape_to_string(s); }

Shape parse_shape(const std::string& text) {
  Shape s;
  size_t start = 0;
  while (start < text.size()) {
    const auto x = text.find('x', start);
    s.push_back(std::stoll(text.substr(start, x == std::string::npos ? std::string::npos : x - start)));
    if (x == std::string::npos) break;
    start = x + 1;
  }
  return s;
}

// The soc_overrides column: assignments joined with ';' (empty parts dropped).
std::vector<std::string> split_overrides(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t semi = text.find(';', start);
    if (semi == std::string::npos) semi = text.size();
    if (semi > start) out.push_back(text.substr(start, semi - start));
    start = semi + 1;
  }
  return out;
}

template <class T>
const std::vector<T>& col(const Table& t, const std::string& table, const std::string& name, const std::string& path) {
  const Column* c = t.column(name);
  if (!c) throw ConfigError(fmt::format("{}: /{} has no column '{}'", path, table, name));
  const auto* v = std::get_if<std::vector<T>>(c);
  if (!v) throw ConfigError(fmt::format("{}: /{}/{} has the wrong element type", path, table, name));
  return *v;
}

template <class T>
T attr(const Hdf5File& f, const std::string& name, T fallback) {
  auto it = f.attributes.find(name);
  if (it == f.attributes.end()) return fallback;
  if (const auto* v = std::get_if<T>(&it->second)) return *v;
  return fallback;
}

void add_time_columns(Table& t, const std::vector<TimeStats>& stats) {
  std::vector<double> mn, md, me, mx;
  std::vector<int64_t> n;
  for (const auto& s : stats) {
    mn.push_back(s.min_ms);
    md.push_back(s.median_ms);
    me.push_back(s.mean_ms);
    mx.push_back(s.max_ms);
    n.push_back(s.count);
  }
  t.columns.insert(t.columns.end(), {{"min_ms", mn}, {"median_ms", md}, {"mean_ms", me}, {"max_ms", mx}, {"count", n}});
}

TimeStats time_row(const Table& t, const std::string& table, size_t i, const std::string& path) {
  return TimeStats{col<double>(t, table, "min_ms", path).at(i), col<double>(t, table, "median_ms", path).at(i),
                   col<double>(t, table, "mean_ms", path).at(i), col<double>(t, table, "max_ms", path).at(i),
                   col<int64_t>(t, table, "count", path).at(i)};
}

}  // namespace

bool is_csv_trace(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".csv";
}

void write_trace(const std::string& path, const Trace& trace) {
  Hdf5File f;
  f.attributes = {{"format", std::string("tilesim-trace-1")}, {"device", trace.device}, {"soc", trace.soc},
                  {"engine", trace.engine}, {"engine_version", trace.engine_version}, {"precision", trace.precision},
                  {"threads", trace.threads}, {"cores", trace.cores}, {"clock_before_hz", trace.clock_before_hz},
                  {"clock_after_hz", trace.clock_after_hz}, {"recorded_at", trace.recorded_at},
                  {"source", trace.source}};
  if (!trace.layers.empty()) {
    Table t;
    std::vector<std::string> name, op, input, output, dtype, impl;
    std::vector<int64_t> kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, group;
    std::vector<TimeStats> stats;
    for (const auto& l : trace.layers) {
      name.push_back(l.name);
      op.push_back(l.op);
      input.push_back(shape_text(l.input));
      output.push_back(shape_text(l.output));
      dtype.push_back(l.dtype);
      impl.push_back(l.implementation);
      auto at = [](const std::vector<int64_t>& v, size_t i, int64_t d) { return i < v.size() ? v[i] : d; };
      kh.push_back(at(l.kernel_shape, 0, 0));
      kw.push_back(at(l.kernel_shape, 1, 0));
      sh.push_back(at(l.strides, 0, 1));
      sw.push_back(at(l.strides, 1, 1));
      pt.push_back(at(l.pads, 0, 0));
      pl.push_back(at(l.pads, 1, 0));
      pb.push_back(at(l.pads, 2, 0));
      pr.push_back(at(l.pads, 3, 0));
      dh.push_back(at(l.dilations, 0, 1));
      dw.push_back(at(l.dilations, 1, 1));
      group.push_back(l.group);
      stats.push_back(l.time);
    }
    t.columns = {{"name", name},   {"op", op},       {"input", input},   {"output", output},  {"kernel_h", kh},
                 {"kernel_w", kw}, {"stride_h", sh}, {"stride_w", sw},   {"pad_top", pt},     {"pad_left", pl},
                 {"pad_bottom", pb}, {"pad_right", pr}, {"dilation_h", dh}, {"dilation_w", dw}, {"group", group},
                 {"dtype", dtype}, {"implementation", impl}};
    add_time_columns(t, stats);
    f.tables.emplace_back("layers", std::move(t));
  }
  if (!trace.networks.empty()) {
    Table t;
    std::vector<std::string> model, model_file, soc, overrides, device, engine, cores, precision, input, source;
    std::vector<int64_t> threads;
    std::vector<double> energy, memory;
    std::vector<TimeStats> stats;
    for (const auto& n : trace.networks) {
      model.push_back(n.model);
      model_file.push_back(n.model_file);
      soc.push_back(n.soc);
      for (const auto& o : n.soc_overrides)
        if (o.find(';') != std::string::npos)
          throw ConfigError(fmt::format("{}: SoC override '{}' holds ';', the separator of the soc_overrides column",
                                        path, o));
      overrides.push_back(fmt::format("{}", fmt::join(n.soc_overrides, ";")));
      device.push_back(n.device);
      engine.push_back(n.engine);
      cores.push_back(n.cores);
      precision.push_back(n.precision);
      input.push_back(shape_text(n.input));
      source.push_back(n.source);
      threads.push_back(n.threads);
      energy.push_back(n.energy_mj);
      memory.push_back(n.peak_memory_mib);
      stats.push_back(n.time);
    }
    t.columns = {{"model", model},         {"model_file", model_file}, {"soc", soc}, {"soc_overrides", overrides},
                 {"device", device},       {"engine", engine},   {"threads", threads},
                 {"cores", cores},         {"precision", precision}, {"input", input},
                 {"energy_mj", energy},    {"peak_memory_mib", memory}, {"source", source}};
    add_time_columns(t, stats);
    f.tables.emplace_back("networks", std::move(t));
  }
  write_hdf5(path, f);
}

Trace read_trace(const std::string& path) {
  if (is_csv_trace(path)) return import_generic_csv(path);
  const Hdf5File f = read_hdf5(path);
  if (attr<std::string>(f, "format", "") != "tilesim-trace-1")
    throw ConfigError(fmt::format("{}: not a tilesim trace (attribute format != tilesim-trace-1)", path));
  Trace tr;
  tr.device = attr<std::string>(f, "device", "");
  tr.soc = attr<std::string>(f, "soc", "");
  tr.engine = attr<std::string>(f, "engine", "");
  tr.engine_version = attr<std::string>(f, "engine_version", "");
  tr.precision = attr<std::string>(f, "precision", "fp32");
  tr.threads = attr<int64_t>(f, "threads", 1);
  tr.cores = attr<std::string>(f, "cores", "big");
  tr.clock_before_hz = attr<double>(f, "clock_before_hz", 0);
  tr.clock_after_hz = attr<double>(f, "clock_after_hz", 0);
  tr.recorded_at = attr<std::string>(f, "recorded_at", "");
  tr.source = attr<std::string>(f, "source", "");
  try {
    if (const Table* t = f.table("layers")) {
      const std::string n = "layers";
      for (size_t i = 0; i < t->rows(); ++i) {
        LayerMeasurement l;
        l.name = col<std::string>(*t, n, "name", path).at(i);
        l.op = col<std::string>(*t, n, "op", path).at(i);
        l.input = parse_shape(col<std::string>(*t, n, "input", path).at(i));
        l.output = parse_shape(col<std::string>(*t, n, "output", path).at(i));
        l.kernel_shape = {col<int64_t>(*t, n, "kernel_h", path).at(i), col<int64_t>(*t, n, "kernel_w", path).at(i)};
        l.strides = {col<int64_t>(*t, n, "stride_h", path).at(i), col<int64_t>(*t, n, "stride_w", path).at(i)};
        l.pads = {col<int64_t>(*t, n, "pad_top", path).at(i), col<int64_t>(*t, n, "pad_left", path).at(i),
                  col<int64_t>(*t, n, "pad_bottom", path).at(i), col<int64_t>(*t, n, "pad_right", path).at(i)};
        l.dilations = {col<int64_t>(*t, n, "dilation_h", path).at(i), col<int64_t>(*t, n, "dilation_w", path).at(i)};
        l.group = col<int64_t>(*t, n, "group", path).at(i);
        l.dtype = col<std::string>(*t, n, "dtype", path).at(i);
        l.implementation = col<std::string>(*t, n, "implementation", path).at(i);
        l.time = time_row(*t, n, i, path);
        tr.layers.push_back(std::move(l));
      }
    }
    if (const Table* t = f.table("networks")) {
      const std::string n = "networks";
      for (size_t i = 0; i < t->rows(); ++i) {
        NetworkMeasurement m;
        m.model = col<std::string>(*t, n, "model", path).at(i);
        if (t->column("model_file")) m.model_file = col<std::string>(*t, n, "model_file", path).at(i);
        m.soc = col<std::string>(*t, n, "soc", path).at(i);
        if (t->column("soc_overrides"))  // absent in files written before the column existed
          m.soc_overrides = split_overrides(col<std::string>(*t, n, "soc_overrides", path).at(i));
        m.device = col<std::string>(*t, n, "device", path).at(i);
        m.engine = col<std::string>(*t, n, "engine", path).at(i);
        m.threads = col<int64_t>(*t, n, "threads", path).at(i);
        m.cores = col<std::string>(*t, n, "cores", path).at(i);
        m.precision = col<std::string>(*t, n, "precision", path).at(i);
        m.input = parse_shape(col<std::string>(*t, n, "input", path).at(i));
        m.energy_mj = col<double>(*t, n, "energy_mj", path).at(i);
        m.peak_memory_mib = col<double>(*t, n, "peak_memory_mib", path).at(i);
        m.source = col<std::string>(*t, n, "source", path).at(i);
        m.time = time_row(*t, n, i, path);
        tr.networks.push_back(std::move(m));
      }
    }
  } catch (const std::out_of_range&) {
    throw ConfigError(fmt::format("{}: columns of a table differ in length", path));
  } catch (const std::invalid_argument&) {
    throw ConfigError(fmt::format("{}: a shape is not of the form 1x3x224x224", path));
  }
  return tr;
}

}  // namespace tilesim
