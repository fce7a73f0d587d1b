#pragma once
// What lowering a layer yields: the work items (tiles) an engine would run, each with its
// arithmetic and the data it touches, named well enough for a cache model to tell reuse from
// first touch.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/workload/data_type.hpp"
#include "sim/workload/tensor.hpp"

namespace tilesim {

// A rectangle of an activation viewed as channels x pixels (pixels = N*H*W flattened; a 2-D
// tensor [N, F] is F channels of N pixels). Producer and consumer tile a tensor differently;
// regions let the cache model match what one wrote to what the other reads.
struct Region {
  int64_t c0 = 0, c1 = 0, p0 = 0, p1 = 0;
  bool empty() const { return c1 <= c0 || p1 <= p0; }
};

// Data one work item touches: an activation region, or an opaque block of a constant tensor
// (weights are only ever read, and always in the same blocks).
struct DataAccess {
  TensorId tensor = -1;
  int64_t block = 0;   // for constants: which block (same tensor and block = same bytes)
  int64_t bytes = 0;
  bool write = false;
  Region region;       // for activations
};

// Channels and pixels of an activation tensor, as Region sees it.
struct ActivationGeometry {
  int64_t channels = 1, pixels = 1;
};
ActivationGeometry geometry_of(const Tensor& t);

struct WorkItem {
  int64_t flops = 0;
  std::vector<DataAccess> accesses;
};

struct KernelPlan {
  std::string algorithm;     // e.g. "im2col_gemm", "gemm_1x1", "depthwise_direct", "gemv", "copy"
  std::string layout;        // activation layout the kernel works in, e.g. "NC8HW8"
  DataType precision = DataType::fp32;
  std::string tile_shape;    // e.g. "M16xN24xK288"
  double efficiency = 1.0;   // fraction of the core's peak its inner loop reaches
  int64_t workspace_bytes = 0;  // im2col buffers, packed weights, ...
  std::vector<WorkItem> items;

  int64_t total_flops() const;
  int64_t total_bytes(bool writes) const;
};

}  // namespace tilesim
