#include "sim/workload/zoo/models.hpp"
#include "sim/workload/zoo/registry.hpp"

namespace tilesim::zoo {

void register_efficient_models(std::vector<ModelEntry>& out) {
  const Shape in224{1, 3, 224, 224};
  out.push_back({"shufflenet",
                 "ShuffleNet v1 1.0x, groups 3 (Zhang et al. 2017; megvii ShuffleNet-Series layout)", in224,
                 shufflenet_v1_g3});
  out.push_back({"shufflenet_v2_x1_0", "ShuffleNet V2 1.0x (torchvision)", in224, shufflenet_v2_x1_0});
  out.push_back({"proxylessnas_mobile", "ProxylessNAS-Mobile (Cai et al. 2019; mit-han-lab/proxylessnas)",
                 in224, proxylessnas_mobile});
  out.push_back({"regnet_y_400mf", "RegNetY-400MF (torchvision)", in224, regnet_y_400mf});
}

}  // namespace tilesim::zoo
