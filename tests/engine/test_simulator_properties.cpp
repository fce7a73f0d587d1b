// Properties the simulator must keep whatever its parameters.
#include <doctest/doctest.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "sim/engine/block_cache.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/engine/event_queue.hpp"
#include "sim/engine/gpu_simulator.hpp"
#include "sim/engine/memory_hierarchy.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/zoo/zoo.hpp"

using namespace tilesim;

namespace {
// The memory model's properties, on the profile's assumptions: calibration fits elementwise loops
// slow enough that the streaming adds below would be bound by arithmetic, not by the caches.
const EngineProfile& assumed_ncnn() {
  static const EngineProfile e = uncalibrated(load_engine("ncnn"));
  return e;
}
Network model(const char* name) {
  const ModelEntry* m = find_model(name);
  return m->build(m->default_input);
}
RunResult run(const Network& net, const SocSpec& soc, int threads = 4, const char* cores = "big",
              const char* precision = "auto") {
  return simulate_cpu(net, soc, assumed_ncnn(), CpuRunOptions{threads, cores, precision});
}
}  // namespace

TEST_CASE("events_at_equal_times_run_by_priority_then_insertion_order") {
  EventQueue<int> q;
  q.push(1.0, 1, 10);
  q.push(1.0, 0, 20);
  q.push(0.5, 5, 30);
  q.push(1.0, 0, 40);
  CHECK(q.pop().payload == 30);
  CHECK(q.pop().payload == 20);
  CHECK(q.pop().payload == 40);
  CHECK(q.pop().payload == 10);
}

TEST_CASE("block_cache_hits_on_reuse_and_evicts_least_recent") {
  BlockCache c(1000);
  CHECK_FALSE(c.access({1, 0}, 400).hit);
  CHECK_FALSE(c.access({1, 1}, 400).hit);
  CHECK(c.access({1, 0}, 400).hit);        // reuse
  CHECK_FALSE(c.access({1, 2}, 400).hit);  // evicts block 1 (least recent)
  CHECK(c.access({1, 0}, 400).hit);
  CHECK_FALSE(c.access({1, 1}, 400).hit);
  CHECK_FALSE(c.access({2, 0}, 5000).hit);  // larger than the cache: streams through
  CHECK(c.used() <= 1000);
}

TEST_CASE("block_cache_writes_back_only_modified_blocks_it_evicts") {
  BlockCache c(800);
  c.access({1, 0}, 400, true);   // written
  c.access({1, 1}, 400, false);  // read
  CHECK(c.access({1, 2}, 400).written_back == 400);  // evicts the written block
  CHECK(c.access({1, 3}, 400).written_back == 0);    // evicts the clean one
}

TEST_CASE("identical_inputs_give_identical_outputs") {
  const SocSpec soc = load_soc("snapdragon855");
  const Network net = model("mobilenet_v2");
  const RunResult a = run(net, soc), b = run(net, soc);
  CHECK(a.latency_s == b.latency_s);  // bit for bit
  CHECK(a.energy_j == b.energy_j);
  REQUIRE(a.layers.size() == b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) CHECK(a.layers[i].latency_s == b.layers[i].latency_s);
}

TEST_CASE("more_dram_bandwidth_never_slows_a_layer") {
  const Network net = model("mobilenet_v2");
  const RunResult slow = run(net, load_soc("snapdragon855", {"memory.bandwidth=10GB/s"}));
  const RunResult fast = run(net, load_soc("snapdragon855", {"memory.bandwidth=100GB/s"}));
  REQUIRE(slow.layers.size() == fast.layers.size());
  for (size_t i = 0; i < slow.layers.size(); ++i) CHECK(fast.layers[i].latency_s <= slow.layers[i].latency_s);
  CHECK(fast.latency_s < slow.latency_s);
}

TEST_CASE("four_big_threads_speed_mobilenet_v2_between_1_5x_and_4x") {
  const SocSpec soc = load_soc("snapdragon855");
  const Network net = model("mobilenet_v2");
  const double speedup = run(net, soc, 1).latency_s / run(net, soc, 4).latency_s;
  CHECK(speedup > 1.5);
  CHECK(speedup < 4.0);
}

TEST_CASE("little_cores_are_slower_than_big_ones") {
  const SocSpec soc = load_soc("snapdragon855");
  const Network net = model("mobilenet_v2");
  CHECK(run(net, soc, 4, "little").latency_s > 1.5 * run(net, soc, 4, "big").latency_s);
}

TEST_CASE("more_big_cores_never_slow_a_compute_bound_layer") {
  NetworkBuilder b("compute_bound");
  TensorId x = b.input({1, 256, 28, 28});
  b.conv(x, ConvSpec::square(256, 3), "c3");
  const Network net = std::move(b).finish();
  const SocSpec soc = load_soc("snapdragon855");
  double previous = 1e9;
  for (int threads = 1; threads <= 4; ++threads) {
    const RunResult r = run(net, soc, threads);
    CHECK(r.layers[0].bound == "compute");
    CHECK(r.latency_s <= previous);
    previous = r.latency_s;
  }
}

TEST_CASE("a_working_set_that_fits_in_l2_does_not_pay_dram_again_on_reuse") {
  // Two 1x1 convolutions over a small tensor: the second reads what the first wrote.
  NetworkBuilder b("reuse");
  TensorId x = b.input({1, 16, 16, 16});
  TensorId y = b.conv(x, ConvSpec::square(16, 1), "first");
  b.conv(y, ConvSpec::square(16, 1), "second");
  const Network net = std::move(b).finish();
  const RunResult r = run(net, load_soc("snapdragon855"), 1);
  REQUIRE(r.layers.size() == 2);
  const int64_t fp16 = 2, weights = 16 * 16 * fp16, activation = 16 * 16 * 16 * fp16;
  CHECK(r.layers[0].dram_bytes == weights + activation);  // first touch of its input and weights
  CHECK(r.layers[1].dram_bytes == weights);  // its input hits in L2; only its own weights are new
}

TEST_CASE("fp16_on_a_core_without_fp16_arithmetic_is_refused") {
  const SocSpec soc = load_soc("snapdragon855", {"cpu.clusters.big.core.fp16_flops_per_cycle=0"});
  CHECK_THROWS_AS(run(model("mobilenet_v2"), soc, 3, "big", "fp16"), ConfigError);
}

TEST_CASE("energy_and_peak_memory_stay_inside_hand_computed_bounds") {
  NetworkBuilder b("tiny");
  TensorId x = b.input({1, 8, 8, 8});                       // 512 elements
  b.conv(x, ConvSpec::square(8, 1), "pw");                  // 64 weights, 512 outputs, 8192 FLOPs
  const Network net = std::move(b).finish();
  const SocSpec soc = load_soc("snapdragon855");
  const RunResult r = run(net, soc, 1, "big", "fp32");
  // weights + input + output + the packed B ncnn copies a 1x1 input into (8 channels x 64 pixels)
  CHECK(r.peak_memory_bytes == 64 * 4 + (512 + 512) * 4 + 8 * 64 * 4);
  const auto& core = soc.cluster("prime")->core;
  const double dynamic_floor = 8192 * core.energy_per_fp32_flop;
  const double bytes = (64 + 512 + 512 + 2 * 512) * 4.0;  // and the packed B, written then read
  const double dynamic_ceiling = 8192 * core.energy_per_fp32_flop + bytes * (core.l1d.energy_per_byte +
      core.l2->energy_per_byte + soc.l3->energy_per_byte + soc.memory.system_cache->energy_per_byte +
      soc.memory.energy_per_byte);
  const double static_part = r.static_energy_j;
  CHECK(r.energy_j - static_part >= dynamic_floor);
  CHECK(r.energy_j - static_part <= dynamic_ceiling * 1.0001);
  CHECK(static_part == doctest::Approx(soc.cluster("prime")->static_power_per_core * r.latency_s));
}

namespace {
// An addition over a 64 x 28 x 28 fp16 tensor (98 KiB): after a warm-up run its operands sit in
// the L2, so it is bound by what the L1 and L2 deliver, not by arithmetic or DRAM.
Network l2_resident_add() {
  NetworkBuilder b("l2_resident");
  TensorId x = b.input({1, 64, 28, 28});
  b.add(x, x, "add");
  return std::move(b).finish();
}
double warm_latency(const Network& net, const SocSpec& soc) {
  CpuRunOptions o{1, "big", "auto"};
  o.warmup_runs = 1;
  return simulate_cpu(net, soc, assumed_ncnn(), o).latency_s;
}
}  // namespace

TEST_CASE("a_longer_l2_latency_never_speeds_a_layer_and_slows_one_that_misses_l1") {
  const Network net = model("mobilenet_v2");
  std::vector<double> previous;
  for (const char* cycles : {"5cycles", "10cycles", "20cycles", "40cycles", "80cycles", "160cycles"}) {
    CAPTURE(cycles);
    const SocSpec soc = load_soc("snapdragon855", {std::string("cpu.clusters.prime.core.l2.latency=") + cycles});
    const RunResult r = run(net, soc, 1);
    for (size_t i = 0; i < previous.size(); ++i) CHECK(r.layers[i].latency_s >= previous[i]);
    previous.clear();
    for (const auto& l : r.layers) previous.push_back(l.latency_s);
  }
  // 20 lines in flight cover 40 cycles of latency at 32 B/cycle; at 100 cycles the L2 delivers 2.5x less.
  const Network add = l2_resident_add();
  const double quick = warm_latency(add, load_soc("snapdragon855", {"cpu.clusters.prime.core.l2.latency=10cycles"}));
  const double slow = warm_latency(add, load_soc("snapdragon855", {"cpu.clusters.prime.core.l2.latency=100cycles"}));
  CHECK(slow > 1.5 * quick);
}

TEST_CASE("a_longer_gpu_cache_latency_never_speeds_a_layer") {
  const Network net = model("mobilenet_v2");
  std::vector<double> previous;
  for (const char* cycles : {"20cycles", "100cycles", "400cycles"}) {
    CAPTURE(cycles);
    const RunResult r = simulate_gpu(net, load_soc("snapdragon855", {std::string("gpu.l2.latency=") + cycles}),
                                     load_engine("ncnn-vulkan"), GpuRunOptions{});
    for (size_t i = 0; i < previous.size(); ++i) CHECK(r.layers[i].latency_s >= previous[i]);
    previous.clear();
    for (const auto& l : r.layers) previous.push_back(l.latency_s);
  }
}

TEST_CASE("fewer_ways_keep_less_of_a_cache_and_never_speed_a_layer") {
  CacheSpec c;
  c.size = 1024 * 1024;
  c.associativity = 1;
  CHECK(conflict_free_capacity(c) == doctest::Approx(0.5 * c.size));
  c.associativity = 16;
  CHECK(conflict_free_capacity(c) == doctest::Approx((1 - 1.0 / 32) * c.size));
  // Over a network (one thread: the items' order is fixed, and LRU is a stack algorithm). Not per
  // layer: a smaller cache may make an earlier layer pay a write-back a later one would have paid.
  const Network net = model("mobilenet_v2");
  double previous = 0;
  int64_t previous_dram = 0;
  for (const char* ways : {"16", "4", "1"}) {
    CAPTURE(ways);
    const RunResult r = run(net, load_soc("snapdragon855", {std::string("cpu.clusters.prime.core.l2.associativity=") + ways,
                                                            std::string("cpu.l3.associativity=") + ways}), 1);
    int64_t dram = 0;
    for (const auto& l : r.layers) dram += l.dram_bytes;
    CHECK(r.latency_s >= previous);
    CHECK(dram >= previous_dram);
    previous = r.latency_s;
    previous_dram = dram;
  }
}

TEST_CASE("a_narrower_store_port_slows_a_layer_that_writes_more_than_it_computes") {
  const Network add = l2_resident_add();
  const double wide = warm_latency(add, load_soc("snapdragon855", {"cpu.clusters.prime.core.store_bytes_per_cycle=64B"}));
  const double narrow = warm_latency(add, load_soc("snapdragon855", {"cpu.clusters.prime.core.store_bytes_per_cycle=4B"}));
  CHECK(narrow > 1.5 * wide);
}

TEST_CASE("a_lower_core_clock_slows_arithmetic_in_proportion_but_not_dram") {
  // Halving the prime core's clock doubles a compute-bound convolution's arithmetic, while a
  // streaming add's DRAM time (bandwidth and latency in seconds, not core cycles) stays put.
  NetworkBuilder b("clock");
  TensorId x = b.input({1, 64, 112, 112});  // 1.5 MiB at fp16: streams from DRAM
  b.add(x, x, "stream");
  TensorId y = b.input({1, 256, 28, 28});
  b.conv(y, ConvSpec::square(256, 3), "c3");
  const Network net = std::move(b).finish();
  const RunResult fast = run(net, load_soc("snapdragon855"), 1);
  const RunResult slow = run(net, load_soc("snapdragon855", {"cpu.clusters.prime.frequency=1.42GHz"}), 1);
  auto layer = [](const RunResult& r, const char* name) {
    for (const auto& l : r.layers)
      if (l.name == name) return l;
    FAIL("no layer " << name);
    return LayerResult{};
  };
  CHECK(layer(slow, "c3").compute_s == doctest::Approx(2 * layer(fast, "c3").compute_s).epsilon(0.01));
  // The L2 and L3 run at core cycles and take part in streaming, so not quite nothing.
  CHECK(layer(slow, "stream").latency_s < 1.3 * layer(fast, "stream").latency_s);
  CHECK(layer(slow, "stream").dram_bytes == layer(fast, "stream").dram_bytes);
}
