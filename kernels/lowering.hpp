#pragma once
// Lowering a layer into the kernel plan an engine runs: the algorithm it picks for the shape,
// the phases (parallel loops or GPU dispatches) and tiles it cuts, and the data each tile touches.
#include "hwmodels/cluster.hpp"
#include "hwmodels/gpu.hpp"
#include "kernels/engine_profile.hpp"
#include "kernels/kernel_plan.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

struct CpuTarget {
  const CoreSpec* core = nullptr;  // the core type tiles are blocked for (the first thread's)
  DataType precision = DataType::fp32;
  int threads = 1;                 // engines size tiles so that every thread gets work
  double cache_bytes = 0;          // the cache level GEMM tiles are blocked for
};

// The target a thread pool whose first thread runs on `cluster` presents to the engine: tiles are
// blocked for the L2 that core reads through (private, else the cluster's, else its L1).
CpuTarget cpu_target(const ClusterSpec& cluster, DataType precision, int threads);

struct GpuTarget {
  const GpuSpec* gpu = nullptr;
  DataType precision = DataType::fp16;
};

KernelPlan lower_layer(const Network& net, OpId id, const EngineProfile& engine, const CpuTarget& target);
KernelPlan lower_layer_gpu(const Network& net, OpId id, const EngineProfile& engine, const GpuTarget& target);

// Share of a convolution's kernel taps that land inside the input rather than in its padding
// (what a direct kernel that skips padded taps computes).
double valid_tap_fraction(const Network& net, OpId id);

// The convolution shape an engine's rules test.
ConvShape conv_shape(const Network& net, OpId id, DataType precision);

}  // namespace tilesim
