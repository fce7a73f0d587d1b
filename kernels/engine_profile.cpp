#include "kernels/engine_profile.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/config_tree.hpp"
#include "hwmodels/soc_loader.hpp"

namespace tilesim {
namespace fs = std::filesystem;

FusionRules EngineProfile::fusion() const {
  return {fuse_conv_batchnorm, fuse_conv_activation, fuse_add_activation, fuse_conv_add};
}

DataType EngineProfile::auto_precision(const CoreSpec& core) const {
  const bool armv82 = core.isa == "armv8.2" || core.isa == "armv9";
  if (armv82 && precision_armv82 == "fp16" && core.fp16_flops_per_cycle > 0) return DataType::fp16;
  return DataType::fp32;
}

const ConvRule& EngineProfile::conv_rule(const ConvShape& shape) const {
  for (const ConvRule& r : conv_rules)
    if (r.matches(shape)) return r;
  throw ConfigError(fmt::format("engine '{}': no conv_rules entry matches a {}x{} stride-{} convolution with {} groups; "
                                "end the rules with one that matches everything",
                                name, shape.kernel_h, shape.kernel_w, shape.stride, shape.groups));
}

int64_t EngineProfile::mr(DataType t) const {
  return static_cast<int64_t>(t == DataType::fp16 && gemm_mr_fp16 > 0 ? gemm_mr_fp16 : gemm_mr);
}
int64_t EngineProfile::nr(DataType t) const {
  return static_cast<int64_t>(t == DataType::fp16 && gemm_nr_fp16 > 0 ? gemm_nr_fp16 : gemm_nr);
}
int64_t EngineProfile::pack(DataType t) const {
  return static_cast<int64_t>(t == DataType::fp16 ? pack_fp16 : pack_fp32);
}

const std::vector<Field<EngineProfile>>& EngineProfile::fields() {
  using E = EngineProfile;
  auto flag = [](const char* key, const char* meaning, bool def) {
    return ParamDecl{key, Unit::count, meaning, def ? 1.0 : 0.0, "", 0, 1, false, {}, false, true};
  };
  auto text = [](const char* key, const char* meaning, const char* def, std::vector<std::string> choices) {
    return ParamDecl{key, Unit::count, meaning, std::nullopt, def, 0, 0, false, std::move(choices), true};
  };
  static const std::vector<Field<E>> f{
      {text("target", "what the engine runs on", "", {"cpu", "gpu"}), &E::target},
      {text("layout", "activation layout", "", {"nchw_packed", "nhwc", "nchw_blocked"}), &E::layout},
      {text("precision_armv82", "CPU: precision of --precision auto on ARMv8.2+ cores", "fp32", {"fp16", "fp32"}),
       &E::precision_armv82},
      {text("gpu_precision", "GPU: precision of --precision auto", "fp16", {"fp16", "fp32"}), &E::gpu_precision},
      {text("partition", "how a parallel loop's tiles are split over threads", "static", {"static", "tile2d", "dynamic"}),
       &E::partition},
      {{"tiles_per_thread", Unit::count, "tile2d: tiles each thread should get", 1.0, "", 1, 64}, &E::tiles_per_thread},
      {{"barrier_overhead", Unit::seconds, "cost of the barrier ending each parallel loop", 0.0, "", 0, 1e-3},
       &E::barrier_overhead},
      {{"wakeup_overhead", Unit::seconds, "cost of waking worker threads for a layer", 0.0, "", 0, 1e-3},
       &E::wakeup_overhead},
      {{"gemm_mr", Unit::count, "fp32 micro-kernel rows", 8.0, "", 1, 64, true}, &E::gemm_mr},
      {{"gemm_nr", Unit::count, "fp32 micro-kernel columns", 8.0, "", 1, 64, true}, &E::gemm_nr},
      {{"gemm_mr_fp16", Unit::count, "fp16 micro-kernel rows (0 = as fp32)", 0.0, "", 0, 64, true}, &E::gemm_mr_fp16},
      {{"gemm_nr_fp16", Unit::count, "fp16 micro-kernel columns (0 = as fp32)", 0.0, "", 0, 64, true},
       &E::gemm_nr_fp16},
      {flag("im2col_workspace", "B is packed (im2col) into a workspace before the GEMM", true), &E::im2col_workspace},
      {flag("skip_padded_taps", "direct convolutions skip kernel taps that fall in the zero padding", false),
       &E::skip_padded_taps},
      {flag("winograd_output_in_gemm", "Winograd's output transform runs inside the GEMM loop", false),
       &E::winograd_output_in_gemm},
      {{"gemm_efficiency", Unit::ratio, "fraction of peak the GEMM inner loop reaches", std::nullopt, "", 0.05, 1},
       &E::gemm_efficiency},
      {{"depthwise_efficiency", Unit::ratio, "fraction of peak direct depthwise loops reach", std::nullopt, "", 0.05,
        1}, &E::depthwise_efficiency},
      {{"elementwise_efficiency", Unit::ratio, "fraction of peak pooling, elementwise and transform loops reach",
        std::nullopt, "", 0.01, 1}, &E::elementwise_efficiency},
      {{"pack_fp32", Unit::count, "channels per element pack in fp32", 4.0, "", 1, 64, true}, &E::pack_fp32},
      {{"pack_fp16", Unit::count, "channels per element pack in fp16", 8.0, "", 1, 64, true}, &E::pack_fp16},
      {{"gpu_local_size", Unit::count, "GPU: invocations per workgroup", 64.0, "", 1, 1024, true}, &E::gpu_local_size},
      {{"gpu_channels_per_invocation", Unit::count, "GPU: output channels one invocation computes", 4.0, "", 1, 64,
        true}, &E::gpu_channels_per_invocation},
      {{"gpu_pixels_per_invocation", Unit::count, "GPU: output pixels one invocation computes", 1.0, "", 1, 64, true},
       &E::gpu_pixels_per_invocation},
      {{"gpu_registers_per_invocation", Unit::count, "GPU: 32-bit registers one invocation holds", 32.0, "", 1, 255,
        true}, &E::gpu_registers_per_invocation},
      {flag("gpu_host_copies", "GPU: timings include host<->device upload and download", false), &E::gpu_host_copies},
      {flag("fuse_conv_batchnorm", "fold batch-norm into the preceding convolution", true), &E::fuse_conv_batchnorm},
      {flag("fuse_conv_activation", "apply activations in the convolution's epilogue", true),
       &E::fuse_conv_activation},
      {flag("fuse_add_activation", "apply an activation in the residual add", false), &E::fuse_add_activation},
      {flag("fuse_conv_add", "add a residual in the convolution's epilogue", false), &E::fuse_conv_add},
  };
  return f;
}

const Section& EngineProfile::section() {
  static const Section rules{"conv_rules", "convolution algorithm rules, first match wins", {}, {},
                             &ConvRule::section(), ""};
  static const Section s{"engine", "an inference engine profile", declarations(fields()), {{"conv_rules", &rules}},
                         nullptr, "engines"};
  return s;
}

std::vector<std::string> builtin_engines() { return preset_names("engines"); }

EngineProfile load_engine(const std::string& name_or_path) {
  const bool is_path = name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".yaml");
  if (!is_path) {
    const auto names = builtin_engines();
    if (std::find(names.begin(), names.end(), name_or_path) == names.end()) {
      const std::string hint = nearest(name_or_path, names);
      throw ConfigError(fmt::format("unknown engine '{}'{}; built-in engines: {}", name_or_path,
                                    hint.empty() ? "" : " (did you mean '" + hint + "'?)", fmt::join(names, ", ")));
    }
  }
  const NodeOrigin where{is_path ? name_or_path : fmt::format("engine '{}'", name_or_path), ""};
  const YAML::Node tree = is_path ? resolve(load_yaml_map(name_or_path), EngineProfile::section(), where)
                                  : resolve(YAML::Node(name_or_path), EngineProfile::section(), where);
  EngineProfile e;
  e.name = tree["name"].as<std::string>(is_path ? fs::path(name_or_path).stem().string() : name_or_path);
  e.description = tree["description"].as<std::string>("");
  read_fields(tree, EngineProfile::fields(), e, where);
  for (const auto& kv : tree["conv_rules"]) {
    ConvRule r;
    r.name = kv.first.as<std::string>();
    read_fields(kv.second, ConvRule::fields(), r, NodeOrigin{where.file, "conv_rules." + r.name});
    e.conv_rules.push_back(std::move(r));
  }
  if (e.conv_rules.empty())
    throw ConfigError(located(where.file, -1, -1, "conv_rules", "an engine needs at least one convolution rule"));
  return e;
}

}  // namespace tilesim
