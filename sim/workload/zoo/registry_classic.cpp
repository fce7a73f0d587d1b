#include "sim/workload/zoo/models.hpp"
#include "sim/workload/zoo/registry.hpp"

namespace tilesim::zoo {

void register_classic_models(std::vector<ModelEntry>& out) {
  const Shape in224{1, 3, 224, 224};
  out.push_back({"alexnet", "AlexNet (torchvision)", in224, alexnet});
  out.push_back({"vgg16", "VGG-16, configuration D without batch-norm (torchvision)", in224, vgg16});
  out.push_back({"googlenet", "GoogLeNet / Inception v1, eval mode without aux classifiers (torchvision)",
                 in224, googlenet});
  out.push_back({"resnet18", "ResNet-18 (torchvision)", in224, resnet18});
  out.push_back({"resnet50", "ResNet-50 v1.5 (torchvision)", in224, resnet50});
  out.push_back({"squeezenet1_1", "SqueezeNet 1.1 (torchvision)", in224, squeezenet1_1});
  out.push_back({"densenet121", "DenseNet-121 (torchvision)", in224, densenet121});
}

}  // namespace tilesim::zoo
