// GoogLeNet (Inception v1) as torchvision defines it (torchvision/models/googlenet.py, v0.14), in
// eval mode: the auxiliary classifiers run only in training and are left out (as with
// aux_logits=False). transform_input (off by default) only rescales the three input channels
// elementwise and is omitted. Branch 3's "5×5" convolution is a 3×3 one in torchvision (its
// known bug, pytorch/vision#906) and is kept 3×3 here. BasicConv2d is conv (no bias) →
// BatchNorm2d(eps=0.001) → ReLU; the epsilon changes neither shapes nor costs, so it is not kept.
#include "sim/workload/network_builder.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

// torchvision's BasicConv2d, named "<p>.conv", "<p>.bn", "<p>.relu".
TensorId basic_conv(NetworkBuilder& b, TensorId x, int64_t out, int64_t k, int64_t stride, const std::string& p) {
  x = b.conv(x, ConvSpec::square(out, k, stride), p + ".conv");
  x = b.batch_norm(x, p + ".bn");
  return b.relu(x, p + ".relu");
}

struct InceptionSpec {
  int64_t ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj;
};

TensorId inception(NetworkBuilder& b, TensorId x, const InceptionSpec& s, const std::string& p) {
  TensorId b1 = basic_conv(b, x, s.ch1x1, 1, 1, p + ".branch1");
  TensorId b2 = basic_conv(b, x, s.ch3x3red, 1, 1, p + ".branch2.0");
  b2 = basic_conv(b, b2, s.ch3x3, 3, 1, p + ".branch2.1");
  TensorId b3 = basic_conv(b, x, s.ch5x5red, 1, 1, p + ".branch3.0");
  b3 = basic_conv(b, b3, s.ch5x5, 3, 1, p + ".branch3.1");  // 3×3, as in torchvision
  TensorId b4 = b.max_pool(x, PoolSpec{3, 1, 1, /*ceil_mode=*/true}, p + ".branch4.0");
  b4 = basic_conv(b, b4, s.pool_proj, 1, 1, p + ".branch4.1");
  return b.concat({b1, b2, b3, b4}, p + ".cat");
}

}  // namespace

Network googlenet(const Shape& input) {
  NetworkBuilder b("googlenet");
  TensorId x = b.input(input);
  x = basic_conv(b, x, 64, 7, 2, "conv1");
  x = b.max_pool(x, PoolSpec{3, 2, 0, true}, "maxpool1");
  x = basic_conv(b, x, 64, 1, 1, "conv2");
  x = basic_conv(b, x, 192, 3, 1, "conv3");
  x = b.max_pool(x, PoolSpec{3, 2, 0, true}, "maxpool2");

  x = inception(b, x, {64, 96, 128, 16, 32, 32}, "inception3a");
  x = inception(b, x, {128, 128, 192, 32, 96, 64}, "inception3b");
  x = b.max_pool(x, PoolSpec{3, 2, 0, true}, "maxpool3");

  x = inception(b, x, {192, 96, 208, 16, 48, 64}, "inception4a");
  x = inception(b, x, {160, 112, 224, 24, 64, 64}, "inception4b");
  x = inception(b, x, {128, 128, 256, 24, 64, 64}, "inception4c");
  x = inception(b, x, {112, 144, 288, 32, 64, 64}, "inception4d");
  x = inception(b, x, {256, 160, 320, 32, 128, 128}, "inception4e");
  x = b.max_pool(x, PoolSpec{2, 2, 0, true}, "maxpool4");

  x = inception(b, x, {256, 160, 320, 32, 128, 128}, "inception5a");
  x = inception(b, x, {384, 192, 384, 48, 128, 128}, "inception5b");

  x = b.global_avg_pool(x, "avgpool");  // AdaptiveAvgPool2d((1, 1))
  x = b.flatten(x, "flatten");
  x = b.dropout(x, "dropout");
  b.gemm(x, 1000, true, "fc");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
