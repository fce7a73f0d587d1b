// Golden output: a tiny network's per-layer CSV must stay exactly as recorded. A change to the
// model that moves these numbers is deliberate: regenerate with TILESIM_UPDATE_GOLDEN=1 and
// say why in the commit.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "hwmodels/soc_loader.hpp"
#include "sim/app/reports.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/workload/network_builder.hpp"

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
}  // namespace

TEST_CASE("tiny_network_output_matches_the_golden_csv") {
  const RunResult r = simulate_cpu(tiny_network(), load_soc("snapdragon855"), load_engine("ncnn"),
                                   CpuRunOptions{2, "big", "auto"});
  std::ostringstream csv;
  print_run_csv(r, csv);
  const std::string path = std::string(TILESIM_SOURCE_DIR) + "/tests/engine/expected/tiny_network.csv";
  if (std::getenv("TILESIM_UPDATE_GOLDEN")) std::ofstream(path) << csv.str();
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "missing " << path << ": run with TILESIM_UPDATE_GOLDEN=1");
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(csv.str() == expected.str());
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
