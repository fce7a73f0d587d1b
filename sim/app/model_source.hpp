#pragma once
// Turning --model and --input into a network.
#include <optional>
#include <string>

#include "sim/workload/network.hpp"

namespace tilesim {

// "1x3x224x224" → {1, 3, 224, 224}; throws ConfigError on anything else.
Shape parse_input_shape(const std::string& text);

// A built-in model name (or, in future, a model file) at the given input (the model's default if unset).
Network load_model(const std::string& name, const std::optional<Shape>& input);

}  // namespace tilesim
