#pragma once
// Operator fusion as an engine performs it: batch-norm folded into the preceding convolution,
// activations applied in the producing kernel's epilogue, a residual add done by the convolution
// that feeds it. Which fusions apply comes from the engine profile.
#include "sim/workload/network.hpp"

namespace tilesim {

struct FusionRules {
  bool conv_batchnorm = true;   // Conv/Gemm + BatchNormalization (folded into the weights)
  bool conv_activation = true;  // Conv/Gemm + pointwise activation
  bool add_activation = true;   // Add + activation (ResNet's add-then-ReLU)
  bool conv_add = false;        // Conv + Add of a residual (a "sum" post-op)

  static FusionRules none() { return {false, false, false, false}; }
};

// Returns a new network in which fused operators are folded into the operator that performs them
// (listed in Operator::fused, their weights and extra inputs carried over). An intermediate
// tensor is fused away only when the fused operator is its sole consumer.
Network fuse(const Network& net, const FusionRules& rules);

}  // namespace tilesim
