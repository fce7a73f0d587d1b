// `tilesim record --engine xnnpack`: a row per convolution, fully-connected and pooling layer of
// the network as the XNNPACK profile fuses it, named as the simulator names them, timed, and a
// trace `validate` reads. Skipped where XNNPACK support (libtilesim_xnnpack.so) is not built.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "kernels/engine_profile.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/zoo/zoo.hpp"
#include "tests/cli/cli_harness.hpp"
#include "traces/host_recorder.hpp"

using namespace tilesim;
using tilesim::test::tilesim_cli;
using nlohmann::json;

namespace {

std::string temp_trace(const std::string& model) {
  return (std::filesystem::temp_directory_path() /
          ("tilesim_xnnpack_" + model + "_" + std::to_string(::getpid()) + ".h5"))
      .string();
}

// The trace `record` wrote, or nothing where the module is not built (the message says how to get it).
std::optional<Trace> record_or_skip(const std::string& model, const std::string& input, const std::string& path) {
  const auto r = tilesim_cli({"record", "--model", model, "--input", input, "--engine", "xnnpack", "--threads", "1",
                              "--out", path});
  if (r.status != 0 && r.err.find("libxnnpack-dev") != std::string::npos) {
    MESSAGE("skipped: " << r.err);
    return std::nullopt;
  }
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("with xnnpack") != std::string::npos);
  return read_trace(path);
}

// The layers a recording times: those of the network fused with the XNNPACK profile's rules.
std::vector<Operator> expected_layers(const std::string& model, const Shape& input) {
  const Network net = fuse(find_model(model)->build(input), load_engine("xnnpack").fusion());
  std::vector<Operator> ops;
  for (OpId id : recorded_layers(net)) ops.push_back(net.op(id));
  return ops;
}

void check_rows(const Trace& t, const std::vector<Operator>& ops) {
  CHECK(t.engine == "xnnpack");
  CHECK(!t.engine_version.empty());
  CHECK(t.device == "host");
  CHECK(t.threads == 1);
  CHECK(t.precision == "fp32");
  REQUIRE(t.layers.size() == ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const LayerMeasurement& m = t.layers[i];
    CAPTURE(m.name);
    CHECK(m.name == ops[i].name);
    CHECK(m.op == onnx_name(ops[i].type));
    CHECK(!m.implementation.empty());
    CHECK(m.time.count >= 10);
    CHECK(m.time.min_ms > 0);
    CHECK(m.time.min_ms <= m.time.median_ms);
    CHECK(m.time.median_ms <= m.time.max_ms);
  }
}

}  // namespace

TEST_CASE("record_with_xnnpack_times_depthwise_and_relu6_layers_and_validate_reads_the_trace") {
  // MobileNetV2 at a small input: depthwise convolutions, ReLU6 clamps, a global average pool, a Gemm.
  const std::string path = temp_trace("mobilenet_v2");
  const auto t = record_or_skip("mobilenet_v2", "1x3x32x32", path);
  if (!t) return;
  check_rows(*t, expected_layers("mobilenet_v2", {1, 3, 32, 32}));
  int depthwise = 0;
  for (const auto& m : t->layers) depthwise += m.implementation == "convolution_nhwc_f32:dwconv";
  CHECK(depthwise > 10);

  // Validated against the description probed where the checked-in host traces were recorded.
  const std::string soc = std::string(TILESIM_SOURCE_DIR) + "/traces/recorded/host-epyc-2vcpu/soc.yaml";
  const auto v = tilesim_cli({"validate", "--trace", path, "--soc", soc, "--format", "json"});
  std::filesystem::remove(path);
  INFO(v.err);
  REQUIRE(v.status == 0);
  const json j = json::parse(v.out);
  CHECK(j["metrics"]["n"] == t->layers.size());
  CHECK(j["metrics"]["mape"].get<double>() > 0);
  CHECK(j["baselines"]["flops"].contains("mape"));
}

TEST_CASE("record_with_xnnpack_times_ceil_mode_max_pools") {
  const std::string path = temp_trace("squeezenet1_1");
  const auto t = record_or_skip("squeezenet1_1", "1x3x64x64", path);
  std::filesystem::remove(path);
  if (!t) return;
  check_rows(*t, expected_layers("squeezenet1_1", {1, 3, 64, 64}));
  int max_pools = 0;
  for (const auto& m : t->layers) max_pools += m.op == "MaxPool";
  CHECK(max_pools == 3);
}
