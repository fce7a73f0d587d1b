#include "kernels/kernel_plan.hpp"

#include <algorithm>

namespace tilesim {

ActivationGeometry geometry_of(const Tensor& t) {
  ActivationGeometry g;
  g.channels = t.shape.size() >= 2 ? t.shape[1] : (t.shape.empty() ? 1 : t.shape[0]);
  g.pixels = t.elements() / std::max<int64_t>(1, g.channels);
  return g;
}

int64_t Phase::flops() const {
  int64_t f = 0;
  for (const auto& i : items) f += i.flops;
  return f;
}

Phase& KernelPlan::add_phase(std::string name, KernelClass kernel_class, double efficiency) {
  phases.push_back(Phase{std::move(name), kernel_class, efficiency});
  return phases.back();
}

int64_t KernelPlan::tiles() const {
  int64_t n = 0;
  for (const auto& p : phases) n += p.launched_tiles;
  return n;
}

int64_t KernelPlan::total_flops() const {
  int64_t f = 0;
  for (const auto& p : phases)
    for (const auto& i : p.items) f += i.flops;
  return f;
}

int64_t KernelPlan::total_bytes(bool writes) const {
  int64_t b = 0;
  for (const auto& p : phases)
    for (const auto& i : p.items)
      for (const auto& a : i.accesses)
        if (a.write == writes) b += a.bytes;
  return b;
}

}  // namespace tilesim
