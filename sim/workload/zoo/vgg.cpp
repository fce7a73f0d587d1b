// VGG-16 (configuration "D", no batch-norm) as torchvision defines it (torchvision/models/vgg.py,
// v0.14).
#include <fmt/format.h>

#include "sim/workload/shape_inference.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

// torchvision's AdaptiveAvgPool2d((out, out)). Its windows are equal and disjoint only when the
// input size divides by the output size, so the pool is written as an identity where the size
// already matches (224×224 input: 7×7 in, 7×7 out) and as avg_pool with kernel = stride = in/out
// where it divides; any other size has no fixed-window equivalent and is refused.
TensorId adaptive_avg_pool(NetworkBuilder& b, TensorId x, int64_t out, const std::string& name) {
  const int64_t h = b.shape(x).at(2), w = b.shape(x).at(3);
  if (h == out && w == out) return b.identity(x, name);
  if (h == w && h > out && h % out == 0) {
    PoolSpec p;
    p.kernel = p.stride = h / out;
    return b.avg_pool(x, p, name);
  }
  throw ShapeError(fmt::format("AdaptiveAvgPool2d '{}': {}x{} input cannot pool to {}x{} with a fixed window",
                               name, h, w, out, out));
}

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
