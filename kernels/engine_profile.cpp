#include "kernels/engine_profile.hpp"

#include <algorithm>
#include <cmath>
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

double EngineProfile::efficiency(KernelClass k, DataType t) const {
  if (const double fitted = calibration.pooled.at(k, t); fitted > 0) return fitted;
  switch (k) {
    case KernelClass::gemm:
    case KernelClass::winograd: return gemm_efficiency;
    case KernelClass::depthwise: return depthwise_efficiency;
    default: return elementwise_efficiency;
  }
}

EngineProfile::OnCore EngineProfile::on_core(const std::string& family) const {
  OnCore on;
  const auto own = calibration.cores.find(family);
  const CalibratedValues* fitted = own == calibration.cores.end() ? nullptr : &own->second;
  for (const auto& [name, k] : kernel_class_names())
    for (DataType t : kAllPrecisions)
      on.values.at(k, t) = fitted && fitted->at(k, t) > 0 ? fitted->at(k, t) : efficiency(k, t);
  auto overhead = [&](double CalibratedValues::*m, double assumed) {
    if (fitted && fitted->*m >= 0) return fitted->*m;
    return calibration.pooled.*m >= 0 ? calibration.pooled.*m : assumed;
  };
  on.values.barrier_overhead = overhead(&CalibratedValues::barrier_overhead, barrier_overhead);
  on.values.wakeup_overhead = overhead(&CalibratedValues::wakeup_overhead, wakeup_overhead);
  on.values.layer_overhead = overhead(&CalibratedValues::layer_overhead, layer_overhead);
  return on;
}

double at_threads(double at_two_threads, int threads) {
  return threads <= 1 ? 0.0 : at_two_threads * std::log2(static_cast<double>(threads));
}

DataType EngineProfile::auto_precision(const CoreSpec& core) const {
  if (core.armv8_2_or_later() && precision_armv82 == DataType::fp16 && core.fp16_flops_per_cycle > 0)
    return DataType::fp16;
  return DataType::fp32;
}

const ConvRule& EngineProfile::conv_rule(const ConvShape& shape) const {
  for (const ConvRule& r : conv_rules)
    if (r.matches(shape)) return r;
  throw ConfigError(fmt::format("engine '{}': no conv_rules entry matches a {}x{} stride-{} convolution with {} groups; "
                                "end the rules with one that matches everything",
                                name, shape.kernel_h, shape.kernel_w, shape.stride, shape.groups));
}

int64_t EngineProfile::mr(DataType t) const { return t == DataType::fp16 && gemm_mr_fp16 > 0 ? gemm_mr_fp16 : gemm_mr; }
int64_t EngineProfile::nr(DataType t) const { return t == DataType::fp16 && gemm_nr_fp16 > 0 ? gemm_nr_fp16 : gemm_nr; }
int64_t EngineProfile::pack(DataType t) const { return t == DataType::fp16 ? pack_fp16 : pack_fp32; }

const ChoiceTable<EngineTarget>& engine_target_names() {
  static const ChoiceTable<EngineTarget> t{{"cpu", EngineTarget::cpu}, {"gpu", EngineTarget::gpu}};
  return t;
}

const std::vector<Field<EngineProfile>>& EngineProfile::fields() {
  using E = EngineProfile;
  static const ChoiceTable<ActivationLayout> layouts{{"nchw_packed", ActivationLayout::nchw_packed},
                                                     {"nhwc", ActivationLayout::nhwc},
                                                     {"nchw_blocked", ActivationLayout::nchw_blocked}};
  static const ChoiceTable<DataType> precisions{{"fp16", DataType::fp16}, {"fp32", DataType::fp32}};
  static const ChoiceTable<Partition> partitions{
      {"static", Partition::static_chunks}, {"tile2d", Partition::tile2d}, {"dynamic", Partition::dynamic}};
  auto flag = [](const char* key, const char* meaning, bool def) {
    return ParamDecl{.key = key, .meaning = meaning, .default_value = def ? 1.0 : 0.0, .max = 1, .is_flag = true};
  };
  auto count = [](const char* key, const char* meaning, double def, double min, double max) {
    return ParamDecl{.key = key, .meaning = meaning, .default_value = def, .min = min, .max = max, .integral = true};
  };
  auto efficiency = [](const char* key, const char* meaning, double min) {
    return ParamDecl{.key = key, .unit = Unit::ratio, .meaning = meaning, .min = min, .max = 1};
  };
  auto overhead = [](const char* key, const char* meaning) {
    return ParamDecl{.key = key, .unit = Unit::seconds, .meaning = meaning, .default_value = 0, .max = 1e-3};
  };
  static const std::vector<Field<E>> f{
      choice_field<E>({.key = "target", .meaning = "what the engine runs on"}, &E::target, engine_target_names()),
      choice_field<E>({.key = "layout", .meaning = "activation layout"}, &E::layout, layouts),
      choice_field<E>({.key = "precision_armv82", .meaning = "CPU: precision of --precision auto on ARMv8.2+ cores",
                       .default_text = "fp32"},
                      &E::precision_armv82, precisions),
      choice_field<E>({.key = "gpu_precision", .meaning = "GPU: precision of --precision auto", .default_text = "fp16"},
                      &E::gpu_precision, precisions),
      choice_field<E>({.key = "partition", .meaning = "how a parallel loop's tiles are split over threads",
                       .default_text = "static"},
                      &E::partition, partitions),
      {{.key = "tiles_per_thread", .meaning = "tile2d: tiles each thread should get", .default_value = 1, .min = 1,
        .max = 64},
       &E::tiles_per_thread},
      {overhead("barrier_overhead",
                "cost of the barrier ending each parallel loop at two threads (log2(threads) times that at more; none for one)"),
       &E::barrier_overhead},
      {overhead("wakeup_overhead",
                "cost of waking the worker threads for a layer at two threads (log2(threads) times that at more; none for one)"),
       &E::wakeup_overhead},
      {overhead("layer_overhead", "fixed cost of running a layer besides its loops (dispatch, output allocation), at any thread count"),
       &E::layer_overhead},
      {count("gemm_mr", "fp32 micro-kernel rows", 8, 1, 64), &E::gemm_mr},
      {count("gemm_nr", "fp32 micro-kernel columns", 8, 1, 64), &E::gemm_nr},
      {count("gemm_mr_fp16", "fp16 micro-kernel rows (0 = as fp32)", 0, 0, 64), &E::gemm_mr_fp16},
      {count("gemm_nr_fp16", "fp16 micro-kernel columns (0 = as fp32)", 0, 0, 64), &E::gemm_nr_fp16},
      {flag("im2col_workspace", "B is packed (im2col) into a workspace before the GEMM", true), &E::im2col_workspace},
      {flag("skip_padded_taps", "direct convolutions skip kernel taps that fall in the zero padding", false),
       &E::skip_padded_taps},
      {flag("winograd_output_in_gemm", "Winograd's output transform runs inside the GEMM loop", false),
       &E::winograd_output_in_gemm},
      {efficiency("gemm_efficiency", "fraction of peak the GEMM inner loop reaches", 0.05), &E::gemm_efficiency},
      {efficiency("depthwise_efficiency", "fraction of peak direct depthwise loops reach", 0.05),
       &E::depthwise_efficiency},
      {efficiency("elementwise_efficiency", "fraction of peak pooling, elementwise and transform loops reach", 0.01),
       &E::elementwise_efficiency},
      {count("pack_fp32", "channels per element pack in fp32", 4, 1, 64), &E::pack_fp32},
      {count("pack_fp16", "channels per element pack in fp16", 8, 1, 64), &E::pack_fp16},
      {count("gpu_local_size", "GPU: invocations per workgroup", 64, 1, 1024), &E::gpu_local_size},
      {count("gpu_channels_per_invocation", "GPU: output channels one invocation computes", 4, 1, 64),
       &E::gpu_channels_per_invocation},
      {count("gpu_pixels_per_invocation", "GPU: output pixels one invocation computes", 1, 1, 64),
       &E::gpu_pixels_per_invocation},
      {count("gpu_registers_per_invocation", "GPU: 32-bit registers one invocation holds", 32, 1, 255),
       &E::gpu_registers_per_invocation},
      {flag("gpu_host_copies", "GPU: timings include host<->device upload and download", false), &E::gpu_host_copies},
      {{.key = "calibration",
        .meaning = "what tilesim calibrate fitted for this engine: configs/calibration/NAME.yaml, or a calibration file's path (none: the assumptions alone)",
        .default_text = "none", .is_text = true},
       &E::calibration_name},
      {flag("fuse_conv_batchnorm", "fold batch-norm into the preceding convolution", true), &E::fuse_conv_batchnorm},
      {flag("fuse_conv_activation", "apply activations in the convolution's epilogue", true),
       &E::fuse_conv_activation},
      {flag("fuse_add_activation", "apply an activation in the residual add", false), &E::fuse_add_activation},
      {flag("fuse_conv_add", "add a residual in the convolution's epilogue", false), &E::fuse_conv_add},
  };
  return f;
}

const Section& EngineProfile::section() {
  static const Section rules{.name = "conv_rules", .meaning = "convolution algorithm rules, first match wins",
                             .named_items = &ConvRule::section()};
  static const Section s{.name = "engine", .meaning = "an inference engine profile", .params = declarations(fields()),
                         .children = {{"conv_rules", &rules}},
                         .preset_dir = "engines"};
  return s;
}

EngineProfile with_calibration(const EngineProfile& prior, const EngineCalibration& fit) {
  EngineProfile e = prior;
  e.calibration = fit;
  return e;
}

EngineProfile uncalibrated(const EngineProfile& engine) { return with_calibration(engine, EngineCalibration{}); }

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
  if (e.calibration_name != "none") e.calibration = EngineCalibration::load(e.calibration_name, NodeOrigin{where.file, "calibration"});
  if (e.conv_rules.empty())
    throw ConfigError(located(where.file, -1, -1, "conv_rules", "an engine needs at least one convolution rule"));
  return e;
}

}  // namespace tilesim
