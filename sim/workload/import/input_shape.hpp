#pragma once
// Turning --input into a shape (models themselves: sim/workload/import/model_loader.hpp).
#include <string>

#include "sim/workload/tensor.hpp"

namespace tilesim {

// "1x3x224x224" → {1, 3, 224, 224}; throws ConfigError on anything else.
Shape parse_input_shape(const std::string& text);

}  // namespace tilesim
