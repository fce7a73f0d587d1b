// TFLite benchmark_model op-profile importer: Run Order rows as ONNX ops, the whole-network time,
// and the run-order match to the simulated ProxylessNAS-Mobile.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include <doctest/doctest.h>

#include "tests/test_support.hpp"
#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/zoo/zoo.hpp"
#include "traces/import_tflite_profile.hpp"

namespace fs = std::filesystem;
using namespace tilesim;

namespace {

using test::error_of;

using ProfileFile = test::TempFile;

const std::string kPreamble = R"(adb shell  /data/local/tmp/benchmark_model_test_64 \
>       --graph=/data/local/tmp/model.tflite \
>     --num_runs=50 --warmup_runs=10
STARTING!
Num runs: [50]
Num threads: [2]
Input shapes: [1,160,160,3]
Running benchmark for 50 iterations 
count=50 first=9000 curr=9100 min=8800 max=9900 avg=9050 std=100

============================== Run Order ==============================
                     [node type]          [start]         [first]        [avg ms]            [%]          [cdf%]          [mem KB]      [times called]  [Name]
)";

std::string op_row(const std::string& node, double avg, const std::string& name) {
  return fmt::format("{:>32}            0.000           {:.3f}           {:.3f}         1.000%          1.000%             0.000              1       [{}]\n",
                     node, avg, avg, name);
}

}  // namespace

TEST_CASE("tflite_profile_rows_map_to_onnx_ops_in_run_order_and_the_classifier_conv_after_the_global_pool_is_gemm") {
  const std::string table = op_row("CONV_2D", 3.1, "Net/Conv/Relu6") +
                            op_row("DEPTHWISE_CONV_2D", 2.2, "Net/expanded_conv_1/up_3-ks_5-st_2-id_0/depthwise/Relu6") +
                            op_row("ADD", 0.05, "Net/expanded_conv_2/add") + op_row("AVERAGE_POOL_2D", 0.04, "Net/Logits/AvgPool") +
                            op_row("CONV_2D", 1.4, "Net/Logits/Conv2d_1c_1x1/BiasAdd") + op_row("RESHAPE", 0.002, "Net/Logits/output") +
                            op_row("SOFTMAX", 0.01, "Net/Predictions");
  const ProfileFile f("map", kPreamble + table + "\nNumber of nodes executed: 7\n" +
                                 "Timings (microseconds): count=50 first=8900 curr=9000 min=8700 max=9800 avg=9000.5 std=99\n");
  const Trace t = import_tflite_profile(f.path, "mobilenet_v2", "snapdragon855");
  REQUIRE(t.layers.size() == 7);
  const std::vector<std::string> ops{"Conv", "Conv", "Add", "GlobalAveragePool", "Gemm", "Reshape", "Softmax"};
  for (size_t i = 0; i < ops.size(); ++i) {
    INFO("row " << i);
    CHECK(t.layers[i].op == ops[i]);
    CHECK(t.layers[i].input.empty());  // the profile has no shapes
    CHECK(t.layers[i].time.count == 50);
  }
  CHECK(t.layers[0].name == "0:CONV_2D");
  CHECK(t.layers[0].group == 1);
  CHECK(t.layers[0].time.mean_ms == doctest::Approx(3.1));
  CHECK(t.layers[0].time.min_ms == 0);  // unknown
  CHECK(t.layers[1].name == "1:DEPTHWISE_CONV_2D");
  CHECK(t.layers[1].implementation == "DEPTHWISE_CONV_2D");
  CHECK(t.layers[1].group == 0);  // depthwise, channel count unknown
  CHECK(t.layers[1].kernel_shape == std::vector<int64_t>{5, 5});
  CHECK(t.layers[1].strides == std::vector<int64_t>{2, 2});
  CHECK(t.layers[4].name == "4:CONV_2D");

  CHECK(t.soc == "snapdragon855");
  CHECK(t.engine == "tflite-2019");
  CHECK(t.device == "unknown phone (benchmark_model_test_64)");
  CHECK(t.threads == 2);
  CHECK(t.cores == "big");
  CHECK(t.precision == "fp32");
  REQUIRE(t.networks.size() == 1);
  const NetworkMeasurement& n = t.networks[0];
  CHECK(n.model == "mobilenet_v2");
  CHECK(n.soc == "snapdragon855");
  CHECK(n.device == "cpu");
  CHECK(n.threads == 2);
  CHECK(n.input == Shape{1, 3, 160, 160});  // NHWC [1,160,160,3] in the log
  CHECK(n.time.mean_ms == doctest::Approx(9.0005));
  CHECK(n.time.min_ms == doctest::Approx(8.7));
  CHECK(n.time.max_ms == doctest::Approx(9.8));
  CHECK(n.time.count == 50);
  CHECK(n.source == f.path + ":22");  // 12 preamble lines, 7 rows, a blank line, the node count

  // Rows without shapes survive the trace file.
  const ProfileFile h5("map_h5", "");
  write_trace(h5.path, t);
  const Trace back = read_trace(h5.path);
  REQUIRE(back.layers.size() == 7);
  CHECK(back.layers[1].input.empty());
  CHECK(back.layers[1].group == 0);
  CHECK(back.layers[4].op == "Gemm");
  CHECK(back.engine == "tflite-2019");
  REQUIRE(back.networks.size() == 1);
  CHECK(back.networks[0].time.mean_ms == doctest::Approx(9.0005));
}

TEST_CASE("tflite_profile_pool_inside_the_network_stays_average_pool_and_without_timings_line_the_benchmark_line_counts") {
  const std::string table = op_row("CONV_2D", 1.0, "a") + op_row("AVERAGE_POOL_2D", 0.1, "pool") + op_row("MAX_POOL_2D", 0.1, "mp") +
                            op_row("CONV_2D", 1.0, "b") + op_row("CONCATENATION", 0.1, "cat") + op_row("FULLY_CONNECTED", 0.3, "fc") +
                            op_row("CUSTOM_OP", 0.2, "custom");
  const ProfileFile f("inner", kPreamble + table + "\n");
  const Trace t = import_tflite_profile(f.path);
  REQUIRE(t.layers.size() == 7);
  CHECK(t.layers[1].op == "AveragePool");
  CHECK(t.layers[2].op == "MaxPool");
  CHECK(t.layers[3].op == "Conv");
  CHECK(t.layers[4].op == "Concat");
  CHECK(t.layers[5].op == "Gemm");
  CHECK(t.layers[6].op == "CUSTOM_OP");
  CHECK(t.soc == "snapdragon821");
  REQUIRE(t.networks.size() == 1);
  CHECK(t.networks[0].model == "proxylessnas_mobile");
  CHECK(t.networks[0].time.mean_ms == doctest::Approx(9.05));  // the "Running benchmark" count= line
  CHECK(t.networks[0].time.count == 50);
}

TEST_CASE("tflite_profile_bad_input_is_a_config_error_naming_file_and_line") {
  auto error_for = [](const std::string& tag, const std::string& text) {
    const ProfileFile f(tag, text);
    const std::string e = error_of([&] { import_tflite_profile(f.path); });
    CHECK(e.find(f.path) != std::string::npos);
    return e;
  };
  CHECK(error_for("notable", "STARTING!\nNum runs: [50]\n").find("Run Order") != std::string::npos);
  // The preamble is 12 lines, so the first operator row is line 13.
  std::string bad = op_row("CONV_2D", 1.0, "a");
  bad.replace(bad.rfind("1.000  "), 5, "fast!");  // the avg ms column
  CHECK(error_for("avg", kPreamble + op_row("ADD", 0.1, "x") + bad).find(":14: avg ms 'fast!'") != std::string::npos);
  CHECK(error_for("noname", kPreamble + "CONV_2D 0.0 1.0 1.0 1% 1% 0 1\n").find(":13:") != std::string::npos);
  CHECK(error_for("count", kPreamble + op_row("ADD", 0.1, "x") + "\nNumber of nodes executed: 3\n").find(":15:") !=
        std::string::npos);
  CHECK(error_of([] { import_tflite_profile("/nonexistent/profile.txt"); }).find("/nonexistent/profile.txt") != std::string::npos);
}

TEST_CASE("tflite_profile_real_proxylessnas_log_has_77_ops_80_64_ms_and_lines_up_with_the_simulated_network_by_op_kind") {
  const std::string path = TILESIM_SOURCE_DIR
      "/../shared/validation-data/proxylessnas_mobile_lut/proxyless_mobile_10_latency_tflite_op_profile.txt";
  if (!fs::exists(path)) {
    MESSAGE("skipped: " << path << " is not there");
    return;
  }
  const Trace t = import_tflite_profile(path);
  REQUIRE(t.layers.size() == 77);
  CHECK(t.threads == 1);
  CHECK(t.soc == "snapdragon821");
  CHECK(t.device == "unknown phone (benchmark_model_lg_verbose_64)");
  REQUIRE(t.networks.size() == 1);
  const NetworkMeasurement& n = t.networks[0];
  CHECK(n.model == "proxylessnas_mobile");
  CHECK(n.input == Shape{1, 3, 224, 224});
  CHECK(n.time.mean_ms == doctest::Approx(80.6357));
  CHECK(n.time.min_ms == doctest::Approx(79.554));
  CHECK(n.time.max_ms == doctest::Approx(83.563));
  CHECK(n.time.count == 100);
  double sum = 0;
  std::map<std::string, int> ops;
  for (const auto& l : t.layers) {
    sum += l.time.mean_ms;
    ++ops[l.op];
    CHECK(l.time.count == 100);
  }
  CHECK(sum == doctest::Approx(n.time.mean_ms).epsilon(0.005));  // per-op averages add up to the network
  CHECK(ops["Conv"] == 61);
  CHECK(ops["Add"] == 13);
  CHECK(ops["GlobalAveragePool"] == 1);
  CHECK(ops["Gemm"] == 1);
  CHECK(ops["Reshape"] == 1);

  // The simulated network has the same Conv / Add / GlobalAveragePool / Gemm counts, and its i-th
  // Conv is depthwise exactly where the i-th Conv row is, with the same kernel and stride.
  const ModelEntry* m = find_model("proxylessnas_mobile");
  REQUIRE(m);
  const Network net = m->build(m->default_input);
  std::vector<const Operator*> convs;
  std::map<std::string, int> sim_ops;
  for (OpId id : net.topological_order()) {
    const Operator& op = net.op(id);
    ++sim_ops[std::string(onnx_name(op.type))];
    if (op.type == OpType::Conv) convs.push_back(&op);
  }
  for (const char* kind : {"Conv", "Add", "GlobalAveragePool", "Gemm"}) {
    INFO(kind);
    CHECK(sim_ops[kind] == ops[kind]);
  }
  size_t c = 0;
  for (const auto& l : t.layers) {
    if (l.op != "Conv") continue;
    REQUIRE(c < convs.size());
    const Operator& sim = *convs[c++];
    INFO("row " << l.name << " vs simulated " << sim.name);
    CHECK((l.group == 0) == (sim.attrs.group > 1));
    if (l.group == 0) {
      CHECK(l.kernel_shape == sim.attrs.kernel_shape);
      CHECK(l.strides == sim.attrs.strides);
    }
  }
  CHECK(c == convs.size());
}
