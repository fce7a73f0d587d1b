// Sweep configs: what they accept, and the file, line and key of what they refuse.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "sim/sweep/sweep_config.hpp"
#include "sim/sweep/sweep_design.hpp"
#include "tests/test_support.hpp"

using namespace tilesim;
using test::TempFile;

namespace {

std::string error_of_config(const std::string& text) {
  TempFile f("sweep.yaml", text);
  return test::error_of([&] { load_sweep_config(f.str()); });
}

}  // namespace

TEST_CASE("every_shipped_sweep_config_loads") {
  for (const char* name : {"big_cores_l2_dram", "big_little_clocks_lhs", "gpu_cores"}) {
    CAPTURE(name);
    const SweepConfig c = load_sweep_config(std::string(TILESIM_SOURCE_DIR) + "/configs/sweeps/" + name + ".yaml");
    CHECK(!c.parameters.empty());
  }
}

TEST_CASE("a_grid_takes_every_combination_with_the_first_parameter_slowest") {
  TempFile f("sweep.yaml",
             "parameters:\n  model: [mobilenet_v2, resnet18]\n  cpu.clusters.big.count: [1, 2, 3]\n"
             "  memory.data_rate: {min: 2000MT/s, max: 4000MT/s, steps: 3}\n");
  const SweepConfig c = load_sweep_config(f.str());
  const SweepSocs socs(c);
  const SweepDesign d = design_sweep(c, socs);
  REQUIRE(d.points.size() == 18);
  CHECK(d.points[0] == PointValues{"mobilenet_v2", "1", "2000MT/s"});
  CHECK(d.points[1] == PointValues{"mobilenet_v2", "1", "3000MT/s"});
  CHECK(d.points[3] == PointValues{"mobilenet_v2", "2", "2000MT/s"});
  CHECK(d.points[17] == PointValues{"resnet18", "3", "4000MT/s"});
}

TEST_CASE("keys_a_sampling_does_not_use_are_refused") {
  CHECK(error_of_config("samples: 10\nparameters:\n  model: [resnet18]\n").find(":1:10: samples: not used by a grid") !=
        std::string::npos);
  CHECK(error_of_config("parameters:\n  memory.data_rate: {min: 2000MT/s, max: 4000MT/s}\n")
            .find("parameters.memory.data_rate: a range in a grid needs steps") != std::string::npos);
  CHECK(error_of_config("sampling: random\nsamples: 5\nparameters:\n  memory.data_rate: {min: 2000MT/s, max: 4000MT/s, steps: 3}\n")
            .find(":4:") != std::string::npos);
  CHECK(error_of_config("sampling: random\nparameters:\n  model: [resnet18]\n").find("random sampling needs samples") !=
        std::string::npos);
}

TEST_CASE("unknown_keys_and_bad_values_name_file_line_and_key") {
  CHECK(error_of_config("sampling: grid\nparameter:\n  model: [resnet18]\n").find(":2:1: parameter: unknown key (did you mean 'parameters'?)") !=
        std::string::npos);
  CHECK(error_of_config("parameters:\n  cpu.clusters.big.cnt: [1]\n").find("unknown key 'cpu.clusters.big.cnt' (did you mean 'count'?)") !=
        std::string::npos);
  CHECK(error_of_config("parameters:\n  cpu.clusters.big.count: [1, two]\n").find(":2:") != std::string::npos);
  CHECK(error_of_config("parameters:\n  memory.data_rate: [4GHz]\n").find("memory.data_rate") != std::string::npos);
  CHECK(error_of_config("base: {device: npu}\nparameters:\n  model: [resnet18]\n").find(":1:16: base.device: 'npu' is not one of cpu, gpu") !=
        std::string::npos);
  CHECK(error_of_config("parameters:\n  model: [resnet18, resnet18]\n").find("'resnet18' is listed twice") != std::string::npos);
  CHECK(error_of_config("parameters:\n  warmup: [1, 2]\n").find("set in base") != std::string::npos);
  CHECK(error_of_config("parameters: {}\n").find("a sweep needs parameters") != std::string::npos);
}

TEST_CASE("an_soc_key_is_checked_against_every_soc_the_sweep_names") {
  // rk3588 has a 'big' cluster, snapdragon855 a 'prime' one: only one of them has both.
  CHECK(error_of_config("parameters:\n  soc: [snapdragon855, rk3588]\n  cpu.clusters.prime.count: [1, 2]\n")
            .find("unknown key 'cpu.clusters.prime'") != std::string::npos);
}

TEST_CASE("a_grid_beyond_ten_million_points_is_refused_with_its_size") {
  std::string text = "parameters:\n";
  for (const char* key : {"cpu.clusters.big.count", "cpu.clusters.little.count", "gpu.shader_cores", "memory.channels"})
    text += fmt::format("  {}: {{min: 1, max: 8, steps: 60}}\n", key);
  CHECK(error_of_config(text).find("the grid has 1.3e+07 points") != std::string::npos);
}

TEST_CASE("a_constraint_must_compare_a_key") {
  CHECK(error_of_config("parameters:\n  model: [resnet18]\nconstraints: [1 < 2]\n").find("compares no key") != std::string::npos);
  CHECK(error_of_config("parameters:\n  model: [resnet18]\nconstraints: [cpu.clusters.big.frequency]\n")
            .find("is not KEY OP KEY-or-VALUE") != std::string::npos);
  CHECK(error_of_config("parameters:\n  model: [resnet18]\nconstraints: [cpu.clusters.big.freq <= 2GHz]\n")
            .find("unknown key 'cpu.clusters.big.freq'") != std::string::npos);
}
