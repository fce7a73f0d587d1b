// The ONNX operators on activations: each node type to its tilesim operator, opset differences
// (attributes that became inputs) included; the larger families are in onnx_conv_operators.cpp and
// onnx_shape_operators.cpp.
#include "sim/workload/import/onnx_importer.hpp"

#include <limits>
#include <map>

#include <fmt/format.h>

namespace tilesim::onnx_import {

void Importer::map_activation_op() {
  const std::string& t = node_->op_type;
  static const std::map<std::string, OpType> unary{
      {"Relu", OpType::Relu}, {"Sigmoid", OpType::Sigmoid}, {"Tanh", OpType::Tanh}, {"Exp", OpType::Exp},
      {"Log", OpType::Log}, {"Sqrt", OpType::Sqrt}, {"Abs", OpType::Abs}, {"Neg", OpType::Neg},
      {"Reciprocal", OpType::Reciprocal}, {"Erf", OpType::Erf}, {"HardSigmoid", OpType::HardSigmoid},
      {"HardSwish", OpType::HardSwish}, {"Mish", OpType::Mish}, {"Gelu", OpType::Gelu},
      {"LeakyRelu", OpType::LeakyRelu}, {"Identity", OpType::Identity}, {"Dropout", OpType::Dropout},
      {"Cast", OpType::Cast}, {"Swish", OpType::Swish},
  };
  static const std::map<std::string, OpType> binary{
      {"Add", OpType::Add}, {"Sub", OpType::Sub}, {"Mul", OpType::Mul}, {"Div", OpType::Div},
      {"Max", OpType::Max}, {"Min", OpType::Min}, {"Pow", OpType::Pow}, {"Sum", OpType::Add},
  };
  static const std::map<std::string, OpType> reductions{
      {"ReduceMean", OpType::ReduceMean}, {"ReduceSum", OpType::ReduceSum}, {"ReduceMax", OpType::ReduceMax},
      {"ReduceMin", OpType::ReduceMin}, {"ReduceProd", OpType::ReduceProd}, {"ReduceL1", OpType::ReduceL1},
      {"ReduceL2", OpType::ReduceL2}, {"ReduceSumSquare", OpType::ReduceSumSquare},
      {"ReduceLogSumExp", OpType::ReduceLogSumExp},
  };
  if (auto u = unary.find(t); u != unary.end()) {
    Operator op = new_op(u->second);
    op.inputs = {activation(0)};
    if (t == "Cast") {
      const auto to = int32_t(attr_int("to", onnx_ir::kFloat));
      const auto out = emit(std::move(op), {node_->outputs.at(0)});
      net_.tensor(out[0]).dtype = dtype_of(to);
      return;
    }
    emit(std::move(op), {node_->outputs.at(0)});
    return;
  }
  if (t == "PRelu") {  // a leaky ReLU with a learned slope
    Operator op = new_op(OpType::LeakyRelu);
    op.inputs = {activation(0)};
    if (has_input(1) && input(1).constant) op.weights = {weight_input(1)};
    emit(std::move(op), {node_->outputs.at(0)});
    return;
  }
  if (t == "Softmax") {
    Operator op = new_op(OpType::Softmax);
    op.inputs = {activation(0)};
    op.attrs.axis = attr_int("axis", opset() >= 13 ? -1 : 1);
    emit(std::move(op));
    return;
  }
  if (t == "Clip") {
    Operator op = new_op(OpType::Clip);
    op.inputs = {activation(0)};
    float lo = std::numeric_limits<float>::lowest(), hi = std::numeric_limits<float>::max();
    if (opset() < 11) {
      lo = attr_float("min", lo);
      hi = attr_float("max", hi);
    } else {
      if (has_input(1)) lo = float(const_doubles(1, "min").at(0));
      if (has_input(2)) hi = float(const_doubles(2, "max").at(0));
    }
    op.attrs.clip_min = lo;
    op.attrs.clip_max = hi;
    emit(std::move(op));
    return;
  }
  if (auto b = binary.find(t); b != binary.end()) {
    Operator op = new_op(b->second);
    for (size_t i = 0; i < node_->inputs.size(); ++i) {
      if (!has_input(i)) continue;
      Value& v = input(i);
      if (v.constant) op.weights.push_back(weight(v, v.initializer && count(v.shape) > 1));
      else op.inputs.push_back(v.tensor);
    }
    emit(std::move(op));
    return;
  }
  if (auto r = reductions.find(t); r != reductions.end()) {
    Operator op = new_op(r->second);
    op.inputs = {activation(0)};
    op.attrs.axes = reduce_axes();
    op.attrs.keepdims = attr_int("keepdims", 1) != 0;
    if (op.attrs.axes.empty() && attr_int("noop_with_empty_axes", 0)) op.type = OpType::Identity;
    emit(std::move(op));
    return;
  }
  if (t == "Conv" || t == "ConvTranspose") return conv(t == "ConvTranspose");
  if (t == "MaxPool" || t == "AveragePool") {
    Operator op = new_op(t == "MaxPool" ? OpType::MaxPool : OpType::AveragePool);
    op.inputs = {activation(0)};
    spatial_attrs(op, input_shape(0), {});
    op.attrs.ceil_mode = attr_int("ceil_mode", 0) != 0;
    op.attrs.count_include_pad = attr_int("count_include_pad", 0) != 0;
    emit(std::move(op), {node_->outputs.at(0)});
    return;
  }
  if (t == "GlobalAveragePool" || t == "GlobalMaxPool") {
    Operator op = new_op(t == "GlobalAveragePool" ? OpType::GlobalAveragePool : OpType::ReduceMax);
    op.inputs = {activation(0)};
    if (input_shape(0).size() != 4) throw Unsupported{"only 4-D global pooling is modelled"};
    op.attrs.axes = {2, 3};
    emit(std::move(op));
    return;
  }
  if (t == "BatchNormalization") {
    Operator op = new_op(OpType::BatchNormalization);
    op.inputs = {activation(0)};
    op.weights = {weight_input(1), weight_input(2), weight_input(3, false), weight_input(4, false)};
    emit(std::move(op), {node_->outputs.at(0)});
    return;
  }
  if (t == "LayerNormalization") {
    Operator op = new_op(OpType::LayerNormalization);
    op.inputs = {activation(0)};
    op.attrs.axis = attr_int("axis", -1);
    op.weights = {weight_input(1)};
    if (has_input(2)) op.weights.push_back(weight_input(2));
    emit(std::move(op), {node_->outputs.at(0)});
    return;
  }
  if (t == "LRN") {
    Operator op = new_op(OpType::LRN);
    op.inputs = {activation(0)};
    op.attrs.size = attr_int("size", 1);
    emit(std::move(op));
    return;
  }
  if (t == "Gemm") return gemm();
  if (t == "MatMul") return matmul();
  if (t == "Concat") {
    Operator op = new_op(OpType::Concat);
    op.attrs.axis = attr_int("axis", 1);
    for (size_t i = 0; i < node_->inputs.size(); ++i) {
      if (!has_input(i)) continue;
      Value& v = input(i);
      if (v.constant) {
        const TensorId w = weight(v, v.initializer);
        op.inputs.push_back(w);
        op.weights.push_back(w);
      } else {
        op.inputs.push_back(v.tensor);
      }
    }
    emit(std::move(op));
    return;
  }
  if (t == "Split") return split();
  if (t == "Slice") return slice();
  if (t == "Gather") {
    Operator op = new_op(OpType::Gather);
    op.inputs = {activation(0)};
    op.attrs.axis = attr_int("axis", 0);
    if (input(1).constant) op.attrs.target_shape = input(1).shape;
    else op.inputs.push_back(input(1).tensor);
    emit(std::move(op));
    return;
  }
  if (t == "Flatten") {
    Operator op = new_op(OpType::Flatten);
    op.inputs = {activation(0)};
    op.attrs.axis = attr_int("axis", 1);
    if (op.attrs.axis == int64_t(input_shape(0).size())) {  // ONNX allows axis == rank: [N..., 1]
      op.type = OpType::Reshape;
      op.attrs.target_shape = {count(input_shape(0)), 1};
    }
    emit(std::move(op));
    return;
  }
  if (t == "Reshape" || t == "Squeeze" || t == "Unsqueeze") {
    Operator op = new_op(OpType::Reshape);
    op.inputs = {activation(0)};
    const Shape& x = input_shape(0);
    if (t == "Reshape") {
      op.attrs.target_shape = reshape_target(x, opset() >= 5 ? const_ints(1, "shape") : attr_ints("shape", {}));
    } else {
      op.attrs.target_shape = squeeze_shape(x);
    }
    emit(std::move(op));
    return;
  }
  if (t == "Transpose") {
    Operator op = new_op(OpType::Transpose);
    op.inputs = {activation(0)};
    const size_t r = input_shape(0).size();
    op.attrs.perm = attr_ints("perm", {});
    if (op.attrs.perm.empty())
      for (size_t i = 0; i < r; ++i) op.attrs.perm.push_back(int64_t(r - 1 - i));
    emit(std::move(op));
    return;
  }
  if (t == "Pad") return pad();
  if (t == "Resize" || t == "Upsample") return resize();
  throw Unsupported{fmt::format("operator type '{}' is not supported", t)};
}

}  // namespace tilesim::onnx_import
