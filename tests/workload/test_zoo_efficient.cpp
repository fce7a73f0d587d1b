// Shuffle and searched networks of the zoo against their references. Exact counts were taken with
// PyTorch (Conv2d and Linear forward hooks: output elements × in_channels/groups × kernel area, or
// × in_features; params = sum of numel of parameters()) at 1×3×224×224: torchvision 0.14 models for
// ShuffleNetV2 and RegNetY, megvii-model/ShuffleNet-Series ShuffleNetV1(group=3, '1.0x') for
// ShuffleNet v1, and the mit-han-lab/proxylessnas layers for ProxylessNAS-Mobile.
#include <algorithm>

#include "tests/workload/test_zoo_helpers.hpp"

using namespace tilesim;

namespace {

Network build(const std::string& model) {
  const ModelEntry* m = find_model(model);
  REQUIRE_MESSAGE(m != nullptr, "model not in the zoo: " << model);
  return m->build(m->default_input);
}

bool has_op(const Network& net, OpType type) {
  for (size_t i = 0; i < net.op_count(); ++i)
    if (net.op(static_cast<OpId>(i)).type == type) return true;
  return false;
}

void check_single_output_1000(const std::string& model) {
  const Network net = build(model);
  const auto outs = net.graph_outputs();
  REQUIRE(outs.size() == 1);
  CHECK(net.tensor(outs[0]).shape == Shape{1, 1000});
}

}  // namespace

TEST_CASE("shufflenet_v2_x1_0_matches_torchvision_figures") {
  test::check_published("shufflenet_v2_x1_0", 0.15, 2.28);
}

TEST_CASE("shufflenet_v2_x1_0_matches_torchvision_macs_and_params_exactly") {
  const NetworkTotals t = test::zoo_totals("shufflenet_v2_x1_0");
  CHECK(t.macs == 144907992);
  CHECK(t.params == 2278604);
}

TEST_CASE("shufflenet_v2_x1_0_splits_and_shuffles_channels") {
  const Network net = build("shufflenet_v2_x1_0");
  CHECK(has_op(net, OpType::Split));
  CHECK(has_op(net, OpType::ChannelShuffle));
  CHECK(has_op(net, OpType::Concat));
  int shuffles = 0;
  for (size_t i = 0; i < net.op_count(); ++i) {
    const Operator& op = net.op(static_cast<OpId>(i));
    if (op.type != OpType::ChannelShuffle) continue;
    ++shuffles;
    CHECK(op.attrs.group == 2);
  }
  CHECK(shuffles == 16);  // one per unit: 4 + 8 + 4
}

TEST_CASE("regnet_y_400mf_matches_torchvision_figures") {
  test::check_published("regnet_y_400mf", 0.40, 4.34);
}

TEST_CASE("regnet_y_400mf_matches_torchvision_macs_and_params_exactly") {
  const NetworkTotals t = test::zoo_totals("regnet_y_400mf");
  CHECK(t.macs == 401842848);
  CHECK(t.params == 4344144);
}

TEST_CASE("regnet_y_400mf_gates_with_squeeze_excite") {
  const Network net = build("regnet_y_400mf");
  CHECK(has_op(net, OpType::Mul));
  CHECK(has_op(net, OpType::Sigmoid));
}

// Paper (Table 2, ShuffleNet 1×, g = 3): 140 MFLOPs, i.e. multiply-adds, to two figures: within ±5 M.
// megvii's README: 1.9 M params, rounded to 0.1 M, so within ±0.05 M.
TEST_CASE("shufflenet_v1_g3_matches_paper_figures_within_rounding") {
  const NetworkTotals t = test::zoo_totals("shufflenet");
  INFO("shufflenet: " << t.macs << " MACs, " << t.params << " params");
  CHECK(t.macs >= 135'000'000);
  CHECK(t.macs < 145'000'000);
  CHECK(t.params >= 1'850'000);
  CHECK(t.params < 1'950'000);
}

TEST_CASE("shufflenet_v1_g3_matches_megvii_reference_macs_and_params_exactly") {
  const NetworkTotals t = test::zoo_totals("shufflenet");
  CHECK(t.macs == 137460672);
  CHECK(t.params == 1864728);
}

TEST_CASE("shufflenet_v1_g3_shuffles_three_groups") {
  const Network net = build("shufflenet");
  int shuffles = 0;
  for (size_t i = 0; i < net.op_count(); ++i) {
    const Operator& op = net.op(static_cast<OpId>(i));
    if (op.type != OpType::ChannelShuffle) continue;
    ++shuffles;
    CHECK(op.attrs.group == 3);
  }
  CHECK(shuffles == 16);
  CHECK(has_op(net, OpType::AveragePool));  // stride-2 shortcut
}

// Paper: 4.1 M params, 320 M MACs; the reference's own log (logs/imagenet_mobile_log.txt): 4.08 M
// params, 320.4 M FLOPs (multiply-adds), so within half a unit of the last published digit.
TEST_CASE("proxylessnas_mobile_matches_published_figures_within_rounding") {
  const NetworkTotals t = test::zoo_totals("proxylessnas_mobile");
  INFO("proxylessnas_mobile: " << t.macs << " MACs, " << t.params << " params");
  CHECK(t.macs >= 320'350'000);
  CHECK(t.macs < 320'450'000);
  CHECK(t.params >= 4'075'000);
  CHECK(t.params < 4'085'000);
}

TEST_CASE("proxylessnas_mobile_matches_reference_macs_and_params_exactly") {
  const NetworkTotals t = test::zoo_totals("proxylessnas_mobile");
  CHECK(t.macs == 320427584);
  CHECK(t.params == 4080512);
}

// The TFLite profile of the reference network: 42 CONV_2D (incl. the 1×1 logits), 20 depthwise, 13 ADD.
TEST_CASE("proxylessnas_mobile_has_the_profiled_operator_counts") {
  const Network net = build("proxylessnas_mobile");
  int convs = 0, depthwise = 0, adds = 0, gemms = 0;
  for (size_t i = 0; i < net.op_count(); ++i) {
    const Operator& op = net.op(static_cast<OpId>(i));
    if (op.type == OpType::Conv) (op.attrs.group > 1 ? depthwise : convs)++;
    if (op.type == OpType::Add) ++adds;
    if (op.type == OpType::Gemm) ++gemms;
  }
  CHECK(convs + gemms == 42);
  CHECK(depthwise == 20);
  CHECK(adds == 13);
}

TEST_CASE("efficient_models_output_1000_classes") {
  for (const char* model : {"shufflenet", "shufflenet_v2_x1_0", "proxylessnas_mobile", "regnet_y_400mf"}) {
    CAPTURE(model);
    check_single_output_1000(model);
  }
}
