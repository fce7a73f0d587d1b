#pragma once
// How both importers (ncnn_*.cpp, onnx_*.cpp) add an operator to the network they build: tilesim's
// shape rules give its outputs, and a GraphError (an operator the rules or the network refuse)
// becomes the importer's own error, which names the file and the layer or node.
#include <functional>
#include <string>
#include <vector>

#include "sim/workload/network.hpp"

namespace tilesim {

// Throws the importer's ConfigError for `message`; never returns.
using ImportFailure = std::function<void(const std::string& message)>;

// infer_output_shapes(op, inputs), a GraphError handed to `fail`.
std::vector<Shape> infer_outputs_or_fail(const Operator& op, const std::vector<Shape>& inputs,
                                         const ImportFailure& fail);

// net.add_op(op), a GraphError handed to `fail`.
void add_op_or_fail(Network& net, Operator op, const ImportFailure& fail);

}  // namespace tilesim
