// The GPU model: occupancy, dispatch and submission overheads, copies, bandwidth.
#include <doctest/doctest.h>

#include <algorithm>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "sim/engine/gpu_simulator.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/zoo/zoo.hpp"

using namespace tilesim;

namespace {
Network model(const char* name) {
  const ModelEntry* m = find_model(name);
  return m->build(m->default_input);
}
RunResult run_gpu(const Network& net, const SocSpec& soc, const char* engine = "ncnn-vulkan") {
  return simulate_gpu(net, soc, load_engine(engine), GpuRunOptions{});
}
}  // namespace

TEST_CASE("occupancy_is_limited_by_resident_waves_registers_and_local_memory") {
  GpuSpec g;
  g.wave_size = 64;
  g.max_waves_per_core = 16;
  g.registers_per_core = 65536;
  g.local_memory = 32768;
  CHECK(resident_workgroups(g, 64, 32, 0) == 16);      // waves: 16 one-wave workgroups
  CHECK(resident_workgroups(g, 256, 32, 0) == 4);      // waves: 4 waves each
  CHECK(resident_workgroups(g, 64, 128, 0) == 8);      // registers: 65536 / (128 x 64)
  CHECK(resident_workgroups(g, 64, 32, 8192) == 4);    // local memory: 32 KiB / 8 KiB
  CHECK(resident_workgroups(g, 1024, 255, 65536) == 1);  // never below one
}

TEST_CASE("gpu_runs_are_deterministic") {
  const SocSpec soc = load_soc("snapdragon855");
  const RunResult a = run_gpu(model("mobilenet_v2"), soc), b = run_gpu(model("mobilenet_v2"), soc);
  CHECK(a.latency_s == b.latency_s);
  CHECK(a.energy_j == b.energy_j);
}

TEST_CASE("more_dram_bandwidth_never_slows_a_gpu_layer") {
  const Network net = model("resnet18");
  const RunResult slow = run_gpu(net, load_soc("snapdragon855", {"memory.bandwidth=8GB/s"}));
  const RunResult fast = run_gpu(net, load_soc("snapdragon855", {"memory.bandwidth=80GB/s"}));
  REQUIRE(slow.layers.size() == fast.layers.size());
  for (size_t i = 0; i < slow.layers.size(); ++i) CHECK(fast.layers[i].latency_s <= slow.layers[i].latency_s * (1 + 1e-12));
  CHECK(fast.latency_s < slow.latency_s);
}

TEST_CASE("each_dispatch_pays_a_launch_and_each_inference_one_submission") {
  const SocSpec soc = load_soc("snapdragon855");
  const RunResult r = run_gpu(model("resnet18"), soc);
  REQUIRE(r.layers.front().name == "submit");
  CHECK(r.layers.front().latency_s == soc.gpu->submit_overhead);
  for (const auto& l : r.layers)
    if (l.algorithm == "gpu_winograd_f43") CHECK(l.overhead_s == doctest::Approx(3 * soc.gpu->launch_overhead));
}

TEST_CASE("host_copies_are_simulated_only_where_the_engine_times_them") {
  const SocSpec soc = load_soc("snapdragon855");
  const RunResult ncnn = run_gpu(model("mobilenet_v2"), soc, "ncnn-vulkan");
  const RunResult tflite = run_gpu(model("mobilenet_v2"), soc, "tflite-gpu");
  auto has = [](const RunResult& r, const char* op) {
    return std::any_of(r.layers.begin(), r.layers.end(), [&](const LayerResult& l) { return l.op == op; });
  };
  CHECK(has(ncnn, "Upload"));
  CHECK(has(ncnn, "Download"));
  CHECK_FALSE(has(tflite, "Upload"));
}

TEST_CASE("a_gpu_run_needs_a_gpu_and_a_gpu_engine") {
  CHECK_THROWS_AS(run_gpu(model("mobilenet_v2"), load_soc("snapdragon410")), ConfigError);
  CHECK_THROWS_AS(run_gpu(model("mobilenet_v2"), load_soc("snapdragon855"), "ncnn"), ConfigError);
}

TEST_CASE("a_bigger_gpu_is_never_slower_on_a_compute_heavy_network") {
  const Network net = model("vgg16");
  const RunResult base = run_gpu(net, load_soc("snapdragon855"));
  const RunResult more = run_gpu(net, load_soc("snapdragon855", {"gpu.shader_cores=4"}));
  CHECK(more.latency_s < base.latency_s);
}
