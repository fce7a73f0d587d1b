#pragma once
// One operator (a node of the workload graph) with its ONNX-style attributes.
#include <optional>
#include <string>
#include <vector>

#include "sim/workload/op_type.hpp"
#include "sim/workload/tensor.hpp"

namespace tilesim {

using OpId = int32_t;

enum class ResizeMode { nearest, linear, cubic };

struct OpAttrs {
  // Conv, ConvTranspose and pooling, in ONNX conventions: [kh, kw], [sh, sw],
  // [top, left, bottom, right], [dh, dw].
  std::vector<int64_t> kernel_shape;
  std::vector<int64_t> strides{1, 1};
  // Pad: [top, left, bottom, right] of a 4-D tensor, or ONNX's begin values then end values of
  // every axis (2 x rank entries).
  std::vector<int64_t> pads{0, 0, 0, 0};
  std::vector<int64_t> dilations{1, 1};
  std::vector<int64_t> output_padding{0, 0};  // ConvTranspose: extra rows and columns at the end
  int64_t group = 1;           // Conv groups; ChannelShuffle groups
  int64_t units = 0;           // Conv output channels; Gemm output features
  int64_t size = 0;            // LRN: channels in the normalisation window
  bool ceil_mode = false;      // pooling output size rounding
  bool count_include_pad = false;
  int64_t axis = 1;            // Concat, Split, Slice, Gather, Softmax, Flatten, LayerNormalization
  std::vector<int64_t> split;  // Split: sizes along axis; Slice: {begin, end} along axis
  int64_t step = 1;            // Slice: stride along axis
  std::vector<int64_t> axes;   // reductions: axes reduced (empty: all)
  bool keepdims = true;        // reductions
  std::vector<int64_t> perm;   // Transpose
  Shape target_shape;          // Reshape (-1 infers one dimension); Resize output H, W; Gather indices' shape
  ResizeMode resize_mode = ResizeMode::linear;
  float clip_min = 0.0f, clip_max = 6.0f;  // Clip (Relu6 by default)
  // PriorBox, DetectionOutput, Unmodelled: output shapes the model file states (no rule derives them).
  std::vector<Shape> output_shapes;
};

// An operator merged into another by a fusion pass, kept for reporting.
struct FusedOp {
  OpType type;
  std::string name;
};

struct Operator {
  std::string name;
  OpType type = OpType::Identity;
  std::string source_type;        // the operator as the model file names it ("Convolution", "NonMaxSuppression")
  std::optional<DataType> compute_type;  // arithmetic the model fixes (ncnn's int8 layers); unset: the run's
  OpAttrs attrs;
  std::vector<TensorId> inputs;   // activations, in operator order (data first)
  std::vector<TensorId> weights;  // constants: weights, biases, batch-norm parameters
  std::vector<TensorId> outputs;
  std::vector<FusedOp> fused;     // operators folded into this one, in execution order

  // Output shapes come from the file (attrs.output_shapes), not from a rule.
  bool output_shapes_fixed() const {
    return type == OpType::PriorBox || type == OpType::DetectionOutput || type == OpType::Unmodelled;
  }
  // Its cost is a stand-in (bytes in and out at the achievable bandwidth), not a model.
  bool approximate() const { return type == OpType::Unmodelled; }
};

}  // namespace tilesim
