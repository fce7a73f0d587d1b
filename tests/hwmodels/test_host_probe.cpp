#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "hwmodels/host_probe.hpp"
#include "hwmodels/soc_loader.hpp"

using namespace tilesim;

TEST_CASE("a_probed_host_description_resolves_and_keeps_what_was_measured") {
  HostProbe p;
  p.cpu_model = "Test CPU";
  p.cores = 2;
  p.frequency_before = 3.5e9;
  p.frequency_after = 3.7e9;
  p.fp32_flops_avx2 = 3.6e9 * 32;
  p.fp32_flops_avx512 = 3.6e9 * 32;
  p.caches = {{1, 32768, 8, 64, 150e9, 300e9}, {2, 1048576, 8, 64, 110e9, 220e9}, {3, 33554432, 16, 64, 60e9, 150e9}};
  p.dram_bandwidth_1t = 20e9;
  p.dram_bandwidth_all = 30e9;
  p.when = 0;
  const auto path = std::filesystem::temp_directory_path() / ("tilesim_host_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << host_yaml(p);
  const SocSpec soc = load_soc(path.string());
  std::filesystem::remove(path);
  REQUIRE(soc.clusters.size() == 1);
  CHECK(soc.clusters[0].count == 2);
  CHECK(soc.clusters[0].frequency == doctest::Approx(3.6e9).epsilon(1e-3));
  CHECK(soc.clusters[0].core.fp32_flops_per_cycle == doctest::Approx(32).epsilon(1e-2));
  CHECK(soc.clusters[0].core.isa == Isa::x86_64_avx512);
  CHECK(soc.clusters[0].core.l2->size == 1048576);
  CHECK(soc.l3->size == 33554432);
  CHECK(soc.memory.peak_bandwidth() == doctest::Approx(30e9).epsilon(1e-3));
}
