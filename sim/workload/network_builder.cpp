#include "sim/workload/network_builder.hpp"

#include "sim/workload/shape_inference.hpp"

namespace tilesim {
namespace {
Operator new_op(const std::string& name, OpType type) {
  Operator op;
  op.name = name;
  op.type = type;
  return op;
}
}  // namespace

ConvSpec ConvSpec::square(int64_t out, int64_t k, int64_t s, int64_t groups, bool bias) {
  ConvSpec c;
  c.out_channels = out;
  c.kernel_h = c.kernel_w = k;
  c.stride_h = c.stride_w = s;
  c.groups = groups;
  c.bias = bias;
  return c;
}

TensorId NetworkBuilder::input(const Shape& shape, const std::string& name) {
  return net_.add_tensor(Tensor{name, shape, DataType::fp32, TensorKind::input});
}

TensorId NetworkBuilder::weight(const std::string& name, Shape shape, bool learnable) {
  Tensor t{name, std::move(shape), DataType::fp32, TensorKind::weight};
  t.learnable = learnable;
  return net_.add_tensor(std::move(t));
}

std::vector<TensorId> NetworkBuilder::emit(Operator op, size_t n_outputs) {
  std::vector<Shape> in;
  for (TensorId t : op.inputs) in.push_back(net_.tensor(t).shape);
  auto shapes = infer_output_shapes(op, in);
  if (shapes.size() != n_outputs)
    throw ShapeError(op.name + ": unexpected number of outputs");
  for (size_t i = 0; i < shapes.size(); ++i) {
    const std::string name = n_outputs == 1 ? op.name : op.name + ":" + std::to_string(i);
    op.outputs.push_back(net_.add_tensor(Tensor{name, shapes[i], DataType::fp32, TensorKind::activation}));
  }
  const auto outputs = op.outputs;
  net_.add_op(std::move(op));
  return outputs;
}

TensorId NetworkBuilder::conv(TensorId x, const ConvSpec& s, const std::string& name) {
  Operator op = new_op(name, OpType::Conv);
  auto& a = op.attrs;
  a.kernel_shape = {s.kernel_h, s.kernel_w};
  a.strides = {s.stride_h, s.stride_w};
  a.dilations = {s.dilation, s.dilation};
  a.group = s.groups;
  a.units = s.out_channels;
  switch (s.pads.size()) {
    case 0: {
      const int64_t ph = (s.kernel_h - 1) / 2 * s.dilation, pw = (s.kernel_w - 1) / 2 * s.dilation;
      a.pads = {ph, pw, ph, pw};
      break;
    }
    case 1: a.pads = {s.pads[0], s.pads[0], s.pads[0], s.pads[0]}; break;
    case 2: a.pads = {s.pads[0], s.pads[1], s.pads[0], s.pads[1]}; break;
    default: a.pads = s.pads;
  }
  op.inputs = {x};
  const int64_t in_c = channels(x);
  op.weights.push_back(weight(name + ".weight", {s.out_channels, in_c / std::max<int64_t>(s.groups, 1),
                                                  s.kernel_h, s.kernel_w}));
  if (s.bias) op.weights.push_back(weight(name + ".bias", {s.out_channels}));
  return emit1(std::move(op));
}

TensorId NetworkBuilder::gemm(TensorId x, int64_t out_features, bool bias, const std::string& name) {
  Operator op = new_op(name, OpType::Gemm);
  op.attrs.units = out_features;
  op.inputs = {x};
  op.weights.push_back(weight(name + ".weight", {out_features, shape(x).back()}));
  if (bias) op.weights.push_back(weight(name + ".bias", {out_features}));
  return emit1(std::move(op));
}

TensorId NetworkBuilder::matmul(TensorId a, TensorId b, const std::string& name) {
  Operator op = new_op(name, OpType::MatMul);
  op.inputs = {a, b};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::batch_norm(TensorId x, const std::string& name) {
  Operator op = new_op(name, OpType::BatchNormalization);
  op.inputs = {x};
  const int64_t c = channels(x);
  op.weights = {weight(name + ".weight", {c}), weight(name + ".bias", {c}),
                weight(name + ".running_mean", {c}, false), weight(name + ".running_var", {c}, false)};
  return emit1(std::move(op));
}

namespace {
Operator pool_op(OpType type, TensorId x, const PoolSpec& p, const std::string& name) {
  Operator op = new_op(name, type);
  op.attrs.kernel_shape = {p.kernel, p.kernel};
  op.attrs.strides = {p.stride, p.stride};
  op.attrs.pads = {p.pad, p.pad, p.pad, p.pad};
  op.attrs.ceil_mode = p.ceil_mode;
  op.attrs.count_include_pad = p.count_include_pad;
  op.inputs = {x};
  return op;
}
}  // namespace

TensorId NetworkBuilder::max_pool(TensorId x, const PoolSpec& p, const std::string& name) {
  return emit1(pool_op(OpType::MaxPool, x, p, name));
}
TensorId NetworkBuilder::avg_pool(TensorId x, const PoolSpec& p, const std::string& name) {
  return emit1(pool_op(OpType::AveragePool, x, p, name));
}
TensorId NetworkBuilder::global_avg_pool(TensorId x, const std::string& name) {
  return unary(OpType::GlobalAveragePool, x, name);
}

TensorId NetworkBuilder::unary(OpType type, TensorId x, const std::string& name) {
  Operator op = new_op(name, type);
  op.inputs = {x};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::add(TensorId a, TensorId b, const std::string& name) {
  Operator op = new_op(name, OpType::Add);
  op.inputs = {a, b};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::mul(TensorId a, TensorId b, const std::string& name) {
  Operator op = new_op(name, OpType::Mul);
  op.inputs = {a, b};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::concat(const std::vector<TensorId>& xs, const std::string& name, int64_t axis) {
  Operator op = new_op(name, OpType::Concat);
  op.attrs.axis = axis;
  op.inputs = xs;
  return emit1(std::move(op));
}

std::vector<TensorId> NetworkBuilder::split(TensorId x, const std::vector<int64_t>& sizes,
                                            const std::string& name, int64_t axis) {
  Operator op = new_op(name, OpType::Split);
  op.attrs.axis = axis;
  op.attrs.split = sizes;
  op.inputs = {x};
  return emit(std::move(op), sizes.size());
}

TensorId NetworkBuilder::slice(TensorId x, int64_t begin, int64_t end, const std::string& name,
                               int64_t axis) {
  Operator op = new_op(name, OpType::Slice);
  op.attrs.axis = axis;
  op.attrs.split = {begin, end};
  op.inputs = {x};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::channel_shuffle(TensorId x, int64_t groups, const std::string& name) {
  Operator op = new_op(name, OpType::ChannelShuffle);
  op.attrs.group = groups;
  op.inputs = {x};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::flatten(TensorId x, const std::string& name, int64_t axis) {
  Operator op = new_op(name, OpType::Flatten);
  op.attrs.axis = axis;
  op.inputs = {x};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::reshape(TensorId x, const Shape& target, const std::string& name) {
  Operator op = new_op(name, OpType::Reshape);
  op.attrs.target_shape = target;
  op.inputs = {x};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::transpose(TensorId x, const std::vector<int64_t>& perm, const std::string& name) {
  Operator op = new_op(name, OpType::Transpose);
  op.attrs.perm = perm;
  op.inputs = {x};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::pad(TensorId x, const std::vector<int64_t>& pads, const std::string& name) {
  Operator op = new_op(name, OpType::Pad);
  op.attrs.pads = pads;
  op.inputs = {x};
  return emit1(std::move(op));
}

TensorId NetworkBuilder::resize(TensorId x, int64_t out_h, int64_t out_w, const std::string& name) {
  Operator op = new_op(name, OpType::Resize);
  op.attrs.target_shape = {out_h, out_w};
  op.inputs = {x};
  return emit1(std::move(op));
}

}  // namespace tilesim
