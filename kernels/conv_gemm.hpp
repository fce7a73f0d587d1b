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

// How an engine cuts a GEMM (chosen by the engine's layout family).
struct GemmTiling {
  int64_t tile_m, tile_n, tile_k;  // output channels, output pixels, reduction per tile
  enum class Parallel {
    rows,                 // ncnn: threads split row tiles only; each walks all pixel tiles
    pixels_by_channels,   // XNNPACK: 2-D tiles, pixel tiles outer (pthreadpool tile_2d)
    channels_by_pixels,   // oneDNN: 2-D tiles, channel blocks outer (balance211 chunks)
  } parallel;
  std::string shape;
};
GemmTiling choose_gemm_tiling(const LoweringContext& c, int64_t M, int64_t N, int64_t K);

// Output transform fused into the GEMM loop (ncnn's Winograd): arithmetic and the output tensor
// of `pixels` pixels written for each tile's share.
struct GemmEpilogue {
  int64_t flops;
  TensorId output;
  int64_t pixels;
};

// Appends the tiles of one GEMM to `phase`; returns the tile shape, e.g. "M16xN24xK288".
std::string gemm_tiles(const LoweringContext& c, Phase& phase, const GemmShape& g,
                       const GemmEpilogue* epilogue = nullptr);

// Packing B before the GEMM (ncnn: its own parallel loop over N x K tiles): each tile reads the
// input region it needs and writes its rows x columns of the workspace `g.b`.
void pack_b_tiles(const LoweringContext& c, Phase& phase, const GemmShape& g, TensorId input, int64_t in_c0,
                  int64_t in_c1, int64_t flops = 0);

}  // namespace tilesim
