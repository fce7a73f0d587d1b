// MobileNetV3 Large and Small (width 1.0) as torchvision 0.14 defines them
// (torchvision/models/mobilenetv3.py): inverted residuals with optional SqueezeExcitation
// (squeeze make_divisible(c/4, 8), ReLU, hard-sigmoid gate), ReLU or hard-swish, and the
// classifier Linear → Hardswish → Dropout → Linear.
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

// One row of Tables 1 and 2 of the paper (torchvision's InvertedResidualConfig, width 1.0).
struct Bneck {
  int64_t in, kernel, expanded, out;
  bool use_se, use_hs;
  int64_t stride;
};

TensorId inverted_residual(NetworkBuilder& b, TensorId x, const Bneck& c, const std::string& p) {
  const bool use_res_connect = c.stride == 1 && c.in == c.out;
  const Act act = c.use_hs ? Act::hard_swish : Act::relu;
  int idx = 0;
  auto next = [&] { return p + ".block." + std::to_string(idx++); };
  TensorId y = x;
  if (c.expanded != c.in) y = conv_bn_act(b, y, ConvSpec::square(c.expanded, 1, 1), act, next());  // expand
  y = conv_bn_act(b, y, ConvSpec::square(c.expanded, c.kernel, c.stride, c.expanded), act, next());  // depthwise
  if (c.use_se)
    y = squeeze_excite(b, y, make_divisible(static_cast<double>(c.expanded / 4), 8), Act::relu,
                       Act::hard_sigmoid, next());
  y = conv_bn_act(b, y, ConvSpec::square(c.out, 1, 1), Act::none, next());  // project
  if (use_res_connect) y = b.add(y, x, p + ".add");
  return y;
}

template <size_t N>
Network mobilenet_v3(const std::string& name, const Shape& input, const Bneck (&setting)[N],
                     int64_t last_channel) {
  NetworkBuilder b(name);
  TensorId x = b.input(input);
  x = conv_bn_act(b, x, ConvSpec::square(setting[0].in, 3, 2), Act::hard_swish, "features.0");
  int f = 1;
  for (const Bneck& c : setting) x = inverted_residual(b, x, c, "features." + std::to_string(f++));
  x = conv_bn_act(b, x, ConvSpec::square(6 * setting[N - 1].out, 1, 1), Act::hard_swish,
                  "features." + std::to_string(f));
  x = b.global_avg_pool(x, "avgpool");
  x = b.flatten(x, "flatten");
  x = b.gemm(x, last_channel, true, "classifier.0");
  x = b.hard_swish(x, "classifier.1");
  x = b.dropout(x, "classifier.2");
  b.gemm(x, 1000, true, "classifier.3");
  return std::move(b).finish();
}

constexpr bool RE = false, HS = true;

}  // namespace

Network mobilenet_v3_large(const Shape& input) {
  constexpr Bneck kSetting[] = {
      {16, 3, 16, 16, false, RE, 1},   {16, 3, 64, 24, false, RE, 2},   {24, 3, 72, 24, false, RE, 1},
      {24, 5, 72, 40, true, RE, 2},    {40, 5, 120, 40, true, RE, 1},   {40, 5, 120, 40, true, RE, 1},
      {40, 3, 240, 80, false, HS, 2},  {80, 3, 200, 80, false, HS, 1},  {80, 3, 184, 80, false, HS, 1},
      {80, 3, 184, 80, false, HS, 1},  {80, 3, 480, 112, true, HS, 1},  {112, 3, 672, 112, true, HS, 1},
      {112, 5, 672, 160, true, HS, 2}, {160, 5, 960, 160, true, HS, 1}, {160, 5, 960, 160, true, HS, 1},
  };
  return mobilenet_v3("mobilenet_v3_large", input, kSetting, 1280);
}

Network mobilenet_v3_small(const Shape& input) {
  constexpr Bneck kSetting[] = {
      {16, 3, 16, 16, true, RE, 2},  {16, 3, 72, 24, false, RE, 2}, {24, 3, 88, 24, false, RE, 1},
      {24, 5, 96, 40, true, HS, 2},  {40, 5, 240, 40, true, HS, 1}, {40, 5, 240, 40, true, HS, 1},
      {40, 5, 120, 48, true, HS, 1}, {48, 5, 144, 48, true, HS, 1}, {48, 5, 288, 96, true, HS, 2},
      {96, 5, 576, 96, true, HS, 1}, {96, 5, 576, 96, true, HS, 1},
  };
  return mobilenet_v3("mobilenet_v3_small", input, kSetting, 1024);
}

}  // namespace tilesim::zoo
