// Mobile networks of the zoo against published figures and, where torchvision has the model,
// against torchvision 0.14 exactly (Conv2d + Linear MACs counted with forward hooks at 1×3×224×224,
// params = sum(p.numel() for p in model.parameters())).
#include <cmath>

#include "tests/workload/test_zoo_helpers.hpp"

using namespace tilesim;

namespace {

struct Exact {
  const char* model;
  int64_t macs, params;
};

// Computed with /usr/bin/python3, torchvision 0.14; MobileNetV1 from the same count on a PyTorch
// module written after the paper's Table 1.
constexpr Exact kExact[] = {
    {"mobilenet_v2", 300774272, 3504872},      {"mobilenet_v3_large", 216589760, 5483032},
    {"mobilenet_v3_small", 56510400, 2542856}, {"mnasnet1_0", 314415872, 4383312},
    {"efficientnet_b0", 385814752, 5288548},   {"mobilenet", 568740352, 4231976},
};

}  // namespace

TEST_CASE("mobilenet_v1_matches_paper_figures") { test::check_published("mobilenet", 0.569, 4.2); }
TEST_CASE("mobilenet_v2_matches_torchvision_figures") { test::check_published("mobilenet_v2", 0.30, 3.50); }
TEST_CASE("mobilenet_v3_large_matches_torchvision_figures") {
  test::check_published("mobilenet_v3_large", 0.22, 5.48);
}
TEST_CASE("mobilenet_v3_small_matches_torchvision_figures") {
  test::check_published("mobilenet_v3_small", 0.06, 2.54);
}
TEST_CASE("mnasnet1_0_matches_torchvision_figures") { test::check_published("mnasnet1_0", 0.31, 4.38); }
TEST_CASE("efficientnet_b0_matches_torchvision_figures") { test::check_published("efficientnet_b0", 0.39, 5.29); }

TEST_CASE("mobile_models_match_torchvision_macs_and_params_exactly") {
  for (const Exact& e : kExact) {
    CAPTURE(e.model);
    const NetworkTotals t = test::zoo_totals(e.model);
    CHECK(t.macs == e.macs);
    CHECK(t.params == e.params);
  }
}

TEST_CASE("mobile_models_output_one_row_of_1000_logits") {
  for (const Exact& e : kExact) {
    CAPTURE(e.model);
    const ModelEntry* m = find_model(e.model);
    REQUIRE(m != nullptr);
    CHECK(m->default_input == Shape{1, 3, 224, 224});
    const Network net = m->build(m->default_input);
    const auto outs = net.graph_outputs();
    REQUIRE(outs.size() == 1);
    CHECK(net.tensor(outs[0]).shape == Shape{1, 1000});
  }
}

TEST_CASE("mobilenet_v2_builds_at_other_input_sizes_with_macs_scaling_with_area") {
  const ModelEntry* m = find_model("mobilenet_v2");
  REQUIRE(m != nullptr);
  const Network net = m->build(Shape{1, 3, 160, 160});
  const auto outs = net.graph_outputs();
  REQUIRE(outs.size() == 1);
  CHECK(net.tensor(outs[0]).shape == Shape{1, 1000});
  const NetworkTotals small = network_totals(net);
  const NetworkTotals full = test::zoo_totals("mobilenet_v2");
  CHECK(small.macs == 154083200);  // torchvision at 160×160
  CHECK(small.params == full.params);
  const double expected = std::pow(160.0 / 224.0, 2);
  CHECK(static_cast<double>(small.macs) / static_cast<double>(full.macs) == doctest::Approx(expected).epsilon(0.02));
}
