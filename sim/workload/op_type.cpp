#include "sim/workload/op_type.hpp"

#include <array>
#include <utility>

namespace tilesim {
namespace {
constexpr std::array<std::pair<OpType, std::string_view>, 60> kNames{{
    {OpType::Conv, "Conv"},
    {OpType::ConvTranspose, "ConvTranspose"},
    {OpType::Gemm, "Gemm"},
    {OpType::MatMul, "MatMul"},
    {OpType::MaxPool, "MaxPool"},
    {OpType::AveragePool, "AveragePool"},
    {OpType::GlobalAveragePool, "GlobalAveragePool"},
    {OpType::BatchNormalization, "BatchNormalization"},
    {OpType::LayerNormalization, "LayerNormalization"},
    {OpType::LRN, "LRN"},
    {OpType::Relu, "Relu"},
    {OpType::LeakyRelu, "LeakyRelu"},
    {OpType::Clip, "Clip"},
    {OpType::Sigmoid, "Sigmoid"},
    {OpType::HardSigmoid, "HardSigmoid"},
    {OpType::HardSwish, "HardSwish"},
    {OpType::Swish, "Swish"},
    {OpType::Mish, "Mish"},
    {OpType::Gelu, "Gelu"},
    {OpType::Tanh, "Tanh"},
    {OpType::Exp, "Exp"},
    {OpType::Log, "Log"},
    {OpType::Sqrt, "Sqrt"},
    {OpType::Abs, "Abs"},
    {OpType::Neg, "Neg"},
    {OpType::Reciprocal, "Reciprocal"},
    {OpType::Erf, "Erf"},
    {OpType::Add, "Add"},
    {OpType::Sub, "Sub"},
    {OpType::Mul, "Mul"},
    {OpType::Div, "Div"},
    {OpType::Max, "Max"},
    {OpType::Min, "Min"},
    {OpType::Pow, "Pow"},
    {OpType::ReduceMean, "ReduceMean"},
    {OpType::ReduceSum, "ReduceSum"},
    {OpType::ReduceMax, "ReduceMax"},
    {OpType::ReduceMin, "ReduceMin"},
    {OpType::ReduceProd, "ReduceProd"},
    {OpType::ReduceL1, "ReduceL1"},
    {OpType::ReduceL2, "ReduceL2"},
    {OpType::ReduceSumSquare, "ReduceSumSquare"},
    {OpType::ReduceLogSumExp, "ReduceLogSumExp"},
    {OpType::Concat, "Concat"},
    {OpType::Split, "Split"},
    {OpType::Slice, "Slice"},
    {OpType::Gather, "Gather"},
    {OpType::ChannelShuffle, "ChannelShuffle"},
    {OpType::Flatten, "Flatten"},
    {OpType::Reshape, "Reshape"},
    {OpType::Transpose, "Transpose"},
    {OpType::Pad, "Pad"},
    {OpType::Resize, "Resize"},
    {OpType::Softmax, "Softmax"},
    {OpType::Cast, "Cast"},
    {OpType::Dropout, "Dropout"},
    {OpType::Identity, "Identity"},
    {OpType::PriorBox, "PriorBox"},
    {OpType::DetectionOutput, "DetectionOutput"},
    {OpType::Unmodelled, "Unmodelled"},
}};
}  // namespace

std::string_view onnx_name(OpType t) {
  for (const auto& [type, name] : kNames)
    if (type == t) return name;
  return "Unknown";
}

std::optional<OpType> op_type_from_name(std::string_view name) {
  for (const auto& [type, n] : kNames)
    if (n == name) return type;
  return std::nullopt;
}

bool is_activation(OpType t) {
  switch (t) {  // what ncnn's convolution epilogue (activation_type 1-6) and XNNPACK's clamps apply
    case OpType::Relu: case OpType::LeakyRelu: case OpType::Clip: case OpType::Sigmoid:
    case OpType::HardSigmoid: case OpType::HardSwish: case OpType::Swish: case OpType::Mish:
      return true;
    default:
      return false;
  }
}

bool is_binary(OpType t) {
  switch (t) {
    case OpType::Add: case OpType::Sub: case OpType::Mul: case OpType::Div: case OpType::Max:
    case OpType::Min: case OpType::Pow:
      return true;
    default:
      return false;
  }
}

bool is_reduction(OpType t) {
  switch (t) {
    case OpType::ReduceMean: case OpType::ReduceSum: case OpType::ReduceMax: case OpType::ReduceMin:
    case OpType::ReduceProd: case OpType::ReduceL1: case OpType::ReduceL2: case OpType::ReduceSumSquare:
    case OpType::ReduceLogSumExp:
      return true;
    default:
      return false;
  }
}

bool is_view(OpType t) {
  switch (t) {
    case OpType::Flatten: case OpType::Reshape: case OpType::Dropout: case OpType::Identity:
      return true;
    default:
      return false;
  }
}

}  // namespace tilesim
