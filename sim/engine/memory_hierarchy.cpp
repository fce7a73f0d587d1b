#include "sim/engine/memory_hierarchy.hpp"

#include "sim/engine/canonical_blocks.hpp"

namespace tilesim {

BlockCache* MemoryHierarchy::add_core(const ClusterSpec& cluster) {
  if (cluster.l2) {
    for (const auto& [c, cache] : cluster_l2_)
      if (c == &cluster) return cache;
    BlockCache* shared = &private_.emplace_back(cluster.l2->size);
    cluster_l2_.emplace_back(&cluster, shared);
    return shared;
  }
  return &private_.emplace_back(cluster.core.l2 ? cluster.core.l2->size : cluster.core.l1d.size);
}

Traffic MemoryHierarchy::access(BlockCache& l2, const WorkItem& item, int64_t elem) {
  Traffic t;
  BlockCache* levels[] = {&l2, soc_.l3 ? &l3_ : nullptr, soc_.memory.system_cache ? &slc_ : nullptr};
  int64_t* served[] = {&t.l2, &t.l3, &t.slc};
  BlockCache* last = &l2;
  for (BlockCache* c : levels)
    if (c) last = c;
  for (const DataAccess& a : item.accesses)
    for_each_block(a, elem, [&](const BlockKey& key, int64_t bytes) {
      t.l1 += bytes;
      for (int i = 0; i < 3; ++i) {
        if (!levels[i]) continue;
        const BlockCache::Outcome o = levels[i]->access(key, bytes, a.write);
        if (levels[i] == last) t.dram += o.written_back;
        if (o.hit || a.write) {
          *served[i] += bytes;
          return;
        }
      }
      t.dram += bytes;
    });
  return t;
}

}  // namespace tilesim
