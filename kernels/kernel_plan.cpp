#include "kernels/kernel_plan.hpp"

#include <algorithm>

namespace tilesim {

ActivationGeometry geometry_of(const Tensor& t) {
  ActivationGeometry g;
  g.channels = t.shape.size() >= 2 ? t.shape[1] : (t.shape.empty() ? 1 : t.shape[0]);
  g.pixels = t.elements() / std::max<int64_t>(1, g.channels);
  return g;
}

int64_t KernelPlan::total_flops() const {
  int64_t f = 0;
  for (const auto& i : items) f += i.flops;
  return f;
}

int64_t KernelPlan::total_bytes(bool writes) const {
  int64_t b = 0;
  for (const auto& i : items)
    for (const auto& a : i.accesses)
      if (a.write == writes) b += a.bytes;
  return b;
}

}  // namespace tilesim
