#pragma once
// The points of a sweep, drawn from its config: every combination (grid), a uniform random
// sample, or a Latin hypercube (each parameter's range cut into as many strata as samples, each
// stratum used once); then the constraints exclude points. Deterministic: the same config and
// seed give the same points, in the same order, everywhere.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/sweep/sweep_config.hpp"

namespace tilesim {

// A point: one value (as text) per parameter, in the config's order.
using PointValues = std::vector<std::string>;

struct SweepDesign {
  std::vector<PointValues> points;  // admitted by the constraints; a point's index is its place here
  int64_t drawn = 0;                // before the constraints
};

// The SoC descriptions of a sweep's points: each SoC resolved once, then copied for each point.
class SweepSocs {
 public:
  explicit SweepSocs(const SweepConfig& config);
  // The point's SoC: its resolved description, the base overrides, then the point's SoC keys.
  YAML::Node tree(const PointValues& point) const;
  // A key's value at a point in SI units (the point's, else its SoC's as described), for constraints.
  double value(const PointValues& point, const std::string& key) const;
  bool admits(const PointValues& point, const Constraint& c) const;

 private:
  const SweepConfig& config_;
  std::map<std::string, YAML::Node> base_;  // by SoC, with the base overrides
  mutable std::mutex mu_;                   // yaml-cpp nodes are not safe to copy from several threads
};

SweepDesign design_sweep(const SweepConfig& config, const SweepSocs& socs);

}  // namespace tilesim
