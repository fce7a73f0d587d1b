#pragma once
// Arithmetic and data volume of one operator: what a layer costs before any engine lowers it.
#include <cstdint>

#include "sim/workload/network.hpp"

namespace tilesim {

struct OpCost {
  int64_t macs = 0;          // multiply-accumulates of Conv, Gemm and MatMul (torchvision's count)
  int64_t flops = 0;         // all arithmetic: 2 per MAC, plus pooling, activations, elementwise
  int64_t params = 0;        // learnable parameters as PyTorch counts them
  int64_t input_bytes = 0;   // activations read
  int64_t output_bytes = 0;  // activations written
  int64_t weight_bytes = 0;  // constants read (learnable or not)
};

OpCost op_cost(const Network& net, OpId id);

// Arithmetic per output element of a pointwise operator applied on its own or fused into another.
// Batch-norm after a convolution costs nothing once folded into its weights.
int64_t pointwise_flops_per_element(OpType t, bool fused_into_producer);

struct NetworkTotals {
  int64_t macs = 0, flops = 0, params = 0;
  int64_t layers = 0;
};
NetworkTotals network_totals(const Network& net);

}  // namespace tilesim
