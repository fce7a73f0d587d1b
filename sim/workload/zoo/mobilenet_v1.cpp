// MobileNetV1 1.0 as the paper defines it (Howard et al. 2017, "MobileNets", Table 1): a 3×3/2
// convolution to 32 channels, 13 depthwise-separable blocks (3×3 depthwise + BN + ReLU, then 1×1
// pointwise + BN + ReLU), global average pooling and a 1000-way fully connected layer with bias.
// torchvision has no MobileNetV1; layer names follow the usual PyTorch layout ("features.i").
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {

Network mobilenet_v1(const Shape& input) {
  NetworkBuilder b("mobilenet");
  TensorId x = b.input(input);
  x = conv_bn_act(b, x, ConvSpec::square(32, 3, 2), Act::relu, "features.0");
  // {pointwise output channels, depthwise stride}; the paper's last "dw / s2" row keeps 7×7,
  // i.e. it runs at stride 1, as every implementation does.
  struct Row {
    int64_t out, stride;
  };
  constexpr Row kRows[] = {{64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},  {512, 1},
                           {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  int i = 1;
  for (const Row& r : kRows) {
    const std::string p = "features." + std::to_string(i++);
    const int64_t c = b.channels(x);
    x = conv_bn_act(b, x, ConvSpec::square(c, 3, r.stride, c), Act::relu, p + ".0");
    x = conv_bn_act(b, x, ConvSpec::square(r.out, 1, 1), Act::relu, p + ".1");
  }
  x = b.global_avg_pool(x, "avgpool");
  x = b.flatten(x, "flatten");
  b.gemm(x, 1000, true, "fc");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
