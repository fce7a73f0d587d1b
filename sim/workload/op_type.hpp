#pragma once
// Operator kinds, named as ONNX names them (ChannelShuffle and Swish have no single ONNX
// operator; they keep the names engines such as ncnn give them).
#include <optional>
#include <string_view>

namespace tilesim {

enum class OpType {
  Conv, Gemm, MatMul,
  MaxPool, AveragePool, GlobalAveragePool,
  BatchNormalization,
  Relu, Clip, Sigmoid, HardSigmoid, HardSwish, Swish,
  Add, Mul, Concat, Split, Slice, ChannelShuffle,
  Flatten, Reshape, Transpose, Pad, Resize, Softmax, Dropout, Identity,
};

std::string_view onnx_name(OpType t);
std::optional<OpType> op_type_from_name(std::string_view name);

// Pointwise activation functions that engines fuse into the producing kernel.
bool is_activation(OpType t);
// Operators that only relabel memory (no arithmetic, no copy in an engine that plans views).
bool is_view(OpType t);

}  // namespace tilesim
