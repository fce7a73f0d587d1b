// ShuffleNet V2 1.0× as torchvision 0.14 defines it (torchvision/models/shufflenetv2.py:
// stages_repeats [4, 8, 4], stages_out_channels [24, 116, 232, 464, 1024]). A stride-1 unit
// chunks its input in two (Split), runs branch2 on the second half and concatenates; a stride-2
// unit concatenates branch1 and branch2 of the whole input. Every unit ends in channel_shuffle(·, 2)
// (view/transpose/view in torchvision, one ChannelShuffle operator here). Layers carry
// torchvision's module paths: each convolution its own (e.g. "stage2.0.branch2.0"), its
// batch-norm and ReLU that name plus ".bn"/".act".
#include "sim/workload/zoo/blocks.hpp"
#include "sim/workload/zoo/models.hpp"

namespace tilesim::zoo {
namespace {

// torchvision's InvertedResidual(inp, oup, stride).
TensorId inverted_residual(NetworkBuilder& b, TensorId x, int64_t oup, int64_t stride, const std::string& p) {
  const int64_t inp = b.channels(x);
  const int64_t branch_features = oup / 2;
  auto depthwise = [](int64_t c, int64_t s) { return ConvSpec::square(c, 3, s, c); };
  auto branch2 = [&](TensorId y) {
    y = conv_bn_act(b, y, ConvSpec::square(branch_features, 1, 1), Act::relu, p + ".branch2.0");
    y = conv_bn_act(b, y, depthwise(branch_features, stride), Act::none, p + ".branch2.3");
    return conv_bn_act(b, y, ConvSpec::square(branch_features, 1, 1), Act::relu, p + ".branch2.5");
  };
  TensorId out;
  if (stride == 1) {
    const auto halves = b.split(x, {inp / 2, inp - inp / 2}, p + ".chunk");  // x.chunk(2, dim=1)
    out = b.concat({halves[0], branch2(halves[1])}, p + ".cat");
  } else {
    TensorId y1 = conv_bn_act(b, x, depthwise(inp, stride), Act::none, p + ".branch1.0");
    y1 = conv_bn_act(b, y1, ConvSpec::square(branch_features, 1, 1), Act::relu, p + ".branch1.2");
    out = b.concat({y1, branch2(x)}, p + ".cat");
  }
  return b.channel_shuffle(out, 2, p + ".channel_shuffle");
}

}  // namespace

Network shufflenet_v2_x1_0(const Shape& input) {
  const int stages_repeats[3] = {4, 8, 4};
  const int64_t stages_out_channels[5] = {24, 116, 232, 464, 1024};
  NetworkBuilder b("shufflenet_v2_x1_0");
  TensorId x = b.input(input);
  x = conv_bn_act(b, x, ConvSpec::square(stages_out_channels[0], 3, 2), Act::relu, "conv1");
  x = b.max_pool(x, PoolSpec{3, 2, 1}, "maxpool");
  for (int s = 0; s < 3; ++s)
    for (int i = 0; i < stages_repeats[s]; ++i)
      x = inverted_residual(b, x, stages_out_channels[s + 1], i == 0 ? 2 : 1,
                            "stage" + std::to_string(s + 2) + "." + std::to_string(i));
  x = conv_bn_act(b, x, ConvSpec::square(stages_out_channels[4], 1, 1), Act::relu, "conv5");
  x = b.global_avg_pool(x, "globalpool");  // x.mean([2, 3])
  x = b.flatten(x, "globalpool.flatten");
  b.gemm(x, 1000, true, "fc");
  return std::move(b).finish();
}

}  // namespace tilesim::zoo
