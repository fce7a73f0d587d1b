// VGG-16 (configuration "D", no batch-norm) as torchvision defines it (torchvision/models/vgg.py,
// v0.14).
#include <fmt/format.h>

#include "sim/workload/shape_inference.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

constexpr int64_t kMaxPool = 0;  // "M" in torchvision's cfgs

}  // namespace

Network vgg16(const Shape& input) {
  static constexpr int64_t cfg_d[] = {64,  64,  kMaxPool, 128, 128, kMaxPool, 256, 256, 256, kMaxPool,
                                      512, 512, 512, kMaxPool, 512, 512, 512, kMaxPool};
  NetworkBuilder b("vgg16");
  TensorId x = b.input(input);
  int index = 0;  // position in torchvision's features Sequential
  auto next = [&index] { return "features." + std::to_string(index++); };
  for (int64_t v : cfg_d) {
    if (v == kMaxPool) {
      x = b.max_pool(x, PoolSpec{2, 2, 0}, next());
    } else {
      x = b.conv(x, ConvSpec::square(v, 3, 1, 1, /*bias=*/true), next());
      x = b.relu(x, next());
    }
  }
  x = adaptive_avg_pool(b, x, 7, "avgpool");
  x = b.flatten(x, "flatten");
  x = b.gemm(x, 4096, true, "classifier.0");
  x = b.relu(x, "classifier.1");
  x = b.dropout(x, "classifier.2");
  x = b.gemm(x, 4096, true, "classifier.3");
  x = b.relu(x, "classifier.4");
  x = b.dropout(x, "classifier.5");
  b.gemm(x, 1000, true, "classifier.6");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
