#pragma once
// One rule of an engine's convolution algorithm choice (configs/engines/*.yaml, `conv_rules`):
// a shape condition and the algorithm the engine runs when it holds. Rules are tried in file
// order; the first that matches wins, as the engines' own if/else chains do.
#include <string>
#include <vector>

#include "hwmodels/section.hpp"
#include "sim/workload/data_type.hpp"

namespace tilesim {

// What a rule can test about a convolution.
struct ConvShape {
  int64_t kernel_h = 1, kernel_w = 1, stride = 1, dilation = 1, groups = 1;
  int64_t in_channels = 1, out_channels = 1, out_pixels = 1;  // out_pixels = H_out x W_out
  DataType precision = DataType::fp32;
  bool depthwise() const { return groups > 1 && groups == in_channels && groups == out_channels; }
};

struct ConvRule {
  std::string name;
  std::string algorithm;
  double kernel = 0, stride = 0, dilation = 0;  // 0 = any
  std::string groups = "any";                   // any | dense | grouped | depthwise
  std::string precision = "any";                // any | fp32 | fp16
  double min_input_channels = 0, max_input_channels = 1e9;
  double min_output_channels = 0, max_output_channels = 1e9;
  double min_output_pixels = 0, max_output_pixels = 1e12;

  bool matches(const ConvShape& s) const;

  static const std::vector<std::string>& algorithms();
  static const std::vector<Field<ConvRule>>& fields();
  static const Section& section();
};

}  // namespace tilesim
