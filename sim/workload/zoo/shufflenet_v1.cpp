// ShuffleNet v1, groups = 3, 1.0× (Zhang et al. 2017, Table 1), laid out as megvii-model/
// ShuffleNet-Series ShuffleNetV1/network.py and blocks.py (ShuffleNetV1(group=3, model_size='1.0x')):
// first_conv 3×3/2 24 + BN + ReLU, maxpool 3×3/2; stages of 4/8/4 ShuffleV1Blocks with outputs
// 240/480/960 and bottleneck out/4. branch_main_1: grouped 1×1 (not grouped in the very first
// block) + BN + ReLU, depthwise 3×3 + BN; channel shuffle (g = 3); branch_main_2: grouped 1×1 + BN.
// Stride 1: ReLU(x + branch); stride 2: concat(AvgPool 3×3/2 pad 1 of x, ReLU(branch)), the branch
// producing out − in channels. Classifier: Linear 960 → 1000 without bias.
// Differences that do not change shapes or counts: megvii pools with AvgPool2d(7), here a global
// average pool (the same at 224, and valid at other sizes); megvii's shuffle reshapes to
// (channels/g, g) before the transpose, the paper's (and this ChannelShuffle's) to (g, channels/g).
// Layers carry megvii's module paths, each convolution its own, its BN/ReLU that name + ".bn"/".act".
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

TensorId shuffle_v1_block(NetworkBuilder& b, TensorId x, int64_t oup, int64_t group, bool first_group,
                          int64_t stride, const std::string& p) {
  const int64_t inp = b.channels(x);
  const int64_t mid_channels = oup / 4;
  const int64_t outputs = stride == 2 ? oup - inp : oup;
  TensorId y = conv_bn_act(b, x, ConvSpec::square(mid_channels, 1, 1, first_group ? 1 : group), Act::relu,
                           p + ".branch_main_1.0");
  y = conv_bn_act(b, y, ConvSpec::square(mid_channels, 3, stride, mid_channels), Act::none,
                  p + ".branch_main_1.3");
  y = b.channel_shuffle(y, group, p + ".channel_shuffle");
  y = conv_bn_act(b, y, ConvSpec::square(outputs, 1, 1, group), Act::none, p + ".branch_main_2.0");
  if (stride == 1) return b.relu(b.add(y, x, p + ".add"), p + ".relu");
  TensorId proj = b.avg_pool(x, PoolSpec{3, 2, 1}, p + ".branch_proj");
  return b.concat({proj, b.relu(y, p + ".relu")}, p + ".cat");
}

}  // namespace

Network shufflenet_v1_g3(const Shape& input) {
  constexpr int64_t kGroup = 3;
  const int stage_repeats[3] = {4, 8, 4};
  const int64_t stage_out_channels[3] = {240, 480, 960};
  NetworkBuilder b("shufflenet_v1_g3");
  TensorId x = b.input(input);
  x = conv_bn_act(b, x, ConvSpec::square(24, 3, 2), Act::relu, "first_conv");
  x = b.max_pool(x, PoolSpec{3, 2, 1}, "maxpool");
  int block = 0;
  for (int s = 0; s < 3; ++s)
    for (int i = 0; i < stage_repeats[s]; ++i, ++block)
      x = shuffle_v1_block(b, x, stage_out_channels[s], kGroup, s == 0 && i == 0, i == 0 ? 2 : 1,
                           "features." + std::to_string(block));
  x = b.global_avg_pool(x, "globalpool");
  x = b.flatten(x, "view");
  b.gemm(x, 1000, false, "classifier.0");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
