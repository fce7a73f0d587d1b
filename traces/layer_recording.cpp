#include "traces/layer_recording.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/host_probe.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/zoo/zoo.hpp"

namespace tilesim {
namespace {

std::string iso_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

Network model_network(const RecordOptions& o) {
  if (o.network) return *o.network;
  const ModelEntry* entry = find_model(o.model);
  if (!entry) {
    std::vector<std::string> names;
    for (const auto& m : model_zoo()) names.push_back(m.name);
    const std::string near = nearest(o.model, names);
    throw ConfigError(fmt::format("unknown model '{}'{}", o.model, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
  }
  return entry->build(o.input.value_or(entry->default_input));
}

// The row for `op` (name, shapes, window), without implementation or time.
LayerMeasurement layer_row(const Network& net, const Operator& op) {
  LayerMeasurement m;
  m.name = op.name;
  m.op = std::string(onnx_name(op.type));
  m.input = net.tensor(op.inputs.at(0)).shape;
  m.output = net.tensor(op.outputs.at(0)).shape;
  if (op.type == OpType::GlobalAveragePool) {  // the window it averages
    m.kernel_shape = {m.input.at(2), m.input.at(3)};
    m.strides = {1, 1};
    m.pads = {0, 0, 0, 0};
    m.dilations = {1, 1};
  } else {
    m.kernel_shape = op.attrs.kernel_shape;
    m.strides = op.attrs.strides;
    m.pads = op.attrs.pads;
    m.dilations = op.attrs.dilations;
  }
  m.group = op.type == OpType::Conv ? op.attrs.group : 1;
  m.dtype = "fp32";
  return m;
}

}  // namespace

Network recording_network(const RecordOptions& o, const std::string& engine) {
  return fuse(model_network(o), load_engine(engine).fusion());
}

Trace host_trace_header(const RecordOptions& o, const std::string& engine, const std::string& engine_version,
                        int threads) {
  Trace trace;
  trace.device = "host";
  trace.soc = "host";
  trace.engine = engine;
  trace.engine_version = engine_version;
  trace.precision = "fp32";
  trace.threads = threads;
  trace.cores = "all";
  trace.recorded_at = iso_now();
  trace.source = "tilesim record --model " + o.model;
  return trace;
}

void record_layers(const Network& net, const std::function<LayerTiming(const Operator&)>& time_layer,
                   Trace& trace, std::vector<std::string>& skipped) {
  trace.clock_before_hz = estimate_clock_hz();
  for (OpId id : recorded_layers(net)) {
    const Operator& op = net.op(id);
    LayerMeasurement m = layer_row(net, op);
    try {
      LayerTiming t = time_layer(op);
      m.implementation = std::move(t.implementation);
      m.time = t.time;
    } catch (const UnsupportedLayer& e) {
      skipped.push_back(fmt::format("{} '{}' ({} -> {}): {}", m.op, m.name, shape_to_string(m.input),
                                    shape_to_string(m.output), e.what()));
      continue;
    }
    trace.layers.push_back(std::move(m));
  }
  trace.clock_after_hz = estimate_clock_hz();
}

TimeStats time_layer_runs(const std::function<void()>& run, const RecordOptions& o) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < o.warmup; ++i) run();
  std::vector<double> ms;
  double total = 0;
  while (static_cast<int>(ms.size()) < o.min_reps ||
         (static_cast<int>(ms.size()) < o.max_reps && total < o.min_seconds_per_layer)) {
    const auto t0 = Clock::now();
    run();
    const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
    total += sec;
    ms.push_back(sec * 1e3);
  }
  TimeStats t;
  t.count = static_cast<int64_t>(ms.size());
  double sum = 0;
  for (double x : ms) sum += x;
  t.mean_ms = sum / static_cast<double>(ms.size());
  std::sort(ms.begin(), ms.end());
  t.min_ms = ms.front();
  t.max_ms = ms.back();
  const size_t n = ms.size();
  t.median_ms = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
  return t;
}

void fill_random(float* values, size_t n, uint64_t& seed, float scale) {
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    values[i] = scale * (static_cast<float>(static_cast<uint32_t>(seed >> 40)) / 8388608.0f - 1.0f);  // [-1, 1)
  }
}

std::array<int64_t, 4> floor_mode_pads(const Operator& op, const Shape& in, const Shape& out) {
  const auto& a = op.attrs;
  std::array<int64_t, 4> pads{a.pads.at(0), a.pads.at(1), a.pads.at(2), a.pads.at(3)};
  for (int i = 0; i < 2; ++i) {
    const int64_t span = (a.kernel_shape.at(i) - 1) * a.dilations.at(i) + 1;
    if ((in[2 + i] + pads[i] + pads[2 + i] - span) / a.strides.at(i) + 1 != out[2 + i])
      pads[2 + i] = (out[2 + i] - 1) * a.strides.at(i) + span - in[2 + i] - pads[i];
  }
  return pads;
}

}  // namespace tilesim
