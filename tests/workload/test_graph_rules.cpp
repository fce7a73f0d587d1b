// Rules of the workload graph: shapes, costs, fusion, ordering and memory planning.
#include <doctest/doctest.h>

#include "sim/workload/fusion.hpp"
#include "sim/workload/memory_planner.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/op_cost.hpp"
#include "sim/workload/shape_inference.hpp"
#include "sim/workload/zoo/zoo.hpp"

using namespace tilesim;

TEST_CASE("conv_output_size_follows_padding_stride_and_dilation") {
  CHECK(window_output_size(224, 7, 2, 3, 3, 1, false) == 112);
  CHECK(window_output_size(56, 3, 1, 2, 2, 2, false) == 56);   // dilated 3x3 keeps size with pad 2
  CHECK(window_output_size(10, 3, 2, 0, 1, 1, false) == 5);    // asymmetric padding
}

TEST_CASE("ceil_mode_pooling_never_starts_a_window_in_the_end_padding") {
  CHECK(window_output_size(112, 3, 2, 0, 0, 1, true) == 56);   // GoogLeNet / SqueezeNet pools
  CHECK(window_output_size(112, 3, 2, 0, 0, 1, false) == 55);
  CHECK(window_output_size(7, 2, 2, 1, 1, 1, true) == 4);      // last window would start in padding: dropped
}

TEST_CASE("grouped_conv_counts_macs_per_group_and_params_with_bias") {
  NetworkBuilder b("t");
  TensorId x = b.input({1, 32, 16, 16});
  ConvSpec s = ConvSpec::square(64, 3, 1, 4, true);
  b.conv(x, s, "c");
  const Network net = std::move(b).finish();
  const OpCost c = op_cost(net, 0);
  CHECK(c.macs == 64 * 16 * 16 * (32 / 4) * 9);
  CHECK(c.params == 64 * 8 * 9 + 64);
  CHECK(c.flops == 2 * c.macs);
}

TEST_CASE("mismatched_shapes_are_rejected_with_the_operator_named") {
  NetworkBuilder b("t");
  TensorId x = b.input({1, 3, 8, 8});
  TensorId y = b.input({1, 4, 8, 8}, "other");
  CHECK_THROWS_WITH_AS(b.add(x, y, "bad_add"), doctest::Contains("bad_add"), ShapeError);
  CHECK_THROWS_AS(b.conv(x, ConvSpec::square(6, 3, 1, 2), "bad_groups"), ShapeError);  // 3 channels, 2 groups
}

TEST_CASE("fusion_folds_batchnorm_and_activations_and_keeps_params") {
  const ModelEntry* m = find_model("resnet50");
  REQUIRE(m);
  const Network net = m->build(m->default_input);
  const Network fused = fuse(net, FusionRules{});
  CHECK(fused.op_count() == 73);  // 53 conv + 16 add + maxpool, avgpool, flatten, fc (CONTRACT.md)
  CHECK(network_totals(fused).params == network_totals(net).params);
  CHECK(network_totals(fused).macs == network_totals(net).macs);
  FusionRules ncnn;
  ncnn.add_activation = false;  // ncnn keeps the post-add ReLU as its own layer
  CHECK(fuse(net, ncnn).op_count() == 73 + 16);
  CHECK(fuse(net, FusionRules::none()).op_count() == net.op_count());
}

TEST_CASE("conv_add_fusion_takes_the_residual_as_an_extra_input") {
  const ModelEntry* m = find_model("resnet18");
  const Network net = m->build(m->default_input);
  FusionRules rules;
  rules.conv_add = true;
  const Network fused = fuse(net, rules);
  int with_residual = 0;
  for (size_t i = 0; i < fused.op_count(); ++i)
    if (fused.op(static_cast<OpId>(i)).inputs.size() == 2 && fused.op(static_cast<OpId>(i)).type == OpType::Conv)
      ++with_residual;
  CHECK(with_residual == 8);  // every basic block's second conv adds the shortcut
  CHECK_NOTHROW(fused.topological_order());
}

TEST_CASE("topological_order_is_insertion_order_where_valid") {
  const ModelEntry* m = find_model("googlenet");
  const Network net = m->build(m->default_input);
  const auto order = net.topological_order();
  for (size_t i = 0; i < order.size(); ++i) CHECK(order[i] == static_cast<OpId>(i));
}

TEST_CASE("reading_a_tensor_before_it_is_produced_is_an_error") {
  Network net("t");
  const TensorId a = net.add_tensor(Tensor{"a", {1, 4}, DataType::fp32, TensorKind::activation});
  Operator op;
  op.name = "consumer";
  op.type = OpType::Relu;
  op.inputs = {a};
  CHECK_THROWS_WITH_AS(net.add_op(op), doctest::Contains("before any operator produces it"), GraphError);
}

TEST_CASE("arena_planner_frees_a_tensor_after_its_last_consumer") {
  NetworkBuilder b("chain");
  TensorId x = b.input({1, 1, 10, 10});       // 100 elements
  TensorId y = b.relu(x, "r1");                // x dies here
  TensorId z = b.relu(y, "r2");                // y dies here
  b.add(z, z, "sum");
  const Network net = std::move(b).finish();
  // At most an input and an output (100 + 100 elements) are alive at once.
  CHECK(peak_activation_bytes(net, net.topological_order(), 4) == 800);
}
