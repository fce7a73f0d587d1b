#pragma once
// Builders of the zoo's networks, one per model; each takes the NCHW input shape.
#include "sim/workload/network.hpp"

namespace tilesim::zoo {

// torchvision classics (registry_classic.cpp)
Network alexnet(const Shape& input);
Network vgg16(const Shape& input);
Network googlenet(const Shape& input);
Network resnet18(const Shape& input);
Network resnet50(const Shape& input);
Network squeezenet1_1(const Shape& input);
Network densenet121(const Shape& input);

// mobile networks (registry_mobile.cpp)
Network mobilenet_v1(const Shape& input);
Network mobilenet_v2(const Shape& input);
Network mobilenet_v3_large(const Shape& input);
Network mobilenet_v3_small(const Shape& input);
Network mnasnet1_0(const Shape& input);
Network efficientnet_b0(const Shape& input);

// shuffle and searched networks (registry_efficient.cpp)
Network shufflenet_v1_g3(const Shape& input);
Network shufflenet_v2_x1_0(const Shape& input);
Network proxylessnas_mobile(const Shape& input);
Network regnet_y_400mf(const Shape& input);

}  // namespace tilesim::zoo
