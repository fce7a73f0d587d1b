#include "kernels/engine_profile.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

const std::vector<Field<EngineProfile>>& EngineProfile::fields() {
  using E = EngineProfile;
  auto flag = [](const char* key, const char* meaning, bool def) {
    return ParamDecl{key, Unit::count, meaning, def ? 1.0 : 0.0, "", 0, 1, false, {}, false, true};
  };
  static const std::vector<Field<E>> f{
      {{"precision_armv82", Unit::count, "precision of --precision auto on ARMv8.2+ cores", std::nullopt, "", 0, 0,
        false, {"fp16", "fp32"}, true}, &E::precision_armv82},
      {{"partition", Unit::count, "how a layer's tiles are split over threads", std::nullopt, "", 0, 0, false,
        {"static", "dynamic"}, true}, &E::partition},
      {{"barrier_overhead", Unit::seconds, "cost of the barrier ending each layer", std::nullopt, "", 0, 1e-3},
       &E::barrier_overhead},
      {{"wakeup_overhead", Unit::seconds, "cost of waking worker threads for a layer", std::nullopt, "", 0, 1e-3},
       &E::wakeup_overhead},
      {{"gemm_mr", Unit::count, "micro-kernel rows (output channels)", std::nullopt, "", 1, 64, true}, &E::gemm_mr},
      {{"gemm_nr", Unit::count, "micro-kernel columns (output pixels)", std::nullopt, "", 1, 64, true}, &E::gemm_nr},
      {{"gemm_efficiency", Unit::ratio, "fraction of peak the GEMM inner loop reaches", std::nullopt, "", 0.05, 1},
       &E::gemm_efficiency},
      {{"depthwise_efficiency", Unit::ratio, "fraction of peak direct depthwise loops reach", std::nullopt, "", 0.05,
        1}, &E::depthwise_efficiency},
      {{"elementwise_efficiency", Unit::ratio, "fraction of peak pooling and elementwise loops reach", std::nullopt,
        "", 0.01, 1}, &E::elementwise_efficiency},
      {{"pack_fp32", Unit::count, "channels per element pack in fp32", 4.0, "", 1, 64, true}, &E::pack_fp32},
      {{"pack_fp16", Unit::count, "channels per element pack in fp16", 8.0, "", 1, 64, true}, &E::pack_fp16},
      {flag("fuse_conv_batchnorm", "fold batch-norm into the preceding convolution", true), &E::fuse_conv_batchnorm},
      {flag("fuse_conv_activation", "apply activations in the convolution's epilogue", true),
       &E::fuse_conv_activation},
      {flag("fuse_add_activation", "apply an activation in the residual add", false), &E::fuse_add_activation},
      {flag("fuse_conv_add", "add a residual in the convolution's epilogue", false), &E::fuse_conv_add},
  };
  return f;
}

const Section& EngineProfile::section() {
  static const Section s{"engine", "an inference engine profile", declarations(fields()), {}, nullptr, "engines"};
  return s;
}

std::vector<std::string> builtin_engines() {
  std::vector<std::string> names;
  const fs::path dir = fs::path(data_root()) / "configs" / "engines";
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

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
  const NodeOrigin where{is_path ? name_or_path : "--engine", ""};
  const YAML::Node tree = is_path ? resolve(load_yaml_map(name_or_path), EngineProfile::section(), where)
                                  : resolve(YAML::Node(name_or_path), EngineProfile::section(), where);
  EngineProfile e;
  e.name = tree["name"].as<std::string>(is_path ? fs::path(name_or_path).stem().string() : name_or_path);
  e.description = tree["description"].as<std::string>("");
  read_fields(tree, EngineProfile::fields(), e, where);
  return e;
}

}  // namespace tilesim
