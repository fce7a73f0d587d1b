#include "sim/workload/zoo/models.hpp"
#include "sim/workload/zoo/registry.hpp"

namespace tilesim::zoo {

void register_mobile_models(std::vector<ModelEntry>& out) {
  (void)out;
}

}  // namespace tilesim::zoo
