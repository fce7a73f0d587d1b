// ncnn layers that work elementwise or along an axis: BinaryOp, Eltwise (with ncnn's broadcasting),
// activations, UnaryOp, BatchNorm, Scale, LRN, Reduction, LayerNorm.
#include "sim/workload/import/ncnn_importer.hpp"

#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

namespace tilesim::ncnn_import {

// Shape of operand `small` as ncnn broadcasts it against `big`: a lower-rank blob whose outer
// axis matches the other's (a per-channel vector against a feature map) aligns to the outer axes;
// otherwise it aligns to the inner ones, as numpy does.
Shape Importer::aligned(const Shape& small, const Shape& big) {
  if (small.size() >= big.size() || small.size() < 2) return small;
  const size_t r = small.size() - 1;
  bool outer = small[1] == big[1] && small[1] != 1;
  for (size_t i = 0; outer && i < r; ++i) outer = small[1 + i] == big[1 + i] || small[1 + i] == 1;
  if (!outer) return small;
  Shape s = small;
  s.resize(big.size(), 1);
  return s;
}

// An elementwise operator over the bottoms (activations and MemoryData constants).
void Importer::elementwise(OpType type, const std::vector<TensorId>& operands, const std::string& name, const std::string& out) {
  Shape big;
  for (TensorId t : operands)
    if (shape(t).size() > big.size()) big = shape(t);
  Operator op = new_op(type, name);
  std::vector<Shape> active, constant;  // the shape rule takes the activations first
  for (size_t i = 0; i < operands.size(); ++i) {
    TensorId t = operands[i];
    Shape s = aligned(shape(t), big);
    if (!is_const(t)) {
      if (s != shape(t)) t = reshape(t, s, name + "/expand" + (i ? std::to_string(i) : ""), net_.tensor(t).name + "#expand");
      op.inputs.push_back(t);
      active.push_back(s);
    } else {
      op.weights.push_back(t);
      constant.push_back(s);
    }
  }
  if (active.empty()) fail("all operands are MemoryData constants; tilesim needs an activation");
  std::vector<Shape> shapes = active;
  shapes.insert(shapes.end(), constant.begin(), constant.end());
  bind(out, emit1(std::move(op), out, &shapes));
}

void Importer::binary_op() {
  if (cur_->tops.size() != 1) fail("expects 1 top");
  const int64_t t = geti(0, 0);
  static const OpType types[] = {OpType::Add, OpType::Sub, OpType::Mul, OpType::Div, OpType::Max,
                                 OpType::Min, OpType::Pow, OpType::Sub, OpType::Div, OpType::Pow};
  if (t < 0 || t > 9) return unknown(fmt::format("BinaryOp op_type {} (atan2 or unknown)", t));
  const bool reverse = t >= 7;
  if (geti(1, 0) != 0) {  // with_scalar
    need(1, 1);
    TensorId x = activation(0);
    TensorId b = weight(cur_->name + ".b", {1}, false);
    elementwise(types[t], {x, b}, cur_->name, top());
    return;
  }
  need(2, 1);
  TensorId a = blob(0), b = blob(1);
  if (reverse) std::swap(a, b);
  elementwise(types[t], {a, b}, cur_->name, top());
}

void Importer::eltwise() {
  if (cur_->tops.size() != 1 || cur_->bottoms.size() < 2) fail("expects 2 or more bottoms and 1 top");
  const int64_t t = geti(0, 0);  // ncnn's default: product
  OpType type;
  switch (t) {
    case 0: type = OpType::Mul; break;
    case 1: type = OpType::Add; break;
    case 2: type = OpType::Max; break;
    default: fail(fmt::format("unknown Eltwise op_type {}", t));
  }
  std::vector<TensorId> xs;
  for (size_t i = 0; i < cur_->bottoms.size(); ++i) xs.push_back(blob(i));
  // More than two operands: a chain, the last step carrying the layer's name.
  TensorId acc = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) {
    const bool last = i + 1 == xs.size();
    const std::string out = last ? top() : top() + "#" + std::to_string(i);
    elementwise(type, {acc, xs[i]}, last ? cur_->name : cur_->name + "#" + std::to_string(i), out);
    acc = blobs_.at(out);
  }
}

void Importer::softmax() {
  need(1, 1);
  TensorId x = activation(0);
  Operator op = new_op(OpType::Softmax, cur_->name);
  op.attrs.axis = axis(geti(0, 0), dims(x));
  op.inputs = {x};
  bind(top(), emit1(std::move(op), top()));
}

void Importer::relu() {
  need(1, 1);
  const double slope = getf(0, 0.0);
  bind(top(), unary(slope != 0.0 ? OpType::LeakyRelu : OpType::Relu, activation(0), cur_->name, top()));
}
void Importer::clip() {
  need(1, 1);
  Operator op = new_op(OpType::Clip, cur_->name);
  op.attrs.clip_min = static_cast<float>(getf(0, -3.4e38));
  op.attrs.clip_max = static_cast<float>(getf(1, 3.4e38));
  op.inputs = {activation(0)};
  bind(top(), emit1(std::move(op), top()));
}
void Importer::simple() {
  need(1, 1);
  static const std::unordered_map<std::string, OpType> types = {
      {"Swish", OpType::Swish},     {"HardSwish", OpType::HardSwish}, {"HardSigmoid", OpType::HardSigmoid},
      {"Sigmoid", OpType::Sigmoid}, {"GELU", OpType::Gelu},           {"TanH", OpType::Tanh},
      {"Mish", OpType::Mish},       {"AbsVal", OpType::Abs},          {"Dropout", OpType::Dropout},
  };
  bind(top(), unary(types.at(cur_->type), activation(0), cur_->name, top()));
}
void Importer::unary_op() {
  need(1, 1);
  static const std::map<int64_t, OpType> types = {
      {0, OpType::Abs}, {1, OpType::Neg}, {5, OpType::Sqrt}, {7, OpType::Exp},
      {8, OpType::Log}, {15, OpType::Reciprocal}, {16, OpType::Tanh},
  };
  const int64_t t = geti(0, 0);
  auto it = types.find(t);
  if (it == types.end()) return unknown(fmt::format("UnaryOp op_type {}", t));
  bind(top(), unary(it->second, activation(0), cur_->name, top()));
}

void Importer::batch_norm() {
  need(1, 1);
  TensorId x = activation(0);
  const int64_t c = positive(geti(0, 0), "channels");
  check_channels(x, c);
  Operator op = new_op(OpType::BatchNormalization, cur_->name);
  op.inputs = {x};
  op.weights = {weight(cur_->name + ".slope", {c}), weight(cur_->name + ".bias", {c}),
                weight(cur_->name + ".mean", {c}, false), weight(cur_->name + ".var", {c}, false)};
  bind(top(), emit1(std::move(op), top()));
}

void Importer::scale() {
  if (cur_->tops.size() != 1 || cur_->bottoms.empty() || cur_->bottoms.size() > 2) fail("expects 1 or 2 bottoms and 1 top");
  TensorId x = activation(0);
  const int64_t size = geti(0, 0);
  if (size == kSentinel || cur_->bottoms.size() == 2) {  // the scale is the second bottom
    if (cur_->bottoms.size() != 2) fail("scale_data_size -233 needs a second bottom");
    elementwise(OpType::Mul, {x, blob(1)}, cur_->name, top());
    return;
  }
  check_channels(x, positive(size, "scale_data_size"));
  Operator op = new_op(OpType::Mul, cur_->name);
  op.inputs = {x};
  op.weights.push_back(weight(cur_->name + ".scale", {size}));
  if (geti(1, 0)) op.weights.push_back(weight(cur_->name + ".bias", {size}));
  bind(top(), emit1(std::move(op), top()));
}

void Importer::lrn() {
  need(1, 1);
  Operator op = new_op(OpType::LRN, cur_->name);
  op.attrs.size = window(geti(1, 5), "local_size");
  op.inputs = {activation(0)};
  bind(top(), emit1(std::move(op), top()));
}

void Importer::reduction() {
  need(1, 1);
  TensorId x = activation(0);
  static const OpType types[] = {OpType::ReduceSum,  OpType::ReduceL1,        OpType::ReduceSumSquare,
                                 OpType::ReduceMean, OpType::ReduceMax,       OpType::ReduceMin,
                                 OpType::ReduceProd, OpType::ReduceL1,        OpType::ReduceL2,
                                 OpType::ReduceLogSumExp, OpType::ReduceLogSumExp};
  const int64_t t = geti(0, 0);
  if (t < 0 || t > 10) fail(fmt::format("unknown Reduction operation {}", t));
  const int64_t d = dims(x);
  Operator op = new_op(types[t], cur_->name);
  op.attrs.keepdims = geti(4, 0) != 0;
  const bool all = geti(1, 0) != 0;
  const bool fixbug0 = geti(5, 0) != 0;
  if (!all) {
    const auto axes = getai(3);
    if (axes.empty()) fail("reduces no axes (give 1=1 or -23303 axes)");
    std::set<int64_t> seen;
    for (int64_t a : axes) {
      // Before fixbug0, axes counted the batch of the model ncnn was converted from.
      const int64_t our = fixbug0 ? axis(a, d) : (a < 0 ? axis(a, d) : a);
      if (our < 1 || our > d) fail(fmt::format("axis {} out of range for a {}-D blob", a, d));
      if (!seen.insert(our).second) fail(fmt::format("axis {} given twice", a));
      op.attrs.axes.push_back(our);
    }
  } else {
    for (int64_t a = 1; a <= d; ++a) op.attrs.axes.push_back(a);
  }
  op.inputs = {x};
  const bool scalar = !op.attrs.keepdims && static_cast<int64_t>(op.attrs.axes.size()) == d;
  TensorId y = emit1(std::move(op), scalar ? top() + "#0d" : top());
  if (scalar) y = reshape(y, {1, 1}, cur_->name + "/reshape", top());  // ncnn: a 1-D blob of one value
  bind(top(), y);
}

void Importer::layer_norm() {
  need(1, 1);
  TensorId x = activation(0);
  const int64_t size = positive(geti(0, 0), "affine_size");
  const Shape& xs = shape(x);
  int64_t prod = 1, ax = static_cast<int64_t>(xs.size());
  while (ax > 1 && prod < size) prod *= xs[static_cast<size_t>(--ax)];
  if (prod != size) fail(fmt::format("affine_size {} is not the size of the inner axes of [{}]", size, shape_to_string(xs, ',')));
  Operator op = new_op(OpType::LayerNormalization, cur_->name);
  op.attrs.axis = ax;
  op.inputs = {x};
  if (geti(2, 1)) op.weights = {weight(cur_->name + ".gamma", {size}), weight(cur_->name + ".beta", {size})};
  bind(top(), emit1(std::move(op), top()));
}

}  // namespace tilesim::ncnn_import
