#pragma once
// Lowering a layer into the kernel plan an engine runs on a CPU target: the algorithm it picks
// for the shape, the tiles it cuts, and the data each tile touches.
#include "hwmodels/cluster.hpp"
#include "kernels/engine_profile.hpp"
#include "kernels/kernel_plan.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

struct CpuTarget {
  const CoreSpec* core = nullptr;  // the core type tiles are blocked for (the first thread's)
  DataType precision = DataType::fp32;
  int threads = 1;                 // engines size tiles so that every thread gets work
  double cache_bytes = 0;          // the cache level GEMM tiles are blocked for (L2 per core)
};

// The target a thread pool whose first thread runs on `cluster` presents to the engine: tiles are
// blocked for the L2 that core reads through (private, else the cluster's, else its L1).
CpuTarget cpu_target(const ClusterSpec& cluster, DataType precision, int threads);

KernelPlan lower_layer(const Network& net, OpId id, const EngineProfile& engine, const CpuTarget& target);

}  // namespace tilesim
