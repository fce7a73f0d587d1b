#include "traces/import_tflite_profile.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "traces/csv_reader.hpp"

namespace tilesim {
namespace {

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The text between the brackets of "Key: [value]" when `line` starts with `key`.
std::optional<std::string> header_value(const std::string& line, const std::string& key) {
  if (line.rfind(key, 0) != 0) return std::nullopt;
  const size_t open = line.find('[', key.size()), close = line.rfind(']');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  return line.substr(open + 1, close - open - 1);
}

// "count=100 first=80041 ... avg=80635.7" -> key -> value.
std::map<std::string, double> key_values(const std::string& text) {
  std::map<std::string, double> out;
  for (const std::string& w : words(text)) {
    const size_t eq = w.find('=');
    if (eq == std::string::npos) continue;
    if (const auto v = parse_double(w.substr(eq + 1))) out[w.substr(0, eq)] = *v;
  }
  return out;
}

std::string onnx_op(const std::string& node) {
  static const std::map<std::string, std::string> ops{
      {"CONV_2D", "Conv"},         {"DEPTHWISE_CONV_2D", "Conv"},   {"ADD", "Add"},
      {"MUL", "Mul"},              {"SUB", "Sub"},                  {"MAX_POOL_2D", "MaxPool"},
      {"AVERAGE_POOL_2D", "AveragePool"}, {"MEAN", "ReduceMean"},   {"FULLY_CONNECTED", "Gemm"},
      {"RESHAPE", "Reshape"},      {"SOFTMAX", "Softmax"},          {"CONCATENATION", "Concat"},
      {"PAD", "Pad"},              {"RELU", "Relu"},                {"RELU6", "Clip"},
      {"LOGISTIC", "Sigmoid"},     {"HARD_SWISH", "HardSwish"},     {"SQUEEZE", "Squeeze"},
      {"RESIZE_BILINEAR", "Resize"}, {"TRANSPOSE", "Transpose"}};
  const auto it = ops.find(node);
  return it == ops.end() ? node : it->second;
}

// "...-ks_5-st_2-..." -> {5, 2}.
std::optional<std::pair<int64_t, int64_t>> kernel_stride_in_name(const std::string& name) {
  const size_t ks = name.find("ks_");
  if (ks == std::string::npos) return std::nullopt;
  const size_t dash = name.find("-st_", ks);
  if (dash == std::string::npos) return std::nullopt;
  size_t end = dash + 4;
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  const auto k = parse_int(name.substr(ks + 3, dash - ks - 3));
  const auto s = parse_int(name.substr(dash + 4, end - dash - 4));
  if (!k || !s || *k <= 0 || *s <= 0) return std::nullopt;
  return std::make_pair(*k, *s);
}

[[noreturn]] void fail_at(const std::string& path, size_t index, const std::string& message) {
  throw ConfigError(fmt::format("{}:{}: {}", path, index + 1, message));
}

struct Row {
  int line = 0;
  std::string node, tf_name;
  double avg_ms = 0;
};

}  // namespace

Trace import_tflite_profile(const std::string& txt_path, const std::string& model, const std::string& soc) {
  std::ifstream in(txt_path);
  if (!in) throw ConfigError(fmt::format("{}: cannot open the TFLite profile", txt_path));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(std::move(l));
  }

  int64_t runs = 0, threads = 1;
  Shape input;
  std::string binary;
  std::optional<size_t> table, nodes_line, timings_line, bench_line;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (auto v = header_value(l, "Num runs:")) {
      const auto n = parse_int(*v);
      if (!n || *n <= 0) fail_at(txt_path, i, fmt::format("'Num runs: [{}]' is not a count", *v));
      runs = *n;
    } else if (auto t = header_value(l, "Num threads:")) {
      const auto n = parse_int(*t);
      if (!n || *n < -1) fail_at(txt_path, i, fmt::format("'Num threads: [{}]' is not a thread count", *t));
      threads = *n;
    } else if (auto s = header_value(l, "Input shapes:")) {
      Shape nhwc;
      std::string dims = *s;
      for (char& ch : dims)
        if (ch == ',') ch = ' ';
      for (const std::string& d : words(dims)) {
        const auto v = parse_int(d);
        if (!v || *v <= 0) fail_at(txt_path, i, fmt::format("'Input shapes: [{}]' is not a shape", *s));
        nhwc.push_back(*v);
      }
      if (nhwc.size() == 4) input = {nhwc[0], nhwc[3], nhwc[1], nhwc[2]};
    }
    if (binary.empty())
      for (const std::string& w : words(l))
        if (w.find("benchmark_model") != std::string::npos) binary = w.substr(w.rfind('/') + 1);
    if (!table && l.find("Run Order") != std::string::npos && l.find("==") != std::string::npos) table = i;
    if (l.rfind("Number of nodes executed:", 0) == 0) nodes_line = i;
    if (l.rfind("Timings (microseconds):", 0) == 0 && !timings_line) timings_line = i;
    if (l.rfind("Running benchmark for", 0) == 0 && i + 1 < lines.size() && lines[i + 1].rfind("count=", 0) == 0)
      bench_line = i + 1;
  }
  if (!table) throw ConfigError(fmt::format("{}: no '==== Run Order ====' table (run benchmark_model with op profiling)", txt_path));

  // Column header: "[node type]  [start]  [first]  [avg ms] ... [Name]".
  const size_t head = *table + 1;
  if (head >= lines.size()) fail_at(txt_path, *table, "the Run Order table has no column header");
  std::vector<std::string> columns;
  for (size_t p = lines[head].find('['); p != std::string::npos; p = lines[head].find('[', p + 1)) {
    const size_t q = lines[head].find(']', p);
    if (q == std::string::npos) break;
    columns.push_back(lines[head].substr(p + 1, q - p - 1));
  }
  if (columns.empty() || columns.front() != "node type" || columns.back() != "Name")
    fail_at(txt_path, head, "expected a column header '[node type] ... [Name]'");
  columns.pop_back();  // the name is read separately
  std::optional<size_t> c_avg;
  for (size_t c = 0; c < columns.size(); ++c)
    if (columns[c] == "avg ms") c_avg = c;
  if (!c_avg) fail_at(txt_path, head, "the Run Order table has no '[avg ms]' column");

  std::vector<Row> rows;
  size_t end = head + 1;
  for (; end < lines.size(); ++end) {
    const std::string& l = lines[end];
    if (l.find_first_not_of(" \t") == std::string::npos || l.rfind("==", 0) == 0) break;
    const size_t open = l.find('['), close = l.rfind(']');
    if (open == std::string::npos || close == std::string::npos || close < open)
      fail_at(txt_path, end, "an operator row without a [Name]");
    const std::vector<std::string> cells = words(l.substr(0, open));
    if (cells.size() != columns.size())
      fail_at(txt_path, end, fmt::format("{} values before the name; the header has {} columns", cells.size(), columns.size()));
    Row r;
    r.line = static_cast<int>(end) + 1;
    r.node = cells[0];
    r.tf_name = l.substr(open + 1, close - open - 1);
    const auto avg = parse_double(cells[*c_avg]);
    if (!avg || *avg < 0) fail_at(txt_path, end, fmt::format("avg ms '{}' is not a time", cells[*c_avg]));
    r.avg_ms = *avg;
    rows.push_back(std::move(r));
  }
  if (rows.empty()) fail_at(txt_path, *table, "the Run Order table has no rows");
  if (nodes_line) {
    const auto n = parse_int(lines[*nodes_line].substr(lines[*nodes_line].find(':') + 1));
    if (!n) fail_at(txt_path, *nodes_line, "'Number of nodes executed' is not a count");
    if (*n != static_cast<int64_t>(rows.size()))
      fail_at(txt_path, *nodes_line, fmt::format("{} nodes executed, but the Run Order table has {} rows", *n, rows.size()));
  }

  // Rows after which only classifier ops run: a pool there is the global pool before the classifier.
  static const std::set<std::string> head_ops{"CONV_2D", "FULLY_CONNECTED", "RESHAPE", "SQUEEZE", "SOFTMAX"};
  std::vector<bool> only_head_after(rows.size() + 1, true);
  for (size_t i = rows.size(); i-- > 0;) only_head_after[i] = only_head_after[i + 1] && head_ops.count(rows[i].node) > 0;

  Trace t;
  t.device = fmt::format("unknown phone ({})", binary.empty() ? "benchmark_model" : binary);
  t.soc = soc;
  t.engine = "tflite-2019";
  t.precision = "fp32";
  t.threads = threads;
  t.cores = "big";
  bool after_global_pool = false;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    LayerMeasurement l;
    l.name = fmt::format("{}:{}", i, r.node);
    l.op = onnx_op(r.node);
    l.implementation = r.node;
    l.dtype = "fp32";
    l.time.mean_ms = r.avg_ms;
    l.time.count = runs;
    if (r.node == "DEPTHWISE_CONV_2D") {
      l.group = 0;  // depthwise: group = channels, not in the profile
      if (const auto ks = kernel_stride_in_name(r.tf_name)) {
        l.kernel_shape = {ks->first, ks->first};
        l.strides = {ks->second, ks->second};
      }
    }
    if ((r.node == "AVERAGE_POOL_2D" || r.node == "MEAN") && only_head_after[i + 1]) {
      l.op = "GlobalAveragePool";
      after_global_pool = true;
    } else if (r.node == "CONV_2D" && after_global_pool) {
      l.op = "Gemm";
    }
    t.layers.push_back(std::move(l));
  }

  NetworkMeasurement n;
  n.model = model;
  n.soc = soc;
  n.device = "cpu";
  n.engine = t.engine;
  n.threads = threads;
  n.cores = "big";
  n.precision = "fp32";
  n.input = input;
  const std::optional<size_t> net_line = timings_line ? timings_line : bench_line;
  if (net_line) {
    const std::string& l = lines[*net_line];
    const size_t counted = l.find("count=");
    if (counted == std::string::npos) fail_at(txt_path, *net_line, "no 'count=' of runs in the timings");
    const auto kv = key_values(l.substr(counted));
    auto us = [&](const char* key) -> double {
      const auto it = kv.find(key);
      if (it == kv.end() || it->second < 0) fail_at(txt_path, *net_line, fmt::format("no '{}=' time in microseconds", key));
      return it->second / 1000.0;
    };
    n.time.min_ms = us("min");
    n.time.max_ms = us("max");
    n.time.mean_ms = us("avg");
    const double count = kv.contains("count") ? kv.at("count") : -1;
    if (!(count >= 1 && count <= 1e9) || std::floor(count) != count)
      fail_at(txt_path, *net_line, fmt::format("count={} is not a count of runs", count));
    n.time.count = static_cast<int64_t>(count);
    n.source = fmt::format("{}:{}", txt_path, *net_line + 1);
    t.networks.push_back(std::move(n));
  }

  t.source = fmt::format(
      "{}: TFLite benchmark_model op profile (Run Order table, lines {}-{}), {} runs, {} thread(s), fp32; per-operator "
      "rows have no shapes and are matched to the simulated {} by run order among layers of the same op. SoC {} is "
      "an assumption: the ProxylessNAS paper measured its mobile latency on a Google Pixel 1 (Snapdragon 821; the "
      "Pixel's MSM8996 Pro-AB runs its big cores at 2.15 GHz); the log names no phone. Engine tflite-2019: TFLite's "
      "built-in CPU kernels of early 2019 (the log was committed to mit-han-lab/proxylessnas on 2019-05-08), not "
      "XNNPACK",
      txt_path, head + 2, end, runs, threads, model, soc);
  return t;
}

}  // namespace tilesim
