#pragma once
// Convolution as GEMM: C[out channels x out pixels] = W[out channels x K] * B[K x out pixels],
// tiled as the engine tiles it. ncnn (packed NCHW) walks MR-row tiles of output channels and
// splits them statically over threads; XNNPACK (NHWC) walks MR-pixel rows by NC-channel columns
// and hands the 2-D tile grid to pthreadpool.
#include "kernels/lowering_context.hpp"

namespace tilesim {

// Where B comes from: a graph tensor's channels [c0, c1) (pixels mapped proportionally from the
// output's), or a workspace laid out as K rows x out pixels (im2col).
struct GemmB {
  TensorId tensor;
  int64_t c0, c1;
  bool workspace = false;
  int64_t workspace_rows = 0;
};

struct GemmShape {
  int64_t M, N, K;          // output channels (of this group), output pixels, reduction
  TensorId weights;         // opaque blocks, one per row tile
  int64_t weight_block0 = 0;
  GemmB b;
  TensorId out;             // graph tensor or workspace
  int64_t out_c0 = 0;       // first output channel of this group
  int64_t out_channels = 0; // the output's whole channel count
  int64_t batch = 1;        // independent GEMMs of this shape done per tile (Winograd's alpha^2)
  int64_t pixel_stride = 1; // output pixels per column (Winograd: alpha^2 workspace pixels per tile)
};

// Appends the tiles of one GEMM to `phase`; returns the tile shape, e.g. "M16xN24xK288".
std::string gemm_tiles(const LoweringContext& c, Phase& phase, const GemmShape& g);

// im2col packing for `gemm_tiles` reading a workspace: one item per column panel, reading the
// input region it needs and writing K rows x panel columns.
void im2col_tiles(const LoweringContext& c, Phase& phase, const GemmShape& g, TensorId input, int64_t in_c0,
                  int64_t in_c1, TensorId workspace);

}  // namespace tilesim
