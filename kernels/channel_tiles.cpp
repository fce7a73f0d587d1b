#include "kernels/channel_tiles.hpp"

#include <algorithm>

namespace tilesim {
namespace {

// Input channels [first, last) that output channels [c0, c1) of output `o` read from input `i`.
std::pair<int64_t, int64_t> input_channels(const LoweringContext& c, size_t i, size_t o, int64_t c0, int64_t c1) {
  const Operator& op = c.op;
  const int64_t in_channels = c.channels(op.inputs[i]);
  if (op.attrs.axis == 1 && op.type == OpType::Concat) {
    int64_t offset = 0;
    for (size_t j = 0; j < i; ++j) offset += c.channels(op.inputs[j]);
    return {std::clamp(c0 - offset, int64_t{0}, in_channels), std::clamp(c1 - offset, int64_t{0}, in_channels)};
  }
  if (op.attrs.axis == 1 && (op.type == OpType::Split || op.type == OpType::Slice)) {
    int64_t offset = op.type == OpType::Slice ? op.attrs.split.at(0) : 0;
    for (size_t j = 0; op.type == OpType::Split && j < o; ++j) offset += op.attrs.split.at(j);
    return {offset + c0, offset + c1};
  }
  if (in_channels >= c.channels(op.outputs[o])) return {c0, c1};
  return {0, in_channels};  // a broadcast operand (a squeeze-excite scale): read whole by every tile
}

void read_weights(const LoweringContext& c, WorkItem& w, int64_t block, int64_t c0, int64_t c1, int64_t channels) {
  for (TensorId wt : c.op.weights) {
    const Tensor& t = c.net.tensor(wt);
    w.accesses.push_back(c.weights(wt, block, share(t.elements(), c0, c1, channels) * c.elem));
  }
}

}  // namespace

void channel_pack_tiles(const LoweringContext& c, Phase& phase, int64_t flops, bool reads_weights) {
  int64_t total_channels = 0;
  for (TensorId o : c.op.outputs) total_channels += c.channels(o);
  int64_t block = 0, done = 0;
  for (size_t o = 0; o < c.op.outputs.size(); ++o) {
    const int64_t channels = c.channels(c.op.outputs[o]);
    for (int64_t c0 = 0; c0 < channels; c0 += c.pack, ++block) {
      const int64_t c1 = std::min(channels, c0 + c.pack);
      WorkItem w;
      w.flops = share(flops, done + c0, done + c1, total_channels);
      for (size_t i = 0; i < c.op.inputs.size(); ++i) {
        const auto [i0, i1] = input_channels(c, i, o, c0, c1);
        if (i1 > i0) w.accesses.push_back(c.region(c.op.inputs[i], i0, i1, 0, c.pixels(c.op.inputs[i]), false));
      }
      if (reads_weights) read_weights(c, w, block, c0, c1, channels);
      w.accesses.push_back(c.region(c.op.outputs[o], c0, c1, 0, c.pixels(c.op.outputs[o]), true));
      phase.items.push_back(std::move(w));
    }
    done += channels;
  }
  phase.launched_tiles += static_cast<int64_t>(phase.items.size());
}

void proportional_tiles(const LoweringContext& c, Phase& phase, int64_t flops, int64_t n) {
  n = std::max<int64_t>(n, 1);
  auto slice = [&](TensorId t, int64_t i, bool write) {
    const int64_t channels = c.channels(t), pixels = c.pixels(t);
    return channels >= n ? c.region(t, share(channels, 0, i, n), share(channels, 0, i + 1, n), 0, pixels, write)
                         : c.region(t, 0, channels, share(pixels, 0, i, n), share(pixels, 0, i + 1, n), write);
  };
  for (int64_t i = 0; i < n; ++i) {
    WorkItem w;
    w.flops = share(flops, i, i + 1, n);
    auto touch = [&](TensorId t, bool write) {  // a tensor too small to reach this tile is not touched
      if (DataAccess a = slice(t, i, write); !a.region.empty()) w.accesses.push_back(a);
    };
    for (TensorId t : c.op.inputs) touch(t, false);
    for (TensorId t : c.op.outputs) touch(t, true);
    phase.items.push_back(std::move(w));
  }
  phase.launched_tiles += n;
}

void output_row_tiles(const LoweringContext& c, Phase& phase, int64_t flops, bool reads_weights) {
  const TensorId input = c.op.inputs.at(0), output = c.op.outputs.at(0);
  const Shape& in = c.net.tensor(input).shape;
  const Shape& out = c.net.tensor(output).shape;
  const int64_t rows = out[0] * out[2], out_w = out[3], in_w = in[3], channels = out[1];
  const auto& a = c.op.attrs;
  const int64_t kh = a.kernel_shape.empty() ? 1 : a.kernel_shape[0], stride = a.strides[0], pad = a.pads[0];
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t n = r / out[2], y = r % out[2];
    const int64_t y0 = std::clamp(y * stride - pad, int64_t{0}, in[2] - 1);
    const int64_t y1 = std::max(y0 + 1, std::min(in[2], y * stride - pad + kh));
    WorkItem w;
    w.flops = share(flops, r, r + 1, rows);
    const int64_t base = n * in[2] * in_w;
    w.accesses.push_back(c.region(input, 0, c.channels(input), base + y0 * in_w, base + y1 * in_w, false));
    if (reads_weights) read_weights(c, w, 0, 0, channels, channels);
    w.accesses.push_back(c.region(output, 0, channels, r * out_w, (r + 1) * out_w, true));
    phase.items.push_back(std::move(w));
  }
  phase.launched_tiles += rows;
}

}  // namespace tilesim
