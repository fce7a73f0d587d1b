// MobileNetV2 (width 1.0) as torchvision 0.14 defines it (torchvision/models/mobilenetv2.py):
// inverted residuals with ReLU6, a linear 1×1 projection, and Dropout + Linear as classifier.
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

// torchvision's InvertedResidual; `p` is its module path ("features.N").
TensorId inverted_residual(NetworkBuilder& b, TensorId x, int64_t oup, int64_t stride, int64_t expand_ratio,
                           const std::string& p) {
  const int64_t inp = b.channels(x);
  const int64_t hidden = inp * expand_ratio;
  const bool use_res_connect = stride == 1 && inp == oup;
  int idx = 0;
  auto next = [&] { return p + ".conv." + std::to_string(idx++); };
  TensorId y = x;
  if (expand_ratio != 1) y = conv_bn_act(b, y, ConvSpec::square(hidden, 1, 1), Act::relu6, next());  // pw
  y = conv_bn_act(b, y, ConvSpec::square(hidden, 3, stride, hidden), Act::relu6, next());           // dw
  y = b.conv(y, ConvSpec::square(oup, 1, 1), next());                                                // pw-linear
  y = b.batch_norm(y, next());
  if (use_res_connect) y = b.add(x, y, p + ".add");
  return y;
}

}  // namespace

Network mobilenet_v2(const Shape& input) {
  NetworkBuilder b("mobilenet_v2");
  TensorId x = b.input(input);
  x = conv_bn_act(b, x, ConvSpec::square(32, 3, 2), Act::relu6, "features.0");
  struct Setting {
    int64_t t, c, n, s;
  };
  constexpr Setting kSettings[] = {{1, 16, 1, 1},  {6, 24, 2, 2},  {6, 32, 3, 2},  {6, 64, 4, 2},
                                   {6, 96, 3, 1},  {6, 160, 3, 2}, {6, 320, 1, 1}};
  int f = 1;
  for (const Setting& st : kSettings)
    for (int64_t i = 0; i < st.n; ++i)
      x = inverted_residual(b, x, make_divisible(static_cast<double>(st.c), 8), i == 0 ? st.s : 1, st.t,
                            "features." + std::to_string(f++));
  x = conv_bn_act(b, x, ConvSpec::square(1280, 1, 1), Act::relu6, "features." + std::to_string(f));
  x = b.global_avg_pool(x, "avgpool");  // nn.functional.adaptive_avg_pool2d(x, (1, 1))
  x = b.flatten(x, "flatten");
  x = b.dropout(x, "classifier.0");
  b.gemm(x, 1000, true, "classifier.1");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
