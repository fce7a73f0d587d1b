// End-to-end tests of users' own files through the command line: model files (ncnn .param here;
// ONNX in tests/import), unknown operators, and CSV traces taken as they are.
#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_harness.hpp"
#include "tests/test_support.hpp"

using nlohmann::json;
using tilesim::test::TempFile;
using tilesim::test::tilesim_cli;

namespace {

// A small ncnn network as a user writes it: convolution with fused ReLU, pooling, classifier.
const char* const kTinyParam = R"(7767517
5 5
Input            data     0 1 data 0=32 1=32 2=3
Convolution      conv1    1 1 data c1 0=16 1=3 4=1 5=1 6=432 9=1
Pooling          pool1    1 1 c1 p1 0=0 1=2 2=2
Pooling          gap      1 1 p1 g1 0=1 4=1
InnerProduct     fc       1 1 g1 out 0=10 1=1 2=160
)";

std::string with_last_layer(const std::string& type) {
  std::string text = kTinyParam;
  text.replace(text.find("InnerProduct"), 12, type + std::string(12 - type.size(), ' '));
  return text;
}

}  // namespace

TEST_CASE("a_users_ncnn_param_file_is_a_model_for_info_and_run_with_its_own_layer_names") {
  const TempFile param("tiny.param", kTinyParam);
  const auto info = tilesim_cli({"info", "--model", param.str(), "--format", "json"});
  INFO(info.err);
  REQUIRE(info.status == 0);
  const json j = json::parse(info.out);
  CHECK(j["total"]["macs"] == 16 * 32 * 32 * 27 + 16 * 10);
  std::vector<std::string> names;
  for (const auto& l : j["layers"]) names.push_back(l["name"]);
  // ncnn's global pooling yields a 1-D blob: the flatten it implies is named after it.
  CHECK(names == std::vector<std::string>{"conv1", "pool1", "gap", "gap/flatten", "fc"});
  CHECK(j["layers"][0]["source_op"] == "Convolution");
  CHECK(j["layers"][0]["fused"] == json::array({"Relu"}));  // ncnn's activation_type 1, refolded by fusion

  const auto run = tilesim_cli({"run", "--model", param.str(), "--format", "json"});
  REQUIRE(run.status == 0);
  const json r = json::parse(run.out);
  CHECK(r["total"]["latency_ms"].get<double>() > 0);
  CHECK(r["total"]["approximate_layers"] == 0);
  // --input replaces the file's input size.
  const auto bigger = tilesim_cli({"info", "--model", param.str(), "--input", "1x3x64x64", "--format", "json"});
  REQUIRE(bigger.status == 0);
  CHECK(json::parse(bigger.out)["total"]["macs"] == 16 * 64 * 64 * 27 + 16 * 10);
}

TEST_CASE("an_unknown_operator_exits_2_naming_layer_and_type_and_allow_unknown_marks_its_stand_in_approximate") {
  const TempFile param("unknown.param", with_last_layer("Fancy"));
  const auto refused = tilesim_cli({"run", "--model", param.str()});
  CHECK(refused.status == 2);
  CHECK(refused.err.find(param.str()) != std::string::npos);
  CHECK(refused.err.find("fc") != std::string::npos);
  CHECK(refused.err.find("Fancy") != std::string::npos);

  const auto table = tilesim_cli({"run", "--model", param.str(), "--allow-unknown"});
  INFO(table.err);
  REQUIRE(table.status == 0);
  CHECK(table.err.find("warning") != std::string::npos);
  CHECK(table.err.find("Fancy") != std::string::npos);
  CHECK(table.out.find("Fancy*") != std::string::npos);
  CHECK(table.out.find("* approximate: 1 layer") != std::string::npos);
  const auto j = json::parse(tilesim_cli({"run", "--model", param.str(), "--allow-unknown", "--format", "json"}).out);
  CHECK(j["total"]["approximate_layers"] == 1);
  CHECK(j["layers"].back()["approximate"] == true);
  CHECK(j["layers"].back()["op"] == "Fancy");
  CHECK(j["layers"].back()["latency_ms"].get<double>() > 0);  // the stand-in still moves its bytes
  const auto csv = tilesim_cli({"run", "--model", param.str(), "--allow-unknown", "--format", "csv"});
  CHECK(csv.out.find(",approximate\n") != std::string::npos);
}

TEST_CASE("validate_takes_a_csv_trace_directly_and_trace_convert_writes_the_same_rows_as_hdf5") {
  const TempFile csv("mine.csv",
                     "model,soc,device,engine,threads,cores,precision,input,min_ms,median_ms,mean_ms,max_ms,count\n"
                     "mobilenet,snapdragon855,cpu,ncnn,4,big,auto,1x3x224x224,10.2,10.9,11.0,14.1,50\n"
                     "resnet18,snapdragon855,cpu,ncnn,4,big,auto,1x3x224x224,19.5,,,,\n"
                     "squeezenet1_1,snapdragon855,cpu,ncnn,1,big,auto,1x3x227x227,14.0,,,,\n");
  const auto direct = tilesim_cli({"validate", "--trace", csv.str(), "--format", "json"});
  INFO(direct.err);
  REQUIRE(direct.status == 0);
  const json d = json::parse(direct.out);
  CHECK(d["metrics"]["n"] == 3);
  CHECK(d["baselines"]["flops"]["n"] == 3);

  const std::string h5 = csv.str() + ".h5";
  const auto converted = tilesim_cli({"trace", "convert", csv.str(), h5});
  REQUIRE(converted.status == 0);
  CHECK(converted.out.find("3 network rows") != std::string::npos);
  const auto again = tilesim_cli({"validate", "--trace", h5, "--format", "json"});
  std::filesystem::remove(h5);
  REQUIRE(again.status == 0);
  CHECK(json::parse(again.out)["rows"] == d["rows"]);
}

TEST_CASE("a_csv_trace_with_a_bad_cell_or_an_unknown_model_exits_2_naming_line_and_column") {
  const TempFile bad("bad.csv",
                     "model,soc,device,engine,threads,cores,precision,input,min_ms,median_ms,mean_ms,max_ms,count\n"
                     "mobilenet,snapdragon855,cpu,ncnn,4,big,auto,1x3x224x224,1.2.3,,,,\n");
  const auto r = tilesim_cli({"validate", "--trace", bad.str()});
  CHECK(r.status == 2);
  CHECK(r.err.find(bad.str() + ":2") != std::string::npos);
  CHECK(r.err.find("min_ms") != std::string::npos);
  const TempFile unknown("unknown_model.csv",
                         "model,soc,device,engine,threads,cores,precision,input,min_ms,median_ms,mean_ms,max_ms,count\n"
                         "mobilenett,snapdragon855,cpu,ncnn,4,big,auto,1x3x224x224,1.2,,,,\n");
  const auto u = tilesim_cli({"trace", "convert", unknown.str(), unknown.str() + ".h5"});
  CHECK(u.status == 2);
  CHECK(u.err.find("'mobilenet' meant") != std::string::npos);
  CHECK(!std::filesystem::exists(unknown.str() + ".h5"));
  const auto to_csv = tilesim_cli({"trace", "convert", unknown.str(), "out.csv"});
  CHECK(to_csv.status == 2);
}

TEST_CASE("a_csv_network_row_may_name_a_model_file_beside_it") {
  const TempFile param("beside.param", kTinyParam);
  const std::string name = std::filesystem::path(param.str()).filename().string();
  const TempFile csv("beside.csv",
                     "model,soc,device,engine,threads,cores,precision,input,min_ms,median_ms,mean_ms,max_ms,count\n" +
                         name + ",rk3588,cpu,ncnn,4,big,auto,1x3x32x32,0.2,,,,\n");
  const auto r = tilesim_cli({"validate", "--trace", csv.str(), "--format", "json"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  REQUIRE(j["rows"].size() == 1);
  CHECK(j["rows"][0]["name"] == std::filesystem::path(param.str()).stem().string());
}

TEST_CASE("an_onnx_export_of_a_torchvision_model_simulates_as_its_built_in_twin") {
  const std::filesystem::path file = std::filesystem::path(TILESIM_ONNX_MODEL_DIR) / "mobilenet_v2.onnx";
  if (!std::filesystem::is_regular_file(file)) {
    MESSAGE(file.string() << " not exported (needs python3-torch; ctest's fixture runs scripts/export_onnx.py): skipped");
    return;
  }
  const auto onnx = tilesim_cli({"run", "--model", file.string(), "--format", "json"});
  INFO(onnx.err);
  REQUIRE(onnx.status == 0);
  const auto zoo = tilesim_cli({"run", "--model", "mobilenet_v2", "--format", "json"});
  REQUIRE(zoo.status == 0);
  const json a = json::parse(onnx.out), b = json::parse(zoo.out);
  CHECK(a["total"]["macs"] == b["total"]["macs"]);
  // The same layers once the engine has fused them, less the Dropout an eval-mode export drops.
  CHECK(a["layers"].size() + 1 == b["layers"].size());
  CHECK(b["layers"][b["layers"].size() - 2]["op"] == "Dropout");
  CHECK(a["total"]["latency_ms"].get<double>() == doctest::Approx(b["total"]["latency_ms"].get<double>()).epsilon(0.01));
  // Layer names are the file's node names, so a trace recorded from the file matches them.
  const auto info = json::parse(tilesim_cli({"info", "--model", file.string(), "--format", "json"}).out);
  CHECK(info["layers"][0]["name"].get<std::string>().find("Conv") != std::string::npos);
}

TEST_CASE("layer_rows_without_shapes_match_the_simulated_layers_of_the_same_file_by_name") {
  const TempFile param("named.param", kTinyParam);
  // Listed out of order, and pool1 missing: name matching needs neither order nor completeness.
  const TempFile csv("named_layers.csv",
                     "# soc: rk3588\n# engine: ncnn\n# threads: 4\n# cores: big\n"
                     "name,op,input,output,kernel_h,kernel_w,stride_h,stride_w,pad_top,pad_left,pad_bottom,pad_right,"
                     "dilation_h,dilation_w,group,dtype,min_ms,median_ms,mean_ms,max_ms,count\n"
                     "fc,Gemm,,,,,,,,,,,,,,,0.004,,,,\n"
                     "conv1,Conv,,,,,,,,,,,,,,,0.030,,,,\n"
                     "gap,GlobalAveragePool,,,,,,,,,,,,,,,0.003,,,,\n");
  const auto r = tilesim_cli({"validate", "--trace", csv.str(), "--model", param.str(), "--format", "json"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& row : j["rows"]) names.push_back(row["name"]);
  CHECK(names == std::vector<std::string>{"fc = fc", "conv1 = conv1", "gap = gap"});
}

TEST_CASE("calibrate_takes_a_csv_layer_trace_and_names_it_as_the_source_of_its_calibration") {
  const TempFile csv("calibration_layers.csv",
                     "# soc: rk3588\n# engine: ncnn\n# threads: 1\n# cores: big\n"
                     "name,op,input,output,kernel_h,kernel_w,stride_h,stride_w,pad_top,pad_left,pad_bottom,pad_right,"
                     "dilation_h,dilation_w,group,dtype,min_ms,median_ms,mean_ms,max_ms,count\n"
                     "conv1,Conv,1x3x224x224,1x32x112x112,3,3,2,2,1,1,1,1,1,1,1,fp32,2.0,,,,\n"
                     "conv2,Conv,1x32x112x112,1x64x112x112,1,1,1,1,0,0,0,0,1,1,1,fp32,3.1,,,,\n"
                     "dw,Conv,1x64x112x112,1x64x112x112,3,3,1,1,1,1,1,1,1,1,64,fp32,1.5,,,,\n");
  const auto r = tilesim_cli({"calibrate", "--trace", csv.str()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string name = std::filesystem::path(csv.str()).filename().string();
  CHECK(r.out.find("3 CPU rows of " + name) != std::string::npos);
  CHECK(r.out.find("fitted_on: rk3588") != std::string::npos);
  // The RK3588's big cores are Cortex-A76, which run fp16 where the trace says fp32: its dtype holds.
  CHECK(r.out.find("cortex-a76: {gemm_fp32: ") != std::string::npos);
  CHECK(r.out.find("depthwise_fp32") != std::string::npos);
}

TEST_CASE("record_times_the_layers_of_a_users_model_file_under_its_own_names_and_validate_matches_them") {
  const TempFile param("recorded.param", kTinyParam);
  const std::string h5 = param.str() + ".h5";
  const auto rec = tilesim_cli({"record", "--model", param.str(), "--out", h5, "--threads", "1"});
  if (rec.status == 2 && rec.err.find("oneDNN") != std::string::npos) {
    MESSAGE("oneDNN not available (" << rec.err << "): skipped");
    return;
  }
  INFO(rec.err);
  REQUIRE(rec.status == 0);
  CHECK(rec.out.find("4 layers") != std::string::npos);
  const auto v = tilesim_cli({"validate", "--trace", h5, "--format", "json"});
  std::filesystem::remove(h5);
  if (v.status == 2 && v.err.find("probe-host") != std::string::npos) {
    MESSAGE("host not probed (" << v.err << "): validation skipped");
    return;
  }
  INFO(v.err);
  REQUIRE(v.status == 0);
  const json j = json::parse(v.out);
  std::vector<std::string> names;
  for (const auto& row : j["rows"]) names.push_back(row["name"]);
  CHECK(names == std::vector<std::string>{"conv1", "pool1", "gap", "fc"});
}

TEST_CASE("a_users_profile_takes_a_calibration_file_and_a_bad_one_is_refused_by_file_line_and_key") {
  const TempFile good("good_calibration.yaml", "source: \"test\"\ngemm_fp16: 0.4\ncores:\n  cortex-a76: {gemm_fp16: 0.2}\n");
  const TempFile profile("calibrated_ncnn.yaml", "base: ncnn\nname: ncnn\ncalibration: " + good.str() + "\n");
  const auto slow = tilesim_cli({"run", "--engine", profile.str(), "--format", "json"});
  const auto usual = tilesim_cli({"run", "--format", "json"});
  REQUIRE(slow.status == 0);
  REQUIRE(usual.status == 0);
  // GEMMs at a fifth of peak on the Snapdragon 855's A76 cores: slower than the shipped calibration.
  CHECK(json::parse(slow.out)["total"]["latency_ms"].get<double>() > json::parse(usual.out)["total"]["latency_ms"].get<double>());
  const TempFile bad("bad_calibration.yaml", "source: \"test\"\ncores:\n  cortex-a76: {gemm_fp16: 0.2, gemm_speed: 3}\n");
  const TempFile bad_profile("bad_ncnn.yaml", "base: ncnn\ncalibration: " + bad.str() + "\n");
  const auto r = tilesim_cli({"run", "--engine", bad_profile.str()});
  CHECK(r.status == 2);
  CHECK(r.err.find(bad.str() + ":3:") != std::string::npos);
  CHECK(r.err.find("cores.cortex-a76.gemm_speed") != std::string::npos);
  const TempFile high("high_calibration.yaml", "gemm_fp16: 1.5\n");
  const TempFile high_profile("high_ncnn.yaml", "base: ncnn\ncalibration: " + high.str() + "\n");
  const auto h = tilesim_cli({"run", "--engine", high_profile.str()});
  CHECK(h.status == 2);
  CHECK(h.err.find("gemm_fp16") != std::string::npos);
}
