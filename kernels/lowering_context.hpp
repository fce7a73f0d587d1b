#pragma once
// What every lowering routine needs to know about the layer it lowers and the target.
#include "kernels/engine_profile.hpp"
#include "kernels/kernel_plan.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

struct LoweringContext {
  const Network& net;
  OpId id;
  const Operator& op;
  const EngineProfile& engine;
  DataType precision;
  int64_t elem;         // bytes per element in the compute precision's storage
  int64_t pack;         // channels per element pack
  int threads;          // CPU threads the tiles are cut for
  double cache_bytes;   // CPU: the cache level GEMM panels are blocked for

  bool nhwc() const { return engine.layout == ActivationLayout::nhwc; }
  int64_t channels(TensorId t) const { return geometry_of(net.tensor(t)).channels; }
  int64_t pixels(TensorId t) const { return geometry_of(net.tensor(t)).pixels; }

  // Region [c0, c1) x [p0, p1) of a graph tensor.
  DataAccess region(TensorId t, int64_t c0, int64_t c1, int64_t p0, int64_t p1, bool write) const {
    return workspace_region(t, channels(t), c0, c1, p0, p1, write);
  }
  // Region of a tensor of `total_channels` channels (a workspace, or a graph tensor).
  DataAccess workspace_region(TensorId t, int64_t total_channels, int64_t c0, int64_t c1, int64_t p0, int64_t p1,
                              bool write) const {
    return DataAccess{t, 0, (c1 - c0) * (p1 - p0) * elem, write, Region{c0, c1, p0, p1, total_channels}};
  }
  DataAccess weights(TensorId t, int64_t block, int64_t bytes) const { return DataAccess{t, block, bytes, false, {}}; }
};

// A new phase of `plan` at the engine's efficiency for its class in the layer's precision.
inline Phase& add_phase(const LoweringContext& c, KernelPlan& plan, std::string name, KernelClass kernel_class) {
  return plan.add_phase(std::move(name), kernel_class, c.engine.efficiency(kernel_class, c.precision));
}

// Lowering for one target with an engine built for another is a user error.
void require_target(const EngineProfile& engine, EngineTarget target);

// Whether every output of `op` has no elements (a zero dimension): such a layer has no work items.
inline bool writes_nothing(const Network& net, const Operator& op) {
  for (TensorId t : op.outputs)
    if (checked_elements(net.tensor(t).shape).value_or(1) != 0) return false;
  return true;
}

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }
// The part of `total` that items [begin, end) of `whole` carry; the parts add up to total exactly.
inline int64_t share(int64_t total, int64_t begin, int64_t end, int64_t whole) {
  return total * end / whole - total * begin / whole;
}

}  // namespace tilesim
