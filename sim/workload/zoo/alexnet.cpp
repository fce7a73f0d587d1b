// AlexNet as torchvision defines it (torchvision/models/alexnet.py, v0.14: the "one weird trick"
// variant with 64/192/384/256/256 channels and dropout ahead of the first two linear layers).
#include <fmt/format.h>

#include "sim/workload/shape_inference.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

ConvSpec conv(int64_t out, int64_t k, int64_t stride, int64_t pad) {
  ConvSpec c = ConvSpec::square(out, k, stride, 1, /*bias=*/true);
  c.pads = {pad};
  return c;
}

}  // namespace

Network alexnet(const Shape& input) {
  NetworkBuilder b("alexnet");
  TensorId x = b.input(input);
  x = b.conv(x, conv(64, 11, 4, 2), "features.0");
  x = b.relu(x, "features.1");
  x = b.max_pool(x, PoolSpec{3, 2, 0}, "features.2");
  x = b.conv(x, conv(192, 5, 1, 2), "features.3");
  x = b.relu(x, "features.4");
  x = b.max_pool(x, PoolSpec{3, 2, 0}, "features.5");
  x = b.conv(x, conv(384, 3, 1, 1), "features.6");
  x = b.relu(x, "features.7");
  x = b.conv(x, conv(256, 3, 1, 1), "features.8");
  x = b.relu(x, "features.9");
  x = b.conv(x, conv(256, 3, 1, 1), "features.10");
  x = b.relu(x, "features.11");
  x = b.max_pool(x, PoolSpec{3, 2, 0}, "features.12");
  x = adaptive_avg_pool(b, x, 6, "avgpool");
  x = b.flatten(x, "flatten");
  x = b.dropout(x, "classifier.0");
  x = b.gemm(x, 4096, true, "classifier.1");
  x = b.relu(x, "classifier.2");
  x = b.dropout(x, "classifier.3");
  x = b.gemm(x, 4096, true, "classifier.4");
  x = b.relu(x, "classifier.5");
  b.gemm(x, 1000, true, "classifier.6");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
