#include "sim/engine/memory_hierarchy.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "sim/engine/canonical_blocks.hpp"

namespace tilesim {

MemoryHierarchy::MemoryHierarchy(const SocSpec& soc) {
  if (soc.l3) l3_ = &add_level(&*soc.l3, *soc.l3, false);
  if (soc.memory.system_cache) system_cache_ = &add_level(&*soc.memory.system_cache, *soc.memory.system_cache, false);
}

double conflict_free_capacity(const CacheSpec& cache) {
  return cache.size * (1.0 - 1.0 / (2.0 * cache.associativity));
}

CacheLevel& MemoryHierarchy::add_level(const CacheSpec* charged, const CacheSpec& geometry, bool in_client_domain) {
  return levels_.emplace_back(CacheLevel{charged, in_client_domain, BlockCache(conflict_free_capacity(geometry))});
}

void MemoryHierarchy::append_shared(MemoryPath& path) const {
  if (l3_) path.levels.push_back(l3_);
  if (system_cache_) path.levels.push_back(system_cache_);
}

namespace {
// Traffic counts bytes per level in a fixed array: a path deeper than it would overrun it.
MemoryPath within_traffic_depth(MemoryPath path) {
  if (path.levels.size() > static_cast<size_t>(kMaxPathLevels))
    throw std::logic_error("MemoryHierarchy: a path deeper than Traffic counts (kMaxPathLevels)");
  return path;
}
}  // namespace

MemoryPath MemoryHierarchy::add_core(const ClusterSpec& cluster) {
  MemoryPath path;
  if (cluster.core.l2) path.levels.push_back(&add_level(&*cluster.core.l2, *cluster.core.l2, true));
  if (cluster.l2) {
    CacheLevel* shared = nullptr;
    for (const auto& [c, level] : cluster_l2_)
      if (c == &cluster) shared = level;
    if (!shared) {
      shared = &add_level(&*cluster.l2, *cluster.l2, true);
      cluster_l2_.emplace_back(&cluster, shared);
    }
    path.levels.push_back(shared);
  }
  // Without an L2 the L1 is the last private level; its hits are charged at the L1's speed.
  if (path.levels.empty()) path.levels.push_back(&add_level(&cluster.core.l1d, cluster.core.l1d, true));
  append_shared(path);
  return within_traffic_depth(std::move(path));
}

MemoryPath MemoryHierarchy::add_gpu(const GpuSpec& gpu) {
  MemoryPath path;
  // Without an L2 a cache of one L1's size keeps what the shader cores reuse; every byte is
  // already charged at the L1, so its hits cost nothing more.
  path.levels.push_back(gpu.l2 ? &add_level(&*gpu.l2, *gpu.l2, true) : &add_level(nullptr, gpu.l1, true));
  if (system_cache_) path.levels.push_back(system_cache_);
  return within_traffic_depth(std::move(path));
}

double level_seconds(double bytes, const CacheSpec& level, double hz, double share, double bytes_in_flight) {
  const double streaming = bytes / (level.bandwidth * hz * share);
  const double latency_bound = bytes * level.latency / (bytes_in_flight * hz);
  return std::max(streaming, latency_bound);
}

double level_energy(const MemoryPath& path, const Traffic& t, bool in_client_domain) {
  double joules = 0;
  for (size_t i = 0; i < path.levels.size(); ++i) {
    const CacheLevel& level = *path.levels[i];
    if (level.spec && level.in_client_domain == in_client_domain) joules += t.level[i] * level.spec->energy_per_byte;
  }
  return joules;
}

Traffic MemoryHierarchy::access(const MemoryPath& path, const WorkItem& item, int64_t elem) {
  Traffic t;
  const size_t depth = path.levels.size();
  for (const DataAccess& a : item.accesses)
    for_each_block(a, elem, [&](const BlockKey& key, int64_t bytes) {
      t.l1 += bytes;
      if (a.write) t.l1_written += bytes;
      for (size_t i = 0; i < depth; ++i) {
        const BlockCache::Outcome o = path.levels[i]->cache.access(key, bytes, a.write);
        if (i + 1 == depth) t.dram += o.written_back;
        if (o.hit || a.write) {
          t.level[i] += bytes;
          return;
        }
      }
      t.dram += bytes;
    });
  return t;
}

}  // namespace tilesim
