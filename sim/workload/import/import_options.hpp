#pragma once
// What every importer of a model file (ONNX, ncnn .param) is told.
#include <optional>
#include <string>
#include <vector>

#include "sim/workload/tensor.hpp"

namespace tilesim {

struct ImportOptions {
  std::optional<Shape> input;  // NCHW input shape replacing the file's own; unset: the file's
  // Operators tilesim has no model of become Unmodelled stand-ins (a warning per operator type
  // in `warnings`) instead of an error.
  bool allow_unknown = false;
  std::vector<std::string>* warnings = nullptr;  // may be null
};

}  // namespace tilesim
