#pragma once
// Operator kinds, named as ONNX names them (ChannelShuffle and Swish have no single ONNX
// operator; they keep the names engines such as ncnn give them).
#include <optional>
#include <string_view>

namespace tilesim {

enum class OpType {
  Conv, ConvTranspose, Gemm, MatMul,
  MaxPool, AveragePool, GlobalAveragePool,
  BatchNormalization, LayerNormalization, LRN,
  Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Swish, Mish, Gelu,
  Tanh, Exp, Log, Sqrt, Abs, Neg, Reciprocal, Erf,
  Add, Sub, Mul, Div, Max, Min, Pow,
  ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSumExp,
  Concat, Split, Slice, Gather, ChannelShuffle,
  Flatten, Reshape, Transpose, Pad, Resize, Softmax, Cast, Dropout, Identity,
  PriorBox, DetectionOutput,  // SSD/YOLO post-processing (ncnn's own layers): decode and NMS
  Unmodelled,                 // an operator tilesim has no model of: a memory-bound stand-in
};

std::string_view onnx_name(OpType t);
std::optional<OpType> op_type_from_name(std::string_view name);

// Pointwise activation functions that engines fuse into the producing kernel.
bool is_activation(OpType t);
// Elementwise operators of two (broadcast) operands.
bool is_binary(OpType t);
// Reductions over `axes` (ReduceMean, ReduceMax, ...).
bool is_reduction(OpType t);
// Operators that only relabel memory (no arithmetic, no copy in an engine that plans views).
bool is_view(OpType t);

}  // namespace tilesim
