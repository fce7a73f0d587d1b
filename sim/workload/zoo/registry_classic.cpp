#include "sim/workload/zoo/models.hpp"
#include "sim/workload/zoo/registry.hpp"

namespace tilesim::zoo {

void register_classic_models(std::vector<ModelEntry>& out) {
  const Shape in224{1, 3, 224, 224};
  out.push_back({"resnet18", "ResNet-18 (torchvision)", in224, resnet18});
  out.push_back({"resnet50", "ResNet-50 v1.5 (torchvision)", in224, resnet50});
}

}  // namespace tilesim::zoo
