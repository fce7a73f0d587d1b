#pragma once
// Layers engines parallelise over channels or rows rather than as GEMM: depthwise convolution,
// pooling, elementwise operators and copies (concat, split, shuffle, pad, resize).
#include "kernels/lowering_context.hpp"

namespace tilesim {

// One tile per element pack of output channels, over every output in turn (ncnn: `omp parallel
// for` over channels / elempack). Inputs are read for the channels each output pack needs.
void channel_pack_tiles(const LoweringContext& c, Phase& phase, int64_t flops, bool reads_weights);

// `n` tiles, each reading 1/n of every input and writing 1/n of every output (by channels where a
// tensor has n or more, else by pixels): layers whose outputs do not map onto input channels
// (reductions, gathers, post-processing, stand-ins for unmodelled operators).
void proportional_tiles(const LoweringContext& c, Phase& phase, int64_t flops, int64_t n);

// One tile per output row, all channels (XNNPACK's NHWC depthwise and pooling: pthreadpool over
// output rows); each reads the input rows its window covers.
void output_row_tiles(const LoweringContext& c, Phase& phase, int64_t flops, bool reads_weights);

}  // namespace tilesim
