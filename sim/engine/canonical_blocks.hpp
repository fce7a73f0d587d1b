#pragma once
// The cache model's unit of identity. Activations are cut into fixed blocks of channels x pixels
// whatever tiling wrote or reads them, so a consumer finds in cache what its producer left there;
// constant tensors keep the opaque blocks their (only) reader names.
#include <algorithm>

#include "kernels/kernel_plan.hpp"
#include "sim/engine/block_cache.hpp"

namespace tilesim {

constexpr int64_t kBlockChannels = 8;   // one fp16 element pack
constexpr int64_t kBlockPixels = 512;   // a few rows of a feature map

// Calls f(BlockKey, bytes) for each canonical block the access overlaps.
template <class F>
void for_each_block(const DataAccess& a, int64_t elem, F&& f) {
  if (a.region.empty()) {
    f(BlockKey{a.tensor, -1 - a.block}, a.bytes);  // negative ids: never collide with region blocks
    return;
  }
  const int64_t channel_blocks = (a.region.channels + kBlockChannels - 1) / kBlockChannels;
  const Region& r = a.region;
  for (int64_t pb = r.p0 / kBlockPixels; pb * kBlockPixels < r.p1; ++pb) {
    const int64_t pixels = std::min(r.p1, (pb + 1) * kBlockPixels) - std::max(r.p0, pb * kBlockPixels);
    for (int64_t cb = r.c0 / kBlockChannels; cb * kBlockChannels < r.c1; ++cb) {
      const int64_t channels = std::min(r.c1, (cb + 1) * kBlockChannels) - std::max(r.c0, cb * kBlockChannels);
      f(BlockKey{a.tensor, pb * channel_blocks + cb}, channels * pixels * elem);
    }
  }
}

}  // namespace tilesim
