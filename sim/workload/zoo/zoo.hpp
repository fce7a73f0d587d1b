#pragma once
// The built-in model zoo: networks as shapes only (no weights), faithful to torchvision's
// definitions where torchvision has the model and to the original papers otherwise.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/workload/network.hpp"

namespace tilesim {

struct ModelEntry {
  std::string name;
  std::string description;  // what it is and which definition it follows
  Shape default_input;      // NCHW
  std::function<Network(const Shape& input)> build;
};

const std::vector<ModelEntry>& model_zoo();
const ModelEntry* find_model(std::string_view name);

}  // namespace tilesim
