#include "sim/workload/import/graph_assembly.hpp"

#include <stdexcept>

#include "sim/workload/shape_inference.hpp"

namespace tilesim {

std::vector<Shape> infer_outputs_or_fail(const Operator& op, const std::vector<Shape>& inputs,
                                         const ImportFailure& fail) {
  try {
    return infer_output_shapes(op, inputs);
  } catch (const GraphError& e) {
    fail(e.what());
  }
  throw std::logic_error("ImportFailure returned");  // fail always throws
}

void add_op_or_fail(Network& net, Operator op, const ImportFailure& fail) {
  try {
    net.add_op(std::move(op));
  } catch (const GraphError& e) {
    fail(e.what());
  }
}

}  // namespace tilesim
