// MNASNet 1.0 (the B1 variant) as torchvision 0.14 defines it (torchvision/models/mnasnet.py):
// a flat nn.Sequential "layers" of stem, six stacks of inverted residuals and a 1×1 conv to 1280,
// then x.mean([2, 3]) and Dropout + Linear.
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

// torchvision's _InvertedResidual: 1×1 expand, k×k depthwise, linear 1×1 projection; the
// nn.Sequential "layers" indexes conv, BN and ReLU separately.
TensorId inverted_residual(NetworkBuilder& b, TensorId x, int64_t out_ch, int64_t kernel, int64_t stride,
                           int64_t expansion, const std::string& p) {
  const int64_t in_ch = b.channels(x);
  const int64_t mid_ch = in_ch * expansion;
  const bool apply_residual = in_ch == out_ch && stride == 1;
  const std::string l = p + ".layers.";
  TensorId y = b.conv(x, ConvSpec::square(mid_ch, 1, 1), l + "0");
  y = b.batch_norm(y, l + "1");
  y = b.relu(y, l + "2");
  y = b.conv(y, ConvSpec::square(mid_ch, kernel, stride, mid_ch), l + "3");
  y = b.batch_norm(y, l + "4");
  y = b.relu(y, l + "5");
  y = b.conv(y, ConvSpec::square(out_ch, 1, 1), l + "6");
  y = b.batch_norm(y, l + "7");
  if (apply_residual) y = b.add(y, x, p + ".add");
  return y;
}

}  // namespace

Network mnasnet1_0(const Shape& input) {
  NetworkBuilder b("mnasnet1_0");
  TensorId x = b.input(input);
  // _get_depths(1.0): every depth is already a multiple of 8.
  x = b.conv(x, ConvSpec::square(32, 3, 2), "layers.0");
  x = b.batch_norm(x, "layers.1");
  x = b.relu(x, "layers.2");
  x = b.conv(x, ConvSpec::square(32, 3, 1, 32), "layers.3");  // depthwise separable, no skip
  x = b.batch_norm(x, "layers.4");
  x = b.relu(x, "layers.5");
  x = b.conv(x, ConvSpec::square(16, 1, 1), "layers.6");
  x = b.batch_norm(x, "layers.7");
  struct Stack {
    int64_t out, kernel, stride, expansion, repeats;
  };
  constexpr Stack kStacks[] = {{24, 3, 2, 3, 3}, {40, 5, 2, 3, 3},  {80, 5, 2, 6, 3},
                               {96, 3, 1, 6, 2}, {192, 5, 2, 6, 4}, {320, 3, 1, 6, 1}};
  int layer = 8;
  for (const Stack& s : kStacks) {
    const std::string p = "layers." + std::to_string(layer++);
    for (int64_t i = 0; i < s.repeats; ++i)
      x = inverted_residual(b, x, s.out, s.kernel, i == 0 ? s.stride : 1, s.expansion,
                            p + "." + std::to_string(i));
  }
  x = b.conv(x, ConvSpec::square(1280, 1, 1), "layers.14");
  x = b.batch_norm(x, "layers.15");
  x = b.relu(x, "layers.16");
  x = b.global_avg_pool(x, "mean");  // x.mean([2, 3]) drops H and W: pool, then flatten
  x = b.flatten(x, "mean.flatten");
  x = b.dropout(x, "classifier.0");
  b.gemm(x, 1000, true, "classifier.1");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
