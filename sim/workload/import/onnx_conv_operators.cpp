// ONNX operators with weights or windows: Conv, ConvTranspose, the pooling windows, Gemm, MatMul.
#include "sim/workload/import/onnx_importer.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tilesim::onnx_import {

// pads from auto_pad or the attribute, as [top, left, bottom, right].
std::vector<int64_t> Importer::window_pads(const Shape& x, const std::vector<int64_t>& k,
                                           const std::vector<int64_t>& s, const std::vector<int64_t>& d) {
  const std::string auto_pad = attr_string("auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    std::vector<int64_t> p(4, 0);
    for (size_t i = 0; i < 2; ++i) {
      const int64_t in = x.at(2 + i), out = (in + s[i] - 1) / s[i];
      const int64_t total = std::max<int64_t>((out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in, 0);
      p[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      p[i + 2] = total - p[i];
    }
    return p;
  }
  if (auto_pad == "VALID") return {0, 0, 0, 0};
  auto p = attr_ints("pads", {0, 0, 0, 0});
  if (p.size() != 4) fail("only 2-D windows (4 pads) are supported");
  return p;
}

void Importer::spatial_attrs(Operator& op, const Shape& x, std::vector<int64_t> kernel) {
  if (x.size() != 4) throw Unsupported{fmt::format("only 2-D (NCHW) {} is modelled", node_->op_type)};
  auto& a = op.attrs;
  a.kernel_shape = attr_ints("kernel_shape", std::move(kernel));
  if (a.kernel_shape.size() != 2) fail("only 2-D kernels are supported");
  a.strides = attr_ints("strides", {1, 1});
  a.dilations = attr_ints("dilations", {1, 1});
  if (a.strides.size() != 2 || a.dilations.size() != 2) fail("strides and dilations need 2 values");
  for (int i = 0; i < 2; ++i)
    if (a.strides[size_t(i)] < 1 || a.dilations[size_t(i)] < 1 || a.kernel_shape[size_t(i)] < 1)
      fail("kernel, strides and dilations must be positive");
  a.pads = window_pads(x, a.kernel_shape, a.strides, a.dilations);
}

void Importer::conv(bool transposed) {
  Operator op = new_op(transposed ? OpType::ConvTranspose : OpType::Conv);
  op.inputs = {activation(0)};
  const Shape& x = input_shape(0);
  if (!input(1).constant) throw Unsupported{"its weights are computed at run time"};
  const Shape& w = input(1).shape;
  if (w.size() != 4 || x.size() != 4) throw Unsupported{"only 2-D convolutions (NCHW) are modelled"};
  op.weights = {weight_input(1)};
  if (has_input(2)) op.weights.push_back(weight_input(2));
  op.attrs.group = attr_int("group", 1);
  if (op.attrs.group < 1) fail("group must be positive");
  spatial_attrs(op, x, {w[2], w[3]});
  op.attrs.units = transposed ? w[1] * op.attrs.group : w[0];
  if (!transposed && x[1] != w[1] * op.attrs.group)
    fail(fmt::format("weights [{}] do not fit {} input channels in {} groups", shape_to_string(w, ','), x[1],
                     op.attrs.group));
  if (transposed) {
    auto& a = op.attrs;
    a.output_padding = attr_ints("output_padding", {0, 0});
    if (a.output_padding.size() != 2) fail("output_padding needs 2 values");
    const auto out_shape = attr_ints("output_shape", {});
    if (!out_shape.empty()) {
      if (out_shape.size() < 2) fail("output_shape needs H and W");
      const bool upper = attr_string("auto_pad", "NOTSET") == "SAME_UPPER";
      for (size_t i = 0; i < 2; ++i) {
        const int64_t want = out_shape[out_shape.size() - 2 + i];
        const int64_t total = a.strides[i] * (x[2 + i] - 1) + a.output_padding[i] +
                              (a.kernel_shape[i] - 1) * a.dilations[i] + 1 - want;
        a.pads[i] = upper ? total / 2 : total - total / 2;
        a.pads[i + 2] = total - a.pads[i];
      }
    } else if (attr_string("auto_pad", "NOTSET").rfind("SAME", 0) == 0) {
      const bool upper = attr_string("auto_pad", "NOTSET") == "SAME_UPPER";
      for (size_t i = 0; i < 2; ++i) {
        const int64_t want = x[2 + i] * a.strides[i];
        const int64_t total = std::max<int64_t>(a.strides[i] * (x[2 + i] - 1) + a.output_padding[i] +
                                                    (a.kernel_shape[i] - 1) * a.dilations[i] + 1 - want, 0);
        a.pads[i] = upper ? total / 2 : total - total / 2;
        a.pads[i + 2] = total - a.pads[i];
      }
    }
  }
  emit(std::move(op));
}

void Importer::gemm() {
  if (attr_int("transA", 0)) throw Unsupported{"Gemm with transA is not modelled"};
  if (!input(1).constant) {
    Operator op = new_op(OpType::MatMul);
    op.inputs = {activation(0), input(1).tensor};
    emit(std::move(op));
    return;
  }
  Operator op = new_op(OpType::Gemm);
  op.inputs = {activation(0)};
  Value& b = input(1);
  if (b.shape.size() != 2) fail("B must be 2-D");
  const bool trans_b = attr_int("transB", 0) != 0;
  const int64_t units = trans_b ? b.shape[0] : b.shape[1], k = trans_b ? b.shape[1] : b.shape[0];
  if (!trans_b) {  // tilesim's Gemm weight is [units, K], as with transB
    const TensorId w = weight(b, true);
    net_.tensor(w).shape = {units, k};
    op.weights = {w};
  } else {
    op.weights = {weight(b, true)};
  }
  const Shape& a = input_shape(0);
  if (a.size() != 2 || a[1] != k)
    fail(fmt::format("input [{}] does not fit weights of {} features", shape_to_string(a, ','), k));
  if (has_input(2)) {
    Value& c = input(2);
    if (c.constant) op.weights.push_back(weight(c, true));
    else throw Unsupported{"Gemm with a bias computed at run time is not modelled"};
  }
  op.attrs.units = units;
  emit(std::move(op));
}

void Importer::matmul() {
  Value &a = input(0), &b = input(1);
  if (!a.constant && !b.constant) {
    Operator op = new_op(OpType::MatMul);
    op.inputs = {a.tensor, b.tensor};
    emit(std::move(op));
    return;
  }
  if (!a.constant && b.shape.size() == 2 && net_.tensor(a.tensor).shape.size() == 2) {
    Operator op = new_op(OpType::Gemm);  // [N, K] x [K, units]: a fully connected layer
    op.inputs = {a.tensor};
    const TensorId w = weight(b, true);
    net_.tensor(w).shape = {b.shape[1], b.shape[0]};
    op.weights = {w};
    op.attrs.units = b.shape[1];
    if (net_.tensor(a.tensor).shape[1] != b.shape[0]) fail("inner dimensions differ");
    emit(std::move(op));
    return;
  }
  // A constant operand of a batched product: it stays an operand (and is counted as weights).
  Operator op = new_op(OpType::MatMul);
  const TensorId ta = a.constant ? weight(a, true) : a.tensor, tb = b.constant ? weight(b, true) : b.tensor;
  op.inputs = {ta, tb};
  op.weights = {a.constant ? ta : tb};
  emit(std::move(op));
}

}  // namespace tilesim::onnx_import
