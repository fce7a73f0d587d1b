// Golden output: per-layer CSVs (a tiny network on big cores; MobileNetV2 on big and little cores
// and on the GPU) must stay exactly as recorded. A change to the
// model that moves these numbers is deliberate: regenerate with TILESIM_UPDATE_GOLDEN=1 and
// say why in the commit.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "hwmodels/soc_loader.hpp"
#include "sim/app/reports.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/engine/gpu_simulator.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/zoo/zoo.hpp"

using namespace tilesim;

namespace {
Network tiny_network() {
  NetworkBuilder b("tiny");
  TensorId x = b.input({1, 3, 32, 32});
  x = b.conv(x, ConvSpec::square(16, 3, 2), "conv1");
  x = b.relu(x, "relu1");
  TensorId y = b.conv(x, ConvSpec::square(16, 3, 1, 16), "dw");
  y = b.conv(y, ConvSpec::square(16, 1), "pw");
  x = b.add(x, y, "add");
  x = b.max_pool(x, PoolSpec{2, 2, 0}, "pool");
  x = b.conv(x, ConvSpec::square(32, 3), "conv3");
  x = b.global_avg_pool(x, "gap");
  x = b.flatten(x, "flatten");
  b.gemm(x, 10, true, "fc");
  return std::move(b).finish();
}

// The run's per-layer CSV against tests/engine/expected/<name>.csv, exactly.
void check_golden(const RunResult& r, const std::string& name) {
  std::ostringstream csv;
  print_run_csv(r, csv);
  const std::string path = std::string(TILESIM_SOURCE_DIR) + "/tests/engine/expected/" + name + ".csv";
  if (std::getenv("TILESIM_UPDATE_GOLDEN")) std::ofstream(path) << csv.str();
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "missing " << path << ": run with TILESIM_UPDATE_GOLDEN=1");
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(csv.str() == expected.str());
}
}  // namespace

TEST_CASE("tiny_network_output_matches_the_golden_csv") {
  check_golden(simulate_cpu(tiny_network(), load_soc("snapdragon855"), load_engine("ncnn"), CpuRunOptions{2, "big", "auto"}),
               "tiny_network");
}

// A pool of big and little cores (static chunks, two clusters' caches and DRAM caps) and a GPU run
// (dispatches, waves, host copies) pinned as the big-core run is, so that restructuring the
// engine shows any change it makes.
// MobileNetV2 at 128x128: enough tiles to keep all eight cores and every shader core busy.
Network small_mobilenet_v2() { return find_model("mobilenet_v2")->build({1, 3, 128, 128}); }

TEST_CASE("mobilenet_v2_on_big_and_little_cores_matches_the_golden_csv") {
  check_golden(simulate_cpu(small_mobilenet_v2(), load_soc("snapdragon855"), load_engine("ncnn"),
                            CpuRunOptions{8, "all", "auto"}),
               "mobilenet_v2_128_big_little");
}

TEST_CASE("mobilenet_v2_on_the_gpu_matches_the_golden_csv") {
  check_golden(simulate_gpu(small_mobilenet_v2(), load_soc("snapdragon855"), load_engine("ncnn-vulkan"),
                            GpuRunOptions{"auto", false, 1}),
               "mobilenet_v2_128_gpu");
}

TEST_CASE("a_pool_mixing_big_and_little_cores_waits_for_the_little_ones") {
  NetworkBuilder b("even");
  b.conv(b.input({1, 64, 56, 56}), ConvSpec::square(64, 1), "pw");
  const Network net = std::move(b).finish();
  const SocSpec soc = load_soc("snapdragon855");
  const RunResult big = simulate_cpu(net, soc, load_engine("ncnn"), CpuRunOptions{4, "big", "fp32"});
  const RunResult mixed = simulate_cpu(net, soc, load_engine("ncnn"), CpuRunOptions{8, "all", "fp32"});
  // Static chunks of equal size: the A55s finish last, and the layer shows it as imbalance.
  const auto& m = mixed.layers.back();
  CHECK(m.imbalance_s > big.layers.back().imbalance_s);
  CHECK(m.imbalance_s > 0.1 * m.latency_s);
}
