// ncnn's plain-text network definition (.param) as a workload graph: the file read and checked
// (ncnn_param_reader.cpp), then each layer mapped in file order by the member of
// ncnn_import::Importer (ncnn_importer.hpp) that its type names.
//
// Layer semantics follow ncnn's src/layer/*.cpp; where a layer has no single tilesim operator it
// becomes a short chain named "<layer>/<part>" (MultiHeadAttention, Gemm on a 3-D blob,
// InnerProduct on a 3-D blob, fused activations), the part carrying the arithmetic keeping the
// ncnn layer's own name where there is one such part.
#include "sim/workload/import/ncnn_param.hpp"

#include <unordered_map>

#include "sim/workload/import/ncnn_importer.hpp"

namespace tilesim {
namespace ncnn_import {

Network Importer::run() {
  std::vector<LayerLine> layers = read_param_file(path_, opt_.warnings);
  std::string stem = path_;
  if (auto slash = stem.find_last_of('/'); slash != std::string::npos) stem = stem.substr(slash + 1);
  stem_ = stem.size() > 6 && stem.ends_with(".param") ? stem.substr(0, stem.size() - 6) : stem;
  net_ = Network(stem_);
  for (const LayerLine& l : layers) {
    cur_ = &l;
    layer(l);
  }
  cur_ = nullptr;
  return std::move(net_);
}

void Importer::layer(const LayerLine& l) {
  static const std::unordered_map<std::string, void (Importer::*)()> table = {
      {"Input", &Importer::input},
      {"MemoryData", &Importer::memory_data},
      {"Convolution", &Importer::convolution},
      {"ConvolutionDepthWise", &Importer::convolution},
      {"Deconvolution", &Importer::deconvolution},
      {"DeconvolutionDepthWise", &Importer::deconvolution},
      {"InnerProduct", &Importer::inner_product},
      {"Gemm", &Importer::gemm},
      {"Pooling", &Importer::pooling},
      {"Eltwise", &Importer::eltwise},
      {"BinaryOp", &Importer::binary_op},
      {"Concat", &Importer::concat},
      {"Split", &Importer::split},
      {"Slice", &Importer::slice},
      {"Crop", &Importer::crop},
      {"ShuffleChannel", &Importer::shuffle_channel},
      {"Interp", &Importer::interp},
      {"Reshape", &Importer::reshape_layer},
      {"Permute", &Importer::permute},
      {"Flatten", &Importer::flatten_layer},
      {"Padding", &Importer::padding},
      {"Softmax", &Importer::softmax},
      {"ReLU", &Importer::relu},
      {"Clip", &Importer::clip},
      {"Swish", &Importer::simple},
      {"HardSwish", &Importer::simple},
      {"HardSigmoid", &Importer::simple},
      {"Sigmoid", &Importer::simple},
      {"GELU", &Importer::simple},
      {"TanH", &Importer::simple},
      {"Mish", &Importer::simple},
      {"AbsVal", &Importer::simple},
      {"Dropout", &Importer::simple},
      {"BatchNorm", &Importer::batch_norm},
      {"Scale", &Importer::scale},
      {"LRN", &Importer::lrn},
      {"Reduction", &Importer::reduction},
      {"LayerNorm", &Importer::layer_norm},
      {"MultiHeadAttention", &Importer::multi_head_attention},
      {"Noop", &Importer::noop},
      {"PriorBox", &Importer::prior_box},
      {"DetectionOutput", &Importer::detection_output},
      {"YoloDetectionOutput", &Importer::detection_output},
      {"Yolov3DetectionOutput", &Importer::detection_output},
      {"UnaryOp", &Importer::unary_op},
  };
  auto it = table.find(l.type);
  if (it == table.end()) return unknown("ncnn layer type tilesim has no model of");
  (this->*(it->second))();
}

}  // namespace ncnn_import

Network import_ncnn_param(const std::string& path, const ImportOptions& options) {
  return ncnn_import::Importer(path, options).run();
}

}  // namespace tilesim
