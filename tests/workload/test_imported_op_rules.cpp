// Shape and cost rules of the operators imported models bring (ConvTranspose, reductions, general
// Pad, strided Slice, Gather, post-processing, stand-ins), and the guard against absurd shapes.
#include <doctest/doctest.h>

#include "sim/workload/op_cost.hpp"
#include "sim/workload/shape_inference.hpp"

using namespace tilesim;

namespace {

Operator op_of(OpType type, const char* name = "x") {
  Operator op;
  op.type = type;
  op.name = name;
  return op;
}

// A network of one operator on an input of `shape`, with the given weight shapes.
Network one_op(Operator op, const Shape& shape, const std::vector<Shape>& weights = {}) {
  Network net("t");
  op.inputs = {net.add_tensor(Tensor{"in", shape, DataType::fp32, TensorKind::input})};
  for (size_t i = 0; i < weights.size(); ++i)
    op.weights.push_back(net.add_tensor(Tensor{"w" + std::to_string(i), weights[i], DataType::fp32, TensorKind::weight}));
  for (const Shape& s : infer_output_shapes(op, {shape})) op.outputs.push_back(net.add_tensor(Tensor{"out", s}));
  net.add_op(std::move(op));
  return net;
}

}  // namespace

TEST_CASE("conv_transpose_output_grows_by_the_stride_and_its_macs_scatter_every_input_pixel") {
  Operator op = op_of(OpType::ConvTranspose);
  op.attrs.kernel_shape = {4, 4};
  op.attrs.strides = {2, 2};
  op.attrs.pads = {1, 1, 1, 1};
  op.attrs.units = 32;
  const Network net = one_op(op, {1, 64, 10, 10}, {{64, 32, 4, 4}});
  CHECK(net.tensor(net.op(0).outputs[0]).shape == Shape{1, 32, 20, 20});  // (10-1)*2 + 4 - 2
  const OpCost c = op_cost(net, 0);
  CHECK(c.macs == int64_t{64} * 10 * 10 * 32 * 16);
  CHECK(c.params == 64 * 32 * 16);
  op.attrs.output_padding = {1, 0};
  CHECK(infer_output_shapes(op, {{1, 64, 10, 10}})[0] == Shape{1, 32, 21, 20});
}

TEST_CASE("reductions_drop_or_keep_the_reduced_axes_and_read_every_input_element") {
  Operator op = op_of(OpType::ReduceMean);
  op.attrs.axes = {2, -1};
  CHECK(infer_output_shapes(op, {{1, 8, 5, 7}})[0] == Shape{1, 8, 1, 1});
  op.attrs.keepdims = false;
  CHECK(infer_output_shapes(op, {{1, 8, 5, 7}})[0] == Shape{1, 8});
  op.attrs.axes = {};
  CHECK(infer_output_shapes(op, {{1, 8, 5, 7}})[0].empty());  // all axes, a scalar
  op.attrs.axes = {4};
  CHECK_THROWS_AS(infer_output_shapes(op, {{1, 8, 5, 7}}), ShapeError);
  op.attrs.axes = {1};
  CHECK(op_cost(one_op(op, {1, 8, 5, 7}), 0).flops == 8 * 5 * 7);
}

TEST_CASE("pad_takes_spatial_or_every_axis_and_rejects_padding_that_removes_the_tensor") {
  Operator op = op_of(OpType::Pad);
  op.attrs.pads = {1, 2, 1, 2};  // top, left, bottom, right
  CHECK(infer_output_shapes(op, {{1, 3, 8, 8}})[0] == Shape{1, 3, 10, 12});
  op.attrs.pads = {0, 0, 0, 0, 0, 8, 0, 0};  // ONNX form: 8 more channels at the end (ncnn Padding behind)
  CHECK(infer_output_shapes(op, {{1, 16, 4, 4}})[0] == Shape{1, 24, 4, 4});
  op.attrs.pads = {0, 0, -4, 0, 0, 0, -4, 0};
  CHECK_THROWS_AS(infer_output_shapes(op, {{1, 16, 4, 4}}), ShapeError);
}

TEST_CASE("slice_with_a_step_keeps_every_step_th_element_rounding_up") {
  Operator op = op_of(OpType::Slice);
  op.attrs.axis = 3;
  op.attrs.split = {0, 7};
  op.attrs.step = 2;
  CHECK(infer_output_shapes(op, {{1, 3, 8, 7}})[0] == Shape{1, 3, 8, 4});
  op.attrs.step = 0;
  CHECK_THROWS_AS(infer_output_shapes(op, {{1, 3, 8, 7}}), ShapeError);
}

TEST_CASE("gather_replaces_the_axis_by_the_indices_shape") {
  Operator op = op_of(OpType::Gather);
  op.attrs.axis = 1;
  op.attrs.target_shape = {};  // one scalar index: the axis disappears (a ViT's class token)
  CHECK(infer_output_shapes(op, {{1, 197, 768}})[0] == Shape{1, 768});
  CHECK(infer_output_shapes(op, {{1, 197, 768}, {5}})[0] == Shape{1, 5, 768});
}

TEST_CASE("binary_operators_broadcast_and_a_constant_operand_leaves_the_activation_shape") {
  Operator op = op_of(OpType::Div);
  CHECK(infer_output_shapes(op, {{1, 8, 4, 4}, {1, 8, 1, 1}})[0] == Shape{1, 8, 4, 4});
  CHECK(infer_output_shapes(op, {{1, 8, 4, 4}})[0] == Shape{1, 8, 4, 4});
  CHECK_THROWS_AS(infer_output_shapes(op, {{1, 8, 4, 4}, {1, 3, 1, 1}}), ShapeError);
}

TEST_CASE("post_processing_and_stand_ins_take_the_output_shapes_the_file_states") {
  Operator op = op_of(OpType::DetectionOutput);
  CHECK_THROWS_AS(infer_output_shapes(op, {{1, 100, 4}}), ShapeError);  // none stated
  op.attrs.output_shapes = {{1, 100, 6}};
  CHECK(infer_output_shapes(op, {{1, 100, 4}})[0] == Shape{1, 100, 6});
  Operator stand_in = op_of(OpType::Unmodelled);
  stand_in.attrs.output_shapes = {{1, 10}, {1, 10}};
  CHECK(stand_in.approximate());
  CHECK(infer_output_shapes(stand_in, {{1, 10}}).size() == 2);
  stand_in.attrs.output_shapes = {{1, -3}};
  CHECK_THROWS_AS(infer_output_shapes(stand_in, {{1, 10}}), ShapeError);
}

TEST_CASE("a_shape_whose_element_count_overflows_or_passes_the_limit_is_rejected_not_wrapped") {
  CHECK(checked_elements({1, 3, 224, 224}) == 150528);
  CHECK(!checked_elements({1, -1, 4}));
  CHECK(!checked_elements({int64_t{1} << 40, int64_t{1} << 40}));  // 2^80 would wrap int64
  CHECK(!checked_elements({kMaxTensorElements, 2}));
  // Each dimension is bounded too, empty tensors included: dimensions enter padding and stride
  // arithmetic whatever the count.
  CHECK(checked_elements({0, kMaxTensorElements}) == 0);
  CHECK(!checked_elements({0, int64_t{1} << 62}));
  Operator op = op_of(OpType::Reshape);
  op.attrs.target_shape = {int64_t{1} << 31, int64_t{1} << 31};
  CHECK_THROWS_AS(infer_output_shapes(op, {{1, 4}}), ShapeError);
  Operator big = op_of(OpType::ConvTranspose);
  big.attrs.kernel_shape = {3, 3};
  big.attrs.strides = {int64_t{1} << 20, int64_t{1} << 20};
  big.attrs.pads = {0, 0, 0, 0};
  big.attrs.units = 1 << 20;
  CHECK_THROWS_WITH_AS(infer_output_shapes(big, {{1, 8, 1024, 1024}}), doctest::Contains("elements"), ShapeError);
}
