// The area proxy (configs/area.yaml): every core family and GPU preset has an area with a source,
// and an SoC's area adds up its parts.
#include <doctest/doctest.h>

#include <filesystem>

#include "hwmodels/area_model.hpp"
#include "hwmodels/config_tree.hpp"
#include "hwmodels/soc_loader.hpp"
#include "tests/test_support.hpp"

using namespace tilesim;

TEST_CASE("every_core_family_and_gpu_preset_has_an_area") {
  const AreaModel& m = AreaModel::builtin();
  for (const auto& core : preset_names("cores")) {
    const YAML::Node n = load_yaml_map(data_root() + "/configs/cores/" + core + ".yaml");
    if (n["base"]) continue;  // a derived core is measured as its family
    CAPTURE(core);
    CHECK(m.cores.count(core) == 1);
  }
  for (const auto& gpu : preset_names("gpus")) {
    CAPTURE(gpu);
    CHECK(m.gpu_cores.count(gpu) == 1);
  }
}

TEST_CASE("every_builtin_soc_has_an_area_proxy_of_known_parts") {
  for (const auto& name : builtin_socs()) {
    if (name == "host") continue;  // an x86 host is not a mobile SoC of configs/area.yaml
    CAPTURE(name);
    const SocArea a = soc_area(load_soc(name));
    CHECK(a.unknown.empty());
    CHECK(a.cores > 0);
    CHECK(a.total() > 1e-7);   // above 0.1 mm2
    CHECK(a.total() < 1e-3);   // below 1000 mm2
  }
}

TEST_CASE("an_socs_area_grows_by_a_core_and_its_l2_for_each_core_added") {
  const AreaModel& m = AreaModel::builtin();
  const SocArea four = soc_area(load_soc("rk3588"));
  const SocArea five = soc_area(load_soc("rk3588", {"cpu.clusters.big.count=5"}));
  const auto& a76 = m.cores.at("cortex-a76");
  const double l2 = 512 * 1024 * m.sram_area_per_byte.at(a76.process);
  CHECK(five.total() - four.total() == doctest::Approx(a76.area + l2).epsilon(1e-9));
  const SocArea more_gpu = soc_area(load_soc("rk3588", {"gpu.shader_cores=8"}));
  CHECK(more_gpu.gpu == doctest::Approx(2 * four.gpu));  // the RK3588's Mali-G610 MP4 has 4 cores
}

TEST_CASE("an_area_file_with_a_bad_value_names_file_line_and_key") {
  test::TempFile f("area.yaml",
                   "processes:\n  n7: {sram_area_per_mib: 0.5mm2}\ncores:\n  cortex-a76: {area: 1.2GHz, process: n7}\n"
                   "gpus: {}\n");
  CHECK(test::error_of([&] { AreaModel::load(f.str()); }).find(":4:") != std::string::npos);
  test::TempFile g("area.yaml", "processes:\n  n7: {sram_area_per_mib: 0.5mm2}\ncores:\n  x: {area: 1mm2, process: n5}\ngpus: {}\n");
  CHECK(test::error_of([&] { AreaModel::load(g.str()); }).find("'n5' is not one of processes") != std::string::npos);
}
