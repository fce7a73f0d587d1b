#include "sim/workload/zoo/zoo.hpp"

#include "sim/workload/zoo/registry.hpp"

namespace tilesim {

const std::vector<ModelEntry>& model_zoo() {
  static const std::vector<ModelEntry> zoo = [] {
    std::vector<ModelEntry> all;
    zoo::register_classic_models(all);
    zoo::register_mobile_models(all);
    zoo::register_efficient_models(all);
    return all;
  }();
  return zoo;
}

const ModelEntry* find_model(std::string_view name) {
  for (const auto& m : model_zoo())
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace tilesim
