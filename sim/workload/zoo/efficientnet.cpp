// EfficientNet-B0 as torchvision 0.14 defines it (torchvision/models/efficientnet.py): MBConv
// blocks with SiLU (Act::swish) and SqueezeExcitation (squeeze max(1, input_channels // 4),
// SiLU, sigmoid gate), then a 1×1 conv to 1280 and Dropout + Linear. Stochastic depth is the
// identity in eval mode, so it emits no operator.
#include <algorithm>

#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

// torchvision's MBConv; `p` is its module path ("features.S.I").
TensorId mbconv(NetworkBuilder& b, TensorId x, int64_t expand_ratio, int64_t kernel, int64_t stride,
                int64_t out_channels, const std::string& p) {
  const int64_t in_channels = b.channels(x);
  const bool use_res_connect = stride == 1 && in_channels == out_channels;
  const int64_t expanded = make_divisible(static_cast<double>(in_channels * expand_ratio), 8);
  int idx = 0;
  auto next = [&] { return p + ".block." + std::to_string(idx++); };
  TensorId y = x;
  if (expanded != in_channels)
    y = conv_bn_act(b, y, ConvSpec::square(expanded, 1, 1), Act::swish, next());  // expand
  y = conv_bn_act(b, y, ConvSpec::square(expanded, kernel, stride, expanded), Act::swish, next());  // depthwise
  y = squeeze_excite(b, y, std::max<int64_t>(1, in_channels / 4), Act::swish, Act::sigmoid, next());
  y = conv_bn_act(b, y, ConvSpec::square(out_channels, 1, 1), Act::none, next());  // project
  if (use_res_connect) y = b.add(y, x, p + ".add");
  return y;
}

}  // namespace

Network efficientnet_b0(const Shape& input) {
  NetworkBuilder b("efficientnet_b0");
  TensorId x = b.input(input);
  x = conv_bn_act(b, x, ConvSpec::square(32, 3, 2), Act::swish, "features.0");
  struct Stage {
    int64_t expand_ratio, kernel, stride, out, layers;
  };
  // width_mult = depth_mult = 1.0: channels and depths as in Table 1 of the paper.
  constexpr Stage kStages[] = {{1, 3, 1, 16, 1}, {6, 3, 2, 24, 2},  {6, 5, 2, 40, 2}, {6, 3, 2, 80, 3},
                               {6, 5, 1, 112, 3}, {6, 5, 2, 192, 4}, {6, 3, 1, 320, 1}};
  int f = 1;
  for (const Stage& s : kStages) {
    const std::string p = "features." + std::to_string(f++);
    for (int64_t i = 0; i < s.layers; ++i)
      x = mbconv(b, x, s.expand_ratio, s.kernel, i == 0 ? s.stride : 1, s.out, p + "." + std::to_string(i));
  }
  x = conv_bn_act(b, x, ConvSpec::square(4 * 320, 1, 1), Act::swish, "features." + std::to_string(f));
  x = b.global_avg_pool(x, "avgpool");
  x = b.flatten(x, "flatten");
  x = b.dropout(x, "classifier.0");
  b.gemm(x, 1000, true, "classifier.1");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
