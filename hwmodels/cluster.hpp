#pragma once
// A cluster of identical cores at one operating point, with what the cluster shares.
#include <optional>
#include <string>

#include "hwmodels/core.hpp"

namespace tilesim {

struct ClusterSpec {
  std::string name;                      // the key in cpu.clusters
  std::string kind;                      // big or little: which ncnn powersave setting selects it
  CoreSpec core;
  double count = 1;                      // cores
  double frequency = 0;                  // Hz at the operating point in use
  double voltage = 0.8;                  // V at that operating point
  double static_power_per_core = 0;      // W while powered
  double static_power_cluster = 0;       // W for the cluster's shared logic while powered
  std::optional<CacheSpec> l2;           // L2 shared by the cluster's cores (Cortex-A53-style)

  static const std::vector<Field<ClusterSpec>>& fields();
  static const Section& section();
};

}  // namespace tilesim
