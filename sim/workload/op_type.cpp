#include "sim/workload/op_type.hpp"

#include <array>
#include <utility>

namespace tilesim {
namespace {
constexpr std::array<std::pair<OpType, std::string_view>, 27> kNames{{
    {OpType::Conv, "Conv"},
    {OpType::Gemm, "Gemm"},
    {OpType::MatMul, "MatMul"},
    {OpType::MaxPool, "MaxPool"},
    {OpType::AveragePool, "AveragePool"},
    {OpType::GlobalAveragePool, "GlobalAveragePool"},
    {OpType::BatchNormalization, "BatchNormalization"},
    {OpType::Relu, "Relu"},
    {OpType::Clip, "Clip"},
    {OpType::Sigmoid, "Sigmoid"},
    {OpType::HardSigmoid, "HardSigmoid"},
    {OpType::HardSwish, "HardSwish"},
    {OpType::Swish, "Swish"},
    {OpType::Add, "Add"},
    {OpType::Mul, "Mul"},
    {OpType::Concat, "Concat"},
    {OpType::Split, "Split"},
    {OpType::Slice, "Slice"},
    {OpType::ChannelShuffle, "ChannelShuffle"},
    {OpType::Flatten, "Flatten"},
    {OpType::Reshape, "Reshape"},
    {OpType::Transpose, "Transpose"},
    {OpType::Pad, "Pad"},
    {OpType::Resize, "Resize"},
    {OpType::Softmax, "Softmax"},
    {OpType::Dropout, "Dropout"},
    {OpType::Identity, "Identity"},
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
  switch (t) {
    case OpType::Relu: case OpType::Clip: case OpType::Sigmoid: case OpType::HardSigmoid:
    case OpType::HardSwish: case OpType::Swish:
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
