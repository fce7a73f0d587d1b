#pragma once
// Winograd F(m x m, 3 x 3) convolution as ncnn runs it: an input transform of (m+2)^2 tiles per
// input channel, (m+2)^2 independent GEMMs over the transformed tiles, and an output transform,
// each its own parallel loop. The multiplies drop from 9 m^2 to (m+2)^2 per tile and channel
// pair; the transforms' own arithmetic is counted explicitly.
#include "kernels/lowering_context.hpp"

namespace tilesim {

struct WinogradCost {
  int64_t tiles;                   // output tiles: ceil(H/m) x ceil(W/m) x batch
  int64_t alpha;                   // m + 2
  int64_t input_transform_flops;   // all input channels
  int64_t gemm_flops;              // the alpha^2 batched GEMMs
  int64_t output_transform_flops;  // all output channels
};

// Transforms are counted as the dense matrix products B^T d B and A^T M A, halved for the zeros
// of B and A: 2 alpha^3 per input tile and channel, m alpha (alpha + m) per output tile and channel.
WinogradCost winograd_cost(int64_t m, int64_t out_h, int64_t out_w, int64_t batch, int64_t in_channels,
                           int64_t out_channels);

// Lowers a dense 3x3 stride-1 convolution; `epilogue_flops` (bias, fused activations) go to the
// output transform.
void winograd_plan(const LoweringContext& c, KernelPlan& plan, int64_t m, int64_t epilogue_flops);

}  // namespace tilesim
