#include "kernels/kernel_plan.hpp"

namespace tilesim {

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
