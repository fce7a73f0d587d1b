#include "sim/workload/zoo/blocks.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/workload/shape_inference.hpp"

namespace tilesim::zoo {

TensorId activate(NetworkBuilder& b, TensorId x, Act act, const std::string& name) {
  switch (act) {
    case Act::none: return x;
    case Act::relu: return b.relu(x, name);
    case Act::relu6: return b.relu6(x, name);
    case Act::hard_swish: return b.hard_swish(x, name);
    case Act::hard_sigmoid: return b.hard_sigmoid(x, name);
    case Act::swish: return b.swish(x, name);
    case Act::sigmoid: return b.sigmoid(x, name);
  }
  return x;
}

TensorId conv_bn_act(NetworkBuilder& b, TensorId x, const ConvSpec& spec, Act act, const std::string& name) {
  x = b.conv(x, spec, name);
  x = b.batch_norm(x, name + ".bn");
  return activate(b, x, act, name + ".act");
}

TensorId squeeze_excite(NetworkBuilder& b, TensorId x, int64_t squeeze_channels, Act inner, Act gate,
                        const std::string& name) {
  const int64_t c = b.channels(x);
  TensorId s = b.global_avg_pool(x, name + ".avgpool");
  s = b.conv(s, ConvSpec::square(squeeze_channels, 1, 1, 1, true), name + ".fc1");
  s = activate(b, s, inner, name + ".act");
  s = b.conv(s, ConvSpec::square(c, 1, 1, 1, true), name + ".fc2");
  s = activate(b, s, gate, name + ".gate");
  return b.mul(x, s, name + ".scale");
}

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

int64_t make_divisible(double v, int64_t divisor, int64_t min_value) {
  if (min_value == 0) min_value = divisor;
  int64_t out = std::max(min_value, static_cast<int64_t>(v + divisor / 2.0) / divisor * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

}  // namespace tilesim::zoo
