#pragma once
// Output shapes of each operator from its input shapes and attributes (ONNX semantics; pooling
// in ceil mode follows PyTorch: a window may not start in the end padding).
#include <vector>

#include "sim/workload/network.hpp"

namespace tilesim {

class ShapeError : public GraphError {
 public:
  using GraphError::GraphError;
};

std::vector<Shape> infer_output_shapes(const Operator& op, const std::vector<Shape>& inputs);

// Re-infers every activation shape in topological order from the graph inputs' shapes.
void infer_shapes(Network& net);

// Output size of a sliding window along one axis.
int64_t window_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin,
                           int64_t pad_end, int64_t dilation, bool ceil_mode);

}  // namespace tilesim
