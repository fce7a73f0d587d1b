// ncnn layers with a sliding window: Convolution(DepthWise), Deconvolution(DepthWise), Pooling.
#include "sim/workload/import/ncnn_importer.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tilesim::ncnn_import {

Importer::ConvWindow Importer::conv_window(bool depthwise) {
  need(1, 1);
  ConvWindow c;
  c.x = activation(0);
  if (dims(c.x) != 3) fail(fmt::format("expects a 3-D (c,h,w) blob, got [{}]", shape_to_string(shape(c.x), ',')));
  c.n = positive(geti(0, 0), "num_output");
  c.kw = window(geti(1, 0), "kernel_w"), c.kh = window(geti(11, c.kw), "kernel_h");
  c.dw = window(geti(2, 1), "dilation_w"), c.dh = window(geti(12, c.dw), "dilation_h");
  c.sw = window(geti(3, 1), "stride_w"), c.sh = window(geti(13, c.sw), "stride_h");
  c.group = depthwise ? positive(geti(7, 1), "group") : 1;
  const Shape& xs = shape(c.x);
  c.cin = xs[1], c.h = xs[2], c.w = xs[3];
  if (c.cin % c.group != 0 || c.n % c.group != 0)
    fail(fmt::format("{} input and {} output channels do not divide into {} groups", c.cin, c.n, c.group));
  c.pl = geti(4, 0), c.pr = geti(15, c.pl), c.pt = geti(14, c.pl), c.pb = geti(16, c.pt);
  return c;
}

void Importer::add_conv(OpType type, const ConvWindow& c, const Shape& ws, const std::vector<int64_t>& output_padding) {
  for (int64_t p : {c.pl, c.pr, c.pt, c.pb}) window(p, "padding", 0);
  Operator op = new_op(type, cur_->name);
  op.attrs.kernel_shape = {c.kh, c.kw};
  op.attrs.strides = {c.sh, c.sw};
  op.attrs.dilations = {c.dh, c.dw};
  op.attrs.pads = {c.pt, c.pl, c.pb, c.pr};
  if (type == OpType::ConvTranspose) op.attrs.output_padding = output_padding;
  op.attrs.group = c.group;
  op.attrs.units = c.n;
  if (geti(8, 0) != 0) op.compute_type = DataType::int8;
  op.inputs = {c.x};
  check_weight_size(6, ws);
  op.weights.push_back(weight(cur_->name + ".weight", ws));
  if (geti(5, 0)) op.weights.push_back(weight(cur_->name + ".bias", {c.n}));
  finish_activation(emit1(std::move(op), pre_activation_name()));
}

void Importer::convolution() {
  ConvWindow c = conv_window(cur_->type == "ConvolutionDepthWise");
  if (c.pl == -233 || c.pl == -234 || c.pt == -233 || c.pt == -234) {
    const bool upper = (c.pl == -233 || c.pt == -233);
    auto same = [&](int64_t in, int64_t k, int64_t s, int64_t d, int64_t& b, int64_t& e) {
      const int64_t out = (in + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (out - 1) * s + d * (k - 1) + 1 - in);
      b = upper ? total / 2 : total - total / 2;
      e = total - b;
    };
    same(c.w, c.kw, c.sw, c.dw, c.pl, c.pr);
    same(c.h, c.kh, c.sh, c.dh, c.pt, c.pb);
  }
  add_conv(OpType::Conv, c, {c.n, c.cin / c.group, c.kh, c.kw}, {});
}
void Importer::check_weight_size(int id, const Shape& ws) const {
  const int64_t declared = geti(id, 0);
  const auto actual = checked_elements(ws);
  if (!actual) fail(fmt::format("weight [{}] is absurdly large", shape_to_string(ws, ',')));
  if (declared != *actual)
    fail(fmt::format("weight_data_size {} does not match the weight shape [{}] ({} values)", declared,
                     shape_to_string(ws, ','), *actual));
}

void Importer::deconvolution() {
  ConvWindow c = conv_window(cur_->type == "DeconvolutionDepthWise");
  const int64_t opw = window(geti(18, 0), "output_pad_right", 0), oph = window(geti(19, opw), "output_pad_bottom", 0);
  const int64_t outw = geti(20, 0), outh = geti(21, outw);
  // ncnn: the full output (in-1)*s + d*(k-1) + 1 (+ output padding), cut to output_w/h or by the pads.
  auto resolve = [&](int64_t in, int64_t k, int64_t s, int64_t d, int64_t op_, int64_t target, int64_t& b,
                     int64_t& e) {
    const int64_t full = (in - 1) * s + d * (k - 1) + 1 + op_;
    if (target > 0 || b == -233 || b == -234) {
      const int64_t want = target > 0 ? target : in * s;
      const int64_t cut = full - want;
      if (cut < 0) fail(fmt::format("output size {} larger than the full deconvolution output {}", want, full));
      const bool lower = b == -234;
      b = lower ? cut - cut / 2 : cut / 2;
      e = cut - b;
    }
  };
  resolve(c.w, c.kw, c.sw, c.dw, opw, outw, c.pl, c.pr);
  resolve(c.h, c.kh, c.sh, c.dh, oph, outh, c.pt, c.pb);
  add_conv(OpType::ConvTranspose, c, {c.cin, c.n / c.group, c.kh, c.kw}, {oph, opw});
}

void Importer::pooling() {
  need(1, 1);
  TensorId x = activation(0);
  if (dims(x) != 3) fail(fmt::format("expects a 3-D (c,h,w) blob, got [{}]", shape_to_string(shape(x), ',')));
  const int64_t type = geti(0, 0);
  if (type != 0 && type != 1) fail(fmt::format("unknown pooling_type {}", type));
  const OpType pool = type == 0 ? OpType::MaxPool : OpType::AveragePool;
  const Shape xs = shape(x);
  const int64_t h = xs[2], w = xs[3];
  Operator op = new_op(pool, cur_->name);
  op.attrs.count_include_pad = geti(6, 0) != 0;  // avgpool_count_include_pad
  op.inputs = {x};
  if (geti(4, 0) != 0) {  // global: a 1-D blob of channels
    if (pool == OpType::AveragePool) {
      op.type = OpType::GlobalAveragePool;
    } else {
      op.attrs.kernel_shape = {h, w};
      op.attrs.strides = {1, 1};
      op.attrs.pads = {0, 0, 0, 0};
    }
    TensorId y = emit1(std::move(op), top() + "#4d");
    bind(top(), flatten(y, 1, cur_->name + "/flatten", top()));
    return;
  }
  if (geti(7, 0) != 0) {  // adaptive: out_w (8), out_h (18)
    const int64_t ow = positive(geti(8, 0), "adaptive out_w"), oh = positive(geti(18, ow), "adaptive out_h");
    if (ow > w || oh > h) fail("adaptive pooling output larger than its input");
    const int64_t sw_ = w / ow, sh_ = h / oh;
    op.attrs.strides = {sh_, sw_};
    op.attrs.kernel_shape = {h - (oh - 1) * sh_, w - (ow - 1) * sw_};
    op.attrs.pads = {0, 0, 0, 0};
    bind(top(), emit1(std::move(op), top()));
    return;
  }
  const int64_t kw = window(geti(1, 0), "kernel_w"), kh = window(geti(11, kw), "kernel_h");
  const int64_t sw = window(geti(2, 1), "stride_w"), sh = window(geti(12, sw), "stride_h");
  int64_t pl = window(geti(3, 0), "pad_left", 0), pr = window(geti(14, pl), "pad_right", 0);
  int64_t pt = window(geti(13, pl), "pad_top", 0), pb = window(geti(15, pt), "pad_bottom", 0);
  const int64_t mode = geti(5, 0);
  if (mode == 0) {  // full: pad the tail so that the last window fits (ceil)
    if (w + pl + pr < kw || h + pt + pb < kh) fail("pooling window larger than the padded input");
    const int64_t wtail = (w + pl + pr - kw) % sw, htail = (h + pt + pb - kh) % sh;
    if (wtail) pr += sw - wtail;
    if (htail) pb += sh - htail;
  } else if (mode == 2 || mode == 3) {  // SAME_UPPER / SAME_LOWER
    const int64_t wpad = std::max<int64_t>(0, kw + (w - 1) / sw * sw - w);
    const int64_t hpad = std::max<int64_t>(0, kh + (h - 1) / sh * sh - h);
    pl = mode == 2 ? wpad / 2 : wpad - wpad / 2;
    pr = wpad - pl;
    pt = mode == 2 ? hpad / 2 : hpad - hpad / 2;
    pb = hpad - pt;
  } else if (mode != 1) {
    fail(fmt::format("unknown pad_mode {}", mode));
  }
  op.attrs.kernel_shape = {kh, kw};
  op.attrs.strides = {sh, sw};
  op.attrs.pads = {pt, pl, pb, pr};
  op.attrs.ceil_mode = false;
  bind(top(), emit1(std::move(op), top()));
}

}  // namespace tilesim::ncnn_import
