// ncnn layers that move data: Concat, Split, Slice, Crop, ShuffleChannel, Interp, Reshape, Permute,
// Flatten, Padding.
#include "sim/workload/import/ncnn_importer.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace tilesim::ncnn_import {

void Importer::concat() {
  if (cur_->tops.size() != 1 || cur_->bottoms.empty()) fail("expects bottoms and 1 top");
  std::vector<TensorId> xs;
  for (size_t i = 0; i < cur_->bottoms.size(); ++i) xs.push_back(blob(i));
  const int64_t d = dims(xs[0]);
  Operator op = new_op(OpType::Concat, cur_->name);
  op.attrs.axis = axis(geti(0, 0), d);
  std::vector<Shape> shapes;
  for (TensorId t : xs) {
    (is_const(t) ? op.weights : op.inputs).push_back(t);
    shapes.push_back(shape(t));
  }
  if (op.inputs.empty()) fail("all bottoms are MemoryData constants");
  bind(top(), emit1(std::move(op), top(), &shapes));
}

void Importer::split() {
  if (cur_->bottoms.size() != 1) fail("expects 1 bottom");
  // ncnn's Split hands out references to one blob: no copy, no operator.
  for (const auto& t : cur_->tops) bind(t, blob(0));
}

void Importer::slice() {
  if (cur_->bottoms.size() != 1 || cur_->tops.empty()) fail("expects 1 bottom and tops");
  TensorId x = activation(0);
  const int64_t ax = axis(geti(1, 0), dims(x));
  const int64_t total = shape(x)[static_cast<size_t>(ax)];
  auto slices = getai(0);
  if (slices.size() != cur_->tops.size())
    fail(fmt::format("{} slices for {} tops", slices.size(), cur_->tops.size()));
  std::vector<int64_t> sizes;
  int64_t used = 0;
  const auto n = static_cast<int64_t>(slices.size());
  for (int64_t i = 0; i < n; ++i) {
    int64_t s = slices[static_cast<size_t>(i)];
    if (s == kSentinel) s = (total - used) / (n - i);
    else if (s == -1 && i == n - 1) s = total - used;
    if (s < 1) fail(fmt::format("slice {} has size {} (axis of {})", i, s, total));
    sizes.push_back(s);
    used += s;
    if (used > total) fail(fmt::format("slices add to more than the axis' {}", total));
  }
  Operator op = new_op(OpType::Split, cur_->name);
  op.attrs.axis = ax;
  op.attrs.split = sizes;
  op.inputs = {x};
  std::vector<Shape> in{shape(x)};
  if (used != total) {
    // ncnn leaves the rest of the axis unused; model it as a Split of the whole and ignore the rest.
    op.attrs.split.push_back(total - used);
    auto outs_names = cur_->tops;
    outs_names.push_back(cur_->name + "#rest");
    auto outs = emit(std::move(op), outs_names);
    for (size_t i = 0; i < cur_->tops.size(); ++i) bind(top(i), outs[i]);
    return;
  }
  auto outs = emit(std::move(op), cur_->tops);
  for (size_t i = 0; i < outs.size(); ++i) bind(top(i), outs[i]);
}

void Importer::crop() {
  if (cur_->bottoms.empty() || cur_->bottoms.size() > 2 || cur_->tops.size() != 1)
    fail("expects 1 or 2 bottoms and 1 top");
  TensorId x = activation(0);
  const Shape xs = shape(x);
  const int64_t d = dims(x);
  // [begin, end) per our axis.
  std::vector<std::pair<int64_t, int64_t>> range(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) range[i] = {0, xs[i]};
  auto set = [&](int64_t our_axis, int64_t begin, int64_t len) {
    auto& r = range[static_cast<size_t>(our_axis)];
    const int64_t size = xs[static_cast<size_t>(our_axis)];
    if (begin < 0 || len < 1 || begin + len > size)
      fail(fmt::format("crop [{}, {}) outside an axis of {}", begin, begin + len, size));
    r = {begin, begin + len};
  };
  const auto starts = getai(9), ends = getai(10), axes = getai(11);
  if (cur_->bottoms.size() == 2) {  // crop to the reference blob's size at the given offsets
    const Shape& ref = shape(blob(1));
    const int64_t off[3] = {geti(2, 0), geti(1, 0), geti(0, 0)};  // c, h, w offsets
    for (int64_t i = 0; i < d && i < 3; ++i) {
      const int64_t our = static_cast<int64_t>(xs.size()) - 1 - i;  // w, h, c from the inside
      const int64_t ref_axis = static_cast<int64_t>(ref.size()) - 1 - i;
      if (ref_axis < 1) continue;
      set(our, off[2 - i], ref[static_cast<size_t>(ref_axis)]);
    }
  } else if (!starts.empty() && !ends.empty()) {  // numpy-style starts/ends/axes
    if (starts.size() != ends.size() || (!axes.empty() && axes.size() != starts.size()))
      fail("starts, ends and axes differ in length");
    for (size_t i = 0; i < starts.size(); ++i) {
      const int64_t a = axes.empty() ? static_cast<int64_t>(i) : axes[i];
      const int64_t our = axis(a, d);
      const int64_t size = xs[static_cast<size_t>(our)];
      int64_t b = starts[i], e = ends[i];
      if (b == kSentinel) b = 0;
      if (e == kSentinel) e = size;
      b = b >= 0 ? b : size + b;
      e = std::min(size, e > 0 ? e : size + e);
      set(our, b, e - b);
    }
  } else {  // offsets 0..2 (w, h, c) and sizes 3..5, second offsets 6..8 cut from the end
    const int64_t offs[3] = {geti(0, 0), geti(1, 0), geti(2, 0)};
    const int64_t outs[3] = {geti(3, 0), geti(4, 0), geti(5, 0)};
    const int64_t offs2[3] = {geti(6, 0), geti(7, 0), geti(8, 0)};
    for (int64_t i = 0; i < d && i < 3; ++i) {
      const int64_t our = static_cast<int64_t>(xs.size()) - 1 - i;
      const int64_t size = xs[static_cast<size_t>(our)];
      int64_t len = size - offs[i] - offs2[i];
      if (outs[i] > 0) len = std::min(outs[i], len);
      set(our, offs[i], len);
    }
  }
  TensorId y = x;
  std::vector<size_t> cut;
  for (size_t i = 1; i < xs.size(); ++i)
    if (range[i].first != 0 || range[i].second != xs[i]) cut.push_back(i);
  if (cut.empty()) {
    bind(top(), unary(OpType::Identity, x, cur_->name, top()));
    return;
  }
  for (size_t j = 0; j < cut.size(); ++j) {
    const bool last = j + 1 == cut.size();
    Operator op = new_op(OpType::Slice, j == 0 ? cur_->name : cur_->name + "#" + std::to_string(j));
    op.attrs.axis = static_cast<int64_t>(cut[j]);
    op.attrs.split = {range[cut[j]].first, range[cut[j]].second};
    op.inputs = {y};
    y = emit1(std::move(op), last ? top() : top() + "#" + std::to_string(j));
  }
  bind(top(), y);
}

void Importer::shuffle_channel() {
  need(1, 1);
  TensorId x = activation(0);
  if (dims(x) != 3) fail("expects a 3-D (c,h,w) blob");
  int64_t g = positive(geti(0, 1), "group");
  const int64_t c = shape(x)[1];
  if (c % g != 0) fail(fmt::format("{} channels do not divide into {} groups", c, g));
  if (geti(1, 0) != 0) g = c / g;  // reverse
  Operator op = new_op(OpType::ChannelShuffle, cur_->name);
  op.attrs.group = g;
  op.inputs = {x};
  bind(top(), emit1(std::move(op), top()));
}

void Importer::interp() {
  if (cur_->bottoms.empty() || cur_->bottoms.size() > 2 || cur_->tops.size() != 1)
    fail("expects 1 or 2 bottoms and 1 top");
  TensorId x = activation(0);
  if (dims(x) != 3) fail("expects a 3-D (c,h,w) blob");
  const Shape xs = shape(x);
  const int64_t type = geti(0, 0);
  ResizeMode mode = ResizeMode::nearest;
  if (type == 2) mode = ResizeMode::linear;  // bilinear
  else if (type == 3) mode = ResizeMode::cubic;
  else if (type != 1 && type != 0) fail(fmt::format("unknown resize_type {}", type));
  int64_t oh = geti(3, 0), ow = geti(4, 0);
  if (cur_->bottoms.size() == 2) {
    const Shape& ref = shape(blob(1));
    if (ref.size() != 4) fail("the reference blob must be 3-D");
    oh = ref[2];
    ow = ref[3];
  } else if (oh == 0 || ow == 0) {
    const double hs = getf(1, 1.0), ws = getf(2, 1.0);
    const double h = static_cast<double>(xs[2]) * hs, w = static_cast<double>(xs[3]) * ws;
    if (!(h >= 1 && h <= kMaxIntParam && w >= 1 && w <= kMaxIntParam))
      fail(fmt::format("scales {} x {} give an absurd output", hs, ws));
    oh = static_cast<int64_t>(h);
    ow = static_cast<int64_t>(w);
  }
  Operator op = new_op(OpType::Resize, cur_->name);
  op.attrs.target_shape = {positive(oh, "output height"), positive(ow, "output width")};
  op.attrs.resize_mode = mode;
  op.inputs = {x};
  bind(top(), emit1(std::move(op), top()));
}

void Importer::reshape_layer() {
  if (cur_->bottoms.empty() || cur_->tops.size() != 1) fail("expects a bottom and 1 top");
  TensorId x = activation(0);
  const Shape xs = shape(x);
  const int64_t w = geti(0, kSentinel), h = geti(1, kSentinel), c = geti(2, kSentinel), dd = geti(11, kSentinel);
  // ncnn: 0 takes the input's size on that axis, -1 infers, -233 leaves the axis out.
  auto in_dim = [&](int inner_index) -> int64_t {  // 0 = w, 1 = h, 2 = d, 3 = c of the input
    const auto r = static_cast<int64_t>(xs.size()) - 1;
    static const int map3[] = {0, 1, -1, 2};  // for 3-D: c is 2 from the inside
    int idx = inner_index;
    if (r == 3) idx = map3[inner_index];
    if (idx < 0 || idx >= r) fail("0 (keep the input's size) names an axis the input lacks");
    return xs[static_cast<size_t>(r - idx)];
  };
  std::vector<int64_t> ncnn;  // outer to inner
  if (w == kSentinel) fail("no output width (0=)");
  if (h == kSentinel) ncnn = {w};
  else if (c == kSentinel) ncnn = {h, w};
  else if (dd == kSentinel) ncnn = {c, h, w};
  else ncnn = {c, dd, h, w};
  const int inner_of[4][4] = {{0}, {1, 0}, {3, 1, 0}, {3, 2, 1, 0}};
  Shape target{1};
  for (size_t i = 0; i < ncnn.size(); ++i) {
    int64_t v = ncnn[i];
    if (v == 0) v = in_dim(inner_of[ncnn.size() - 1][i]);
    if (v < -1 || v == 0) fail(fmt::format("reshape size {} is neither positive, 0 nor -1", ncnn[i]));
    target.push_back(v);
  }
  bind(top(), reshape(x, target, cur_->name, top()));
}

void Importer::permute() {
  need(1, 1);
  TensorId x = activation(0);
  const int64_t order = geti(0, 0);
  const int64_t d = dims(x);
  std::vector<int64_t> perm;
  if (d == 1) {
    if (order != 0) fail(fmt::format("order_type {} on a 1-D blob", order));
    perm = {0, 1};
  } else if (d == 2) {
    if (order == 0) perm = {0, 1, 2};
    else if (order == 1) perm = {0, 2, 1};
    else fail(fmt::format("order_type {} on a 2-D blob", order));
  } else if (d == 3) {
    static const std::vector<int64_t> perms[6] = {{0, 1, 2, 3}, {0, 1, 3, 2}, {0, 2, 1, 3},
                                                  {0, 2, 3, 1}, {0, 3, 1, 2}, {0, 3, 2, 1}};
    if (order < 0 || order > 5) fail(fmt::format("order_type {} on a 3-D blob", order));
    perm = perms[order];
  } else {
    fail("Permute of a 4-D blob is not supported");
  }
  bind(top(), transpose(x, perm, cur_->name, top()));
}

void Importer::flatten_layer() {
  need(1, 1);
  bind(top(), flatten(activation(0), 1, cur_->name, top()));
}

void Importer::padding() {
  if (cur_->bottoms.empty() || cur_->tops.size() != 1) fail("expects a bottom and 1 top");
  TensorId x = activation(0);
  const int64_t t = window(geti(0, 0), "top", -kMaxWindow), b = window(geti(1, 0), "bottom", -kMaxWindow);
  const int64_t l = window(geti(2, 0), "left", -kMaxWindow), r = window(geti(3, 0), "right", -kMaxWindow);
  const int64_t f = window(geti(7, 0), "front", -kMaxWindow), bh = window(geti(8, 0), "behind", -kMaxWindow);
  const int64_t d = dims(x);
  std::vector<int64_t> pads;
  if (d == 1) pads = {0, l, 0, r};
  else if (d == 2) pads = {0, t, l, 0, b, r};
  else if (d == 3) pads = {0, f, t, l, 0, bh, b, r};
  else fail("Padding of a 4-D blob is not supported");
  Operator op = new_op(OpType::Pad, cur_->name);
  op.attrs.pads = pads;
  op.inputs = {x};
  bind(top(), emit1(std::move(op), top()));
}

}  // namespace tilesim::ncnn_import
