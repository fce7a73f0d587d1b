#include "sim/engine/block_cache.hpp"

namespace tilesim {

BlockCache::Outcome BlockCache::access(const BlockKey& key, int64_t bytes, bool write) {
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    Entry& e = *it->second;
    e.dirty = e.dirty || write;
    if (e.bytes >= bytes) return {true, 0};
    used_ += bytes - e.bytes;  // a larger view of the block: the rest is a miss
    e.bytes = bytes;
    return {false, evict_beyond_capacity()};
  }
  if (bytes > capacity_) return {false, 0};
  lru_.push_front(Entry{key, bytes, write});
  index_[key] = lru_.begin();
  used_ += bytes;
  return {false, evict_beyond_capacity()};
}

int64_t BlockCache::evict_beyond_capacity() {
  int64_t written_back = 0;
  while (used_ > capacity_ && !lru_.empty()) {
    const Entry& victim = lru_.back();
    used_ -= victim.bytes;
    if (victim.dirty) written_back += victim.bytes;
    index_.erase(victim.key);
    lru_.pop_back();
  }
  return written_back;
}

}  // namespace tilesim
