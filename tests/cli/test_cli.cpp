// End-to-end tests of the command line: what users' scripts rely on (CONTRACT.md).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tests/cli/cli_harness.hpp"
#include "traces/hdf5_table.hpp"

using tilesim::test::tilesim_cli;
using nlohmann::json;

TEST_CASE("run_without_arguments_simulates_mobilenet_v2_on_snapdragon855") {
  const auto r = tilesim_cli({"run"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("mobilenet_v2 on snapdragon855 (ncnn, 4 threads on big cores, fp16)") != std::string::npos);
  CHECK(r.out.find("latency") != std::string::npos);
  CHECK(r.out.find("peak memory") != std::string::npos);
}

TEST_CASE("run_json_has_the_contract_keys_and_layers_add_up_to_the_total") {
  const auto r = tilesim_cli({"run", "--format", "json"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  for (const char* k : {"model", "soc", "engine", "device", "threads", "cores", "precision", "total", "layers"})
    CHECK(j.contains(k));
  CHECK(j["model"] == "mobilenet_v2");
  CHECK(j["soc"] == "snapdragon855");
  CHECK(j["engine"] == "ncnn");
  CHECK(j["device"] == "cpu");
  CHECK(j["threads"] == 4);
  CHECK(j["cores"] == "big");
  CHECK(j["precision"] == "fp16");
  for (const char* k : {"latency_ms", "energy_mj", "peak_memory_mib", "macs", "params"}) CHECK(j["total"].contains(k));
  CHECK(j["total"]["macs"] == 300774272);
  CHECK(j["total"]["params"] == 3504872);
  double sum = 0;
  for (const auto& l : j["layers"]) {
    for (const char* k : {"name", "op", "algorithm", "macs", "latency_ms", "energy_mj", "bound"}) CHECK(l.contains(k));
    const std::string bound = l["bound"];
    CHECK((bound == "compute" || bound == "memory" || bound == "imbalance" || bound == "overhead"));
    sum += l["latency_ms"].get<double>();
  }
  CHECK(sum == doctest::Approx(j["total"]["latency_ms"].get<double>()).epsilon(1e-9));
  CHECK(j["total"]["latency_ms"].get<double>() > 0.5);
  CHECK(j["total"]["energy_mj"].get<double>() > 0);
}

TEST_CASE("run_csv_has_a_row_per_layer_and_a_total") {
  const auto r = tilesim_cli({"run", "--model", "resnet18", "--format", "csv"});
  REQUIRE(r.status == 0);
  std::istringstream lines(r.out);
  std::string line, last;
  int rows = 0;
  while (std::getline(lines, line)) {
    ++rows;
    last = line;
  }
  CHECK(r.out.rfind("layer,op,algorithm,macs", 0) == 0);
  CHECK(last.rfind("total,", 0) == 0);
  CHECK(rows > 20);
}

TEST_CASE("run_options_change_the_simulation") {
  auto latency = [](std::vector<std::string> extra) {
    std::vector<std::string> args{"run", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = tilesim_cli(args);
    REQUIRE(r.status == 0);
    return json::parse(r.out)["total"]["latency_ms"].get<double>();
  };
  const double base = latency({});
  CHECK(latency({"--threads", "1"}) > base);
  CHECK(latency({"--cores", "little"}) > base);
  CHECK(latency({"--precision", "fp32"}) > base);
  CHECK(latency({"--input", "1x3x160x160"}) < base);
  CHECK(latency({"--set", "cpu.clusters.big.frequency=1.2GHz", "--set", "cpu.clusters.prime.frequency=1.2GHz"}) > base);
}

TEST_CASE("models_and_socs_list_every_contract_name") {
  const auto m = tilesim_cli({"models", "--format", "json"});
  REQUIRE(m.status == 0);
  const json models = json::parse(m.out);
  for (const char* name : {"alexnet", "vgg16", "googlenet", "resnet18", "resnet50", "squeezenet1_1", "mobilenet",
                           "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "shufflenet",
                           "shufflenet_v2_x1_0", "mnasnet1_0", "proxylessnas_mobile", "efficientnet_b0",
                           "regnet_y_400mf", "densenet121"})
    CHECK_MESSAGE(std::find(models.begin(), models.end(), name) != models.end(), name);
  const auto s = tilesim_cli({"socs", "--format", "json"});
  REQUIRE(s.status == 0);
  const json socs = json::parse(s.out);
  CHECK(std::find(socs.begin(), socs.end(), "snapdragon855") != socs.end());
}

TEST_CASE("info_json_matches_the_contract_example_for_resnet50") {
  const auto r = tilesim_cli({"info", "--model", "resnet50", "--format", "json"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  CHECK(j["model"] == "resnet50");
  CHECK(j["input"] == json::array({1, 3, 224, 224}));
  CHECK(j["total"]["macs"] == 4089184256);
  CHECK(j["total"]["params"] == 25557032);
  CHECK(j["total"]["layers"] == 73);
  const json& conv1 = j["layers"][0];
  CHECK(conv1["name"] == "conv1");
  CHECK(conv1["op"] == "Conv");
  CHECK(conv1["inputs"] == json::parse("[[1,3,224,224]]"));
  CHECK(conv1["outputs"] == json::parse("[[1,64,112,112]]"));
  CHECK(conv1["macs"] == 118013952);
  CHECK(conv1["params"] == 9408 + 128);  // conv weights + the batch-norm folded into it
  CHECK(conv1["attrs"] == json::parse(
      R"({"kernel_shape": [7, 7], "strides": [2, 2], "pads": [3, 3, 3, 3], "dilations": [1, 1], "group": 1})"));
}

TEST_CASE("info_kernels_reports_algorithm_and_tiles_per_layer") {
  const auto r = tilesim_cli({"info", "--model", "mobilenet_v2", "--kernels", "--engine", "ncnn", "--soc",
                              "snapdragon855", "--format", "json"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  for (const auto& l : j["layers"]) {
    CHECK(l.contains("algorithm"));
    CHECK(l.contains("tiles"));
  }
  CHECK(j["layers"][1]["algorithm"] == "depthwise_direct_3x3s1");
}

TEST_CASE("info_input_changes_shapes") {
  const auto r = tilesim_cli({"info", "--model", "resnet18", "--input", "1x3x112x112", "--format", "json"});
  REQUIRE(r.status == 0);
  CHECK(json::parse(r.out)["layers"][0]["outputs"] == json::parse("[[1,64,56,56]]"));
}

TEST_CASE("soc_show_prints_each_value_with_unit_and_source") {
  const auto y = tilesim_cli({"soc", "show", "snapdragon855"});
  REQUIRE(y.status == 0);
  CHECK(y.out.find("frequency: 2.84GHz  # Qualcomm product brief") != std::string::npos);
  const auto j = tilesim_cli({"soc", "show", "snapdragon855", "--format", "json", "--set",
                              "cpu.clusters.big.frequency=2GHz"});
  REQUIRE(j.status == 0);
  const json big = json::parse(j.out)["cpu"]["clusters"]["big"];
  CHECK(big["frequency"]["si"] == 2e9);
  CHECK(big["frequency"]["unit"] == "Hz");
  CHECK(big["core"]["l1d"]["size"]["si"] == 65536);
  CHECK(!big["core"]["l1d"]["size"]["source"].get<std::string>().empty());
}

TEST_CASE("bad_input_exits_2_with_one_clear_message") {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{"run", "--model", "resnet51"}, "unknown model 'resnet51' (did you mean 'resnet50'?)"},
      {{"run", "--soc", "snapdragon856"}, "unknown SoC 'snapdragon856'"},
      {{"run", "--engine", "ncnnn"}, "unknown engine 'ncnnn'"},
      {{"run", "--set", "cpu.clusters.big.frequncy=2GHz"}, "frequncy"},
      {{"run", "--set", "memory.bandwidth=fast"}, "memory.bandwidth"},
      {{"run", "--input", "1x3x0x224"}, "--input 1x3x0x224"},
      {{"run", "--input", "banana"}, "--input banana"},
      {{"run", "--model", "alexnet", "--input", "1x3x16x16"}, "alexnet cannot take this input"},
      {{"run", "--threads", "0"}, "threads"},
      {{"run", "--cores", "medium"}, "medium"},
      {{"run", "--model", "net.onnx"}, "net.onnx"},
      {{"run", "--soc", "/nonexistent.yaml"}, "/nonexistent.yaml: no such file"},
      {{"frobnicate"}, "frobnicate"},
      {{"info"}, "--model"},
  };
  for (const auto& c : cases) {
    const auto r = tilesim_cli(c.args);
    INFO(c.args.back() << " -> " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("every_contract_soc_resolves_and_runs") {
  const auto s = tilesim_cli({"socs", "--format", "json"});
  const json socs = json::parse(s.out);
  for (const char* name :
       {"snapdragon410", "snapdragon660", "snapdragon675", "snapdragon765g", "snapdragon810", "snapdragon821",
        "snapdragon835", "snapdragon855", "snapdragon865", "snapdragon888", "snapdragon8gen2", "kirin970",
        "kirin990", "dimensity9300", "rk3399", "rk3566", "rk3568", "rk3588", "bcm2837", "bcm2711", "bcm2712",
        "a311d", "jetson-nano", "jetson-tx1", "jetson-tx2", "jetson-xavier", "jetson-orin-nano", "host"}) {
    INFO(name);
    CHECK(std::find(socs.begin(), socs.end(), name) != socs.end());
    if (std::string(name) == "host" && tilesim_cli({"soc", "show", "host"}).status != 0) {
      MESSAGE("host not probed on this machine (scripts/setup.sh runs `tilesim probe-host`): skipped");
      continue;
    }
    const auto r = tilesim_cli({"run", "--soc", name, "--model", "squeezenet1_1", "--format", "json"});
    CHECK(r.status == 0);
    if (r.status == 0) CHECK(json::parse(r.out)["total"]["latency_ms"].get<double>() > 0);
  }
}

namespace {
// A generated reference in docs/ is what `tilesim <command> format` prints now.
void check_generated_doc(const std::string& command, const std::string& doc) {
  const auto r = tilesim_cli({command, "format"});
  REQUIRE(r.status == 0);
  std::ifstream in(std::string(TILESIM_SOURCE_DIR) + "/" + doc);
  std::stringstream text;
  text << in.rdbuf();
  CHECK_MESSAGE(text.str() == r.out, doc << " is stale: run build/tilesim " << command << " format > " << doc);
}
}  // namespace

TEST_CASE("docs_soc_format_is_generated_from_the_declarations") { check_generated_doc("soc", "docs/soc-format.md"); }

TEST_CASE("docs_output_format_is_generated_from_the_statistic_declarations") {
  check_generated_doc("run", "docs/output-format.md");
}

TEST_CASE("info_kernels_on_the_gpu_lists_dispatches_and_workgroups") {
  const auto r = tilesim_cli({"info", "--model", "resnet18", "--kernels", "--engine", "ncnn-vulkan", "--soc",
                              "snapdragon855", "--device", "gpu", "--format", "json"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  bool winograd = false;
  for (const auto& l : j["layers"]) {
    if (l["algorithm"] == "view") continue;
    CHECK(l["tiles"].get<int64_t>() > 0);
    for (const auto& p : l["phases"]) CHECK(p["local_size"] == 64);
    winograd |= l["algorithm"] == "gpu_winograd_f43" && l["phases"].size() == 3;
  }
  CHECK(winograd);
  const auto wrong = tilesim_cli({"info", "--model", "resnet18", "--kernels", "--engine", "ncnn-vulkan"});
  CHECK(wrong.status == 2);
  CHECK(wrong.err.find("--device: engine 'ncnn-vulkan' targets the gpu, not the cpu: run it on the gpu") !=
        std::string::npos);
}

TEST_CASE("run_writes_hdf5_results_and_a_perfetto_trace") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("tilesim_out_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string h5 = (dir / "run.h5").string(), trace = (dir / "trace.json").string();
  const auto r = tilesim_cli({"run", "--model", "resnet18", "--out", h5, "--trace", trace, "--format", "json"});
  REQUIRE(r.status == 0);
  const json result = json::parse(r.out);
  const tilesim::Hdf5File file = tilesim::read_hdf5(h5);
  CHECK(std::get<std::string>(file.attributes.at("model")) == "resnet18");
  const tilesim::Table* layers = file.table("layers");
  REQUIRE(layers);
  CHECK(layers->rows() == result["layers"].size());
  const auto& latency = std::get<std::vector<double>>(*layers->column("latency_s"));
  CHECK(std::accumulate(latency.begin(), latency.end(), 0.0) * 1e3 ==
        doctest::Approx(result["total"]["latency_ms"].get<double>()));
  const tilesim::Table* items = file.table("work_items");
  REQUIRE(items);
  CHECK(items->rows() > layers->rows());

  std::ifstream in(trace);
  const json t = json::parse(in);
  int slices = 0, counters = 0;
  std::set<int> tracks;
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] == "X") {
      ++slices;
      tracks.insert(e["tid"].get<int>());
      CHECK(e["dur"].get<double>() >= 0);
    }
    if (e["ph"] == "C") ++counters;
  }
  CHECK(slices > 100);
  CHECK(tracks.size() == 5);  // the layer track and one per core of the 4 threads
  CHECK(counters > 0);
  for (const auto& entry : fs::directory_iterator(dir))  // written atomically: no temporaries left
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("run_on_the_gpu_reports_the_gpu") {
  const auto r = tilesim_cli({"run", "--device", "gpu", "--format", "json"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  CHECK(j["device"] == "gpu");
  CHECK(j["engine"] == "ncnn-vulkan");
  CHECK(j["precision"] == "fp16");
  CHECK(j["total"]["latency_ms"].get<double>() > 0.5);
  const auto none = tilesim_cli({"run", "--device", "gpu", "--soc", "snapdragon410"});
  CHECK(none.status == 2);
  CHECK(none.err.find("has no GPU") != std::string::npos);
}

TEST_CASE("validate_a_recorded_host_trace_reports_metrics_beside_the_baselines") {
  // The trace is validated against the description probed where it was recorded, kept beside it.
  const std::string dir = std::string(TILESIM_SOURCE_DIR) + "/traces/recorded/host-epyc-2vcpu/";
  const auto r = tilesim_cli({"validate", "--trace", dir + "mobilenet_v2.h5", "--soc", dir + "soc.yaml", "--format", "json"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  for (const char* k : {"mape", "rmspe", "within_10pct", "within_20pct", "spearman", "kendall", "n"}) {
    CHECK(j["metrics"].contains(k));
    CHECK(j["baselines"]["flops"].contains(k));
    CHECK(j["baselines"]["roofline"].contains(k));
  }
  CHECK(j["metrics"]["n"] == 54);
  CHECK(j["rows"].size() == 54);
  // The accuracy docs/accuracy.md states, guarded: the profile was calibrated on other models.
  CHECK(j["metrics"]["mape"].get<double>() < 20);
}

TEST_CASE("validate_public_datasets_when_present") {
  const std::string data = std::string(TILESIM_SOURCE_DIR) + "/../shared/validation-data";
  if (!std::filesystem::is_directory(data)) {
    MESSAGE("../shared/validation-data not present: skipped");
    return;
  }
  for (const char* dataset : {"tflite-profile", "tophub"}) {
    const auto r = tilesim_cli({"validate", "--dataset", dataset, "--data", data, "--format", "json"});
    INFO(dataset << ": " << r.err);
    REQUIRE(r.status == 0);
    const json j = json::parse(r.out);
    CHECK(j["metrics"]["n"].get<int>() > 50);
    CHECK(j["baselines"]["flops"]["n"] == j["metrics"]["n"]);
  }
  const auto bad = tilesim_cli({"validate", "--dataset", "ncnn", "--data", "/nonexistent"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("/nonexistent") != std::string::npos);
}

TEST_CASE("calibrate_and_validate_take_a_device_filter") {
  const auto none = tilesim_cli({"calibrate", "--dataset", "ncnn", "--data", "/nonexistent"});
  CHECK(none.status == 2);
  CHECK(none.err.find("/nonexistent") != std::string::npos);
  const std::string data = std::string(TILESIM_SOURCE_DIR) + "/../shared/validation-data";
  if (!std::filesystem::is_directory(data)) {
    MESSAGE("../shared/validation-data not present: skipped");
    return;
  }
  const auto r = tilesim_cli({"validate", "--dataset", "ncnn", "--data", data, "--devices", "snapdragon410,kirin970",
                              "--format", "json"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  for (const auto& row : j["rows"]) {
    const std::string device = row["device"];
    CHECK((device.rfind("snapdragon410", 0) == 0 || device.rfind("kirin970", 0) == 0));
  }
  CHECK(j["metrics"]["n"].get<int>() >= 60);
}

TEST_CASE("validate_cv_device_predicts_each_device_by_a_calibration_fitted_on_the_others") {
  const std::string data = std::string(TILESIM_SOURCE_DIR) + "/../shared/validation-data";
  if (!std::filesystem::is_directory(data)) {
    MESSAGE("../shared/validation-data not present: skipped");
    return;
  }
  const auto r = tilesim_cli({"validate", "--dataset", "ncnn", "--data", data, "--devices",
                              "snapdragon410,bcm2837,rk3328", "--cv", "device", "--format", "json"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  CHECK(j["metrics"]["n"].get<int>() > 200);
  bool said = false;
  for (const auto& n : j["notes"]) said |= n.get<std::string>().find("leave one device out: each of 3 folds") != std::string::npos;
  CHECK(said);
  // Three Cortex-A53 boards: each predicted from the other two, far better than uncalibrated.
  CHECK(j["metrics"]["mape"].get<double>() < 30);
  // Layer rows too: AutoTVM's three ARM devices, each predicted from the other two.
  const auto layers = tilesim_cli({"validate", "--dataset", "tophub", "--data", data, "--cv", "device", "--format", "json"});
  REQUIRE(layers.status == 0);
  const json l = json::parse(layers.out);
  CHECK(l["metrics"]["n"].get<int>() == 660);
  said = false;
  for (const auto& n : l["notes"]) said |= n.get<std::string>().find("each of 3 folds") != std::string::npos;
  CHECK(said);
  const auto by_network = tilesim_cli({"validate", "--dataset", "tophub", "--data", data, "--cv", "network"});
  CHECK(by_network.status == 2);
  CHECK(by_network.err.find("--cv device") != std::string::npos);
  const auto profile = tilesim_cli({"validate", "--dataset", "tflite-profile", "--data", data, "--cv", "device"});
  CHECK(profile.status == 2);
}

TEST_CASE("calibrate_writes_a_calibration_file_that_names_its_rows_and_devices") {
  const std::string data = std::string(TILESIM_SOURCE_DIR) + "/../shared/validation-data";
  if (!std::filesystem::is_directory(data)) {
    MESSAGE("../shared/validation-data not present: skipped");
    return;
  }
  const std::string out = (std::filesystem::temp_directory_path() / "tilesim_test_calibration.yaml").string();
  const auto r = tilesim_cli({"calibrate", "--dataset", "ncnn", "--data", data, "--devices", "snapdragon410,kirin970",
                              "--out", out});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("2 devices") != std::string::npos);
  const YAML::Node y = YAML::LoadFile(out);
  CHECK(y["fitted_on"].as<std::string>() == "kirin970, snapdragon410");
  CHECK(y["source"].as<std::string>().find("--devices snapdragon410,kirin970") != std::string::npos);
  CHECK(y["cores"]["cortex-a53"]["gemm_fp32"].as<double>() > 0);
  CHECK(y["cores"]["cortex-a73"]);
  CHECK(!y["cores"]["cortex-a76"]);  // no row ran on one
  std::filesystem::remove(out);
}
