// ResNet-18 and ResNet-50 as torchvision defines them (torchvision/models/resnet.py, v1.5:
// the stride of a bottleneck sits on its 3×3 convolution).
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

TensorId basic_block(NetworkBuilder& b, TensorId x, int64_t planes, int64_t stride, const std::string& p) {
  TensorId identity = x;
  TensorId y = conv_bn_act(b, x, ConvSpec::square(planes, 3, stride), Act::relu, p + ".conv1");
  y = conv_bn_act(b, y, ConvSpec::square(planes, 3, 1), Act::none, p + ".conv2");
  if (stride != 1 || b.channels(x) != planes)
    identity = conv_bn_act(b, x, ConvSpec::square(planes, 1, stride), Act::none, p + ".downsample.0");
  y = b.add(y, identity, p + ".add");
  return b.relu(y, p + ".relu");
}

TensorId bottleneck(NetworkBuilder& b, TensorId x, int64_t planes, int64_t stride, const std::string& p) {
  constexpr int64_t kExpansion = 4;
  TensorId identity = x;
  TensorId y = conv_bn_act(b, x, ConvSpec::square(planes, 1, 1), Act::relu, p + ".conv1");
  y = conv_bn_act(b, y, ConvSpec::square(planes, 3, stride), Act::relu, p + ".conv2");
  y = conv_bn_act(b, y, ConvSpec::square(planes * kExpansion, 1, 1), Act::none, p + ".conv3");
  if (stride != 1 || b.channels(x) != planes * kExpansion)
    identity = conv_bn_act(b, x, ConvSpec::square(planes * kExpansion, 1, stride), Act::none,
                           p + ".downsample.0");
  y = b.add(y, identity, p + ".add");
  return b.relu(y, p + ".relu");
}

Network resnet(const std::string& name, const Shape& input, bool use_bottleneck, const int (&blocks)[4]) {
  NetworkBuilder b(name);
  TensorId x = b.input(input);
  x = conv_bn_act(b, x, ConvSpec::square(64, 7, 2), Act::relu, "conv1");
  x = b.max_pool(x, PoolSpec{3, 2, 1}, "maxpool");
  const int64_t planes[4] = {64, 128, 256, 512};
  for (int stage = 0; stage < 4; ++stage)
    for (int i = 0; i < blocks[stage]; ++i) {
      const int64_t stride = (stage > 0 && i == 0) ? 2 : 1;
      const std::string p = "layer" + std::to_string(stage + 1) + "." + std::to_string(i);
      x = use_bottleneck ? bottleneck(b, x, planes[stage], stride, p)
                         : basic_block(b, x, planes[stage], stride, p);
    }
  x = b.global_avg_pool(x, "avgpool");
  x = b.flatten(x, "flatten");
  b.gemm(x, 1000, true, "fc");
  return std::move(b).finish();
}

}  // namespace

Network resnet18(const Shape& input) { return resnet("resnet18", input, false, {2, 2, 2, 2}); }
Network resnet50(const Shape& input) { return resnet("resnet50", input, true, {3, 4, 6, 3}); }

}  // namespace tilesim::zoo
