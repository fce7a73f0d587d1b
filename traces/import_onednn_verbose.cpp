#include "traces/import_onednn_verbose.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "traces/csv_reader.hpp"

namespace tilesim {
namespace {

struct LinePlace {
  const std::string& path;
  int line;  // 1-based
  [[noreturn]] void fail(const std::string& message) const {
    throw ConfigError(fmt::format("{}:{}: {}", path, line, message));
  }
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// "g32mb1_ic32oc32_ih112oh112kh3..." -> {g: 32, mb: 1, ic: 32, ...}.
std::map<std::string, int64_t> problem_values(const std::string& desc, const LinePlace& at) {
  std::map<std::string, int64_t> v;
  size_t i = 0;
  while (i < desc.size()) {
    if (desc[i] == '_') {
      ++i;
      continue;
    }
    const size_t k0 = i;
    while (i < desc.size() && desc[i] >= 'a' && desc[i] <= 'z') ++i;
    if (i == k0) at.fail(fmt::format("problem descriptor '{}': unexpected '{}'", desc, desc[i]));
    const std::string key = desc.substr(k0, i - k0);
    const size_t n0 = i;
    if (i < desc.size() && desc[i] == '-') ++i;
    while (i < desc.size() && desc[i] >= '0' && desc[i] <= '9') ++i;
    const auto n = parse_int(desc.substr(n0, i - n0));
    if (!n) at.fail(fmt::format("problem descriptor '{}': '{}' has no number", desc, key));
    // No layer has a size, channel count or window past 2^20, and products of three such stay in int64.
    if (*n > (int64_t{1} << 20) || *n < -(int64_t{1} << 20))
      at.fail(fmt::format("problem descriptor '{}': {}{} is out of any plausible range", desc, key, *n));
    if (!v.emplace(key, *n).second) at.fail(fmt::format("problem descriptor '{}': '{}' appears twice", desc, key));
  }
  return v;
}

struct Problem {
  const std::map<std::string, int64_t>& v;
  const std::string& desc;
  const LinePlace& at;
  int64_t need(const char* key) const {
    const auto it = v.find(key);
    if (it == v.end()) at.fail(fmt::format("problem descriptor '{}' has no '{}'", desc, key));
    return it->second;
  }
  int64_t get(const char* key, int64_t fallback) const {
    const auto it = v.find(key);
    return it == v.end() ? fallback : it->second;
  }
  bool has(const char* key) const { return v.count(key) > 0; }
};

// One spatial dimension of a convolution or pooling window, ONNX conventions.
struct Axis {
  int64_t in, out, kernel, stride, dilation, pad_begin, pad_end;
};

Axis axis(const Problem& p, const char* i, const char* o, const char* k, const char* s, const char* d, const char* pd) {
  Axis a;
  a.in = p.need(i);
  a.out = p.need(o);
  a.kernel = p.need(k);
  a.stride = p.get(s, 1);
  a.dilation = p.get(d, 0) + 1;  // oneDNN counts the holes between taps
  a.pad_begin = p.get(pd, 0);
  if (a.in < 1 || a.out < 1 || a.kernel < 1 || a.stride < 1 || a.dilation < 1)
    p.at.fail(fmt::format("problem descriptor '{}': sizes, kernel, stride and dilation must be positive", p.desc));
  auto out_size = [&](int64_t pad_end) {
    const int64_t span = a.in + a.pad_begin + pad_end - a.dilation * (a.kernel - 1) - 1;
    return span < 0 ? 0 : span / a.stride + 1;
  };
  a.pad_end = out_size(a.pad_begin) == a.out
                  ? a.pad_begin
                  : (a.out - 1) * a.stride + (a.kernel - 1) * a.dilation + 1 - a.in - a.pad_begin;
  return a;
}

std::string dtype_of(const std::string& mds) {
  for (const std::string& md : split(mds, ' ')) {
    if (md.rfind("src_", 0) != 0 && md.rfind("src:", 0) != 0) continue;
    const std::string t = md.substr(4, md.find(':', 4) - 4);
    if (t == "f32") return "fp32";
    if (t == "f16") return "fp16";
    if (t == "bf16") return "bf16";
    if (t == "s8" || t == "u8") return "int8";
    return t;
  }
  return "fp32";
}

std::string algorithm_of(const std::string& aux) {
  const size_t a = aux.find("alg:");
  if (a == std::string::npos) return "";
  const size_t end = aux.find(' ', a);
  return aux.substr(a + 4, end == std::string::npos ? std::string::npos : end - a - 4);
}

struct Entry {
  LayerMeasurement layer;
  std::vector<double> times;
};

}  // namespace

Trace import_onednn_verbose(const std::string& log_path, ImportReport* report) {
  std::ifstream in(log_path);
  if (!in) throw ConfigError(fmt::format("{}: cannot open the oneDNN verbose log", log_path));
  ImportReport local;
  ImportReport& rep = report ? *report : local;
  rep = ImportReport{};
  rep.source = log_path;

  Trace t;
  t.device = "host";
  t.soc = "host";
  t.engine = "onednn";
  t.threads = 0;
  t.cores = "all";
  std::vector<Entry> entries;
  std::map<std::string, size_t> entry_of;       // the line without its time -> entry
  std::map<std::string, int> names;             // "<kind>:<desc>" -> primitives with it so far
  int line_no = 0;
  int64_t executions = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const bool marked = line.rfind("onednn_verbose,", 0) == 0 || line.rfind("dnnl_verbose,", 0) == 0;
    if (!marked) {
      if (line.rfind("mkldnn_verbose,", 0) == 0) {
        ++rep.rows_read;
        rep.skip("MKL-DNN 0.x line (its format is not read)");
      }
      continue;
    }
    ++rep.rows_read;
    const LinePlace at{log_path, line_no};
    const std::vector<std::string> f = split(line, ',');
    size_t k = 1;
    if (k < f.size() && parse_double(f[k])) ++k;  // ONEDNN_VERBOSE_TIMESTAMP=1
    if (k < f.size() && f[k] == "primitive") ++k;  // oneDNN 3.x
    if (k >= f.size()) at.fail("a verbose line with no operation");
    const std::string& op = f[k];
    if (op == "info" || op == "common") {
      const size_t v = line.find("oneDNN v") != std::string::npos ? line.find("oneDNN v") : line.find("DNNL v");
      if (v != std::string::npos && t.engine_version.empty()) t.engine_version = trim(line.substr(line.find(' ', v) + 1));
      const size_t nthr = line.find("nthr:");
      if (nthr != std::string::npos)
        if (const auto n = parse_int(line.substr(nthr + 5, line.find_first_not_of("0123456789", nthr + 5) - nthr - 5)))
          t.threads = *n;
      rep.skip("info line");
      continue;
    }
    if (op.rfind("create", 0) == 0) {
      rep.skip("create line (primitive creation, not execution)");
      continue;
    }
    if (op != "exec") {
      rep.skip(fmt::format("'{}' line", op));
      continue;
    }
    if (f.size() < k + 10)
      at.fail(fmt::format("an exec line has at least {} comma-separated fields; this one has {}", k + 10, f.size()));
    const size_t n = f.size();
    const std::string &engine = f[k + 1], &kind = f[k + 2], &impl = f[k + 3], &prop = f[k + 4], &mds = f[k + 5];
    const std::string desc = trim(f[n - 2]), aux = trim(f[n - 3]);
    const auto time = parse_double(f[n - 1]);
    if (!time || *time < 0) at.fail(fmt::format("time '{}' is not a number of ms", f[n - 1]));
    if (engine != "cpu") {
      rep.skip(fmt::format("{} engine", engine));
      continue;
    }
    if (kind == "reorder") {
      rep.skip("reorder");
      continue;
    }
    if (kind != "convolution" && kind != "inner_product" && kind != "pooling" && kind != "pooling_v2") {
      rep.skip(fmt::format("{} primitive (not imported)", kind));
      continue;
    }
    if (prop.rfind("backward", 0) == 0) {
      rep.skip("backward pass");
      continue;
    }
    std::string key;
    for (size_t i = k + 1; i + 1 < n; ++i) key += f[i] + ",";
    if (const auto it = entry_of.find(key); it != entry_of.end()) {
      entries[it->second].times.push_back(*time);
      ++executions;
      ++rep.rows_imported;
      continue;
    }

    const auto values = problem_values(desc, at);
    const Problem p{values, desc, at};
    if (p.has("id") || p.has("od")) {
      rep.skip(fmt::format("3-D {} (not imported)", kind));
      continue;
    }
    if (kind != "inner_product" && !p.has("ih")) {
      rep.skip(fmt::format("1-D {} (not imported)", kind));
      continue;
    }
    LayerMeasurement l;
    l.dtype = dtype_of(mds);
    const std::string alg = algorithm_of(aux);
    l.implementation = impl + (alg == "convolution_winograd" ? "+winograd" : "");
    const int64_t mb = p.need("mb");
    if (kind == "inner_product") {
      const int64_t ic = p.need("ic"), oc = p.need("oc");
      const int64_t k_size = ic * p.get("ih", 1) * p.get("iw", 1);
      if (mb < 1 || k_size < 1 || oc < 1) at.fail(fmt::format("problem descriptor '{}': sizes must be positive", desc));
      l.op = "Gemm";
      l.input = {mb, k_size};
      l.output = {mb, oc};
    } else {
      const Axis h = axis(p, "ih", "oh", "kh", "sh", "dh", "ph");
      const Axis w = axis(p, "iw", "ow", "kw", "sw", "dw", "pw");
      const int64_t ic = p.need("ic");
      int64_t oc = ic;
      if (kind == "convolution") {
        oc = p.need("oc");
        l.op = "Conv";
        l.group = p.get("g", 1);
        if (l.group < 1 || ic % l.group != 0 || oc % l.group != 0)
          at.fail(fmt::format("problem descriptor '{}': {} groups do not divide {} and {} channels", desc, l.group, ic, oc));
      } else {
        const bool max = alg == "pooling_max";
        if (!max && alg.rfind("pooling_avg", 0) != 0)
          at.fail(fmt::format("pooling algorithm '{}' is neither pooling_max nor pooling_avg*", alg));
        const bool global = h.out == 1 && w.out == 1 && h.kernel == h.in && w.kernel == w.in && h.pad_begin == 0 &&
                            w.pad_begin == 0 && h.pad_end == 0 && w.pad_end == 0;
        l.op = global ? (max ? "GlobalMaxPool" : "GlobalAveragePool") : (max ? "MaxPool" : "AveragePool");
      }
      if (mb < 1 || ic < 1 || oc < 1) at.fail(fmt::format("problem descriptor '{}': sizes must be positive", desc));
      l.input = {mb, ic, h.in, w.in};
      l.output = {mb, oc, h.out, w.out};
      l.kernel_shape = {h.kernel, w.kernel};
      l.strides = {h.stride, w.stride};
      l.pads = {h.pad_begin, w.pad_begin, h.pad_end, w.pad_end};
      l.dilations = {h.dilation, w.dilation};
    }
    const std::string base = kind.rfind("pooling", 0) == 0 ? "pooling:" + desc : kind + ":" + desc;
    const int seen = names[base]++;
    l.name = seen == 0 ? base : fmt::format("{}#{}", base, seen + 1);
    entry_of.emplace(key, entries.size());
    entries.push_back({std::move(l), {*time}});
    ++executions;
    ++rep.rows_imported;
  }

  if (entries.empty()) {
    std::string why;
    for (const auto& [reason, count] : rep.skipped) why += fmt::format("{}{} x {}", why.empty() ? "" : ", ", count, reason);
    throw ConfigError(fmt::format("{}: no convolution, inner product or pooling exec lines of a oneDNN verbose log "
                                  "(run with ONEDNN_VERBOSE=1){}",
                                  log_path, why.empty() ? "" : "; lines read: " + why));
  }
  std::string precision;
  for (auto& e : entries) {
    std::vector<double>& v = e.times;
    std::sort(v.begin(), v.end());
    TimeStats& s = e.layer.time;
    s.min_ms = v.front();
    s.max_ms = v.back();
    s.median_ms = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
    double sum = 0;
    for (double x : v) sum += x;
    s.mean_ms = sum / static_cast<double>(v.size());
    s.count = static_cast<int64_t>(v.size());
    if (precision.empty()) precision = e.layer.dtype;
    if (precision != e.layer.dtype) precision = "auto";
    t.layers.push_back(std::move(e.layer));
  }
  t.precision = precision == "fp32" || precision == "fp16" || precision == "int8" ? precision : "auto";
  t.source = fmt::format(
      "{}: oneDNN verbose log, {} executions of {} convolution / inner product / pooling primitives (identical "
      "primitives aggregated); threads {}",
      log_path, executions, t.layers.size(), t.threads > 0 ? fmt::format("{} (nthr of the info line)", t.threads)
                                                             : std::string("unknown (no nthr in the log)"));
  return t;
}

}  // namespace tilesim
