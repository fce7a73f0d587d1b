#pragma once
// A cache level modelled at the granularity of the data blocks work items name (tensor, block):
// LRU with a byte capacity. A block that is still resident hits; anything else is a first touch
// or a capacity miss. Entries live in one vector (an intrusive LRU list) indexed by an
// open-addressing hash table, so the hot path allocates nothing.
#include <cstdint>
#include <vector>

#include "sim/workload/tensor.hpp"

namespace tilesim {

struct BlockKey {
  TensorId tensor;
  int64_t block;
  bool operator==(const BlockKey&) const = default;
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
  static constexpr int32_t kNone = -1;
  struct Entry {
    BlockKey key;
    int64_t bytes;
    uint32_t hash;  // of key, kept so that eviction finds its slot without hashing again
    bool dirty;
    int32_t prev, next;  // LRU neighbours (prev = more recent)
  };

  int32_t find(const BlockKey& key, uint32_t hash) const;
  void insert_index(int32_t entry, uint32_t hash);
  void erase_index(int32_t entry);
  void unlink(int32_t e);
  void push_front(int32_t e);
  int64_t evict_beyond_capacity();  // returns the modified bytes evicted

  int64_t capacity_;
  int64_t used_ = 0;
  std::vector<Entry> entries_;
  std::vector<int32_t> free_;     // reusable entry slots
  // Hash table of entry indices (power-of-two size), each beside its key's hash, so that probing
  // and deletion compare and move slots without touching the entries.
  struct Slot {
    int32_t entry;
    uint32_t hash;
  };
  std::vector<Slot> slots_;
  size_t live_ = 0;
  int32_t head_ = kNone, tail_ = kNone;
};

}  // namespace tilesim
