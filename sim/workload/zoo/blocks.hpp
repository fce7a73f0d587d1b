#pragma once
// Building blocks shared by several zoo models (conv-bn-activation, squeeze-excite, rounding).
#include <string>

#include "sim/workload/network_builder.hpp"

namespace tilesim::zoo {

enum class Act { none, relu, relu6, hard_swish, hard_sigmoid, swish, sigmoid };

TensorId activate(NetworkBuilder& b, TensorId x, Act act, const std::string& name);

// Convolution (no bias) → batch-norm → activation; the convolution carries `name`.
TensorId conv_bn_act(NetworkBuilder& b, TensorId x, const ConvSpec& spec, Act act, const std::string& name);

// torchvision's SqueezeExcitation: global average pool, 1×1 conv (bias) → inner activation,
// 1×1 conv (bias) → gate activation, then the input scaled channel-wise.
TensorId squeeze_excite(NetworkBuilder& b, TensorId x, int64_t squeeze_channels, Act inner, Act gate,
                        const std::string& name);

// torchvision's AdaptiveAvgPool2d((out, out)). Its windows are equal and disjoint only when the
// input size divides by the output size, so the pool is written as an identity where the size
// already matches (224x224 input) and as avg_pool with kernel = stride = in/out where it divides;
// any other size has no fixed-window equivalent and is refused (ShapeError).
TensorId adaptive_avg_pool(NetworkBuilder& b, TensorId x, int64_t out, const std::string& name);

// Rounds channels to a multiple of divisor, never below 90% of v (torchvision's _make_divisible).
int64_t make_divisible(double v, int64_t divisor, int64_t min_value = 0);

}  // namespace tilesim::zoo
