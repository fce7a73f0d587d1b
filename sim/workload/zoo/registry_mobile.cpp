#include "sim/workload/zoo/models.hpp"
#include "sim/workload/zoo/registry.hpp"

namespace tilesim::zoo {

void register_mobile_models(std::vector<ModelEntry>& out) {
  const Shape in224{1, 3, 224, 224};
  out.push_back({"mobilenet", "MobileNetV1 1.0 (Howard et al. 2017, Table 1)", in224, mobilenet_v1});
  out.push_back({"mobilenet_v2", "MobileNetV2 1.0 (torchvision)", in224, mobilenet_v2});
  out.push_back({"mobilenet_v3_large", "MobileNetV3-Large 1.0 (torchvision)", in224, mobilenet_v3_large});
  out.push_back({"mobilenet_v3_small", "MobileNetV3-Small 1.0 (torchvision)", in224, mobilenet_v3_small});
  out.push_back({"mnasnet1_0", "MNASNet-B1 1.0 (torchvision)", in224, mnasnet1_0});
  out.push_back({"efficientnet_b0", "EfficientNet-B0 (torchvision)", in224, efficientnet_b0});
}

}  // namespace tilesim::zoo
