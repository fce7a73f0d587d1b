#include "sim/workload/shape_inference.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tilesim {
namespace {

[[noreturn]] void fail(const Operator& op, const std::string& why) {
  throw ShapeError(fmt::format("{} '{}': {}", onnx_name(op.type), op.name, why));
}

void expect_rank(const Operator& op, const Shape& s, size_t rank) {
  if (s.size() != rank)
    fail(op, fmt::format("expects a rank-{} input, got [{}]", rank, shape_to_string(s, ',')));
}

int64_t normalise_axis(const Operator& op, int64_t axis, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) fail(op, fmt::format("axis {} out of range for rank {}", axis, rank));
  return axis < 0 ? axis + r : axis;
}

Shape broadcast(const Operator& op, const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()), 1);
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t da = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const int64_t db = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (da != db && da != 1 && db != 1)
      fail(op, fmt::format("cannot broadcast [{}] with [{}]", shape_to_string(a, ','),
                           shape_to_string(b, ',')));
    out[i] = std::max(da, db);
  }
  return out;
}

// Refused before any arithmetic on them could overflow (kMaxWindowAttribute).
void expect_plausible_window(const Operator& op) {
  const auto& a = op.attrs;
  for (const auto* v : {&a.kernel_shape, &a.strides, &a.pads, &a.dilations, &a.output_padding})
    for (int64_t x : *v)
      if (x > kMaxWindowAttribute || x < -kMaxWindowAttribute) fail(op, fmt::format("window attribute {} is out of any plausible range", x));
}

Shape sliding_window(const Operator& op, const Shape& in, int64_t out_channels) {
  expect_rank(op, in, 4);
  const auto& a = op.attrs;
  if (a.kernel_shape.size() != 2 || a.strides.size() != 2 || a.pads.size() != 4 ||
      a.dilations.size() != 2)
    fail(op, "kernel_shape, strides, dilations need 2 values and pads 4");
  expect_plausible_window(op);
  Shape out{in[0], out_channels, 0, 0};
  for (int i = 0; i < 2; ++i) {
    if (a.kernel_shape[i] < 1 || a.strides[i] < 1 || a.dilations[i] < 1)
      fail(op, "kernel, stride and dilation must be positive");
    out[2 + i] = window_output_size(in[2 + i], a.kernel_shape[i], a.strides[i], a.pads[i],
                                    a.pads[2 + i], a.dilations[i], a.ceil_mode);
    if (out[2 + i] < 1)
      fail(op, fmt::format("window larger than padded input [{}]", shape_to_string(in, ',')));
  }
  return out;
}

}  // namespace

int64_t window_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin,
                           int64_t pad_end, int64_t dilation, bool ceil_mode) {
  const int64_t span = in + pad_begin + pad_end - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

static std::vector<Shape> rule_output_shapes(const Operator& op, const std::vector<Shape>& in) {
  const size_t min_inputs = op.type == OpType::MatMul ? 2 : op.output_shapes_fixed() ? 0 : 1;
  if (in.size() < min_inputs) fail(op, fmt::format("needs {} inputs, has {}", min_inputs, in.size()));
  if (op.output_shapes_fixed()) {
    if (op.attrs.output_shapes.empty()) fail(op, "the model file gives no output shape");
    for (const Shape& s : op.attrs.output_shapes)
      for (int64_t d : s)
        if (d < 0) fail(op, fmt::format("negative dimension in output shape [{}]", shape_to_string(s, ',')));
    return op.attrs.output_shapes;
  }
  const Shape& x = in[0];
  const auto& a = op.attrs;
  switch (op.type) {
    case OpType::Conv: {
      expect_rank(op, x, 4);
      if (a.group < 1 || x[1] % a.group != 0 || a.units % a.group != 0 || a.units < 1)
        fail(op, fmt::format("{} input and {} output channels do not divide into {} groups", x[1],
                             a.units, a.group));
      return {sliding_window(op, x, a.units)};
    }
    case OpType::ConvTranspose: {
      expect_rank(op, x, 4);
      if (a.group < 1 || x[1] % a.group != 0 || a.units % a.group != 0 || a.units < 1)
        fail(op, fmt::format("{} input and {} output channels do not divide into {} groups", x[1],
                             a.units, a.group));
      if (a.kernel_shape.size() != 2 || a.strides.size() != 2 || a.pads.size() != 4 ||
          a.dilations.size() != 2 || a.output_padding.size() != 2)
        fail(op, "kernel_shape, strides, dilations, output_padding need 2 values and pads 4");
      expect_plausible_window(op);
      Shape out{x[0], a.units, 0, 0};
      for (int i = 0; i < 2; ++i) {
        if (a.kernel_shape[i] < 1 || a.strides[i] < 1 || a.dilations[i] < 1 || a.output_padding[i] < 0)
          fail(op, "kernel, stride and dilation must be positive");
        out[2 + i] = (x[2 + i] - 1) * a.strides[i] + a.dilations[i] * (a.kernel_shape[i] - 1) + 1 -
                     a.pads[i] - a.pads[2 + i] + a.output_padding[i];
        if (out[2 + i] < 1) fail(op, "padding removes the whole output");
      }
      return {out};
    }
    case OpType::MaxPool:
    case OpType::AveragePool:
      return {sliding_window(op, x, x.at(1))};
    case OpType::GlobalAveragePool:
      expect_rank(op, x, 4);
      return {{x[0], x[1], 1, 1}};
    case OpType::Gemm:
      expect_rank(op, x, 2);
      if (a.units < 1) fail(op, "needs a positive number of output features");
      return {{x[0], a.units}};
    case OpType::MatMul: {
      const Shape& y = in[1];
      if (x.size() < 2 || y.size() < 2) fail(op, "inputs need rank 2 or more");
      if (x.back() != y[y.size() - 2])
        fail(op, fmt::format("inner dimensions differ: [{}] x [{}]", shape_to_string(x, ','),
                             shape_to_string(y, ',')));
      Shape batch = broadcast(op, Shape(x.begin(), x.end() - 2), Shape(y.begin(), y.end() - 2));
      batch.push_back(x[x.size() - 2]);
      batch.push_back(y.back());
      return {batch};
    }
    case OpType::Add: case OpType::Sub: case OpType::Mul: case OpType::Div:
    case OpType::Max: case OpType::Min: case OpType::Pow: {
      // A constant operand is a weight, not an input: it broadcasts into the activation.
      Shape out = x;
      for (size_t i = 1; i < in.size(); ++i) out = broadcast(op, out, in[i]);
      return {out};
    }
    case OpType::ReduceMean: case OpType::ReduceSum: case OpType::ReduceMax: case OpType::ReduceMin:
    case OpType::ReduceProd: case OpType::ReduceL1: case OpType::ReduceL2: case OpType::ReduceSumSquare:
    case OpType::ReduceLogSumExp: {
      std::vector<bool> reduced(x.size(), a.axes.empty());
      for (int64_t axis : a.axes) reduced[static_cast<size_t>(normalise_axis(op, axis, x.size()))] = true;
      Shape out;
      for (size_t d = 0; d < x.size(); ++d) {
        if (!reduced[d]) out.push_back(x[d]);
        else if (a.keepdims) out.push_back(1);
      }
      return {out};
    }
    case OpType::Gather: {
      const auto axis = static_cast<size_t>(normalise_axis(op, a.axis, x.size()));
      const Shape& indices = in.size() > 1 ? in[1] : a.target_shape;
      Shape out(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(axis));
      out.insert(out.end(), indices.begin(), indices.end());
      out.insert(out.end(), x.begin() + static_cast<std::ptrdiff_t>(axis) + 1, x.end());
      return {out};
    }
    case OpType::Concat: {
      const auto axis = normalise_axis(op, a.axis, x.size());
      Shape out = x;
      for (size_t i = 1; i < in.size(); ++i) {
        if (in[i].size() != x.size()) fail(op, "inputs differ in rank");
        for (size_t d = 0; d < x.size(); ++d)
          if (static_cast<int64_t>(d) != axis && in[i][d] != x[d])
            fail(op, fmt::format("input {} is [{}], input 0 is [{}]", i, shape_to_string(in[i], ','),
                                 shape_to_string(x, ',')));
        out[static_cast<size_t>(axis)] += in[i][static_cast<size_t>(axis)];
      }
      return {out};
    }
    case OpType::Split: {
      const auto axis = static_cast<size_t>(normalise_axis(op, a.axis, x.size()));
      int64_t total = 0;
      std::vector<Shape> outs;
      for (int64_t part : a.split) {
        if (part < 1) fail(op, "split sizes must be positive");
        Shape s = x;
        s[axis] = part;
        outs.push_back(s);
        total += part;
      }
      if (total != x[axis]) fail(op, fmt::format("split sizes add to {}, axis has {}", total, x[axis]));
      return outs;
    }
    case OpType::Slice: {
      const auto axis = static_cast<size_t>(normalise_axis(op, a.axis, x.size()));
      if (a.split.size() != 2 || a.split[0] < 0 || a.split[1] > x[axis] || a.split[0] >= a.split[1])
        fail(op, "slice needs {begin, end} inside the axis");
      if (a.step < 1) fail(op, "slice step must be positive");
      Shape s = x;
      s[axis] = (a.split[1] - a.split[0] + a.step - 1) / a.step;
      return {s};
    }
    case OpType::ChannelShuffle:
      expect_rank(op, x, 4);
      if (a.group < 1 || x[1] % a.group != 0) fail(op, "channels do not divide into groups");
      return {x};
    case OpType::Flatten: {
      const auto axis = static_cast<size_t>(normalise_axis(op, a.axis, x.size()));
      int64_t outer = 1, inner = 1;
      for (size_t d = 0; d < x.size(); ++d) (d < axis ? outer : inner) *= x[d];
      return {{outer, inner}};
    }
    case OpType::Reshape: {
      Tensor probe{"", x};
      const int64_t count = probe.elements();
      Shape out = a.target_shape;
      int64_t known = 1, infer_at = -1;
      for (size_t d = 0; d < out.size(); ++d) {
        if (out[d] == -1) {
          if (infer_at >= 0) fail(op, "more than one -1 in the target shape");
          infer_at = static_cast<int64_t>(d);
        } else if (out[d] < 1) {
          fail(op, "target shape entries must be positive or -1");
        } else {
          if (out[d] > kMaxTensorElements / known) fail(op, "target shape has more elements than any tensor may");
          known *= out[d];
        }
      }
      if (infer_at >= 0) out[static_cast<size_t>(infer_at)] = count / known;
      if (Tensor{"", out}.elements() != count)
        fail(op, fmt::format("cannot reshape [{}] to [{}]", shape_to_string(x, ','),
                             shape_to_string(a.target_shape, ',')));
      return {out};
    }
    case OpType::Transpose: {
      if (a.perm.size() != x.size()) fail(op, "perm must name every axis");
      Shape out(x.size());
      std::vector<bool> seen(x.size(), false);
      for (size_t d = 0; d < x.size(); ++d) {
        const auto p = a.perm[d];
        if (p < 0 || p >= static_cast<int64_t>(x.size()) || seen[static_cast<size_t>(p)])
          fail(op, "perm must be a permutation of the axes");
        seen[static_cast<size_t>(p)] = true;
        out[d] = x[static_cast<size_t>(p)];
      }
      return {out};
    }
    case OpType::Pad: {
      expect_plausible_window(op);
      Shape out = x;
      if (a.pads.size() == 2 * x.size()) {
        for (size_t d = 0; d < x.size(); ++d) out[d] += a.pads[d] + a.pads[d + x.size()];
      } else {
        expect_rank(op, x, 4);
        if (a.pads.size() != 4) fail(op, "pads need [top, left, bottom, right] or 2 values per axis");
        out[2] += a.pads[0] + a.pads[2];
        out[3] += a.pads[1] + a.pads[3];
      }
      for (int64_t d : out)
        if (d < 1) fail(op, "negative padding removes the whole tensor");
      return {out};
    }
    case OpType::Resize: {
      expect_rank(op, x, 4);
      if (a.target_shape.size() != 2 || a.target_shape[0] < 1 || a.target_shape[1] < 1)
        fail(op, "needs a positive output height and width");
      return {{x[0], x[1], a.target_shape[0], a.target_shape[1]}};
    }
    case OpType::BatchNormalization:
    case OpType::LRN:
      if (x.size() < 2) fail(op, "needs a channel axis");
      return {x};
    case OpType::LayerNormalization:
    case OpType::Softmax:
      normalise_axis(op, a.axis, x.size());
      return {x};
    default:  // activations, Dropout, Identity: shape preserving
      return {x};
  }
}

std::vector<Shape> infer_output_shapes(const Operator& op, const std::vector<Shape>& in) {
  std::vector<Shape> out = rule_output_shapes(op, in);
  for (const Shape& s : out)
    if (!checked_elements(s))
      fail(op, fmt::format("output [{}] has a negative dimension or more than {} elements", shape_to_string(s, ','),
                           kMaxTensorElements));
  return out;
}

void infer_shapes(Network& net) {
  for (OpId id : net.topological_order()) {
    const Operator& op = net.op(id);
    std::vector<Shape> in;
    for (TensorId t : op.inputs) {
      // Bounded before any arithmetic on them: an input or constant too large for int64 products.
      if (!checked_elements(net.tensor(t).shape))
        fail(op, fmt::format("input '{}' [{}] has a negative dimension or more than {} elements", net.tensor(t).name,
                             shape_to_string(net.tensor(t).shape, ','), kMaxTensorElements));
      in.push_back(net.tensor(t).shape);
    }
    auto out = infer_output_shapes(op, in);
    if (out.size() != op.outputs.size())
      throw ShapeError(fmt::format("{} '{}': produces {} outputs, graph has {}",
                                   onnx_name(op.type), op.name, out.size(), op.outputs.size()));
    for (size_t i = 0; i < out.size(); ++i) net.tensor(op.outputs[i]).shape = out[i];
  }
}

}  // namespace tilesim
