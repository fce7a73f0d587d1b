#include "sim/engine/block_cache.hpp"

namespace tilesim {

bool BlockCache::access(const BlockKey& key, int64_t bytes) {
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    if (it->second->bytes >= bytes) return true;
    used_ += bytes - it->second->bytes;  // a larger view of the block: the rest is a miss
    it->second->bytes = bytes;
    evict_beyond_capacity();
    return false;
  }
  if (bytes > capacity_) return false;
  lru_.push_front(Entry{key, bytes});
  index_[key] = lru_.begin();
  used_ += bytes;
  evict_beyond_capacity();
  return false;
}

void BlockCache::evict_beyond_capacity() {
  while (used_ > capacity_ && !lru_.empty()) {
    used_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

}  // namespace tilesim
