#include "traces/import_tophub.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "traces/csv_reader.hpp"

namespace tilesim {
namespace {

// Where a row came from, for error messages: "file:line: column 'name': message".
struct RowPlace {
  const CsvTable& table;
  const CsvRecord& row;
  [[noreturn]] void fail(const std::string& column, const std::string& message) const {
    throw ConfigError(fmt::format("{}:{}: column '{}': {}", table.path(), row.line, column, message));
  }
};

// "1x3x224x224" -> {1, 3, 224, 224}; every dimension positive.
Shape parse_dims(const std::string& text, const RowPlace& at, const std::string& column) {
  Shape s;
  size_t start = 0;
  while (true) {
    const size_t x = text.find('x', start);
    const auto v = parse_int(text.substr(start, x == std::string::npos ? std::string::npos : x - start));
    if (!v || *v <= 0) at.fail(column, fmt::format("'{}' is not a shape like 1x3x224x224", text));
    s.push_back(*v);
    if (!checked_elements(s))
      at.fail(column, fmt::format("'{}' has more than {} elements, more than any tensor may", text, kMaxTensorElements));
    if (x == std::string::npos) break;
    start = x + 1;
  }
  return s;
}

// "[2, 2]", "2" or "(1, 1, 1, 1)" -> integers.
std::vector<int64_t> parse_ints(const std::string& text, const RowPlace& at, const std::string& column) {
  std::vector<int64_t> out;
  std::string token;
  auto flush = [&] {
    if (token.empty()) return;
    const auto v = parse_int(token);
    if (!v) at.fail(column, fmt::format("'{}' is not a list of integers like [1, 1]", text));
    if (*v > kMaxWindowAttribute || *v < -kMaxWindowAttribute)
      at.fail(column, fmt::format("{} in '{}' is out of any plausible range", *v, text));
    out.push_back(*v);
    token.clear();
  };
  for (char ch : text) {
    if (ch == '[' || ch == ']' || ch == '(' || ch == ')' || ch == ',' || ch == ' ') {
      flush();
    } else {
      token += ch;
    }
  }
  flush();
  if (out.empty()) at.fail(column, fmt::format("'{}' is not a list of integers like [1, 1]", text));
  return out;
}

// Costs in any of "0.5", "[0.5, 0.6]", "0.5;0.6", "0.5 0.6".
std::vector<double> parse_costs(const std::string& text, const RowPlace& at) {
  std::vector<double> out;
  std::string token;
  auto flush = [&] {
    if (token.empty()) return;
    const auto v = parse_double(token);
    if (!v) at.fail("costs_ms", fmt::format("'{}' is not a list of times in ms", text));
    out.push_back(*v);
    token.clear();
  };
  for (char ch : text) {
    if (ch == '[' || ch == ']' || ch == ',' || ch == ';' || ch == '|' || ch == ' ') {
      flush();
    } else {
      token += ch;
    }
  }
  flush();
  return out;
}

int64_t output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad0, int64_t pad1, int64_t dilation) {
  const int64_t span = in + pad0 + pad1 - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

enum class TaskKind { conv, depthwise, dense, other };

TaskKind task_kind(const std::string& task) {
  const std::string base = task.substr(0, task.find('.'));
  auto starts = [&](const char* p) { return base.rfind(p, 0) == 0; };
  if (starts("dense")) return TaskKind::dense;
  if (starts("depthwise_conv2d_nchw") && !starts("depthwise_conv2d_nchwc")) return TaskKind::depthwise;
  if ((starts("conv2d_nchw") && !starts("conv2d_nchwc")) || starts("group_conv2d_nchw")) return TaskKind::conv;
  return TaskKind::other;
}

// The layer of a conv2d / depthwise conv2d record; `key` gets the workload (the task left out).
LayerMeasurement conv_layer(const std::string& task, bool depthwise, const std::string& input_text,
                            const std::string& weight_text, const std::string& strides_text,
                            const std::string& padding_text, const std::string& dilation_text, const RowPlace& at,
                            std::string& key) {
  const Shape in = parse_dims(input_text, at, "input_shape");
  const Shape w = parse_dims(weight_text, at, "weight_shape");
  if (in.size() != 4) at.fail("input_shape", fmt::format("'{}' is not NCHW", input_text));
  if (w.size() != 4) at.fail("weight_shape", fmt::format("'{}' is not OIHW", weight_text));
  std::vector<int64_t> s = parse_ints(strides_text, at, "strides");
  std::vector<int64_t> p = parse_ints(padding_text, at, "padding");
  std::vector<int64_t> d = parse_ints(dilation_text, at, "dilation");
  if (s.size() == 1) s = {s[0], s[0]};
  if (d.size() == 1) d = {d[0], d[0]};
  if (p.size() == 1) p = {p[0], p[0], p[0], p[0]};
  if (p.size() == 2) p = {p[0], p[1], p[0], p[1]};  // TVM's (pad_h, pad_w)
  if (s.size() != 2 || s[0] <= 0 || s[1] <= 0) at.fail("strides", fmt::format("'{}' is not two positive strides", strides_text));
  if (d.size() != 2 || d[0] <= 0 || d[1] <= 0)
    at.fail("dilation", fmt::format("'{}' is not two positive dilations", dilation_text));
  if (p.size() != 4 || *std::min_element(p.begin(), p.end()) < 0)
    at.fail("padding", fmt::format("'{}' is not padding (top, left, bottom, right)", padding_text));

  const int64_t channels = in[1];
  int64_t out_channels = w[0], group = 1;
  if (depthwise) {
    if (w[0] == channels) {  // TVM's depthwise weight: [C, multiplier, kh, kw]
      out_channels = channels * w[1];
    } else if (w[1] == 1 && w[0] % channels == 0) {  // ONNX's [C x multiplier, 1, kh, kw]
      out_channels = w[0];
    } else {
      at.fail("weight_shape", fmt::format("depthwise weight {} does not fit {} input channels", weight_text, channels));
    }
    group = channels;
  } else {
    if (channels % w[1] != 0 || w[0] % (channels / w[1]) != 0)
      at.fail("weight_shape", fmt::format("weight {} does not fit {} input channels", weight_text, channels));
    group = channels / w[1];
  }
  const int64_t oh = output_size(in[2], w[2], s[0], p[0], p[2], d[0]);
  const int64_t ow = output_size(in[3], w[3], s[1], p[1], p[3], d[1]);
  if (oh < 1 || ow < 1)
    at.fail("input_shape", fmt::format("a {}x{} kernel (dilation {}x{}) does not fit input {} padded {}", w[2], w[3],
                                       d[0], d[1], input_text, padding_text));

  LayerMeasurement l;
  l.op = "Conv";
  l.input = in;
  l.output = {in[0], out_channels, oh, ow};
  l.kernel_shape = {w[2], w[3]};
  l.strides = s;
  l.pads = p;
  l.dilations = d;
  l.group = group;
  const std::string workload = fmt::format("in{}:w{}:s{}x{}:p{}x{}x{}x{}:d{}x{}", input_text, weight_text, s[0], s[1],
                                           p[0], p[1], p[2], p[3], d[0], d[1]);
  l.name = task + ":" + workload;
  key = "Conv:" + workload;
  return l;
}

LayerMeasurement dense_layer(const std::string& task, const std::string& input_text, const std::string& weight_text,
                             const RowPlace& at, std::string& key) {
  const Shape in = parse_dims(input_text, at, "input_shape");
  const Shape w = parse_dims(weight_text, at, "weight_shape");
  if (in.size() != 2) at.fail("input_shape", fmt::format("dense input '{}' is not N x K", input_text));
  if (w.size() != 2 || w[1] != in[1])
    at.fail("weight_shape", fmt::format("dense weight '{}' is not M x {}", weight_text, in[1]));
  LayerMeasurement l;
  l.op = "Gemm";
  l.input = in;
  l.output = {in[0], w[0]};
  const std::string workload = fmt::format("in{}:w{}", input_text, weight_text);
  l.name = task + ":" + workload;
  key = "Gemm:" + workload;
  return l;
}

struct DeviceTraces {
  Trace trace;
  std::string kind;  // arm_cpu | cuda | mali
  std::map<std::string, size_t> layer_of_workload;
  std::vector<std::string> targets, files, versions;
  std::string first_time, last_time;
  int records = 0;
};

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string iso(std::string t) {
  if (t.size() == 19 && t[10] == ' ') t[10] = 'T';
  return t + "Z";
}

void finish(DeviceTraces& d, const std::string& path) {
  Trace& t = d.trace;
  t.engine_version = "TVM " + join(d.versions, ", ");
  if (!d.first_time.empty())
    t.recorded_at = d.first_time == d.last_time ? iso(d.first_time) : iso(d.first_time) + "/" + iso(d.last_time);
  const std::string what = fmt::format(
      "{}: {} tlc-pack/tophub records ({}) of target '{}': the best AutoTVM schedule per workload, time = its measured "
      "cost (result[0], s -> ms)",
      path, d.records, join(d.files, ", "), join(d.targets, "' | '"));
  if (d.kind == "arm_cpu") {
    const SocSpec soc = load_soc(t.soc);
    double top = 0, cores = 0;
    for (const auto& c : soc.clusters) top = std::max(top, c.frequency);
    for (const auto& c : soc.clusters)
      if (c.frequency == top) cores += c.count;
    t.threads = static_cast<int64_t>(cores);
    t.cores = "big";
    t.source = fmt::format(
        "{}. Threads and core affinity are not recorded; assumed: TVM's runtime default of one worker per core of the "
        "fastest cluster, {} threads on the big cores (apache/tvm src/runtime/thread_pool.cc: "
        "ThreadGroup::Configure(kBig, 0); threading_backend.cc: big_count_ = cores at the highest cpuinfo_max_freq)",
        what, t.threads);
  } else {
    t.threads = 1;
    t.cores = "big";
    t.source = fmt::format("{}. GPU ({}) kernel times; threads and cores describe the host thread that launches them",
                           what, d.kind == "cuda" ? "CUDA" : "OpenCL, Mali");
  }
}

}  // namespace

std::vector<Trace> import_tophub(const std::string& csv_path, ImportReport* report) {
  const CsvTable table = CsvTable::read(csv_path);
  ImportReport local;
  ImportReport& rep = report ? *report : local;
  rep = ImportReport{};
  rep.source = csv_path;
  const size_t c_target = table.column("target"), c_model = table.column("model"),
               c_device_key = table.column("device_key"), c_task = table.column("task"), c_dtype = table.column("dtype"),
               c_input = table.column("input_shape"), c_weight = table.column("weight_shape"),
               c_strides = table.column("strides"), c_padding = table.column("padding"),
               c_dilation = table.column("dilation"), c_mean = table.column("mean_cost_ms"),
               c_min = table.column("min_cost_ms");
  const auto c_n = table.find_column("n_costs"), c_costs = table.find_column("costs_ms"),
             c_error = table.find_column("error_no"), c_time = table.find_column("timestamp_utc"),
             c_version = table.find_column("tvm_version"), c_file = table.find_column("source_file");

  const std::vector<std::string> socs = builtin_socs();
  std::vector<DeviceTraces> devices;
  std::map<std::string, size_t> device_index;
  for (const CsvRecord& row : table.rows()) {
    ++rep.rows_read;
    const RowPlace at{table, row};
    auto get = [&](std::optional<size_t> c) -> const std::string& {
      static const std::string none;
      return c ? row.fields[*c] : none;
    };
    const std::string& target = get(c_target);
    const std::string& model = get(c_model);
    const std::string& task = get(c_task);
    if (!get(c_error).empty() && get(c_error) != "0") {
      rep.skip("measurement failed (error_no != 0)");
      continue;
    }
    std::string kind = target.rfind("cuda", 0) == 0 ? "cuda" : get(c_device_key);
    if (kind.empty()) kind = target.substr(0, target.find(' '));
    if (model.empty()) {
      rep.skip(kind == "adreno" ? "adreno: the target names no phone or SoC"
                                : fmt::format("{}: the target names no device (no -model=)", kind));
      continue;
    }
    const std::string engine = kind == "arm_cpu" ? "tvm-arm" : kind == "cuda" ? "tvm-cuda" : kind == "mali" ? "tvm-mali" : "";
    if (engine.empty()) {
      rep.skip(fmt::format("{} ({}): {} targets are not imported", model, kind, kind));
      continue;
    }
    if (std::find(socs.begin(), socs.end(), model) == socs.end()) {
      rep.skip(fmt::format("{} ({}): not a built-in SoC", model, kind));
      continue;
    }
    if (get(c_dtype) != "float32") {
      rep.skip(fmt::format("{} ({}): {} rows (only float32 is imported)", model, kind, get(c_dtype)));
      continue;
    }
    const TaskKind tk = task_kind(task);
    if (tk == TaskKind::other) {
      rep.skip(fmt::format("{} ({}): task {} not imported", model, kind, task));
      continue;
    }

    std::string key;
    LayerMeasurement l = tk == TaskKind::dense
                             ? dense_layer(task, get(c_input), get(c_weight), at, key)
                             : conv_layer(task, tk == TaskKind::depthwise, get(c_input), get(c_weight), get(c_strides),
                                          get(c_padding), get(c_dilation), at, key);
    l.implementation = task;
    const auto mean = parse_double(get(c_mean));
    const auto min = parse_double(get(c_min));
    if (!mean || *mean <= 0) at.fail("mean_cost_ms", fmt::format("'{}' is not a positive time", get(c_mean)));
    if (!min || *min <= 0 || *min > *mean)
      at.fail("min_cost_ms", fmt::format("'{}' is not a positive time at most mean_cost_ms", get(c_min)));
    std::vector<double> costs = parse_costs(get(c_costs), at);
    const std::optional<int64_t> n =
        get(c_n).empty() ? std::optional<int64_t>(static_cast<int64_t>(costs.size())) : parse_int(get(c_n));
    if (!n || *n < 0) at.fail("n_costs", fmt::format("'{}' is not a count", get(c_n)));
    l.time.min_ms = *min;
    l.time.mean_ms = *mean;
    l.time.count = *n;
    if (!costs.empty()) {
      std::sort(costs.begin(), costs.end());
      const size_t m = costs.size();
      l.time.median_ms = m % 2 ? costs[m / 2] : 0.5 * (costs[m / 2 - 1] + costs[m / 2]);
      l.time.max_ms = costs.back();
    } else if (*n == 1) {
      l.time.median_ms = l.time.max_ms = *mean;
    }  // else unknown (0)

    auto [it, added] = device_index.try_emplace(model, devices.size());
    if (added) {
      DeviceTraces d;
      d.kind = kind;
      d.trace.device = fmt::format("{} ({})", model, kind);
      d.trace.soc = model;
      d.trace.engine = engine;
      d.trace.precision = "fp32";
      devices.push_back(std::move(d));
    }
    DeviceTraces& d = devices[it->second];
    ++d.records;
    add_unique(d.targets, target);
    add_unique(d.files, get(c_file));
    add_unique(d.versions, get(c_version));
    const std::string& when = get(c_time);
    if (!when.empty()) {
      if (d.first_time.empty() || when < d.first_time) d.first_time = when;
      if (d.last_time.empty() || when > d.last_time) d.last_time = when;
    }
    const auto [w, fresh] = d.layer_of_workload.try_emplace(key, d.trace.layers.size());
    if (fresh) {
      d.trace.layers.push_back(std::move(l));
      ++rep.rows_imported;
    } else {
      LayerMeasurement& kept = d.trace.layers[w->second];
      if (l.time.mean_ms < kept.time.mean_ms) kept = std::move(l);
      rep.skip(fmt::format("{} ({}): slower record of a workload measured twice (TVM applies the fastest)", model, kind));
    }
  }

  std::vector<Trace> traces;
  for (auto& d : devices) {
    finish(d, csv_path);
    traces.push_back(std::move(d.trace));
  }
  return traces;
}

}  // namespace tilesim
