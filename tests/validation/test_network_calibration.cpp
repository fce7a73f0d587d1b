// Calibration on whole networks: the probe predicts a run at other values, the fit recovers the
// values that produced its measurements, and fitted values reach cores by family.
#include <doctest/doctest.h>

#include <cmath>

#include "hwmodels/soc_loader.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/engine/gpu_simulator.hpp"
#include "sim/workload/zoo/zoo.hpp"
#include "validation/network_calibration.hpp"

using namespace tilesim;

namespace {

NetworkMeasurement row(const char* model, const char* soc, int threads, const char* cores) {
  NetworkMeasurement m;
  m.model = model;
  m.soc = soc;
  m.device = "cpu";
  m.engine = "ncnn";
  m.threads = threads;
  m.cores = cores;
  m.precision = "auto";
  m.source = "test";
  return m;
}

double simulate_ms(const NetworkMeasurement& m, const EngineProfile& e) {
  const ModelEntry* entry = find_model(m.model);
  CpuRunOptions o{static_cast<int>(m.threads), m.cores, "auto"};
  o.warmup_runs = 1;
  return simulate_cpu(entry->build(entry->default_input), load_soc(m.soc), e, o).latency_s * 1e3;
}

// An engine whose A53 and A76 reach chosen fractions of peak, and whose barrier is chosen.
EngineProfile truth() {
  EngineProfile e = uncalibrated(load_engine("ncnn"));
  e.calibration.pooled.barrier_overhead = 6e-6;
  e.calibration.pooled.wakeup_overhead = 1e-6;
  CalibratedValues a53, a76;
  a53.at(KernelClass::gemm, DataType::fp32) = 0.35;
  a53.at(KernelClass::winograd, DataType::fp32) = 0.3;
  a53.at(KernelClass::depthwise, DataType::fp32) = 0.2;
  a76.at(KernelClass::gemm, DataType::fp16) = 0.5;
  a76.at(KernelClass::depthwise, DataType::fp16) = 0.3;
  e.calibration.cores = {{"cortex-a53", a53}, {"cortex-a76", a76}};
  return e;
}

}  // namespace

TEST_CASE("a_probe_predicts_the_run_it_recorded_exactly_and_a_slower_kernel_within_a_few_percent") {
  const EngineProfile at = uncalibrated(load_engine("ncnn"));
  std::vector<NetworkMeasurement> ms{row("mobilenet", "bcm2837", 4, "big"), row("resnet18", "snapdragon855", 1, "big")};
  for (auto& m : ms) m.time = TimeStats{1e4, 0, 1e4, 1e4, 1};  // plausible: what is fitted is not used here
  std::vector<const NetworkMeasurement*> ptrs{&ms[0], &ms[1]};
  std::vector<std::string> notes;
  const auto probed = probe_rows(ptrs, at, notes, "");
  REQUIRE(probed.size() == 2);
  const EngineProfile slower = truth();
  for (const auto& r : probed) {
    CAPTURE(r.measurement->model);
    CHECK(predicted_seconds(r, at, at) == doctest::Approx(r.simulated_s).epsilon(1e-9));
    const double simulated = simulate_ms(*r.measurement, slower) / 1e3;
    CHECK(predicted_seconds(r, at, slower) == doctest::Approx(simulated).epsilon(0.05));
  }
}

TEST_CASE("calibration_recovers_the_efficiencies_and_barrier_that_produced_the_measurements") {
  const EngineProfile measured_by = truth();
  std::vector<NetworkMeasurement> ms;
  for (const char* model : {"mobilenet", "resnet18", "squeezenet1_1", "mobilenet_v2"})
    for (int threads : {1, 2, 4}) {
      ms.push_back(row(model, "bcm2837", threads, "big"));
      ms.push_back(row(model, "snapdragon855", threads, "big"));
    }
  std::vector<const NetworkMeasurement*> ptrs;
  for (auto& m : ms) {
    const double t = simulate_ms(m, measured_by);
    m.time = TimeStats{t, 0, t, t, 1};
    ptrs.push_back(&m);
  }
  std::vector<std::string> notes;
  const CalibrationResult fit = calibrate_on_networks(ptrs, load_engine("ncnn"), 2, notes);
  CHECK(notes.empty());
  CHECK(fit.log_rmse < 0.03);
  // As a run sees them: a family's own value, or the pooled one where the two are within 1 %.
  const EngineProfile fitted = with_calibration(uncalibrated(load_engine("ncnn")), fit.calibration);
  const CalibratedValues a53 = fitted.on_core("cortex-a53").values;
  const CalibratedValues a76 = fitted.on_core("cortex-a76").values;
  // GEMMs carry most of the time: recovered closely. Depthwise loops carry a few percent of these
  // networks' simulated time, so the prior holds them back: they move toward the truth, no more.
  CHECK(a53.at(KernelClass::gemm, DataType::fp32) == doctest::Approx(0.35).epsilon(0.08));
  CHECK(a53.at(KernelClass::winograd, DataType::fp32) == doctest::Approx(0.3).epsilon(0.15));
  CHECK(a76.at(KernelClass::gemm, DataType::fp16) == doctest::Approx(0.5).epsilon(0.08));
  const double assumed = load_engine("ncnn").depthwise_efficiency;
  CHECK(a53.at(KernelClass::depthwise, DataType::fp32) < assumed);
  CHECK(a76.at(KernelClass::depthwise, DataType::fp16) < assumed);
  CHECK(a53.barrier_overhead == doctest::Approx(6e-6).epsilon(0.3));
  // What the rows never ran (fp16 on an A53, int8 anywhere) is not written as fitted.
  CHECK(fit.calibration.cores.at("cortex-a53").at(KernelClass::gemm, DataType::fp16) == 0);
  CHECK(fit.calibration.pooled.at(KernelClass::gemm, DataType::int8) == 0);
}

TEST_CASE("one_thread_charges_no_wakeup_or_barrier_and_more_threads_charge_log2_of_them") {
  const EngineProfile e = uncalibrated(load_engine("ncnn"));
  const ModelEntry* entry = find_model("mobilenet");
  const Network net = entry->build(entry->default_input);
  const SocSpec soc = load_soc("snapdragon855");
  int layers = 0;
  auto overhead = [&](int threads) {
    const RunResult r = simulate_cpu(net, soc, e, CpuRunOptions{threads, "all", "auto"});
    double s = 0;
    layers = 0;
    for (const auto& l : r.layers) {
      s += l.overhead_s;
      layers += l.algorithm != "view";
    }
    return s;
  };
  // One thread: only the layer's own fixed cost (dispatch, output allocation).
  const double one = overhead(1);
  CHECK(one == doctest::Approx(layers * e.layer_overhead));
  CHECK(overhead(2) > one);
  CHECK(overhead(8) - one == doctest::Approx(3 * (overhead(2) - one)));
}

TEST_CASE("a_core_built_on_a_preset_takes_the_calibration_of_its_root_family") {
  std::vector<std::string> families;
  for (const auto& c : load_soc("snapdragon835").clusters) families.push_back(c.core.family);  // Kryo 280 Gold, Silver
  CHECK(families == std::vector<std::string>{"cortex-a73", "cortex-a53"});
  families.clear();
  for (const auto& c : load_soc("snapdragon855").clusters) families.push_back(c.core.family);  // prime: base cortex-a76
  CHECK(families == std::vector<std::string>{"cortex-a76", "cortex-a76", "cortex-a55"});
  const EngineProfile e = truth();
  CHECK(e.on_core("cortex-a76").efficiency(KernelClass::gemm, DataType::fp16) == 0.5);
  // A family calibration never saw takes the pooled value, else the profile's assumption.
  CHECK(e.on_core("cortex-x9").efficiency(KernelClass::gemm, DataType::fp16) == e.gemm_efficiency);
  CHECK(e.on_core("cortex-x9").values.barrier_overhead == 6e-6);
}

namespace {

NetworkMeasurement gpu_row(const char* model, const char* soc) {
  NetworkMeasurement m = row(model, soc, 1, "big");
  m.device = "gpu";
  m.engine = "ncnn-vulkan";
  return m;
}

double simulate_gpu_ms(const NetworkMeasurement& m, const EngineProfile& e) {
  const ModelEntry* entry = find_model(m.model);
  return simulate_gpu(entry->build(entry->default_input), load_soc(m.soc), e, GpuRunOptions{"auto", false, 1}).latency_s * 1e3;
}

// Vulkan on Adreno at chosen fractions of peak, with a chosen cost per dispatch.
EngineProfile gpu_truth() {
  EngineProfile e = uncalibrated(load_engine("ncnn-vulkan"));
  CalibratedValues adreno;
  adreno.at(KernelClass::gemm, DataType::fp16) = 0.3;
  adreno.at(KernelClass::winograd, DataType::fp16) = 0.25;
  adreno.at(KernelClass::depthwise, DataType::fp16) = 0.15;
  adreno.layer_overhead = 20e-6;
  e.calibration.cores = {{"adreno", adreno}};
  return e;
}

}  // namespace

TEST_CASE("a_gpu_probe_predicts_the_run_it_recorded_exactly_and_another_calibration_within_a_few_percent") {
  const EngineProfile at = uncalibrated(load_engine("ncnn-vulkan"));
  std::vector<NetworkMeasurement> ms{gpu_row("mobilenet_v2", "snapdragon855"), gpu_row("resnet18", "snapdragon865")};
  for (auto& m : ms) m.time = TimeStats{1e4, 0, 1e4, 1e4, 1};
  std::vector<const NetworkMeasurement*> ptrs{&ms[0], &ms[1]};
  std::vector<std::string> notes;
  const auto probed = probe_rows(ptrs, at, notes, "");
  REQUIRE(probed.size() == 2);
  const EngineProfile other = gpu_truth();
  for (const auto& r : probed) {
    CAPTURE(r.measurement->model);
    CHECK(predicted_seconds(r, at, at) == doctest::Approx(r.simulated_s).epsilon(1e-9));
    CHECK(predicted_seconds(r, at, other) == doctest::Approx(simulate_gpu_ms(*r.measurement, other) / 1e3).epsilon(0.05));
  }
}

TEST_CASE("gpu_calibration_recovers_an_architectures_efficiency_and_cost_per_dispatch") {
  const EngineProfile measured_by = gpu_truth();
  std::vector<NetworkMeasurement> ms;
  for (const char* model : {"mobilenet", "resnet18", "squeezenet1_1", "mobilenet_v2", "googlenet", "shufflenet_v2_x1_0"})
    for (const char* soc : {"snapdragon855", "snapdragon865", "snapdragon835"}) ms.push_back(gpu_row(model, soc));
  std::vector<const NetworkMeasurement*> ptrs;
  for (auto& m : ms) {
    const double t = simulate_gpu_ms(m, measured_by);
    m.time = TimeStats{t, 0, t, t, 1};
    ptrs.push_back(&m);
  }
  std::vector<std::string> notes;
  const CalibrationResult fit = calibrate_on_networks(ptrs, load_engine("ncnn-vulkan"), 2, notes);
  CHECK(notes.empty());
  CHECK(fit.log_rmse < 0.03);
  REQUIRE(fit.calibration.cores.count("adreno") == 1);
  const CalibratedValues adreno =
      with_calibration(uncalibrated(load_engine("ncnn-vulkan")), fit.calibration).on_core("adreno").values;
  CHECK(adreno.at(KernelClass::gemm, DataType::fp16) == doctest::Approx(0.3).epsilon(0.15));
  CHECK(adreno.layer_overhead == doctest::Approx(20e-6).epsilon(0.3));
}
