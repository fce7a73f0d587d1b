#pragma once
// The CPU side of the memory system: each core's L2 (private, or shared by its cluster), the L3
// all clusters share, the system cache, and DRAM behind them. Walks a work item's data through
// the levels and reports where each byte was served.
#include <deque>
#include <vector>

#include "hwmodels/soc.hpp"
#include "kernels/kernel_plan.hpp"
#include "sim/engine/block_cache.hpp"

namespace tilesim {

struct Traffic {
  int64_t l1 = 0, l2 = 0, l3 = 0, slc = 0, dram = 0;  // bytes served by each level
};

class MemoryHierarchy {
 public:
  explicit MemoryHierarchy(const SocSpec& soc) : soc_(soc), l3_(soc.l3 ? soc.l3->size : 0),
      slc_(soc.memory.system_cache ? soc.memory.system_cache->size : 0) {}

  // The L2 a core of `cluster` reads through: the cluster's shared L2 (one per cluster), else a
  // private one per core, else the core's L1 as its last private level.
  BlockCache* add_core(const ClusterSpec& cluster);

  // Where the item's data comes from. A read that misses everywhere, and modified blocks the last
  // level evicts, cost DRAM bytes; a write that misses allocates without reading DRAM (engines
  // overwrite whole blocks).
  Traffic access(BlockCache& l2, const WorkItem& item, int64_t bytes_per_element);

 private:
  const SocSpec& soc_;
  std::deque<BlockCache> private_;  // stable addresses
  std::vector<std::pair<const ClusterSpec*, BlockCache*>> cluster_l2_;
  BlockCache l3_, slc_;
};

}  // namespace tilesim
