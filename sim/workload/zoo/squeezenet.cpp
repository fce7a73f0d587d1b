// SqueezeNet 1.1 as torchvision defines it (torchvision/models/squeezenet.py, v0.14).
#include "sim/workload/network_builder.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

// torchvision's Fire module: squeeze 1×1 → ReLU, then 1×1 and 3×3 expands (each → ReLU)
// concatenated along channels. Every convolution has a bias.
TensorId fire(NetworkBuilder& b, TensorId x, int64_t squeeze, int64_t expand1x1, int64_t expand3x3,
              const std::string& p) {
  x = b.conv(x, ConvSpec::square(squeeze, 1, 1, 1, true), p + ".squeeze");
  x = b.relu(x, p + ".squeeze_activation");
  TensorId e1 = b.conv(x, ConvSpec::square(expand1x1, 1, 1, 1, true), p + ".expand1x1");
  e1 = b.relu(e1, p + ".expand1x1_activation");
  TensorId e3 = b.conv(x, ConvSpec::square(expand3x3, 3, 1, 1, true), p + ".expand3x3");
  e3 = b.relu(e3, p + ".expand3x3_activation");
  return b.concat({e1, e3}, p + ".cat");
}

}  // namespace

Network squeezenet1_1(const Shape& input) {
  NetworkBuilder b("squeezenet1_1");
  TensorId x = b.input(input);
  ConvSpec stem = ConvSpec::square(64, 3, 2, 1, true);
  stem.pads = {0};  // torchvision's Conv2d(3, 64, kernel_size=3, stride=2): no padding
  x = b.conv(x, stem, "features.0");
  x = b.relu(x, "features.1");
  const PoolSpec pool{3, 2, 0, /*ceil_mode=*/true};
  x = b.max_pool(x, pool, "features.2");
  x = fire(b, x, 16, 64, 64, "features.3");
  x = fire(b, x, 16, 64, 64, "features.4");
  x = b.max_pool(x, pool, "features.5");
  x = fire(b, x, 32, 128, 128, "features.6");
  x = fire(b, x, 32, 128, 128, "features.7");
  x = b.max_pool(x, pool, "features.8");
  x = fire(b, x, 48, 192, 192, "features.9");
  x = fire(b, x, 48, 192, 192, "features.10");
  x = fire(b, x, 64, 256, 256, "features.11");
  x = fire(b, x, 64, 256, 256, "features.12");

  x = b.dropout(x, "classifier.0");
  x = b.conv(x, ConvSpec::square(1000, 1, 1, 1, true), "classifier.1");
  x = b.relu(x, "classifier.2");
  x = b.global_avg_pool(x, "classifier.3");  // AdaptiveAvgPool2d((1, 1))
  b.flatten(x, "flatten");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
