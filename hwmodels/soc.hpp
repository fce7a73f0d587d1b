#pragma once
// A system-on-chip: CPU clusters, the cache they share, a GPU, and main memory.
#include <optional>
#include <string>
#include <vector>

#include "hwmodels/cluster.hpp"
#include "hwmodels/gpu.hpp"
#include "hwmodels/memory.hpp"

namespace tilesim {

struct SocSpec {
  std::string name;
  std::string description;
  std::vector<ClusterSpec> clusters;  // in file order
  std::optional<CacheSpec> l3;        // shared by all clusters (DynamIQ shared unit, CCI-attached)
  MemorySpec memory;
  std::optional<GpuSpec> gpu;

  const ClusterSpec* cluster(const std::string& name) const;
  // Clusters of a kind ("big" or "little"); every cluster for "all".
  std::vector<const ClusterSpec*> clusters_of(const std::string& kind) const;

  static const Section& section();
  static const Section& cpu_section();
};

}  // namespace tilesim
