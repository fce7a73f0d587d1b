// TVM tophub importer: a trace per built-in SoC, ONNX shapes computed from the workload, skips by reason.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "tests/test_support.hpp"
#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "traces/import_tophub.hpp"

namespace fs = std::filesystem;
using namespace tilesim;

namespace {

using test::error_of;

using TophubFile = test::TempFile;

const std::string kHeader =
    "source_file,line,target,model,device_key,task,dtype,input_shape,weight_shape,strides,padding,dilation,extra,"
    "n_costs,mean_cost_ms,min_cost_ms,costs_ms,error_no,timestamp_utc,tvm_version\n";

const std::string kArm = "llvm -device=arm_cpu -model={} -mtriple=arm64-linux-android -mattr=+neon";

// One CSV row; `model` goes into the target string as tophub's -model=.
std::string row(const std::string& model, const std::string& task, const std::string& dtype, const std::string& in,
                const std::string& w, const std::string& strides, const std::string& pad, const std::string& dil,
                const std::string& mean, const std::string& costs = "", const std::string& n = "1",
                const std::string& when = "2018-09-02 06:00:00") {
  const std::string target = fmt::format(fmt::runtime(kArm), model);
  return fmt::format("arm_cpu_v0.08.log,1,{},{},arm_cpu,{},{},{},{},\"{}\",\"{}\",\"{}\",,{},{},{},\"{}\",0,{},0.7.dev0\n",
                     target, model, task, dtype, in, w, strides, pad, dil, n, mean, mean, costs.empty() ? mean : costs,
                     when);
}

}  // namespace

TEST_CASE("tophub_output_shape_follows_input_padding_stride_and_dilation_with_onnx_attributes") {
  const std::string sp = "conv2d_nchw_spatial_pack.arm_cpu";
  const TophubFile f("shapes",
                     kHeader + row("kirin970", sp, "float32", "1x3x224x224", "64x3x7x7", "[2, 2]", "[3, 3, 3, 3]", "[1, 1]", "6.7") +
                         // Inception 7x1: padding (top 3, left 0, bottom 3, right 0)
                         row("kirin970", sp, "float32", "1x128x17x17", "192x128x7x1", "[1, 1]", "[3, 0, 3, 0]", "[1, 1]", "1.5") +
                         // dilation 2 with padding 2 keeps 56; stride 2 without padding: (56 - 3) / 2 + 1 = 27
                         row("kirin970", sp, "float32", "1x64x56x56", "64x64x3x3", "[1, 1]", "[2, 2, 2, 2]", "[2, 2]", "2.0") +
                         row("kirin970", sp, "float32", "1x64x56x56", "64x64x3x3", "[2, 2]", "[0, 0, 0, 0]", "[1, 1]", "0.9") +
                         row("kirin970", "conv2d_nchw_winograd.arm_cpu", "float32", "1x64x56x56", "64x64x3x3", "[1, 1]",
                             "[1, 1, 1, 1]", "[1, 1]", "3.4"));
  ImportReport report;
  const auto traces = import_tophub(f.path, &report);
  REQUIRE(traces.size() == 1);
  const Trace& t = traces[0];
  CHECK(t.soc == "kirin970");
  CHECK(t.engine == "tvm-arm");
  CHECK(t.precision == "fp32");
  CHECK(t.engine_version == "TVM 0.7.dev0");
  REQUIRE(t.layers.size() == 5);
  CHECK(report.rows_read == 5);
  CHECK(report.rows_imported == 5);

  const auto& stem = t.layers[0];
  CHECK(stem.op == "Conv");
  CHECK(stem.input == Shape{1, 3, 224, 224});
  CHECK(stem.output == Shape{1, 64, 112, 112});
  CHECK(stem.kernel_shape == std::vector<int64_t>{7, 7});
  CHECK(stem.strides == std::vector<int64_t>{2, 2});
  CHECK(stem.pads == std::vector<int64_t>{3, 3, 3, 3});
  CHECK(stem.dilations == std::vector<int64_t>{1, 1});
  CHECK(stem.group == 1);
  CHECK(stem.implementation == sp);
  CHECK(stem.time.min_ms == doctest::Approx(6.7));
  CHECK(stem.time.mean_ms == doctest::Approx(6.7));
  CHECK(stem.time.count == 1);

  CHECK(t.layers[1].output == Shape{1, 192, 17, 17});
  CHECK(t.layers[1].kernel_shape == std::vector<int64_t>{7, 1});
  CHECK(t.layers[1].pads == std::vector<int64_t>{3, 0, 3, 0});
  CHECK(t.layers[2].output == Shape{1, 64, 56, 56});
  CHECK(t.layers[2].dilations == std::vector<int64_t>{2, 2});
  CHECK(t.layers[3].output == Shape{1, 64, 27, 27});
  CHECK(t.layers[4].implementation == "conv2d_nchw_winograd.arm_cpu");
  // Same input and weight, different stride or task: names stay unique.
  std::set<std::string> names;
  for (const auto& l : t.layers) names.insert(l.name);
  CHECK(names.size() == t.layers.size());
}

TEST_CASE("tophub_depthwise_task_with_c_by_multiplier_weight_gets_group_c_and_c_times_multiplier_outputs") {
  const std::string dw = "depthwise_conv2d_nchw.arm_cpu";
  const TophubFile f("depthwise",
                     kHeader + row("snapdragon835", dw, "float32", "1x32x112x112", "32x1x3x3", "[2, 2]", "[1, 1, 1, 1]", "[1, 1]", "0.3") +
                         row("snapdragon835", dw, "float32", "1x32x56x56", "32x2x3x3", "[1, 1]", "[1, 1, 1, 1]", "[1, 1]", "0.2") +
                         // not depthwise by task name: an ordinary conv whose weight has 32 input channels
                         row("snapdragon835", "conv2d_nchw_spatial_pack.arm_cpu", "float32", "1x32x56x56", "32x32x1x1",
                             "[1, 1]", "[0, 0, 0, 0]", "[1, 1]", "0.1"));
  const auto traces = import_tophub(f.path);
  REQUIRE(traces.size() == 1);
  const Trace& t = traces[0];
  REQUIRE(t.layers.size() == 3);
  CHECK(t.layers[0].op == "Conv");
  CHECK(t.layers[0].group == 32);
  CHECK(t.layers[0].output == Shape{1, 32, 56, 56});
  CHECK(t.layers[1].group == 32);
  CHECK(t.layers[1].output == Shape{1, 64, 56, 56});  // channel multiplier 2
  CHECK(t.layers[2].group == 1);
}

TEST_CASE("tophub_dense_record_becomes_gemm_of_n_by_k_input_and_n_by_m_output") {
  // A dense record as a built-in SoC would hold it (tophub's arm_cpu logs have none; the CSV's
  // strides/padding/dilation columns hold other arguments for dense and are ignored).
  const TophubFile f("dense", kHeader + row("bcm2837", "dense_nopack.x86", "float32", "1x512", "1000x512", "", "\"\"float32\"\"",
                                            "", "0.8"));
  const auto traces = import_tophub(f.path);
  REQUIRE(traces.size() == 1);
  REQUIRE(traces[0].layers.size() == 1);
  const auto& l = traces[0].layers[0];
  CHECK(l.op == "Gemm");
  CHECK(l.input == Shape{1, 512});
  CHECK(l.output == Shape{1, 1000});
  CHECK(l.kernel_shape.empty());
}

TEST_CASE("tophub_statistics_come_from_the_costs_list_and_the_fastest_duplicate_workload_is_kept") {
  const std::string sp = "conv2d_nchw_spatial_pack.arm_cpu";
  const TophubFile f("stats", kHeader +
                                  row("bcm2837", sp, "float32", "1x16x56x56", "16x16x1x1", "[1, 1]", "[0, 0, 0, 0]", "[1, 1]",
                                      "0.5", "[0.4, 0.7, 0.5, 0.6]", "4", "2018-09-03 01:00:00") +
                                  row("bcm2837", sp, "float32", "1x8x56x56", "8x8x1x1", "[1, 1]", "[0, 0, 0, 0]", "[1, 1]", "0.9",
                                      "", "1", "2018-09-01 02:00:00") +
                                  row("bcm2837", sp, "float32", "1x8x56x56", "8x8x1x1", "[1, 1]", "[0, 0, 0, 0]", "[1, 1]", "0.3",
                                      "", "1", "2018-09-02 03:00:00"));
  ImportReport report;
  const auto traces = import_tophub(f.path, &report);
  REQUIRE(traces.size() == 1);
  const Trace& t = traces[0];
  REQUIRE(t.layers.size() == 2);
  // costs 0.4 0.5 0.6 0.7: median 0.55, max 0.7; mean and min from their own columns
  CHECK(t.layers[0].time.median_ms == doctest::Approx(0.55));
  CHECK(t.layers[0].time.max_ms == doctest::Approx(0.7));
  CHECK(t.layers[0].time.mean_ms == doctest::Approx(0.5));
  CHECK(t.layers[0].time.count == 4);
  CHECK(t.layers[1].time.mean_ms == doctest::Approx(0.3));  // the faster of the two records
  CHECK(report.rows_imported == 2);
  CHECK(report.skipped_for("bcm2837 (arm_cpu): slower record of a workload measured twice (TVM applies the fastest)") == 1);
  CHECK(t.recorded_at == "2018-09-01T02:00:00Z/2018-09-03T01:00:00Z");
  // bcm2837 has one cluster of 4 A53s: TVM's default pool runs 4 threads
  CHECK(t.threads == 4);
  CHECK(t.cores == "big");
}

TEST_CASE("tophub_threads_default_to_the_fastest_cluster_and_gpu_targets_get_their_own_engine") {
  const std::string sp = "conv2d_nchw_spatial_pack.arm_cpu";
  const std::string cuda_row =
      "cuda_v0.10.log,9,cuda -model=jetson-nano,jetson-nano,,conv2d_nchw.cuda,float32,1x3x224x224,16x3x3x3,\"[2, 2]\","
      "\"[1, 1, 1, 1]\",\"[1, 1]\",,1,0.175,0.175,0.175,0,2019-07-15 17:50:49,0.7.dev0\n";
  const TophubFile f("devices",
                     kHeader + row("snapdragon835", sp, "float32", "1x3x224x224", "64x3x7x7", "[2, 2]", "[3, 3, 3, 3]", "[1, 1]", "6.1") +
                         cuda_row);
  const auto traces = import_tophub(f.path);
  REQUIRE(traces.size() == 2);
  CHECK(traces[0].soc == "snapdragon835");
  CHECK(traces[0].threads == 4);  // 4 Kryo 280 Gold of the 8 cores
  CHECK(traces[0].cores == "big");
  CHECK(traces[0].source.find("assumed") != std::string::npos);
  CHECK(traces[1].soc == "jetson-nano");
  CHECK(traces[1].engine == "tvm-cuda");
  CHECK(traces[1].device.find("cuda") != std::string::npos);
  CHECK(traces[1].layers.at(0).output == Shape{1, 16, 112, 112});
}

TEST_CASE("tophub_skips_other_devices_adreno_without_a_soc_int8_and_other_tasks_by_reason") {
  const std::string sp = "conv2d_nchw_spatial_pack.arm_cpu";
  const std::string adreno =
      "adreno_v0.02.log,1,\"opencl -keys=adreno,opencl,gpu -device=adreno -max_num_threads=256\",,adreno,conv2d_nchwc.image2d,"
      "float16,1x256x128x128,32x256x1x1,\"[1, 1]\",\"[0, 0, 0, 0]\",\"[1, 1]\",,1,0.75,0.75,0.75,0,2022-09-23 07:27:24,0.11.dev0\n";
  const std::string desktop =
      "cuda_v0.10.log,1,cuda -model=titanx,titanx,,conv2d_nchw.cuda,float32,1x2048x8x8,192x2048x1x1,\"[1, 1]\","
      "\"[0, 0, 0, 0]\",\"[1, 1]\",,1,0.057,0.057,0.057,0,2018-08-28 02:38:36,0.7.dev0\n";
  const TophubFile f("skips",
                     kHeader + row("pynq", sp, "float32", "1x3x224x224", "64x3x7x7", "[2, 2]", "[3, 3, 3, 3]", "[1, 1]", "107") +
                         row("kirin970", sp, "int8", "1x3x224x224", "64x3x7x7", "[2, 2]", "[3, 3, 3, 3]", "[1, 1]", "50") +
                         row("kirin970", "conv2d_transpose_nchw.arm_cpu", "float32", "1x128x32x32", "128x3x4x4", "[2, 2]",
                             "[1, 1, 1, 1]", "[1, 1]", "7.7") +
                         row("kirin970", sp, "float32", "1x3x224x224", "64x3x7x7", "[2, 2]", "[3, 3, 3, 3]", "[1, 1]", "6.8") +
                         adreno + desktop);
  ImportReport report;
  const auto traces = import_tophub(f.path, &report);
  REQUIRE(traces.size() == 1);
  CHECK(traces[0].soc == "kirin970");
  CHECK(traces[0].layers.size() == 1);
  CHECK(report.rows_read == 6);
  CHECK(report.rows_imported == 1);
  CHECK(report.rows_skipped() == 5);
  CHECK(report.skipped_for("pynq (arm_cpu): not a built-in SoC") == 1);
  CHECK(report.skipped_for("kirin970 (arm_cpu): int8 rows (only float32 is imported)") == 1);
  CHECK(report.skipped_for("kirin970 (arm_cpu): task conv2d_transpose_nchw.arm_cpu not imported") == 1);
  CHECK(report.skipped_for("adreno: the target names no phone or SoC") == 1);
  CHECK(report.skipped_for("titanx (cuda): not a built-in SoC") == 1);
}

TEST_CASE("tophub_bad_input_is_a_config_error_naming_file_line_and_column") {
  const std::string sp = "conv2d_nchw_spatial_pack.arm_cpu";
  auto error_for = [&](const std::string& tag, const std::string& text) {
    const TophubFile f(tag, text);
    const std::string e = error_of([&] { import_tophub(f.path); });
    CHECK(e.find(f.path) != std::string::npos);
    return e;
  };
  const std::string good = row("kirin970", sp, "float32", "1x3x224x224", "64x3x7x7", "[2, 2]", "[3, 3, 3, 3]", "[1, 1]", "6.8");
  std::string e = error_for("weight", kHeader + good +
                                          row("kirin970", sp, "float32", "1x3x224x224", "64x3x7", "[2, 2]", "[3, 3, 3, 3]", "[1, 1]", "6.8"));
  CHECK(e.find(":3: column 'weight_shape'") != std::string::npos);
  e = error_for("time", kHeader + row("kirin970", sp, "float32", "1x3x224x224", "64x3x7x7", "[2, 2]", "[3, 3, 3, 3]", "[1, 1]", "fast"));
  CHECK(e.find(":2: column 'mean_cost_ms'") != std::string::npos);
  e = error_for("pad", kHeader + row("kirin970", sp, "float32", "1x3x224x224", "64x3x7x7", "[2, 2]", "[3, 3, 3]", "[1, 1]", "6.8"));
  CHECK(e.find(":2: column 'padding'") != std::string::npos);
  e = error_for("fit", kHeader + row("kirin970", sp, "float32", "1x3x4x4", "64x3x7x7", "[1, 1]", "[0, 0, 0, 0]", "[1, 1]", "6.8"));
  CHECK(e.find(":2: column 'input_shape'") != std::string::npos);
  e = error_for("channels", kHeader + row("kirin970", sp, "float32", "1x3x224x224", "64x5x7x7", "[1, 1]", "[0, 0, 0, 0]", "[1, 1]", "6.8"));
  CHECK(e.find(":2: column 'weight_shape'") != std::string::npos);
  // Sizes past int64 arithmetic are refused at their row, not simulated and counted.
  e = error_for("huge", kHeader + row("kirin970", sp, "float32", "1x3x9223372036854775807x9223372036854775807", "64x3x7x7",
                                      "[2, 2]", "[3, 3, 3, 3]", "[1, 1]", "6.8"));
  CHECK(e.find(":2: column 'input_shape': '1x3x9223372036854775807x9223372036854775807' has more than") != std::string::npos);
  e = error_for("huge_pad", kHeader + row("kirin970", sp, "float32", "1x3x224x224", "64x3x7x7", "[2, 2]",
                                          "[9223372036854775807, 3, 3, 3]", "[1, 1]", "6.8"));
  CHECK(e.find(":2: column 'padding': 9223372036854775807 in") != std::string::npos);
  e = error_for("column", "model,task\nkirin970,conv2d\n");
  CHECK(e.find(":1: missing column") != std::string::npos);
  CHECK(error_of([] { import_tophub("/nonexistent/tophub.csv"); }).find("/nonexistent/tophub.csv") != std::string::npos);
}

TEST_CASE("tophub_real_data_gives_220_layers_each_for_bcm2837_kirin970_and_snapdragon835") {
  const std::string path = TILESIM_SOURCE_DIR "/../shared/validation-data/tvm_tophub/tophub_parsed.csv";
  if (!fs::exists(path)) {
    MESSAGE("skipped: " << path << " is not there");
    return;
  }
  ImportReport report;
  const auto traces = import_tophub(path, &report);
  std::map<std::string, const Trace*> by_soc;
  for (const auto& t : traces) by_soc[t.soc] = &t;
  for (const char* soc : {"bcm2837", "kirin970", "snapdragon835"}) {
    INFO("soc " << soc);
    REQUIRE(by_soc.count(soc));
    const Trace& t = *by_soc[soc];
    CHECK(t.engine == "tvm-arm");
    CHECK(t.layers.size() == 220);  // SOURCES.md: 181 spatial pack, 21 Winograd, 18 depthwise
    std::map<std::string, int> tasks;
    std::set<std::string> names;
    for (const auto& l : t.layers) {
      ++tasks[l.implementation];
      names.insert(l.name);
      CHECK(l.op == "Conv");
      REQUIRE(l.output.size() == 4);
      CHECK(l.output[2] >= 1);
      CHECK(l.output[3] >= 1);
      CHECK(l.time.min_ms > 0);
      if (l.implementation.rfind("depthwise", 0) == 0) CHECK(l.group == l.input[1]);
    }
    CHECK(names.size() == t.layers.size());
    CHECK(tasks["conv2d_nchw_spatial_pack.arm_cpu"] == 181);
    CHECK(tasks["conv2d_nchw_winograd.arm_cpu"] == 21);
    CHECK(tasks["depthwise_conv2d_nchw.arm_cpu"] == 18);
    // Every Winograd workload is 3x3 stride 1 with at least 64 input channels (TVM's tune_nnvm_arm rule).
    for (const auto& l : t.layers)
      if (l.implementation == "conv2d_nchw_winograd.arm_cpu") {
        CHECK(l.kernel_shape == std::vector<int64_t>{3, 3});
        CHECK(l.input[1] >= 64);
      }
  }
  CHECK(by_soc.at("bcm2837")->threads == 4);
  CHECK(by_soc.at("kirin970")->threads == 4);
  CHECK(by_soc.at("snapdragon835")->threads == 4);
  REQUIRE(by_soc.count("jetson-nano"));
  CHECK(by_soc.at("jetson-nano")->engine == "tvm-cuda");
  CHECK(report.skipped_for("pynq (arm_cpu): not a built-in SoC") == 220);
  CHECK(report.rows_imported + report.rows_skipped() == report.rows_read);
  std::string summary;
  for (const auto& t : traces) summary += fmt::format("{} {} layers; ", t.soc, t.layers.size());
  for (const auto& [reason, n] : report.skipped) summary += fmt::format("{} x {}; ", n, reason);
  MESSAGE(summary);
}
