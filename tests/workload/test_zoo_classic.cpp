#include "tests/workload/test_zoo_helpers.hpp"

using namespace tilesim;

TEST_CASE("resnet50_matches_torchvision_macs_and_params_exactly") {
  const NetworkTotals t = test::zoo_totals("resnet50");
  CHECK(t.macs == 4089184256);
  CHECK(t.params == 25557032);
}

TEST_CASE("resnet18_matches_torchvision_figures") { test::check_published("resnet18", 1.81, 11.69); }
