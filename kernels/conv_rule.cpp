#include "kernels/conv_rule.hpp"

namespace tilesim {

bool ConvRule::matches(const ConvShape& s) const {
  if (kernel > 0 && (s.kernel_h != kernel || s.kernel_w != kernel)) return false;
  if (stride > 0 && s.stride != stride) return false;
  if (dilation > 0 && s.dilation != dilation) return false;
  if (groups == GroupKind::dense && s.groups != 1) return false;
  if (groups == GroupKind::depthwise && !s.depthwise()) return false;
  if (groups == GroupKind::grouped && (s.groups == 1 || s.depthwise())) return false;
  if (precision == RulePrecision::fp32 && s.precision != DataType::fp32) return false;
  if (precision == RulePrecision::fp16 && s.precision != DataType::fp16) return false;
  return s.in_channels >= min_input_channels && s.in_channels <= max_input_channels &&
         s.out_channels >= min_output_channels && s.out_channels <= max_output_channels &&
         s.out_pixels >= min_output_pixels && s.out_pixels <= max_output_pixels;
}

const ChoiceTable<ConvAlgorithm>& conv_algorithm_names() {
  using A = ConvAlgorithm;
  static const ChoiceTable<A> t{
      {"gemm_1x1", A::gemm_1x1},         {"im2col_gemm", A::im2col_gemm},           {"igemm", A::igemm},
      {"direct", A::direct},             {"winograd_f23", A::winograd_f23},         {"winograd_f43", A::winograd_f43},
      {"winograd_f63", A::winograd_f63}, {"depthwise_direct", A::depthwise_direct}, {"gpu_gemm_1x1", A::gpu_gemm_1x1},
      {"gpu_direct", A::gpu_direct},     {"gpu_winograd_f23", A::gpu_winograd_f23}, {"gpu_winograd_f43", A::gpu_winograd_f43},
      {"gpu_depthwise", A::gpu_depthwise}};
  return t;
}

const std::string& name_of(ConvAlgorithm a) { return choice_name(conv_algorithm_names(), a); }

bool is_gpu_algorithm(ConvAlgorithm a) { return a >= ConvAlgorithm::gpu_gemm_1x1; }

int winograd_output_tile(ConvAlgorithm a) {
  switch (a) {
    case ConvAlgorithm::winograd_f23:
    case ConvAlgorithm::gpu_winograd_f23: return 2;
    case ConvAlgorithm::winograd_f43:
    case ConvAlgorithm::gpu_winograd_f43: return 4;
    case ConvAlgorithm::winograd_f63: return 6;
    default: return 0;
  }
}

const std::vector<Field<ConvRule>>& ConvRule::fields() {
  using R = ConvRule;
  static const ChoiceTable<GroupKind> groups{{"any", GroupKind::any},
                                             {"dense", GroupKind::dense},
                                             {"grouped", GroupKind::grouped},
                                             {"depthwise", GroupKind::depthwise}};
  static const ChoiceTable<RulePrecision> precisions{
      {"any", RulePrecision::any}, {"fp32", RulePrecision::fp32}, {"fp16", RulePrecision::fp16}};
  auto count = [](const char* key, const char* meaning, double def, double max) {
    return ParamDecl{.key = key, .meaning = meaning, .default_value = def, .max = max, .integral = true};
  };
  static const std::vector<Field<R>> f{
      choice_field<R>({.key = "algorithm", .meaning = "the algorithm run when the rule matches"}, &R::algorithm,
                      conv_algorithm_names()),
      {count("kernel", "square kernel size (0 = any)", 0, 15), &R::kernel},
      {count("stride", "stride (0 = any)", 0, 8), &R::stride},
      {count("dilation", "dilation (0 = any)", 0, 8), &R::dilation},
      choice_field<R>({.key = "groups", .meaning = "which grouping the rule applies to", .default_text = "any"},
                      &R::groups, groups),
      choice_field<R>({.key = "precision", .meaning = "which compute precision the rule applies to",
                       .default_text = "any"},
                      &R::precision, precisions),
      {count("min_input_channels", "fewest input channels", 0, 1e9), &R::min_input_channels},
      {count("max_input_channels", "most input channels", 1e9, 1e9), &R::max_input_channels},
      {count("min_output_channels", "fewest output channels", 0, 1e9), &R::min_output_channels},
      {count("max_output_channels", "most output channels", 1e9, 1e9), &R::max_output_channels},
      {count("min_output_pixels", "fewest output pixels (H x W)", 0, 1e12), &R::min_output_pixels},
      {count("max_output_pixels", "most output pixels (H x W)", 1e12, 1e12), &R::max_output_pixels},
  };
  return f;
}

const Section& ConvRule::section() {
  static const Section s{.name = "conv_rule", .meaning = "a convolution algorithm rule", .params = declarations(fields())};
  return s;
}

}  // namespace tilesim
