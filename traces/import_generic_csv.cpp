#include "traces/import_generic_csv.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "sim/workload/import/model_loader.hpp"
#include "sim/workload/zoo/zoo.hpp"
#include "traces/csv_reader.hpp"

namespace tilesim {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kNetworkColumns = {"model",   "soc",       "device", "engine", "threads",
                                                  "cores",   "precision", "input",  "min_ms", "median_ms",
                                                  "mean_ms", "max_ms",    "count"};
const std::vector<std::string> kNetworkOptional = {"soc_overrides", "energy_mj", "peak_memory_mib", "source"};
const std::vector<std::string> kLayerColumns = {
    "name",     "op",      "input",    "output",     "kernel_h",  "kernel_w",   "stride_h",
    "stride_w", "pad_top", "pad_left", "pad_bottom", "pad_right", "dilation_h", "dilation_w",
    "group",    "dtype",   "min_ms",   "median_ms",  "mean_ms",   "max_ms",     "count"};
const std::vector<std::string> kLayerOptional = {"implementation"};

const std::vector<std::string> kDevices = {"cpu", "gpu"};
const std::vector<std::string> kCores = {"all", "big", "little"};
const std::vector<std::string> kPrecisions = {"auto", "fp32", "fp16", "int8"};
const std::vector<std::string> kDtypes = {"fp32", "fp16", "int8"};

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string hint_for(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string h = nearest(word, candidates);
  return h.empty() ? "" : fmt::format(" (is '{}' meant?)", h);
}

bool is_path(const std::string& s) {
  return s.find('/') != std::string::npos || s.ends_with(".yaml") || s.ends_with(".yml");
}

std::vector<std::string> builtin_engine_names() {
  std::vector<std::string> names;
  const fs::path dir = fs::path(data_root()) / "configs" / "engines";
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Checks a value against a list; `where` prefixes the message.
const std::string& one_of(const std::string& value, const std::vector<std::string>& choices, const std::string& where) {
  if (!contains(choices, value))
    throw ConfigError(
        fmt::format("{}: '{}' is not one of: {}{}", where, value, fmt::join(choices, ", "), hint_for(value, choices)));
  return value;
}

class Reader {
 public:
  explicit Reader(const CsvTable& csv) : csv_(csv) {}

  std::string text(const CsvRecord& row, size_t c) const { return trimmed(csv_.text(row, c)); }

  std::string required_text(const CsvRecord& row, size_t c) const {
    std::string s = text(row, c);
    if (s.empty()) throw ConfigError(fmt::format("{}: empty", csv_.where(row, c)));
    return s;
  }

  std::string choice(const CsvRecord& row, size_t c, const std::vector<std::string>& choices) const {
    return one_of(required_text(row, c), choices, csv_.where(row, c));
  }

  int64_t integer(const CsvRecord& row, size_t c, std::optional<int64_t> fallback, int64_t least) const {
    if (text(row, c).empty()) {
      if (fallback) return *fallback;
      throw ConfigError(fmt::format("{}: empty, an integer is needed", csv_.where(row, c)));
    }
    const int64_t v = csv_.integer(row, c);
    if (v < least)
      throw ConfigError(fmt::format("{}: {} is below the least allowed, {}", csv_.where(row, c), v, least));
    return v;
  }

  // An empty cell is `fallback` (0 = unknown for times); otherwise a number >= 0.
  double nonnegative(const CsvRecord& row, size_t c, double fallback) const {
    if (text(row, c).empty()) return fallback;
    const double v = csv_.number(row, c);
    if (v < 0) throw ConfigError(fmt::format("{}: {} is negative", csv_.where(row, c), v));
    return v;
  }

  Shape shape(const CsvRecord& row, size_t c) const {
    const std::string s = required_text(row, c);
    Shape out;
    size_t start = 0;
    for (;;) {
      const size_t x = s.find('x', start);
      const auto dim =
          parse_int(std::string_view(s).substr(start, x == std::string::npos ? s.size() - start : x - start));
      if (!dim || *dim < 1)
        throw ConfigError(
            fmt::format("{}: '{}' is not a shape of positive sizes like 1x3x224x224", csv_.where(row, c), s));
      out.push_back(*dim);
      if (x == std::string::npos) break;
      start = x + 1;
    }
    return out;
  }

  TimeStats times(const CsvRecord& row) const {
    const size_t c_min = csv_.column("min_ms"), c_median = csv_.column("median_ms"), c_mean = csv_.column("mean_ms"),
                 c_max = csv_.column("max_ms"), c_count = csv_.column("count");
    TimeStats t;
    t.min_ms = nonnegative(row, c_min, 0);
    t.median_ms = nonnegative(row, c_median, 0);
    t.mean_ms = nonnegative(row, c_mean, 0);
    t.max_ms = nonnegative(row, c_max, 0);
    t.count = integer(row, c_count, 0, 0);
    if (t.min_ms == 0 && t.median_ms == 0 && t.mean_ms == 0 && t.max_ms == 0)
      throw ConfigError(fmt::format("{}:{}: no time: give at least one of min_ms, median_ms, mean_ms, max_ms",
                                    csv_.path(), row.line));
    // Statistics that are known (non-zero) must be ordered: min <= median, mean <= max.
    const std::pair<size_t, double> inner[] = {{c_median, t.median_ms}, {c_mean, t.mean_ms}};
    if (t.min_ms > 0 && t.max_ms > 0 && t.min_ms > t.max_ms)
      throw ConfigError(fmt::format("{}: {} is above max_ms {}", csv_.where(row, c_min), t.min_ms, t.max_ms));
    for (const auto& [c, v] : inner) {
      if (v == 0) continue;
      if (t.min_ms > 0 && v < t.min_ms)
        throw ConfigError(fmt::format("{}: {} is below min_ms {}", csv_.where(row, c), v, t.min_ms));
      if (t.max_ms > 0 && v > t.max_ms)
        throw ConfigError(fmt::format("{}: {} is above max_ms {}", csv_.where(row, c), v, t.max_ms));
    }
    return t;
  }

 private:
  const CsvTable& csv_;
};

class SocChecker {
 public:
  // Throws ConfigError prefixed with `where` unless `soc` names a built-in SoC or a YAML file
  // and resolves with `overrides`.
  void check(const std::string& soc, const std::vector<std::string>& overrides, const std::string& where) {
    if (is_path(soc)) {
      if (!fs::is_regular_file(soc)) throw ConfigError(fmt::format("{}: no SoC file '{}'", where, soc));
    } else {
      if (names_.empty()) names_ = builtin_socs();
      if (!contains(names_, soc))
        throw ConfigError(fmt::format("{}: '{}' is not a built-in SoC{}; `tilesim socs` lists them", where, soc,
                                      hint_for(soc, names_)));
    }
    if (overrides.empty()) return;
    const std::string key = fmt::format("{}\n{}", soc, fmt::join(overrides, "\n"));
    if (resolved_.count(key)) return;
    try {
      load_soc(soc, overrides);
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("{}: {} with these overrides does not resolve: {}", where, soc, e.what()));
    }
    resolved_[key] = true;
  }

 private:
  std::vector<std::string> names_;
  std::map<std::string, bool> resolved_;
};

void check_engine(const std::string& engine, const std::vector<std::string>& engines, const std::string& where) {
  if (is_path(engine)) {
    if (!fs::is_regular_file(engine)) throw ConfigError(fmt::format("{}: no engine file '{}'", where, engine));
    return;
  }
  if (!contains(engines, engine))
    throw ConfigError(fmt::format("{}: '{}' is not a built-in engine{}; built-in engines: {}", where, engine,
                                  hint_for(engine, engines), fmt::join(engines, ", ")));
}

// "# key: value" lines before the header.
void read_attributes(const CsvTable& csv, Trace& trace, SocChecker& socs, const std::vector<std::string>& engines) {
  static const std::vector<std::string> kKeys = {"device",         "soc",        "engine", "engine_version",
                                                 "precision",      "threads",    "cores",  "clock_before_hz",
                                                 "clock_after_hz", "recorded_at"};
  for (const auto& [line, body] : csv.comments()) {
    const std::string text = trimmed(body);
    if (text.empty()) continue;
    const size_t colon = text.find(':');
    if (colon == std::string::npos) continue;  // a free-text comment
    const std::string key = trimmed(text.substr(0, colon)), value = trimmed(text.substr(colon + 1));
    const std::string where = fmt::format("{}:{}: {}", csv.path(), line, key);
    if (!contains(kKeys, key))
      throw ConfigError(fmt::format("{}: not a trace attribute{}; they are: {}", where, hint_for(key, kKeys),
                                    fmt::join(kKeys, ", ")));
    if (key == "device") {
      trace.device = value;
    } else if (key == "soc") {
      socs.check(value, {}, where);
      trace.soc = value;
    } else if (key == "engine") {
      check_engine(value, engines, where);
      trace.engine = value;
    } else if (key == "engine_version") {
      trace.engine_version = value;
    } else if (key == "precision") {
      trace.precision = one_of(value, kPrecisions, where);
    } else if (key == "threads") {
      const auto v = parse_int(value);
      if (!v || *v < 1) throw ConfigError(fmt::format("{}: '{}' is not a thread count >= 1", where, value));
      trace.threads = *v;
    } else if (key == "cores") {
      trace.cores = one_of(value, kCores, where);
    } else if (key == "clock_before_hz" || key == "clock_after_hz") {
      const auto v = parse_double(value);
      if (!v || *v < 0) throw ConfigError(fmt::format("{}: '{}' is not a clock in Hz (0 = unknown)", where, value));
      (key == "clock_before_hz" ? trace.clock_before_hz : trace.clock_after_hz) = *v;
    } else {
      trace.recorded_at = value;
    }
  }
}

void check_header(const CsvTable& csv, const std::vector<std::string>& required,
                  const std::vector<std::string>& optional, const std::string& kind) {
  std::vector<std::string> known = required;
  known.insert(known.end(), optional.begin(), optional.end());
  for (const auto& name : csv.header())
    if (!contains(known, name))
      throw ConfigError(fmt::format("{}:{}: unknown column '{}' for {} rows{}", csv.path(), csv.header_line(), name,
                                    kind, hint_for(name, known)));
  for (const auto& name : required) csv.column(name);  // throws naming the missing one
}

void read_networks(const CsvTable& csv, Trace& trace, SocChecker& socs, const std::vector<std::string>& engines) {
  check_header(csv, kNetworkColumns, kNetworkOptional, "network");
  const Reader rd(csv);
  const std::string file_name = fs::path(csv.path()).filename().string();
  const size_t c_model = csv.column("model"), c_soc = csv.column("soc"), c_device = csv.column("device"),
               c_engine = csv.column("engine"), c_threads = csv.column("threads"), c_cores = csv.column("cores"),
               c_precision = csv.column("precision"), c_input = csv.column("input");
  const auto c_overrides = csv.find_column("soc_overrides"), c_energy = csv.find_column("energy_mj"),
             c_memory = csv.find_column("peak_memory_mib"), c_source = csv.find_column("source");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const CsvRecord& row : csv.rows()) {
    NetworkMeasurement m;
    m.model = rd.required_text(row, c_model);
    if (is_model_file(m.model)) {  // a user's own model file, relative to the CSV's folder
      fs::path file(m.model);
      if (file.is_relative()) file = fs::path(csv.path()).parent_path() / file;
      if (!fs::is_regular_file(file))
        throw ConfigError(fmt::format("{}: model file '{}' not found", csv.where(row, c_model), file.string()));
      m.model_file = file.string();
      m.model = file.stem().string();
    } else if (!find_model(m.model)) {
      std::vector<std::string> names;
      for (const auto& z : model_zoo()) names.push_back(z.name);
      throw ConfigError(fmt::format("{}: '{}' is neither a built-in model{} nor an .onnx or .param file",
                                    csv.where(row, c_model), m.model, hint_for(m.model, names)));
    }
    m.soc = rd.required_text(row, c_soc);
    if (c_overrides) {
      const std::string all = rd.text(row, *c_overrides);
      size_t start = 0;
      while (start < all.size()) {
        size_t semi = all.find(';', start);
        if (semi == std::string::npos) semi = all.size();
        const std::string one = trimmed(all.substr(start, semi - start));
        if (!one.empty()) {
          if (one.find('=') == std::string::npos)
            throw ConfigError(
                fmt::format("{}: '{}' is not a dotted.key=VALUE override", csv.where(row, *c_overrides), one));
          m.soc_overrides.push_back(one);
        }
        start = semi + 1;
      }
    }
    socs.check(m.soc, m.soc_overrides, csv.where(row, m.soc_overrides.empty() ? c_soc : *c_overrides));
    m.device = rd.choice(row, c_device, kDevices);
    m.engine = rd.required_text(row, c_engine);
    check_engine(m.engine, engines, csv.where(row, c_engine));
    m.threads = rd.integer(row, c_threads, std::nullopt, 1);
    m.cores = rd.choice(row, c_cores, kCores);
    m.precision = rd.choice(row, c_precision, kPrecisions);
    m.input = rd.shape(row, c_input);
    if (m.input.size() != 4)
      throw ConfigError(
          fmt::format("{}: '{}' is not an NCHW shape (4 sizes)", csv.where(row, c_input), rd.text(row, c_input)));
    m.time = rd.times(row);
    m.energy_mj = c_energy ? rd.nonnegative(row, *c_energy, nan) : nan;
    m.peak_memory_mib = c_memory ? rd.nonnegative(row, *c_memory, nan) : nan;
    m.source = c_source ? rd.text(row, *c_source) : "";
    if (m.source.empty()) m.source = fmt::format("{}:{}", file_name, row.line);
    trace.networks.push_back(std::move(m));
  }
}

void read_layers(const CsvTable& csv, Trace& trace) {
  check_header(csv, kLayerColumns, kLayerOptional, "layer");
  const Reader rd(csv);
  const auto c = [&](const char* name) { return csv.column(name); };
  const auto c_impl = csv.find_column("implementation");
  for (const CsvRecord& row : csv.rows()) {
    LayerMeasurement l;
    l.name = rd.text(row, c("name"));
    l.op = rd.required_text(row, c("op"));
    // A row without shapes (both cells empty) is matched to a layer of the model validate is given.
    if (!rd.text(row, c("input")).empty() || !rd.text(row, c("output")).empty()) {
      l.input = rd.shape(row, c("input"));
      l.output = rd.shape(row, c("output"));
    }
    // Empty cells take the values of an operator without that attribute.
    l.kernel_shape = {rd.integer(row, c("kernel_h"), 0, 0), rd.integer(row, c("kernel_w"), 0, 0)};
    l.strides = {rd.integer(row, c("stride_h"), 1, 1), rd.integer(row, c("stride_w"), 1, 1)};
    l.pads = {rd.integer(row, c("pad_top"), 0, 0), rd.integer(row, c("pad_left"), 0, 0),
              rd.integer(row, c("pad_bottom"), 0, 0), rd.integer(row, c("pad_right"), 0, 0)};
    l.dilations = {rd.integer(row, c("dilation_h"), 1, 1), rd.integer(row, c("dilation_w"), 1, 1)};
    l.group = rd.integer(row, c("group"), 1, 1);
    const std::string dtype = rd.text(row, c("dtype"));
    l.dtype = dtype.empty() ? "fp32" : one_of(dtype, kDtypes, csv.where(row, c("dtype")));
    if (c_impl) l.implementation = rd.text(row, *c_impl);
    l.time = rd.times(row);
    trace.layers.push_back(std::move(l));
  }
}

}  // namespace

Trace import_generic_csv(const std::string& path) {
  const CsvTable csv = CsvTable::read(path, '#');
  Trace trace;
  trace.source = path;
  SocChecker socs;
  const std::vector<std::string> engines = builtin_engine_names();
  read_attributes(csv, trace, socs, engines);
  if (csv.find_column("model")) {
    read_networks(csv, trace, socs, engines);
  } else if (csv.find_column("op")) {
    read_layers(csv, trace);
  } else {
    throw ConfigError(
        fmt::format("{}:{}: the header names neither network rows ({}) nor layer rows ({}); see docs/trace-format.md",
                    path, csv.header_line(), fmt::join(kNetworkColumns, ","), fmt::join(kLayerColumns, ",")));
  }
  return trace;
}

}  // namespace tilesim
