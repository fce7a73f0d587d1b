// DenseNet-121 (DenseNet-BC, growth 32, blocks 6/12/24/16, 64 initial features, bottleneck 4×)
// as torchvision defines it (torchvision/models/densenet.py, v0.14). Its drop_rate is 0, so no
// dropout runs. Every dense layer concatenates all the features before it (torchvision's
// bn_function); for a block's first layer that list holds one tensor, and the copy torch.cat
// makes of it is left out.
#include <vector>

#include "sim/workload/network_builder.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

constexpr int64_t kGrowth = 32, kBnSize = 4;

// _DenseLayer: cat → norm1 → relu1 → conv1 (1×1) → norm2 → relu2 → conv2 (3×3), no biases.
TensorId dense_layer(NetworkBuilder& b, const std::vector<TensorId>& features, const std::string& p) {
  TensorId x = features.size() == 1 ? features.front() : b.concat(features, p + ".cat");
  x = b.batch_norm(x, p + ".norm1");
  x = b.relu(x, p + ".relu1");
  x = b.conv(x, ConvSpec::square(kBnSize * kGrowth, 1), p + ".conv1");
  x = b.batch_norm(x, p + ".norm2");
  x = b.relu(x, p + ".relu2");
  return b.conv(x, ConvSpec::square(kGrowth, 3), p + ".conv2");
}

TensorId dense_block(NetworkBuilder& b, TensorId x, int layers, const std::string& p) {
  std::vector<TensorId> features{x};
  for (int i = 0; i < layers; ++i)
    features.push_back(dense_layer(b, features, p + ".denselayer" + std::to_string(i + 1)));
  return b.concat(features, p + ".cat");
}

// _Transition: norm → relu → conv (1×1, no bias) → AvgPool2d(2, 2).
TensorId transition(NetworkBuilder& b, TensorId x, int64_t out, const std::string& p) {
  x = b.batch_norm(x, p + ".norm");
  x = b.relu(x, p + ".relu");
  x = b.conv(x, ConvSpec::square(out, 1), p + ".conv");
  return b.avg_pool(x, PoolSpec{2, 2, 0}, p + ".pool");
}

}  // namespace

Network densenet121(const Shape& input) {
  constexpr int block_config[] = {6, 12, 24, 16};
  NetworkBuilder b("densenet121");
  TensorId x = b.input(input);
  x = b.conv(x, ConvSpec::square(64, 7, 2), "features.conv0");
  x = b.batch_norm(x, "features.norm0");
  x = b.relu(x, "features.relu0");
  x = b.max_pool(x, PoolSpec{3, 2, 1}, "features.pool0");
  for (int i = 0; i < 4; ++i) {
    const std::string n = std::to_string(i + 1);
    x = dense_block(b, x, block_config[i], "features.denseblock" + n);
    if (i != 3) x = transition(b, x, b.channels(x) / 2, "features.transition" + n);
  }
  x = b.batch_norm(x, "features.norm5");
  x = b.relu(x, "relu");                // F.relu in DenseNet.forward
  x = b.global_avg_pool(x, "avgpool");  // F.adaptive_avg_pool2d(out, (1, 1))
  x = b.flatten(x, "flatten");
  b.gemm(x, 1000, true, "classifier");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
