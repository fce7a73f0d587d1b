// tilesim compare: the FLOP ratio against the latency ratio, and factors that account for the gap.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "sim/analysis/speedup_attribution.hpp"
#include "tests/cli/cli_harness.hpp"

using namespace tilesim;
using test::tilesim_cli;

namespace {

LayerResult layer(const char* kernel_class, int64_t macs, double compute, double memory, double imbalance,
                  double overhead, int64_t tiles = 0) {
  LayerResult l;
  l.kernel_class = kernel_class;
  l.macs = macs;
  l.compute_s = compute;
  l.memory_s = memory;
  l.imbalance_s = imbalance;
  l.overhead_s = overhead;
  l.latency_s = compute + memory + imbalance + overhead;
  l.main_tiles = tiles;
  return l;
}

RunResult run_of(std::vector<LayerResult> layers, int threads = 4) {
  RunResult r;
  r.device = "cpu";
  r.threads = threads;
  r.layers = std::move(layers);
  for (auto& l : r.layers) {
    l.main_slots = threads;  // as a CPU run records them
    r.macs += l.macs;
    r.latency_s += l.latency_s;
  }
  return r;
}

double sum_of_contributions(const SpeedupAttribution& s) {
  double sum = 0;
  for (const auto& f : s.factors) sum += f.contribution_s;
  return sum;
}

}  // namespace

TEST_CASE("the_factors_add_up_to_the_gap_between_the_latency_and_the_flop_ratio") {
  const RunResult a = run_of({layer("gemm", 200, 2.0, 0.2, 0.1, 0.05, 8), layer("depthwise", 20, 0.5, 0.3, 0.0, 0.05),
                              layer("", 0, 0.1, 0.1, 0, 0.01)});
  const RunResult b = run_of({layer("gemm", 80, 0.8, 0.1, 0.2, 0.05, 6), layer("depthwise", 20, 0.5, 0.3, 0.0, 0.05),
                              layer("", 0, 0.3, 0.2, 0, 0.02)});
  const SpeedupAttribution s = attribute_speedup(a, b);
  CHECK(s.flops_ratio == doctest::Approx(220.0 / 100.0));
  CHECK(s.latency_ratio == doctest::Approx(a.latency_s / b.latency_s));
  CHECK(s.expected_b_s == doctest::Approx(a.latency_s * 100.0 / 220.0));
  CHECK(sum_of_contributions(s) == doctest::Approx(s.gap_s()).epsilon(1e-12));
  // The layers without MACs: all of their time is one factor.
  bool found = false;
  for (const auto& f : s.factors)
    if (f.group == "no_macs") {
      found = true;
      CHECK(f.factor == "no_mac_layers");
      CHECK(f.b_s == doctest::Approx(0.52));
    }
  CHECK(found);
}

TEST_CASE("tile_quantisation_is_the_imbalance_whole_tiles_over_the_threads_explain") {
  // 6 equal tiles on 4 threads: the slowest runs 2 while the mean runs 1.5; a third of the mean
  // busy time is waited for.
  const RunResult a = run_of({layer("gemm", 100, 1.2, 0.3, 0.6, 0, 6)});
  const RunResult b = run_of({layer("gemm", 100, 1.2, 0.3, 0.1, 0, 6)});
  const SpeedupAttribution s = attribute_speedup(a, b);
  for (const auto& f : s.factors) {
    if (f.factor == "tile_quantisation") {
      CHECK(f.a_s == doctest::Approx(0.5));  // (1.2 + 0.3) x (2 x 4 / 6 - 1)
      CHECK(f.b_s == doctest::Approx(0.1));  // capped at the imbalance there is
    }
    if (f.factor == "load_imbalance") CHECK(f.a_s == doctest::Approx(0.1));
  }
}

TEST_CASE("on_the_gpu_the_last_waves_wait_is_tile_quantisation_over_the_resident_workgroups") {
  const auto r = tilesim_cli({"compare", "--model", "mobilenet_v2", "--model", "shufflenet_v2_x1_0", "--soc",
                              "snapdragon855", "--device", "gpu", "--format", "json"});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto j = nlohmann::json::parse(r.out);
  double quantised_ms = 0;
  for (const auto& f : j["factors"])
    if (f["factor"] == "tile_quantisation") quantised_ms += f["a_ms"].get<double>();
  CHECK(quantised_ms > 0);
}

TEST_CASE("a_model_compared_with_itself_has_ratios_of_one_and_no_gap") {
  const auto r = tilesim_cli({"compare", "--model", "resnet18", "--model", "resnet18", "--format", "json"});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["flops_ratio"] == 1.0);
  CHECK(j["latency_ratio"] == 1.0);
  CHECK(j["measured_ratio"].is_null());
  for (const auto& f : j["factors"]) CHECK(std::fabs(f["contribution_ms"].get<double>()) < 1e-12);
}

TEST_CASE("compare_prints_both_ratios_and_factors_that_sum_to_the_gap") {
  for (const char* device : {"cpu", "gpu"}) {
    CAPTURE(device);
    const auto r = tilesim_cli({"compare", "--model", "mobilenet_v2", "--model", "shufflenet_v2_x1_0", "--soc",
                                "snapdragon855", "--device", device, "--format", "json"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto j = nlohmann::json::parse(r.out);
    for (const char* key : {"flops_ratio", "latency_ratio", "measured_ratio", "factors"}) CHECK(j.contains(key));
    CHECK(j["flops_ratio"].get<double>() == doctest::Approx(300774272.0 / j["macs"][1].get<double>()));
    double sum = 0;
    for (const auto& f : j["factors"]) sum += f["contribution_ms"].get<double>();
    CHECK(sum == doctest::Approx(j["gap_ms"].get<double>()).epsilon(1e-9));
    CHECK(j["gap_ms"].get<double>() ==
          doctest::Approx(j["latency_ms"][1].get<double>() - j["latency_ms"][0].get<double>() / j["flops_ratio"].get<double>()));
  }
}

TEST_CASE("the_measured_ratio_comes_from_the_ncnn_benchmark_rows_of_the_same_settings") {
  const std::string data = std::string(TILESIM_SOURCE_DIR) + "/../shared/validation-data";
  if (!std::filesystem::exists(data + "/ncnn")) {
    MESSAGE("skipped: ../shared/validation-data is absent");
    return;
  }
  const auto r = tilesim_cli({"compare", "--model", "mobilenet_v2", "--model", "shufflenet_v2_x1_0", "--soc",
                              "snapdragon855", "--data", data, "--format", "json"});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(!j["measured_ratio"].is_null());
  // ncnn's README: 4.64 ms and 2.98 ms on 4 big cores of a Snapdragon 855.
  CHECK(j["measured"]["a_ms"] == doctest::Approx(4.64));
  CHECK(j["measured"]["b_ms"] == doctest::Approx(2.98));
  const auto single = nlohmann::json::parse(tilesim_cli({"compare", "--model", "mobilenet_v2", "--model", "shufflenet_v2_x1_0",
                                                         "--soc", "snapdragon855", "--threads", "3", "--data", data,
                                                         "--format", "json"}).out);
  CHECK(single["measured_ratio"].is_null());  // the benchmark ran 1 and 4 threads, not 3
}

TEST_CASE("compare_needs_exactly_two_models") {
  const auto one = tilesim_cli({"compare", "--model", "resnet18"});
  CHECK(one.status == 2);
  CHECK(one.err.find("give --model twice") != std::string::npos);
  CHECK(tilesim_cli({"compare", "--model", "resnet18", "--model", "resnet50", "--model", "vgg16"}).status == 2);
}
