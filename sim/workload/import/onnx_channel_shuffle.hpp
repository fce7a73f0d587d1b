#pragma once
// Internal to the ONNX importer: a pass over the imported graph that finds PyTorch's channel
// shuffle (Reshape, Transpose, Reshape) and makes it the one ChannelShuffle tilesim models.
#include "sim/workload/network.hpp"

namespace tilesim::onnx_import {

// Reshape [N,C,H,W] -> [N,g,C/g,H,W], Transpose {0,2,1,3,4}, Reshape back to [N,C,H,W] (how
// PyTorch writes ShuffleNet's channel shuffle) becomes one ChannelShuffle named after the first Reshape.
Network fuse_channel_shuffles(Network net);

}  // namespace tilesim::onnx_import
