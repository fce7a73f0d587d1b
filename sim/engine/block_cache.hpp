#pragma once
// A cache level modelled at the granularity of the data blocks work items name (tensor, block):
// LRU with a byte capacity. A block that is still resident hits; anything else is a first touch
// or a capacity miss.
#include <cstdint>
#include <list>
#include <unordered_map>

#include "sim/workload/tensor.hpp"

namespace tilesim {

struct BlockKey {
  TensorId tensor;
  int64_t block;
  bool operator==(const BlockKey&) const = default;
};

struct BlockKeyHash {
  size_t operator()(const BlockKey& k) const {
    return std::hash<int64_t>()(k.block * 1000003 + static_cast<int64_t>(k.tensor));
  }
};

class BlockCache {
 public:
  explicit BlockCache(double capacity_bytes = 0) : capacity_(static_cast<int64_t>(capacity_bytes)) {}

  struct Outcome {
    bool hit = false;
    int64_t written_back = 0;  // bytes of modified blocks this access evicted
  };
  // Looks the block up and makes it most recent; a write marks it modified. A block larger than
  // the whole cache streams through without being kept.
  Outcome access(const BlockKey& key, int64_t bytes, bool write = false);
  int64_t used() const { return used_; }
  int64_t capacity() const { return capacity_; }

 private:
  struct Entry {
    BlockKey key;
    int64_t bytes;
    bool dirty;
  };
  int64_t evict_beyond_capacity();  // returns the modified bytes evicted

  int64_t capacity_;
  int64_t used_ = 0;
  std::list<Entry> lru_;  // front = most recent
  std::unordered_map<BlockKey, std::list<Entry>::iterator, BlockKeyHash> index_;
};

}  // namespace tilesim
