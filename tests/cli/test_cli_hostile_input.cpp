// Input a hostile or careless user gives: each is refused with status 2 and one message naming
// where the fault is, never a crash, a hang, or a success with a meaningless answer.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/cli/cli_harness.hpp"
#include "tests/test_support.hpp"

using tilesim::test::tilesim_cli;
using tilesim::test::TempFile;

namespace {

struct Refusal {
  std::vector<std::string> args;
  std::string message;  // a part of the one line on stderr
};

void check_refused(const std::vector<Refusal>& cases) {
  for (const auto& c : cases) {
    const auto r = tilesim_cli(c.args);
    std::string command;
    for (const auto& a : c.args) command += a.substr(0, 60) + " ";
    INFO(command << "-> " << r.status << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.err.rfind("tilesim: error: ", 0) == 0);
    CHECK(r.out.empty());
  }
}

}  // namespace

TEST_CASE("yaml_of_the_wrong_shape_is_refused_by_file_line_column_and_key") {
  const TempFile base_list("base_list.yaml", "base: [snapdragon855]\n");
  const TempFile base_map("base_map.yaml", "base: {a: 1}\n");
  const TempFile complex_key("complex_key.yaml", "? [a]\n: 1\n");
  const TempFile description("description.yaml", "base: snapdragon855\ndescription: [a]\n");
  const TempFile name("name.yaml", "base: snapdragon855\nname: [a]\n");
  const TempFile twice("twice.yaml", "base: snapdragon855\nbase: snapdragon865\n");
  const TempFile nested_twice("nested_twice.yaml",
                              "base: snapdragon855\nmemory:\n  latency: 90ns\n  latency: 80ns\n");
  const TempFile source("source.yaml", "base: snapdragon855\nmemory:\n  latency: {value: 90ns, source: [a]}\n");
  std::string deep = "base: snapdragon855\nmemory:\n";
  for (int i = 1; i < 40; ++i) deep += std::string(2 * i, ' ') + "a:\n";
  const TempFile too_deep("too_deep.yaml", deep);
  const TempFile brackets("brackets.yaml", "a: " + std::string(10000, '[') + std::string(10000, ']') + "\n");
  const TempFile engine("engine.yaml", "base: ncnn\ndescription: {a: 1}\n");
  const TempFile calibration("calibration.yaml", "gemm_fp32: 0.5\nfitted_on: [a, b]\n");
  const TempFile engine_with_calibration("engine_cal.yaml", "base: ncnn\ncalibration: " + calibration.str() + "\n");
  check_refused({
      {{"run", "--soc", base_list.str()}, base_list.str() + ":1:7: base: expected a single value"},
      {{"run", "--soc", base_map.str()}, base_map.str() + ":1:7: base: expected a single value"},
      {{"run", "--soc", complex_key.str()}, complex_key.str() + ":1:3: a key must be a plain name"},
      {{"soc", "show", description.str()}, description.str() + ":2:14: description: expected a single value"},
      {{"run", "--soc", name.str()}, name.str() + ":2:7: name: expected a single value"},
      {{"run", "--soc", twice.str()}, twice.str() + ":2:1: base: given twice (first on line 1)"},
      {{"run", "--soc", nested_twice.str()}, nested_twice.str() + ":4:3: memory.latency: given twice (first on line 3)"},
      {{"run", "--soc", source.str()}, source.str() + ":3:34: memory.latency.source: expected a single value"},
      {{"run", "--soc", too_deep.str()}, "nested deeper than 32 levels"},
      {{"run", "--soc", brackets.str()}, brackets.str() + ":1:36: nested deeper than 32 levels"},
      {{"run", "--engine", engine.str()}, engine.str() + ":2:14: description: expected a single value"},
      {{"run", "--engine", engine_with_calibration.str()}, calibration.str() + ":2:12: fitted_on: expected a single value"},
  });
}

TEST_CASE("a_shape_too_large_for_int64_or_for_one_run_is_refused_before_any_work") {
  const std::string huge = "1x3x9223372036854775807x9223372036854775807";
  check_refused({
      {{"run", "--input", huge}, "more than 68719476736 elements"},
      {{"run", "--device", "gpu", "--input", huge}, "more than 68719476736 elements"},
      {{"info", "--model", "mobilenet_v2", "--input", huge, "--kernels"}, "more than 68719476736 elements"},
      {{"run", "--input", "1x3x65536x65536"}, "more than 68719476736 elements"},
      // Each within int64, but minutes and gigabytes to simulate: refused with the estimate.
      {{"run", "--device", "gpu", "--input", "1x3x16384x16384"}, "2 inference(s) write 2.11e+11 elements"},
      {{"run", "--input", "1x3x2048x2048", "--warmup", "100"}, "101 inference(s) write"},
  });
}

TEST_CASE("a_path_the_system_refuses_exits_2_naming_it") {
  const std::string long_name(300, 'b');
  check_refused({
      {{"run", "--soc", long_name + ".yaml"}, long_name + ".yaml: File name too long"},
      {{"run", "--engine", long_name + ".yaml"}, "File name too long"},
  });
}

TEST_CASE("a_value_outside_its_meaningful_range_is_refused_not_simulated") {
  check_refused({
      {{"run", "--set", "memory.bandwidth=1e-300B/s"}, "1e-300B/s is out of range 0, or 100MB/s .. 1000GB/s"},
      {{"run", "--set", "memory.data_rate=1MT/s"}, "1MT/s is out of range 0, or 100MT/s .. 20GT/s"},
      {{"run", "--set", "cpu.clusters.big.voltage=1e-9V"}, "out of range 0, or 300mV .. 1.5V"},
      {{"info", "--model", "resnet18", "--threads", "0"}, "--threads"},
      {{"info", "--model", "resnet18", "--threads", "-5"}, "--threads"},
      {{"run", "--input", ""}, "--input : expected positive dimensions"},
  });
}

TEST_CASE("a_device_filter_naming_no_soc_of_the_dataset_is_refused_with_the_nearest_name") {
  const std::string data = TILESIM_SOURCE_DIR "/../shared/validation-data";
  if (!std::filesystem::is_directory(data)) {
    MESSAGE("../shared/validation-data absent: skipped");
    return;
  }
  check_refused({
      {{"calibrate", "--dataset", "ncnn", "--data", data, "--devices", "nosuch"},
       "--devices: the ncnn dataset has no rows of SoC 'nosuch'"},
      {{"validate", "--dataset", "tophub", "--data", data, "--exclude-devices", "snapdragon85"},
       "--exclude-devices: the tophub dataset has no rows of SoC 'snapdragon85' (did you mean 'snapdragon835'?)"},
  });
}

TEST_CASE("an_override_of_a_section_says_it_is_a_section_and_suggests_no_name_for_itself") {
  const auto r = tilesim_cli({"run", "--set", "cpu=3"});
  CHECK(r.status == 2);
  CHECK(r.err.find("'cpu' is a section, not a value") != std::string::npos);
  CHECK(r.err.find("did you mean 'cpu'") == std::string::npos);
}

TEST_CASE("a_trace_that_is_not_hdf5_or_crashes_libhdf5_or_libonnx_is_refused_with_status_2") {
  const TempFile text("text.h5", "layer,op\n");
  const std::string regressions = TILESIM_SOURCE_DIR "/tests/fuzz/regressions/";
  const std::string crafted_trace = regressions + "hdf5_trace/vlen_attribute_overlapping_copy.h5";
  const std::string crafted_model = regressions + "onnx_model/shape_inference_divides_by_zero.onnx";
  check_refused({
      {{"validate", "--trace", text.str()}, text.str() + ": not an HDF5 file"},
      {{"validate", "--trace", crafted_trace}, crafted_trace + ": the HDF5 library crashed reading it (signal"},
      {{"info", "--model", crafted_model}, crafted_model + ": ONNX's shape inference crashed reading it (signal 8"},
  });
}
