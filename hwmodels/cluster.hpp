#pragma once
// A cluster of identical cores at one operating point, with what the cluster shares.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hwmodels/core.hpp"

namespace tilesim {

// Which ncnn powersave setting selects a cluster's cores (2: big, 1: little).
enum class ClusterKind { big, little };
const ChoiceTable<ClusterKind>& cluster_kind_names();

struct ClusterSpec {
  std::string name;                      // the key in cpu.clusters
  ClusterKind kind = ClusterKind::big;   // required: every description states it
  CoreSpec core;
  int64_t count = 0;                     // cores (required)
  double frequency = 0;                  // Hz at the operating point in use
  double voltage = 0;                     // V at that operating point (from operating_points when given)
  std::vector<std::pair<double, double>> operating_points;  // (Hz, V), ascending
  double static_power_per_core = 0;      // W while powered
  double static_power_cluster = 0;       // W for the cluster's shared logic while powered
  double max_dram_bandwidth = 0;         // bytes/s the cluster's port to the interconnect passes (0 = no limit)
  std::optional<CacheSpec> l2;           // L2 shared by the cluster's cores (Cortex-A53-style)

  // Dynamic energy per operation relative to the top operating point, where core presets state it:
  // (V / V_top)^2; 1 without an operating-point table.
  double energy_scale() const;
  // Voltage at a frequency, interpolated linearly between operating points (clamped at the ends).
  double voltage_at(double hz) const;

  static const std::vector<Field<ClusterSpec>>& fields();
  static const Section& section();
};

}  // namespace tilesim
