// `tilesim record`: one measurement per convolution, fully-connected and pooling layer of the
// fused network, named as the simulator names them, with sane statistics; the trace survives a
// write and read. Skipped where oneDNN support (libtilesim_onednn.so) is not built.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/zoo/zoo.hpp"
#include "traces/host_recorder.hpp"

using namespace tilesim;

namespace {

// configs/engines/onednn.yaml's fusion: batch norm and activations into the convolution, a
// residual add as a sum post-op, no add + activation.
const FusionRules kOnednnFusion{true, true, false, true};

std::optional<Trace> record_or_skip(const RecordOptions& o) {
  try {
    return record_host_trace(o);
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    if (what.find("libdnnl-dev") == std::string::npos) throw;
    MESSAGE("skipped: " << what);
    return std::nullopt;
  }
}

RecordOptions tiny(const std::string& model, Shape input) {
  RecordOptions o;
  o.model = model;
  o.input = std::move(input);
  o.threads = 1;
  o.min_seconds_per_layer = 0.01;
  o.min_reps = 3;
  o.max_reps = 20;
  o.warmup = 1;
  return o;
}

std::vector<Operator> recorded_layers(const RecordOptions& o) {
  const Network net = fuse(find_model(o.model)->build(*o.input), kOnednnFusion);
  std::vector<Operator> ops;
  for (OpId id : recorded_layers(net)) ops.push_back(net.op(id));
  return ops;
}

void check_trace(const Trace& t, const RecordOptions& o) {
  CHECK(t.device == "host");
  CHECK(t.soc == "host");
  CHECK(t.engine == "onednn");
  CHECK(t.engine_version.rfind("2.", 0) == 0);
  CHECK(t.precision == "fp32");
  CHECK(t.threads == o.threads);
  CHECK(t.cores == "all");
  CHECK(t.clock_before_hz > 1e8);
  CHECK(t.clock_after_hz > 1e8);
  CHECK(t.recorded_at.size() == 20);  // 2024-01-31T12:00:00Z
  CHECK(t.source == "tilesim record --model " + o.model);
  CHECK(t.networks.empty());

  const auto ops = recorded_layers(o);
  REQUIRE(t.layers.size() == ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const LayerMeasurement& m = t.layers[i];
    const Operator& op = ops[i];
    CAPTURE(m.name);
    CHECK(m.name == op.name);
    CHECK(m.op == onnx_name(op.type));
    CHECK(m.input.size() >= 2);
    CHECK(m.output.size() >= 2);
    if (op.type == OpType::Conv) {
      CHECK(m.kernel_shape == op.attrs.kernel_shape);
      CHECK(m.strides == op.attrs.strides);
      CHECK(m.pads == op.attrs.pads);
      CHECK(m.group == op.attrs.group);
    }
    CHECK(m.dtype == "fp32");
    CHECK(!m.implementation.empty());
    CHECK(m.time.count >= o.min_reps);
    CHECK(m.time.count <= o.max_reps);
    CHECK(m.time.min_ms > 0);
    CHECK(m.time.min_ms <= m.time.median_ms);
    CHECK(m.time.median_ms <= m.time.max_ms);
    CHECK(m.time.min_ms <= m.time.mean_ms);
    CHECK(m.time.mean_ms <= m.time.max_ms);
  }
}

}  // namespace

TEST_CASE("record_measures_every_conv_gemm_and_pool_layer_of_the_fused_network") {
  const RecordOptions o = tiny("squeezenet1_1", {1, 3, 64, 64});
  const auto t = record_or_skip(o);
  if (!t) return;
  check_trace(*t, o);
  // Squeezenet's max pools run in ceil mode; it ends in a global average pool.
  int pools = 0;
  for (const auto& m : t->layers) pools += m.op == "MaxPool" || m.op == "GlobalAveragePool";
  CHECK(pools >= 2);

  SUBCASE("the recorded trace survives a write and a read") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("tilesim_record_" + std::to_string(::getpid()) + ".h5");
    write_trace(path.string(), *t);
    const Trace r = read_trace(path.string());
    std::filesystem::remove(path);
    CHECK(r.device == t->device);
    CHECK(r.engine == t->engine);
    CHECK(r.engine_version == t->engine_version);
    CHECK(r.threads == t->threads);
    CHECK(r.cores == t->cores);
    CHECK(r.clock_before_hz == t->clock_before_hz);
    CHECK(r.clock_after_hz == t->clock_after_hz);
    CHECK(r.recorded_at == t->recorded_at);
    CHECK(r.source == t->source);
    REQUIRE(r.layers.size() == t->layers.size());
    for (size_t i = 0; i < r.layers.size(); ++i) {
      const auto &a = r.layers[i], &b = t->layers[i];
      CAPTURE(b.name);
      CHECK(a.name == b.name);
      CHECK(a.op == b.op);
      CHECK(a.input == b.input);
      CHECK(a.output == b.output);
      CHECK(a.kernel_shape == b.kernel_shape);
      CHECK(a.group == b.group);
      CHECK(a.implementation == b.implementation);
      CHECK(a.time.median_ms == b.time.median_ms);
      CHECK(a.time.count == b.time.count);
    }
  }
}

TEST_CASE("record_runs_depthwise_convolutions_and_residual_sums_as_post_ops") {
  // MobileNetV2: depthwise convolutions, ReLU6 (clip) post-ops, residual adds fused as sums, a Gemm.
  RecordOptions o = tiny("mobilenet_v2", {1, 3, 32, 32});
  o.threads = 2;
  const auto t = record_or_skip(o);
  if (!t) return;
  check_trace(*t, o);
  int depthwise = 0, gemm = 0;
  for (const auto& m : t->layers) {
    depthwise += m.op == "Conv" && m.group > 1 && m.group == m.input.at(1);
    gemm += m.op == "Gemm";
  }
  CHECK(depthwise > 10);
  CHECK(gemm == 1);
}

TEST_CASE("record_rejects_an_unknown_model_and_bad_repetition_counts") {
  RecordOptions o = tiny("squeezenet1_1", {1, 3, 64, 64});
  o.min_reps = 0;
  CHECK_THROWS_AS(record_host_trace(o), ConfigError);
  o = tiny("squeezenet1_1", {1, 3, 64});
  CHECK_THROWS_AS(record_host_trace(o), ConfigError);
  o = tiny("squeezenet9", {1, 3, 64, 64});
  try {
    record_host_trace(o);
    FAIL("no error for an unknown model");
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    // Either oneDNN is missing (and the message says how to get it) or the model is unknown.
    CHECK((what.find("libdnnl-dev") != std::string::npos || what.find("squeezenet9") != std::string::npos));
  }
}

TEST_CASE("record_rejects_an_engine_it_has_no_recorder_for") {
  RecordOptions o = tiny("squeezenet1_1", {1, 3, 64, 64});
  o.engine = "tvm";
  try {
    record_host_trace(o);
    FAIL("no error for an engine without a recorder");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("tvm") != std::string::npos);
  }
}
