#pragma once
// The SoC's memory system as a list of cache levels: each CPU core's L2 (private, or shared by
// its cluster), the L3 the clusters share, the GPU's L2, the system cache, and DRAM behind them.
// A client (a core, the GPU) walks its own path of levels, nearest first; levels on several
// paths (the L3, the system cache) are one cache, so clients sharing them see each other's data.
#include <cstdint>
#include <deque>
#include <vector>

#include "hwmodels/soc.hpp"
#include "kernels/kernel_plan.hpp"
#include "sim/engine/block_cache.hpp"

namespace tilesim {

// One level beyond the L1: its contents and the spec its traffic is charged at.
struct CacheLevel {
  const CacheSpec* spec = nullptr;  // nullptr: a stand-in whose hits cost nothing beyond the L1 (see gpu path)
  bool in_client_domain = false;    // in its client's voltage domain (a core's L2, the GPU's L2)
  BlockCache cache;
};

constexpr int kMaxPathLevels = 4;

// The levels one client's accesses walk past its L1, nearest first.
struct MemoryPath {
  std::vector<CacheLevel*> levels;
};

// Where a work item's bytes were served.
struct Traffic {
  int64_t l1 = 0;                               // every byte passes the L1
  int64_t level[kMaxPathLevels] = {};           // bytes served by path level i
  int64_t dram = 0;
};

class MemoryHierarchy {
 public:
  explicit MemoryHierarchy(const SocSpec& soc);

  // The path of a core of `cluster`: its private L2, the cluster's shared L2 (one per cluster),
  // or, with neither, a level of its L1's size; then the L3 and the system cache.
  MemoryPath add_core(const ClusterSpec& cluster);
  // The GPU's path: its L2 (a stand-in of one L1's size where it has none), then the system cache.
  MemoryPath add_gpu(const GpuSpec& gpu);

  // Walks the item's data down the path. A read that misses everywhere, and modified blocks the
  // last level evicts, cost DRAM bytes; a write that misses allocates without reading DRAM
  // (engines overwrite whole blocks).
  static Traffic access(const MemoryPath& path, const WorkItem& item, int64_t bytes_per_element);

 private:
  CacheLevel& add_level(const CacheSpec* spec, double size, bool in_client_domain);
  void append_shared(MemoryPath& path) const;

  std::deque<CacheLevel> levels_;  // stable addresses
  std::vector<std::pair<const ClusterSpec*, CacheLevel*>> cluster_l2_;
  CacheLevel* l3_ = nullptr;
  CacheLevel* system_cache_ = nullptr;
};

}  // namespace tilesim
