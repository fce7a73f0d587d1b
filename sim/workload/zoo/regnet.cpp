// RegNetY-400MF as torchvision 0.14 defines it (torchvision/models/regnet.py): BlockParams
// .from_init_params(depth=16, w_0=48, w_a=27.89, w_m=2.09, group_width=8, se_ratio=0.25),
// which gives stage widths 48/104/208/440 and depths 1/3/6/6; stem 3×3/2 32; ResBottleneckBlock
// with bottleneck multiplier 1, grouped 3×3 (groups = width / 8), squeeze-excite squeezing to
// round(0.25 × block input width) with ReLU and Sigmoid gate, 1×1 projection shortcut where the
// shape changes, ReLU after the residual add. Layers carry torchvision's module paths
// (Conv2dNormActivation modules name their convolution, plus ".bn"/".act").
#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

struct StageParams {
  int64_t width, depth, group_width;
};

// torchvision's BlockParams.from_init_params (QUANT = 8) with bottleneck multiplier 1, including
// _adjust_widths_groups_compatibilty. torch.round rounds half to even, as std::nearbyint does.
std::vector<StageParams> regnet_stages(int depth, double w_0, double w_a, double w_m, int64_t group_width) {
  constexpr double kQuant = 8;
  std::vector<int64_t> block_widths;
  for (int i = 0; i < depth; ++i) {
    const double widths_cont = i * w_a + w_0;
    const double capacity = std::nearbyint(std::log(widths_cont / w_0) / std::log(w_m));
    block_widths.push_back(
        static_cast<int64_t>(std::nearbyint(w_0 * std::pow(w_m, capacity) / kQuant) * kQuant));
  }
  std::vector<StageParams> stages;
  for (int64_t w : block_widths) {
    if (stages.empty() || stages.back().width != w) stages.push_back({w, 0, group_width});
    ++stages.back().depth;
  }
  for (auto& s : stages) {
    s.group_width = std::min(s.group_width, s.width);
    s.width = make_divisible(static_cast<double>(s.width), s.group_width);
  }
  return stages;
}

// ResBottleneckBlock(width_in, width_out, stride, group_width, bottleneck_multiplier=1, se_ratio).
TensorId res_bottleneck_block(NetworkBuilder& b, TensorId x, int64_t width_out, int64_t stride,
                              int64_t group_width, double se_ratio, const std::string& p) {
  const int64_t width_in = b.channels(x);
  const int64_t w_b = width_out;  // int(round(width_out * 1.0))
  const int64_t g = w_b / group_width;
  TensorId shortcut = x;
  if (width_in != width_out || stride != 1)
    shortcut = conv_bn_act(b, x, ConvSpec::square(width_out, 1, stride), Act::none, p + ".proj");
  TensorId y = conv_bn_act(b, x, ConvSpec::square(w_b, 1, 1), Act::relu, p + ".f.a");
  y = conv_bn_act(b, y, ConvSpec::square(w_b, 3, stride, g), Act::relu, p + ".f.b");
  const auto width_se_out = static_cast<int64_t>(std::nearbyint(se_ratio * static_cast<double>(width_in)));
  y = squeeze_excite(b, y, width_se_out, Act::relu, Act::sigmoid, p + ".f.se");
  y = conv_bn_act(b, y, ConvSpec::square(width_out, 1, 1), Act::none, p + ".f.c");
  y = b.add(shortcut, y, p + ".add");
  return b.relu(y, p + ".activation");
}

}  // namespace

Network regnet_y_400mf(const Shape& input) {
  NetworkBuilder b("regnet_y_400mf");
  TensorId x = b.input(input);
  x = conv_bn_act(b, x, ConvSpec::square(32, 3, 2), Act::relu, "stem");
  const auto stages = regnet_stages(16, 48, 27.89, 2.09, 8);
  for (size_t s = 0; s < stages.size(); ++s) {
    const std::string stage = "block" + std::to_string(s + 1);
    for (int64_t i = 0; i < stages[s].depth; ++i)
      x = res_bottleneck_block(b, x, stages[s].width, i == 0 ? 2 : 1, stages[s].group_width, 0.25,
                               "trunk_output." + stage + "." + stage + "-" + std::to_string(i));
  }
  x = b.global_avg_pool(x, "avgpool");
  x = b.flatten(x, "flatten");
  b.gemm(x, 1000, true, "fc");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
