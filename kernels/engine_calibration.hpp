#pragma once
// What `tilesim calibrate` fitted for one engine (configs/calibration/<engine>.yaml, named by the
// profile's `calibration:` key): per core type, keyed by the core's family (the root preset of its
// `base:` chain), and pooled over every core type it saw, for the core types it did not. Values
// are never per SoC: a new SoC made of known core types inherits them.
#include <array>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hwmodels/section.hpp"
#include "kernels/kernel_class.hpp"
#include "sim/workload/data_type.hpp"

namespace tilesim {

constexpr int kPrecisions = 3;
constexpr std::array<DataType, kPrecisions> kAllPrecisions{DataType::fp32, DataType::fp16, DataType::int8};
inline int precision_index(DataType t) { return static_cast<int>(t); }

// One set of fitted values; 0 (or below) where the set does not fit that value.
struct CalibratedValues {
  std::array<std::array<double, kPrecisions>, kKernelClasses> efficiency{};  // fraction of peak
  double barrier_overhead = -1;  // seconds, at two threads
  double wakeup_overhead = -1;   // seconds, at two threads
  double layer_overhead = -1;    // seconds per layer, at any thread count

  double& at(KernelClass k, DataType t) { return efficiency[static_cast<size_t>(k)][static_cast<size_t>(precision_index(t))]; }
  double at(KernelClass k, DataType t) const {
    return efficiency[static_cast<size_t>(k)][static_cast<size_t>(precision_index(t))];
  }
};

struct EngineCalibration {
  std::string source;  // provenance: the command, the rows and split, the date, the residuals
  std::vector<std::string> fitted_on;  // the devices (SoCs) whose rows it was fitted on
  CalibratedValues pooled;
  std::map<std::string, CalibratedValues> cores;  // by core family

  bool empty() const { return source.empty() && cores.empty(); }
  // The key an efficiency is written under: "gemm_fp16", "depthwise_int8", ...
  static std::string efficiency_key(KernelClass k, DataType t);
  // configs/calibration/<name>.yaml (or the file `name` where it is a path), every key and value
  // checked as it is read (a few hundred values: read in one pass, not resolved as presets).
  static EngineCalibration load(const std::string& name, const NodeOrigin& named_at);
  // As the file `tilesim calibrate --out` writes, with a comment per value.
  YAML::Emitter& write(YAML::Emitter& out) const;
};

}  // namespace tilesim
