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

// The convolution algorithms an engine's rules choose among.
enum class ConvAlgorithm {
  gemm_1x1, im2col_gemm, igemm, direct, winograd_f23, winograd_f43, winograd_f63, depthwise_direct,  // CPU
  gpu_gemm_1x1, gpu_direct, gpu_winograd_f23, gpu_winograd_f43, gpu_depthwise                         // GPU
};
const ChoiceTable<ConvAlgorithm>& conv_algorithm_names();
const std::string& name_of(ConvAlgorithm a);
bool is_gpu_algorithm(ConvAlgorithm a);
// F(m, 3): the output tile edge m of a Winograd algorithm, 0 for any other.
int winograd_output_tile(ConvAlgorithm a);

enum class GroupKind { any, dense, grouped, depthwise };
enum class RulePrecision { any, fp32, fp16 };

struct ConvRule {
  std::string name;
  ConvAlgorithm algorithm = ConvAlgorithm::im2col_gemm;  // required: every rule states it
  int64_t kernel = 0, stride = 0, dilation = 0;          // 0 = any
  GroupKind groups = GroupKind::any;
  RulePrecision precision = RulePrecision::any;
  int64_t min_input_channels = 0, max_input_channels = 1'000'000'000;
  int64_t min_output_channels = 0, max_output_channels = 1'000'000'000;
  int64_t min_output_pixels = 0, max_output_pixels = 1'000'000'000'000;

  bool matches(const ConvShape& s) const;

  static const std::vector<Field<ConvRule>>& fields();
  static const Section& section();
};

}  // namespace tilesim
