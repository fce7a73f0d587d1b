// SoC descriptions: presets compose, overrides apply, and every class of bad input is an error
// that names the file, line, column and key.
#include <doctest/doctest.h>

#include "tests/test_support.hpp"

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"

using namespace tilesim;
namespace fs = std::filesystem;

namespace {

struct TempYaml : test::TempFile {
  explicit TempYaml(const std::string& text) : TempFile("soc.yaml", text) {}
};

std::string error_of(const std::string& file, const std::vector<std::string>& sets = {}) {
  try {
    load_soc(file, sets);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

const char* kMinimal =
    "name: tiny\n"
    "cpu:\n"
    "  clusters:\n"
    "    big: {kind: big, count: 2, frequency: 2GHz, voltage: 0.9V, core: cortex-a76}\n"
    "memory: lpddr4x-2133\n";

}  // namespace

TEST_CASE("presets_compose_by_name") {
  TempYaml f(kMinimal);
  const SocSpec soc = load_soc(f.str());
  REQUIRE(soc.clusters.size() == 1);
  CHECK(soc.clusters[0].core.fp32_flops_per_cycle == 16);
  CHECK(soc.clusters[0].core.l1d.size == 65536);
  CHECK(soc.memory.peak_bandwidth() == doctest::Approx(4 * 2 * 4266e6));
}

TEST_CASE("base_inherits_a_builtin_soc_and_changes_only_what_is_written") {
  TempYaml f("base: snapdragon855\nname: sd855-fast-dram\nmemory: {data_rate: 6400MT/s}\n");
  const SocSpec soc = load_soc(f.str());
  const SocSpec base = load_soc("snapdragon855");
  CHECK(soc.clusters.size() == base.clusters.size());
  CHECK(soc.memory.data_rate == doctest::Approx(6.4e9));
  CHECK(soc.memory.channels == base.memory.channels);
  CHECK(soc.memory.system_cache.has_value());
}

TEST_CASE("set_overrides_one_value_by_dotted_path") {
  const SocSpec soc = load_soc("snapdragon855", {"cpu.clusters.big.frequency=2.0GHz", "memory.bandwidth=51.2GB/s"});
  CHECK(soc.cluster("big")->frequency == doctest::Approx(2.0e9));
  CHECK(soc.memory.peak_bandwidth() == doctest::Approx(51.2e9));
  CHECK(load_soc("snapdragon855", {"cpu.clusters.big.core.l2.size=1MiB"}).cluster("big")->core.l2->size == 1048576);
}

TEST_CASE("set_with_an_unknown_key_names_it_and_suggests_the_nearest") {
  const std::string e = error_of("snapdragon855", {"cpu.clusters.big.frequncy=2GHz"});
  CHECK(e.find("cpu.clusters.big.frequncy") != std::string::npos);
  CHECK(e.find("frequency") != std::string::npos);
  CHECK(error_of("snapdragon855", {"cpu.clusters.huge.frequency=2GHz"}).find("huge") != std::string::npos);
  CHECK(error_of("snapdragon855", {"cpu.clusters.big.frequency=2GB"}).find("GHz") != std::string::npos);
}

TEST_CASE("a_yaml_syntax_error_names_file_and_line") {
  TempYaml f("name: broken\ncpu: {clusters: [\n");
  const std::string e = error_of(f.str());
  CHECK(e.find(f.str() + ":") != std::string::npos);
}

TEST_CASE("an_unknown_key_names_file_line_column_and_suggests_the_nearest") {
  TempYaml f(std::string(kMinimal) + "memmory: lpddr4x-2133\n");
  const std::string e = error_of(f.str());
  CHECK(e.find(f.str() + ":6:1") != std::string::npos);
  CHECK(e.find("did you mean 'memory'") != std::string::npos);
}

TEST_CASE("a_wrong_unit_names_file_line_and_key") {
  TempYaml f("cpu:\n  clusters:\n    big: {kind: big, count: 2, frequency: 2GB, core: cortex-a76}\nmemory: lpddr4x-2133\n");
  const std::string e = error_of(f.str());
  CHECK(e.find(":3:") != std::string::npos);
  CHECK(e.find("cpu.clusters.big.frequency") != std::string::npos);
}

TEST_CASE("a_value_out_of_range_is_rejected") {
  TempYaml f("cpu:\n  clusters:\n    big: {kind: big, count: 0, frequency: 2GHz, voltage: 0.9V, core: cortex-a76}\nmemory: lpddr4x-2133\n");
  CHECK(error_of(f.str()).find("out of range") != std::string::npos);
}

TEST_CASE("a_missing_required_value_is_an_error_not_a_default") {
  TempYaml f("cpu:\n  clusters:\n    big: {kind: big, count: 2, core: cortex-a76}\nmemory: lpddr4x-2133\n");
  const std::string e = error_of(f.str());
  CHECK(e.find("cpu.clusters.big.frequency") != std::string::npos);
  CHECK(e.find("missing required") != std::string::npos);
}

TEST_CASE("an_unknown_preset_suggests_the_nearest") {
  TempYaml f("cpu:\n  clusters:\n    big: {kind: big, count: 2, frequency: 2GHz, voltage: 0.9V, core: cortx-a76}\nmemory: lpddr4x-2133\n");
  CHECK(error_of(f.str()).find("cortex-a76") != std::string::npos);
}

TEST_CASE("an_unknown_soc_name_is_an_error") {
  CHECK(error_of("snapdragon856").find("snapdragon855") != std::string::npos);
  CHECK(error_of("/nonexistent/soc.yaml").find("no such file") != std::string::npos);
}

TEST_CASE("operating_points_give_the_voltage_at_the_clock_and_scale_dynamic_energy") {
  TempYaml f("cpu:\n  clusters:\n    big:\n      kind: big\n      count: 1\n      frequency: 1.5GHz\n"
             "      operating_points: {1GHz: 0.6V, 2GHz: 0.9V}\n      core: cortex-a76\nmemory: lpddr4x-2133\n");
  const SocSpec soc = load_soc(f.str());
  const ClusterSpec& c = soc.clusters[0];
  CHECK(c.voltage == doctest::Approx(0.75));
  CHECK(c.energy_scale() == doctest::Approx((0.75 / 0.9) * (0.75 / 0.9)));
  CHECK(load_soc(f.str(), {"cpu.clusters.big.frequency=3GHz"}).clusters[0].voltage == doctest::Approx(0.9));
  CHECK(load_soc(f.str(), {"cpu.clusters.big.frequency=2GHz"}).clusters[0].energy_scale() == doctest::Approx(1.0));
}

TEST_CASE("voltage_and_operating_points_together_are_an_error") {
  TempYaml f("cpu:\n  clusters:\n    big: {kind: big, count: 1, frequency: 1GHz, voltage: 0.7V,"
             " operating_points: {1GHz: 0.6V}, core: cortex-a76}\nmemory: lpddr4x-2133\n");
  CHECK(error_of(f.str()).find("either voltage or operating_points") != std::string::npos);
  TempYaml g("cpu:\n  clusters:\n    big: {kind: big, count: 1, frequency: 1GHz,"
             " operating_points: {1GHz: 0.6GB}, core: cortex-a76}\nmemory: lpddr4x-2133\n");
  CHECK(error_of(g.str()).find("operating_points.1GHz") != std::string::npos);
}

TEST_CASE("a_parameter_the_model_does_not_use_is_refused_with_why_not_ignored") {
  // In a file: named with file:line:column and key, and the reason.
  TempYaml f("cpu:\n  clusters:\n    big:\n      kind: big\n      count: 2\n      frequency: 2GHz\n      voltage: 0.9V\n"
             "      core: {base: cortex-a76, simd_width: 128bit}\nmemory: lpddr4x-2133\n");
  const std::string e = error_of(f.str());
  CHECK(e.find(f.str() + ":8:") != std::string::npos);
  CHECK(e.find("cpu.clusters.big.core.simd_width") != std::string::npos);
  CHECK(e.find("not modelled") != std::string::npos);
  CHECK(e.find("fp32_flops_per_cycle") != std::string::npos);
  // By --set: the same reason, not "unknown key".
  const std::string s = error_of("snapdragon855", {"cpu.clusters.big.core.load_bytes_per_cycle=64B"});
  CHECK(s.find("not modelled") != std::string::npos);
  CHECK(s.find("l1d.bandwidth") != std::string::npos);
}

TEST_CASE("a_gpu_with_memory_of_its_own_is_refused_as_not_modelled") {
  const std::string e = error_of("snapdragon855", {"gpu.unified_memory=false"});
  CHECK(e.find("gpu.unified_memory") != std::string::npos);
  CHECK(e.find("not modelled") != std::string::npos);
  CHECK(error_of("snapdragon855", {"gpu.unified_memory=true"}).empty());
}
