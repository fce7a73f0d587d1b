// Every CPU engine profile of configs/engines/ simulates a whole network.
#include <doctest/doctest.h>

#include "hwmodels/soc_loader.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/workload/zoo/zoo.hpp"

using namespace tilesim;

TEST_CASE("armcl_and_tflite_ruy_simulate_mobilenet_v2_on_snapdragon855") {
  const SocSpec soc = load_soc("snapdragon855");
  const ModelEntry* m = find_model("mobilenet_v2");
  REQUIRE(m != nullptr);
  const Network net = m->build(m->default_input);
  for (const char* engine : {"armcl", "tflite-ruy"}) {
    INFO(engine);
    const RunResult r = simulate_cpu(net, soc, load_engine(engine), CpuRunOptions{4, "big", "auto"});
    CHECK(r.latency_s > 0);
  }
}
