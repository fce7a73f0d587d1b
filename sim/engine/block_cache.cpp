#include "sim/engine/block_cache.hpp"

namespace tilesim {
namespace {

uint32_t hash_of(const BlockKey& k) {
  uint64_t h = static_cast<uint64_t>(k.block) * 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(static_cast<int64_t>(k.tensor)) * 0xC2B2AE3D27D4EB4Full;
  return static_cast<uint32_t>(h ^ (h >> 29));
}

}  // namespace

int32_t BlockCache::find(const BlockKey& key, uint32_t hash) const {
  if (slots_.empty()) return kNone;
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.entry == kNone) return kNone;
    if (slot.hash == hash && entries_[static_cast<size_t>(slot.entry)].key == key) return slot.entry;
  }
}

void BlockCache::insert_index(int32_t entry, uint32_t hash) {
  if ((live_ + 1) * 2 > slots_.size()) {  // keep the table at most half full
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{kNone, 0});
    live_ = 0;
    for (const Slot& s : old)
      if (s.entry != kNone) insert_index(s.entry, s.hash);
  }
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].entry != kNone) i = (i + 1) & mask;
  slots_[i] = Slot{entry, hash};
  ++live_;
}

// Linear-probing deletion by backward shift: no tombstones, so lookups stay short.
void BlockCache::erase_index(int32_t entry) {
  const size_t mask = slots_.size() - 1;
  size_t i = entries_[static_cast<size_t>(entry)].hash & mask;
  while (slots_[i].entry != entry) i = (i + 1) & mask;
  for (size_t j = (i + 1) & mask; slots_[j].entry != kNone; j = (j + 1) & mask) {
    const size_t home = slots_[j].hash & mask;
    // Move slot j into the hole at i if its home position does not lie cyclically in (i, j].
    const bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!between) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = Slot{kNone, 0};
  --live_;
}

void BlockCache::unlink(int32_t e) {
  Entry& x = entries_[static_cast<size_t>(e)];
  if (x.prev != kNone) entries_[static_cast<size_t>(x.prev)].next = x.next; else head_ = x.next;
  if (x.next != kNone) entries_[static_cast<size_t>(x.next)].prev = x.prev; else tail_ = x.prev;
}

void BlockCache::push_front(int32_t e) {
  Entry& x = entries_[static_cast<size_t>(e)];
  x.prev = kNone;
  x.next = head_;
  if (head_ != kNone) entries_[static_cast<size_t>(head_)].prev = e;
  head_ = e;
  if (tail_ == kNone) tail_ = e;
}

BlockCache::Outcome BlockCache::access(const BlockKey& key, int64_t bytes, bool write) {
  const uint32_t hash = hash_of(key);
  if (const int32_t e = find(key, hash); e != kNone) {
    unlink(e);
    push_front(e);
    Entry& x = entries_[static_cast<size_t>(e)];
    x.dirty = x.dirty || write;
    if (x.bytes >= bytes) return {true, 0};
    used_ += bytes - x.bytes;  // a larger view of the block: the rest is a miss
    x.bytes = bytes;
    return {false, evict_beyond_capacity()};
  }
  if (bytes > capacity_) return {false, 0};
  int32_t e;
  if (!free_.empty()) {
    e = free_.back();
    free_.pop_back();
    entries_[static_cast<size_t>(e)] = Entry{key, bytes, hash, write, kNone, kNone};
  } else {
    e = static_cast<int32_t>(entries_.size());
    entries_.push_back(Entry{key, bytes, hash, write, kNone, kNone});
  }
  insert_index(e, hash);
  push_front(e);
  used_ += bytes;
  return {false, evict_beyond_capacity()};
}

int64_t BlockCache::evict_beyond_capacity() {
  int64_t written_back = 0;
  while (used_ > capacity_ && tail_ != kNone) {
    const int32_t victim = tail_;
    const Entry& x = entries_[static_cast<size_t>(victim)];
    used_ -= x.bytes;
    if (x.dirty) written_back += x.bytes;
    erase_index(victim);
    unlink(victim);
    free_.push_back(victim);
  }
  return written_back;
}

}  // namespace tilesim
