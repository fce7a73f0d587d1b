// ONNX operators that move data: Reshape and (Un)Squeeze targets, Split, Slice, Pad, Resize.
#include "sim/workload/import/onnx_importer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace tilesim::onnx_import {

Shape Importer::squeeze_shape(const Shape& in) {
  const std::vector<int64_t> axes =
      opset() >= 13 ? (has_input(1) ? const_ints(1, "axes") : std::vector<int64_t>{}) : attr_ints("axes", {});
  if (node_->op_type == "Unsqueeze") {
    const size_t r = in.size() + axes.size();
    std::vector<bool> inserted(r, false);
    for (int64_t ax : axes) {
      const auto a = size_t(axis_in(ax, r));
      if (inserted[a]) fail("Unsqueeze names an axis twice");
      inserted[a] = true;
    }
    Shape out;
    size_t j = 0;
    for (size_t d = 0; d < r; ++d) out.push_back(inserted[d] ? 1 : in.at(j++));
    return out;
  }
  std::vector<bool> drop(in.size(), false);
  if (axes.empty())
    for (size_t d = 0; d < in.size(); ++d) drop[d] = in[d] == 1;
  for (int64_t ax : axes) {
    const auto a = size_t(axis_in(ax, in.size()));
    if (in[a] != 1) fail(fmt::format("cannot squeeze axis {} of size {}", ax, in[a]));
    drop[a] = true;
  }
  Shape out;
  for (size_t d = 0; d < in.size(); ++d)
    if (!drop[d]) out.push_back(in[d]);
  return out;
}

// ONNX Reshape's target: 0 copies the input's dimension (unless allowzero), one -1 is inferred.
Shape Importer::reshape_target(const Shape& in, const std::vector<int64_t>& target) const {
  const bool allowzero = attr_int("allowzero", 0) != 0;
  Shape out;
  int64_t known = 1, infer = -1;
  for (size_t d = 0; d < target.size(); ++d) {
    int64_t v = target[d];
    if (v == 0 && !allowzero) {
      if (d >= in.size()) fail("shape copies (0) a dimension the input lacks");
      v = in[d];
    }
    if (v == -1) {
      if (infer >= 0) fail("more than one -1 in the target shape");
      infer = int64_t(d);
    } else if (v < 0) {
      fail(fmt::format("target shape entry {}", v));
    } else {
      if (v != 0 && known > kMaxTensorElements / v) fail("target shape has too many elements");
      known *= v;
    }
    out.push_back(v);
  }
  const int64_t n = count(in);
  if (infer >= 0) {
    if (known == 0 || n % known != 0)
      fail(fmt::format("cannot reshape [{}] to [{}]", shape_to_string(in, ','), shape_to_string(target, ',')));
    out[size_t(infer)] = n / known;
  }
  if (count(out) != n)
    fail(fmt::format("cannot reshape [{}] to [{}]", shape_to_string(in, ','), shape_to_string(target, ',')));
  return out;
}

void Importer::split() {
  const Shape& x = input_shape(0);
  Operator op = new_op(OpType::Split);
  op.inputs = {activation(0)};
  op.attrs.axis = axis_in(attr_int("axis", 0), x.size());
  const int64_t dim = x[size_t(op.attrs.axis)];
  std::vector<int64_t> sizes = opset() >= 13 ? (has_input(1) ? const_ints(1, "split") : std::vector<int64_t>{})
                                             : attr_ints("split", {});
  if (sizes.empty()) {
    const int64_t n = attr_int("num_outputs", int64_t(node_->outputs.size()));
    if (n < 1 || n > dim) fail(fmt::format("cannot split {} into {} parts", dim, n));
    if (attr("num_outputs")) {
      const int64_t part = (dim + n - 1) / n;
      for (int64_t left = dim; left > 0; left -= part) sizes.push_back(std::min(part, left));
    } else {
      if (dim % n) fail(fmt::format("cannot split {} evenly into {} parts", dim, n));
      sizes.assign(size_t(n), dim / n);
    }
  }
  if (sizes.size() != node_->outputs.size())
    fail(fmt::format("splits into {} parts but has {} outputs", sizes.size(), node_->outputs.size()));
  op.attrs.split = sizes;
  emit(std::move(op));
}

Importer::SliceArgs Importer::slice_args() {
  std::vector<int64_t> starts, ends, axes, steps;
  if (opset() < 10) {
    starts = attr_ints("starts", {});
    ends = attr_ints("ends", {});
    axes = attr_ints("axes", {});
  } else {
    starts = const_ints(1, "starts");
    ends = const_ints(2, "ends");
    if (has_input(3)) axes = const_ints(3, "axes");
    if (has_input(4)) steps = const_ints(4, "steps");
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(int64_t(i));
  if (starts.size() != ends.size() || axes.size() != starts.size() || (!steps.empty() && steps.size() != starts.size()))
    fail("starts, ends, axes and steps differ in length");
  return {starts, ends, axes, steps};
}

void Importer::slice() {
  const Shape x = input_shape(0);
  const auto [starts, ends, axes, steps] = slice_args();
  struct Part { int64_t axis, begin, end, step; };
  std::vector<Part> parts;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t ax = axis_in(axes[i], x.size()), dim = x[size_t(ax)], step = steps.empty() ? 1 : steps[i];
    if (step < 1) throw Unsupported{"Slice with a negative or zero step is not modelled"};
    const int64_t b = std::clamp<int64_t>(starts[i] < 0 ? starts[i] + dim : starts[i], 0, dim);
    const int64_t e = std::clamp<int64_t>(ends[i] < 0 ? ends[i] + dim : ends[i], 0, dim);
    if (e <= b) fail(fmt::format("selects nothing of axis {}", ax));
    if (b == 0 && e == dim && step == 1) continue;
    parts.push_back({ax, b, e, step});
  }
  TensorId cur = activation(0);
  if (parts.empty()) {
    Operator op = new_op(OpType::Identity);
    op.inputs = {cur};
    emit(std::move(op));
    return;
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    Operator op = new_op(OpType::Slice);
    if (i) op.name += fmt::format(":{}", i);
    op.inputs = {cur};
    op.attrs.axis = parts[i].axis;
    op.attrs.split = {parts[i].begin, parts[i].end};
    op.attrs.step = parts[i].step;
    const bool last = i + 1 == parts.size();
    cur = emit(std::move(op), {last ? node_->outputs.at(0) : fmt::format("{}:{}", node_->outputs.at(0), i)})[0];
  }
}

void Importer::pad() {
  const Shape& x = input_shape(0);
  Operator op = new_op(OpType::Pad);
  op.inputs = {activation(0)};
  std::vector<int64_t> pads = opset() >= 11 ? const_ints(1, "pads") : attr_ints("pads", attr_ints("paddings", {}));
  if (opset() >= 18 && has_input(3)) {
    const auto axes = const_ints(3, "axes");
    if (pads.size() != 2 * axes.size()) fail("pads need 2 values per axis");
    std::vector<int64_t> full(2 * x.size(), 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      const auto ax = size_t(axis_in(axes[i], x.size()));
      full[ax] = pads[i];
      full[ax + x.size()] = pads[i + axes.size()];
    }
    pads = full;
  }
  if (pads.size() != 2 * x.size()) fail(fmt::format("{} pads for a rank-{} input", pads.size(), x.size()));
  for (int64_t p : pads)
    if (std::abs(p) > kMaxTensorElements) fail("absurd padding");
  op.attrs.pads = pads;
  emit(std::move(op));
}

void Importer::resize() {
  const Shape& x = input_shape(0);
  if (x.size() != 4) throw Unsupported{"only 4-D Resize is modelled"};
  Operator op = new_op(OpType::Resize);
  op.inputs = {activation(0)};
  const std::string mode = attr_string("mode", "nearest");
  op.attrs.resize_mode = mode == "nearest" ? ResizeMode::nearest : mode == "cubic" ? ResizeMode::cubic : ResizeMode::linear;
  std::vector<double> scales;
  std::vector<int64_t> sizes;
  if (node_->op_type == "Upsample") {
    scales = opset() >= 9 ? const_doubles(1, "scales") : attr_floats("scales");
  } else if (opset() < 11) {
    scales = const_doubles(1, "scales");
  } else {
    if (has_input(3)) sizes = const_ints(3, "sizes");
    if (sizes.empty() && has_input(2)) scales = const_doubles(2, "scales");
  }
  auto axes = attr_ints("axes", {});
  auto expand = [&](auto vals, auto fillv) {
    if (axes.empty()) return vals;
    decltype(vals) full(4, fillv);
    for (size_t i = 0; i < axes.size() && i < vals.size(); ++i) full[size_t(axis_in(axes[i], 4))] = vals[i];
    return full;
  };
  if (!sizes.empty()) {
    sizes = expand(sizes, int64_t{-1});
    if (sizes.size() != 4) fail("sizes need 4 values");
    op.attrs.target_shape = {sizes[2] < 0 ? x[2] : sizes[2], sizes[3] < 0 ? x[3] : sizes[3]};
  } else {
    scales = expand(scales, 1.0);
    if (scales.size() != 4) fail("scales need 4 values (or sizes)");
    for (double s : scales)
      if (!(s > 0) || s > 1e6) fail("scales must be positive and sane");
    if (scales[0] != 1 || scales[1] != 1) throw Unsupported{"Resize of the batch or channel axis is not modelled"};
    op.attrs.target_shape = {int64_t(std::floor(double(x[2]) * scales[2])), int64_t(std::floor(double(x[3]) * scales[3]))};
  }
  emit(std::move(op));
}

}  // namespace tilesim::onnx_import
