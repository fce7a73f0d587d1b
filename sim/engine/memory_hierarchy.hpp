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
  int64_t l1 = 0;                      // every byte passes the L1
  int64_t l1_written = 0;              // of which writes (the L1's store port)
  int64_t level[kMaxPathLevels] = {};  // bytes served by path level i
  int64_t dram = 0;
};

// Seconds a level takes to serve `bytes` to one client: the longer of its bandwidth (bytes per
// client cycle at `hz`, a `share` of it) and Little's law, latency x bytes over the bytes the
// client keeps in flight (its memory-level parallelism): a level whose latency the client cannot
// cover with requests in flight delivers less than its bandwidth.
double level_seconds(double bytes, const CacheSpec& level, double hz, double share, double bytes_in_flight);

// Bytes of a cache the model keeps: the cache model is fully associative, so a set-associative
// cache loses part of its capacity to conflict misses. Hennessy & Patterson's observations (a
// direct-mapped cache misses about as often as a 2-way one of half the size; 8 ways come close to
// full associativity) are met by keeping 1 - 1/(2 x ways) of it: 50% direct-mapped, 75% 2-way,
// 94% 8-way, 97% 16-way.
double conflict_free_capacity(const CacheSpec& cache);

// Joules of the bytes the levels of `path` served, over those in (or out of) the client's voltage domain.
double level_energy(const MemoryPath& path, const Traffic& t, bool in_client_domain);

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
  CacheLevel& add_level(const CacheSpec* charged, const CacheSpec& geometry, bool in_client_domain);
  void append_shared(MemoryPath& path) const;

  std::deque<CacheLevel> levels_;  // stable addresses
  std::vector<std::pair<const ClusterSpec*, CacheLevel*>> cluster_l2_;
  CacheLevel* l3_ = nullptr;
  CacheLevel* system_cache_ = nullptr;
};

}  // namespace tilesim
