#include <stdexcept>

#include "sim/workload/shape_inference.hpp"
#include "sim/workload/zoo/models.hpp"
#include "tests/workload/test_zoo_helpers.hpp"

using namespace tilesim;

namespace {

// The shape of the network's single output at its default input.
Shape zoo_output_shape(const std::string& model) {
  const ModelEntry* m = find_model(model);
  REQUIRE_MESSAGE(m != nullptr, "model not in the zoo: " << model);
  const Network net = m->build(m->default_input);
  const auto outputs = net.graph_outputs();
  REQUIRE(outputs.size() == 1);
  return net.tensor(outputs.front()).shape;
}

const Operator& op_named(const Network& net, const std::string& name) {
  for (size_t i = 0; i < net.op_count(); ++i)
    if (net.op(static_cast<OpId>(i)).name == name) return net.op(static_cast<OpId>(i));
  FAIL("no operator named " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("resnet50_matches_torchvision_macs_and_params_exactly") {
  const NetworkTotals t = test::zoo_totals("resnet50");
  CHECK(t.macs == 4089184256);
  CHECK(t.params == 25557032);
}

TEST_CASE("resnet18_matches_torchvision_figures") { test::check_published("resnet18", 1.81, 11.69); }

TEST_CASE("alexnet_matches_torchvision_figures") { test::check_published("alexnet", 0.71, 61.10); }
TEST_CASE("vgg16_matches_torchvision_figures") { test::check_published("vgg16", 15.47, 138.36); }
TEST_CASE("googlenet_matches_torchvision_figures") { test::check_published("googlenet", 1.50, 6.62); }
TEST_CASE("squeezenet1_1_matches_torchvision_figures") { test::check_published("squeezenet1_1", 0.35, 1.24); }
TEST_CASE("densenet121_matches_torchvision_figures") { test::check_published("densenet121", 2.83, 7.98); }

// Exact counts from torchvision 0.14 at 1×3×224×224 in eval mode: conv and linear MACs summed by
// forward hooks (output elements × input channels per group × kernel area, or × in_features),
// params = sum(p.numel() for p in model.parameters()); googlenet built with aux_logits=False.
TEST_CASE("classic_models_match_torchvision_macs_and_params_exactly") {
  struct Expected {
    const char* model;
    int64_t macs, params;
  };
  const Expected expected[] = {
      {"alexnet", 714188480, 61100840},       {"vgg16", 15470264320, 138357544},
      {"googlenet", 1498376192, 6624904},     {"squeezenet1_1", 349151936, 1235496},
      {"densenet121", 2834161664, 7978856},
  };
  for (const Expected& e : expected) {
    CAPTURE(e.model);
    const NetworkTotals t = test::zoo_totals(e.model);
    CHECK(t.macs == e.macs);
    CHECK(t.params == e.params);
  }
}

TEST_CASE("classic_models_output_1000_class_logits") {
  for (const char* model : {"alexnet", "vgg16", "googlenet", "resnet18", "resnet50", "squeezenet1_1",
                            "densenet121"}) {
    CAPTURE(model);
    CHECK(zoo_output_shape(model) == Shape{1, 1000});
  }
}

// torchvision's AdaptiveAvgPool2d((7, 7)) is an identity at 224×224 (7×7 features) and pools
// 2×2 windows at 448×448 (14×14 features); a size with no fixed window is refused.
TEST_CASE("vgg16_adaptive_avgpool_is_identity_at_224_and_fixed_window_when_divisible") {
  const Network at224 = zoo::vgg16({1, 3, 224, 224});
  CHECK(op_named(at224, "avgpool").type == OpType::Identity);

  const Network at448 = zoo::vgg16({1, 3, 448, 448});
  const Operator& pool = op_named(at448, "avgpool");
  CHECK(pool.type == OpType::AveragePool);
  CHECK(pool.attrs.kernel_shape == std::vector<int64_t>{2, 2});
  CHECK(pool.attrs.strides == std::vector<int64_t>{2, 2});
  CHECK(at448.tensor(pool.outputs.front()).shape == Shape{1, 512, 7, 7});

  CHECK_THROWS_AS(zoo::alexnet({1, 3, 256, 256}), ShapeError);  // 7×7 features cannot pool to 6×6
}
