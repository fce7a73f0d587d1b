#pragma once
// What lowering a layer yields: the work items (tiles) an engine would run, each with its
// arithmetic and the data it touches, named well enough for a cache model to tell reuse from
// first touch.
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/kernel_class.hpp"
#include "sim/workload/data_type.hpp"
#include "sim/workload/tensor.hpp"

namespace tilesim {

// A rectangle of an activation viewed as channels x pixels (pixels = N*H*W flattened; a 2-D
// tensor [N, F] is F channels of N pixels). Producer and consumer tile a tensor differently;
// regions let the cache model match what one wrote to what the other reads.
struct Region {
  int64_t c0 = 0, c1 = 0, p0 = 0, p1 = 0;
  int64_t channels = 0;  // the whole tensor's channel count (numbers the cache blocks)
  bool empty() const { return c1 <= c0 || p1 <= p0; }
};

// Data one work item touches: an activation region, or an opaque block of a constant tensor
// (weights are only ever read, and always in the same blocks) or of a layer's workspace
// (tensor = workspace_id(layer): negative, so it never names a graph tensor).
struct DataAccess {
  TensorId tensor = -1;
  int64_t block = 0;   // for constants and workspaces: which block (same tensor and block = same bytes)
  int64_t bytes = 0;
  bool write = false;
  Region region;       // for activations and workspaces laid out as channels x pixels
};

constexpr TensorId workspace_id(int32_t layer, int which = 0) { return -2 - 4 * layer - which; }

struct WorkItem {
  int64_t flops = 0;
  std::vector<DataAccess> accesses;
};

// One parallel loop of a kernel (one GPU dispatch): its items run in any order, and the next
// phase starts after all of them finish (the engine's barrier, or the dispatch boundary).
struct Phase {
  std::string name;          // "gemm", "pack", "input_transform", ...
  KernelClass kernel_class = KernelClass::elementwise;
  double efficiency = 1.0;   // fraction of the core's peak its inner loop reaches (the engine's, for its class)
  std::vector<WorkItem> items;
  int64_t launched_tiles = 0;  // tiles the engine launches (items may coalesce several)
  int64_t flops() const;
  // GPU dispatches only: invocations per workgroup and what each holds.
  int64_t local_size = 0, registers_per_invocation = 0, local_memory_bytes = 0;
};

struct KernelPlan {
  std::string algorithm;     // e.g. "im2col_gemm", "winograd_f63", "depthwise_direct_3x3s1", "gemv"
  std::string layout;        // activation layout the kernel works in, e.g. "NC8HW8", "NHWC"
  DataType precision = DataType::fp32;
  std::string tile_shape;    // e.g. "M16xN24xK288" (of the main phase)
  int64_t workspace_bytes = 0;      // im2col buffers, Winograd transformed tiles, ...
  int64_t packed_weight_bytes = 0;  // what the engine keeps instead of the raw weights (0 = raw)
  std::vector<Phase> phases;

  // The new phase; references to earlier phases may not survive the call.
  Phase& add_phase(std::string name, KernelClass kernel_class, double efficiency);
  int64_t tiles() const;     // tiles the engine launches (workgroups on a GPU) over all phases
  int64_t total_flops() const;
  int64_t total_bytes(bool writes) const;
};

// Channels and pixels of an activation tensor, as Region sees it.
struct ActivationGeometry {
  int64_t channels = 1, pixels = 1;
};
ActivationGeometry geometry_of(const Tensor& t);

}  // namespace tilesim
