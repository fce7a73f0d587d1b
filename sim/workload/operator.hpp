#pragma once
// One operator (a node of the workload graph) with its ONNX-style attributes.
#include <string>
#include <vector>

#include "sim/workload/op_type.hpp"
#include "sim/workload/tensor.hpp"

namespace tilesim {

using OpId = int32_t;

struct OpAttrs {
  // Conv and pooling, in ONNX conventions: [kh, kw], [sh, sw], [top, left, bottom, right], [dh, dw].
  std::vector<int64_t> kernel_shape;
  std::vector<int64_t> strides{1, 1};
  std::vector<int64_t> pads{0, 0, 0, 0};
  std::vector<int64_t> dilations{1, 1};
  int64_t group = 1;           // Conv groups; ChannelShuffle groups
  int64_t units = 0;           // Conv output channels; Gemm output features
  bool ceil_mode = false;      // pooling output size rounding
  bool count_include_pad = false;
  int64_t axis = 1;            // Concat, Split, Slice, Softmax, Flatten
  std::vector<int64_t> split;  // Split: sizes along axis; Slice: {begin, end} along axis
  std::vector<int64_t> perm;   // Transpose
  Shape target_shape;          // Reshape (-1 infers one dimension); Resize output H, W
  float clip_min = 0.0f, clip_max = 6.0f;  // Clip (Relu6 by default)
};

// An operator merged into another by a fusion pass, kept for reporting.
struct FusedOp {
  OpType type;
  std::string name;
};

struct Operator {
  std::string name;
  OpType type = OpType::Identity;
  OpAttrs attrs;
  std::vector<TensorId> inputs;   // activations, in operator order (data first)
  std::vector<TensorId> weights;  // constants: weights, biases, batch-norm parameters
  std::vector<TensorId> outputs;
  std::vector<FusedOp> fused;     // operators folded into this one, in execution order
};

}  // namespace tilesim
