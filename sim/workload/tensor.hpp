#pragma once
// A tensor of the workload graph: an activation produced by an operator, the network input,
// or a constant (weights, biases, batch-norm parameters).
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "sim/workload/data_type.hpp"

namespace tilesim {

using Shape = std::vector<int64_t>;
using TensorId = int32_t;

enum class TensorKind { input, activation, weight };

struct Tensor {
  std::string name;
  Shape shape;  // NCHW for 4-D activations, OIHW for convolution weights
  DataType dtype = DataType::fp32;
  TensorKind kind = TensorKind::activation;
  bool learnable = true;  // false for batch-norm running statistics (PyTorch counts no params there)

  int64_t elements() const {
    return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
  }
  int64_t bytes() const { return elements() * bytes_per_element(dtype); }
};

std::string shape_to_string(const Shape& s, char sep = 'x');

// Larger tensors than this (2^36 elements, 256 GiB in fp32) are no network a phone runs: a model
// file that implies one is malformed or hostile.
constexpr int64_t kMaxTensorElements = int64_t{1} << 36;
// Kernel sizes, strides, dilations and padding beyond this are no layer's, and refused before any
// arithmetic on them could overflow.
constexpr int64_t kMaxWindowAttribute = int64_t{1} << 24;
// Elements of `s`, or nothing when a dimension is negative or the count or any one dimension passes
// kMaxTensorElements (so that no product, and no sum of a dimension with padding, overflows int64).
std::optional<int64_t> checked_elements(const Shape& s);

}  // namespace tilesim
