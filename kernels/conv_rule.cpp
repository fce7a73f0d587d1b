#include "kernels/conv_rule.hpp"

namespace tilesim {

bool ConvRule::matches(const ConvShape& s) const {
  if (kernel > 0 && (s.kernel_h != kernel || s.kernel_w != kernel)) return false;
  if (stride > 0 && s.stride != stride) return false;
  if (dilation > 0 && s.dilation != dilation) return false;
  if (groups == "dense" && s.groups != 1) return false;
  if (groups == "depthwise" && !s.depthwise()) return false;
  if (groups == "grouped" && (s.groups == 1 || s.depthwise())) return false;
  if (precision != "any" && precision != to_string(s.precision)) return false;
  return s.in_channels >= min_input_channels && s.in_channels <= max_input_channels &&
         s.out_channels >= min_output_channels && s.out_channels <= max_output_channels &&
         s.out_pixels >= min_output_pixels && s.out_pixels <= max_output_pixels;
}

const std::vector<std::string>& ConvRule::algorithms() {
  static const std::vector<std::string> a{
      // CPU
      "gemm_1x1", "im2col_gemm", "igemm", "direct", "winograd_f23", "winograd_f43", "winograd_f63",
      "depthwise_direct",
      // GPU
      "gpu_gemm_1x1", "gpu_direct", "gpu_winograd_f23", "gpu_winograd_f43", "gpu_depthwise"};
  return a;
}

const std::vector<Field<ConvRule>>& ConvRule::fields() {
  using R = ConvRule;
  static const std::vector<Field<R>> f{
      {{"algorithm", Unit::count, "the algorithm run when the rule matches", std::nullopt, "", 0, 0, false,
        algorithms(), true}, &R::algorithm},
      {{"kernel", Unit::count, "square kernel size (0 = any)", 0.0, "", 0, 15, true}, &R::kernel},
      {{"stride", Unit::count, "stride (0 = any)", 0.0, "", 0, 8, true}, &R::stride},
      {{"dilation", Unit::count, "dilation (0 = any)", 0.0, "", 0, 8, true}, &R::dilation},
      {{"groups", Unit::count, "which grouping the rule applies to", std::nullopt, "any", 0, 0, false,
        {"any", "dense", "grouped", "depthwise"}, true}, &R::groups},
      {{"precision", Unit::count, "which compute precision the rule applies to", std::nullopt, "any", 0, 0, false,
        {"any", "fp32", "fp16"}, true}, &R::precision},
      {{"min_input_channels", Unit::count, "fewest input channels", 0.0, "", 0, 1e9, true}, &R::min_input_channels},
      {{"max_input_channels", Unit::count, "most input channels", 1e9, "", 0, 1e9, true}, &R::max_input_channels},
      {{"min_output_channels", Unit::count, "fewest output channels", 0.0, "", 0, 1e9, true}, &R::min_output_channels},
      {{"max_output_channels", Unit::count, "most output channels", 1e9, "", 0, 1e9, true}, &R::max_output_channels},
      {{"min_output_pixels", Unit::count, "fewest output pixels (H x W)", 0.0, "", 0, 1e12, true},
       &R::min_output_pixels},
      {{"max_output_pixels", Unit::count, "most output pixels (H x W)", 1e12, "", 0, 1e12, true},
       &R::max_output_pixels},
  };
  return f;
}

const Section& ConvRule::section() {
  static const Section s{"conv_rule", "a convolution algorithm rule", declarations(fields()), {}, nullptr, ""};
  return s;
}

}  // namespace tilesim
