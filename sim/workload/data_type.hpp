#pragma once
// Element data types of tensors and of arithmetic.
#include <cstdint>
#include <string_view>

namespace tilesim {

enum class DataType { fp32, fp16, int8 };

constexpr int64_t bytes_per_element(DataType t) {
  switch (t) {
    case DataType::fp32: return 4;
    case DataType::fp16: return 2;
    case DataType::int8: return 1;
  }
  return 4;
}

constexpr std::string_view to_string(DataType t) {
  switch (t) {
    case DataType::fp32: return "fp32";
    case DataType::fp16: return "fp16";
    case DataType::int8: return "int8";
  }
  return "fp32";
}

}  // namespace tilesim
