// ProxylessNAS-Mobile (Cai et al., ICLR 2019), the mobile-specialised network of
// mit-han-lab/proxylessnas (proxyless_mobile.config, built by ProxylessNASNets in
// proxyless_nas/nas_modules.py and layers.py). Block list: kernel sizes, expand ratios, strides and
// skips from that repository's TFLite op profile (logs/proxyless_mobile_10_latency.txt, 20 MBConv
// blocks, 13 residual adds); widths 16 / 32 / 40 / 80 / 96 / 192 / 320, as in the published net
// (the 32-wide second stage reproduces the repository's logs/imagenet_mobile_log.txt exactly:
// 4.08 M params, 320.4 M FLOPs; the search-space LUT's 24 does not). The two zero-op blocks of the
// second stage (blocks.3, blocks.4) pass their input through and emit nothing.
// first_conv 3×3/2 32 + BN + ReLU6; MBInvertedConvLayer = [1×1 expand + BN + ReLU6 if ratio > 1],
// k×k depthwise + BN + ReLU6, 1×1 + BN; identity shortcut added where the shape allows;
// feature_mix_layer 1×1 1280 + BN + ReLU6; global average pool; flatten; classifier Linear 1280 →
// 1000 with bias (dropout_rate 0 in the reference run, so no Dropout module).
// Layers carry the reference's module paths (the Sequential holding each convolution, plus ".bn"/".act").
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

struct MBConv {
  int64_t out, kernel, expand, stride;  // out == 0: zero layer (block skipped)
};

TensorId mb_block(NetworkBuilder& b, TensorId x, const MBConv& c, const std::string& p) {
  const int64_t in = b.channels(x);
  const int64_t feature_dim = in * c.expand;
  const std::string m = p + ".mobile_inverted_conv";
  TensorId y = x;
  if (c.expand > 1)
    y = conv_bn_act(b, y, ConvSpec::square(feature_dim, 1, 1), Act::relu6, m + ".inverted_bottleneck");
  y = conv_bn_act(b, y, ConvSpec::square(feature_dim, c.kernel, c.stride, feature_dim), Act::relu6,
                  m + ".depth_conv");
  y = conv_bn_act(b, y, ConvSpec::square(c.out, 1, 1), Act::none, m + ".point_linear");
  if (c.stride == 1 && in == c.out) y = b.add(x, y, p + ".add");  // IdentityLayer shortcut
  return y;
}

}  // namespace

Network proxylessnas_mobile(const Shape& input) {
  // blocks.0 … blocks.21 of the reference; {out, kernel, expand ratio, stride}.
  const MBConv blocks[] = {
      {16, 3, 1, 1},                                                     // 112×112
      {32, 5, 3, 2},  {32, 3, 3, 1},  {0, 0, 0, 0},   {0, 0, 0, 0},      // 56×56
      {40, 7, 3, 2},  {40, 3, 3, 1},  {40, 5, 3, 1},  {40, 5, 3, 1},     // 28×28
      {80, 7, 6, 2},  {80, 5, 3, 1},  {80, 5, 3, 1},  {80, 5, 3, 1},     // 14×14
      {96, 5, 6, 1},  {96, 5, 3, 1},  {96, 5, 3, 1},  {96, 5, 3, 1},     // 14×14
      {192, 7, 6, 2}, {192, 7, 6, 1}, {192, 7, 3, 1}, {192, 7, 3, 1},    // 7×7
      {320, 7, 6, 1},                                                    // 7×7
  };
  NetworkBuilder b("proxylessnas_mobile");
  TensorId x = b.input(input);
  x = conv_bn_act(b, x, ConvSpec::square(32, 3, 2), Act::relu6, "first_conv");
  int index = 0;
  for (const MBConv& c : blocks) {
    const std::string p = "blocks." + std::to_string(index++);
    if (c.out != 0) x = mb_block(b, x, c, p);
  }
  x = conv_bn_act(b, x, ConvSpec::square(1280, 1, 1), Act::relu6, "feature_mix_layer");
  x = b.global_avg_pool(x, "global_avg_pooling");
  x = b.flatten(x, "flatten");
  b.gemm(x, 1000, true, "classifier.linear");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
