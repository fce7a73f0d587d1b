// Calibration on layer rows recovers an efficiency it is shown; validation matches rows to simulations.
#include <doctest/doctest.h>

#include <filesystem>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "validation/layer_network.hpp"
#include "validation/network_calibration.hpp"
#include "validation/validator.hpp"
#include "sim/workload/zoo/zoo.hpp"

using namespace tilesim;

namespace {
// A trace whose "measurements" are the simulator's own times with engine `e`.
Trace synthetic_trace(const EngineProfile& e) {
  Trace t;
  t.device = "synthetic";
  t.soc = "snapdragon855";
  t.engine = "ncnn";
  t.threads = 1;
  t.cores = "big";
  t.precision = "fp32";
  const SocSpec soc = load_soc("snapdragon855");
  for (int64_t c : {64, 128, 256}) {
    LayerMeasurement l;
    l.name = "conv" + std::to_string(c);
    l.op = "Conv";
    l.input = {1, c, 28, 28};
    l.output = {1, c, 28, 28};
    l.kernel_shape = {5, 5};
    l.strides = {1, 1};
    l.pads = {2, 2, 2, 2};
    l.dilations = {1, 1};
    CpuRunOptions o{1, "big", "fp32"};
    o.warmup_runs = 1;
    double ms = 0;
    for (const auto& layer : simulate_cpu(*layer_network(l), soc, e, o).layers) ms += layer.latency_s * 1e3;
    l.time = TimeStats{ms, ms, ms, ms, 1};
    t.layers.push_back(l);
  }
  return t;
}
}  // namespace

TEST_CASE("calibration_on_layer_rows_recovers_the_efficiency_that_produced_them") {
  EngineProfile e = uncalibrated(load_engine("ncnn"));
  e.gemm_efficiency = 0.6;
  std::vector<std::string> notes;
  const LayerRuns runs = layer_runs({synthetic_trace(e)}, "", notes);
  REQUIRE(runs.runs.size() == 3);
  const CalibrationResult fit = calibrate_on_runs(runs.runs, load_engine("ncnn"), 2, notes);
  CHECK(fit.rows == 3);
  // The prime core of the snapdragon855 is a Cortex-A76; fp32 im2col GEMMs carry the layers' time.
  CHECK(fit.calibration.cores.at("cortex-a76").at(KernelClass::gemm, DataType::fp32) == doctest::Approx(0.6).epsilon(0.05));
}

TEST_CASE("validating_a_trace_of_the_simulators_own_times_gives_no_error") {
  std::vector<std::string> notes;
  const auto rows = validate_layers(synthetic_trace(load_engine("ncnn")), LayerValidationOptions{}, notes);
  REQUIRE(rows.size() == 3);
  const ValidationReport r = summarize(rows, notes);
  CHECK(r.overall.simulator.mape < 1e-6);
  CHECK(r.overall.simulator.n == 3);
  CHECK(r.overall.simulator.spearman == doctest::Approx(1));
}

TEST_CASE("a_layer_row_whose_attributes_contradict_its_shapes_is_an_error") {
  LayerMeasurement l;
  l.name = "bad";
  l.op = "Conv";
  l.input = {1, 16, 28, 28};
  l.output = {1, 16, 20, 20};
  l.kernel_shape = {3, 3};
  l.strides = {1, 1};
  l.pads = {1, 1, 1, 1};
  l.dilations = {1, 1};
  CHECK_THROWS_AS(layer_network(l), ConfigError);
}

TEST_CASE("network_rows_faster_than_the_peak_allows_are_left_out_with_a_note") {
  NetworkMeasurement m;
  m.model = "vgg16";
  m.soc = "snapdragon855";
  m.device = "cpu";
  m.engine = "ncnn";
  m.threads = 4;
  m.cores = "big";
  m.precision = "auto";
  m.time = TimeStats{0.5, 0, 0.6, 0.7, 8};  // 15 GMACs in half a millisecond: impossible
  m.source = "test";
  std::vector<std::string> notes;
  CHECK(validate_networks({m}, notes).empty());
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("below the") != std::string::npos);
}

