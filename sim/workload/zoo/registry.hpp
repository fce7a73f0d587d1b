#pragma once
// Each model family file group appends its entries to the zoo.
#include <vector>

#include "sim/workload/zoo/zoo.hpp"

namespace tilesim::zoo {
void register_classic_models(std::vector<ModelEntry>& out);
void register_mobile_models(std::vector<ModelEntry>& out);
void register_efficient_models(std::vector<ModelEntry>& out);
}  // namespace tilesim::zoo
