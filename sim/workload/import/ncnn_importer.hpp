#pragma once
// Internal to the ncnn importer: the state of one import_ncnn_param and the members that map an
// ncnn layer (a LayerLine of ncnn_param_reader.hpp) onto workload operators. Its members live in
// one file per concept:
//   ncnn_param.cpp               import_ncnn_param, the walk over the layers, the layer-type table
//   ncnn_blobs.cpp               errors, parameters, blob shapes and axes, adding operators
//   ncnn_layers.cpp              Input, MemoryData, Noop, detection layers, unmodelled stand-ins
//   ncnn_conv_layers.cpp         Convolution, Deconvolution, Pooling
//   ncnn_matmul_layers.cpp       InnerProduct, Gemm, MultiHeadAttention
//   ncnn_elementwise_layers.cpp  BinaryOp, Eltwise, activations, normalisations, Reduction
//   ncnn_shape_layers.cpp        Concat, Split, Slice, Crop, Reshape, Permute, Padding, Interp...
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/workload/import/import_options.hpp"
#include "sim/workload/import/ncnn_param_reader.hpp"
#include "sim/workload/network.hpp"

namespace tilesim::ncnn_import {

constexpr int64_t kMaxIntParam = int64_t{1} << 31;  // ncnn's parameters are 32-bit ints
constexpr int64_t kMaxWindow = int64_t{1} << 20;    // kernel, stride, dilation, padding
constexpr int64_t kSentinel = -233;                 // ncnn's "not given" / "auto"

class Importer {
 public:
  Importer(const std::string& path, const ImportOptions& options) : path_(path), opt_(options) {}

  Network run();

 private:
  void layer(const LayerLine& l);

  // ---- errors ----
  [[noreturn]] void fail_at(int line0, const std::string& msg) const;
  [[noreturn]] void fail(const std::string& msg) const;  // names the current layer

  // ---- parameters ----
  const Param* param(int id) const;
  double getf(int id, double def) const;
  int64_t geti(int id, int64_t def) const;
  std::vector<double> geta(int id) const;
  std::vector<int64_t> getai(int id) const;
  int64_t window(int64_t v, const char* what, int64_t min = 1) const;
  int64_t positive(int64_t v, const char* what) const;

  // ---- blobs and tensors ----
  TensorId blob(size_t i) const { return blobs_.at(cur_->bottoms.at(i)); }
  const Shape& shape(TensorId t) const { return net_.tensor(t).shape; }
  int64_t dims(TensorId t) const { return static_cast<int64_t>(shape(t).size()) - 1; }  // ncnn's dims
  bool is_const(TensorId t) const { return net_.tensor(t).kind == TensorKind::weight; }
  TensorId activation(size_t i) const;
  void need(size_t bottoms, size_t tops) const;
  int64_t axis(int64_t a, int64_t d) const;
  Shape ncnn_shape(int64_t w, int64_t h, int64_t d, int64_t c, const char* what) const;
  std::optional<std::vector<Shape>> hinted_shapes() const;
  void check_channels(TensorId x, int64_t channels) const;
  void bind(const std::string& blob_name, TensorId t) { blobs_[blob_name] = t; }
  const std::string& top(size_t i = 0) const { return cur_->tops.at(i); }

  // ---- adding operators ----
  TensorId weight(const std::string& name, Shape s, bool learnable = true);
  Operator new_op(OpType type, const std::string& name) const;
  std::vector<TensorId> emit(Operator op, const std::vector<std::string>& out_names,
                             const std::vector<Shape>* shapes_in = nullptr);
  TensorId emit1(Operator op, const std::string& out_name, const std::vector<Shape>* shapes_in = nullptr);
  TensorId unary(OpType type, TensorId x, const std::string& name, const std::string& out);
  TensorId flatten(TensorId x, int64_t axis_, const std::string& name, const std::string& out);
  TensorId reshape(TensorId x, const Shape& target, const std::string& name, const std::string& out);
  TensorId transpose(TensorId x, const std::vector<int64_t>& perm, const std::string& name, const std::string& out);
  TensorId linear(TensorId x, int64_t n, bool bias, const std::string& name, const std::string& out,
                  std::optional<DataType> compute = std::nullopt);
  TensorId fused_activation(TensorId x, const std::string& out);
  std::string pre_activation_name() const;
  void finish_activation(TensorId y);

  // ---- layers (ncnn_layers.cpp) ----
  void unknown(const std::string& why);
  void input();
  std::optional<int64_t> benchncnn_size() const;
  void memory_data();
  void noop();
  void prior_box();
  void detection_output();

  // ---- layers (ncnn_conv_layers.cpp) ----
  // What Convolution and Deconvolution (and their DepthWise forms) read alike: the 3-D input, the
  // output channels, kernel, dilation, stride, group, and the pads as given (-233/-234: SAME).
  struct ConvWindow {
    TensorId x = -1;
    int64_t n = 0, kw = 0, kh = 0, dw = 0, dh = 0, sw = 0, sh = 0, group = 1, cin = 0, h = 0, w = 0;
    int64_t pl = 0, pr = 0, pt = 0, pb = 0;
  };
  ConvWindow conv_window(bool depthwise);
  // The Conv or ConvTranspose of `c` (its pads resolved) with weights `ws`, checked against
  // weight_data_size, its bias and its fused activation.
  void add_conv(OpType type, const ConvWindow& c, const Shape& ws, const std::vector<int64_t>& output_padding);
  void convolution();
  void check_weight_size(int id, const Shape& ws) const;
  void deconvolution();
  void pooling();

  // ---- layers (ncnn_matmul_layers.cpp) ----
  void inner_product();
  void gemm();
  TensorId transpose_last2(TensorId x, const std::string& name, const std::string& out);
  void multi_head_attention();

  // ---- layers (ncnn_elementwise_layers.cpp) ----
  static Shape aligned(const Shape& small, const Shape& big);
  void elementwise(OpType type, const std::vector<TensorId>& operands, const std::string& name, const std::string& out);
  void binary_op();
  void eltwise();
  void softmax();
  void relu();
  void clip();
  void simple();
  void unary_op();
  void batch_norm();
  void scale();
  void lrn();
  void reduction();
  void layer_norm();

  // ---- layers (ncnn_shape_layers.cpp) ----
  void concat();
  void split();
  void slice();
  void crop();
  void shuffle_channel();
  void interp();
  void reshape_layer();
  void permute();
  void flatten_layer();
  void padding();

  const std::string& path_;
  const ImportOptions& opt_;
  Network net_;
  std::string stem_;
  bool input_seen_ = false;
  std::unordered_map<std::string, TensorId> blobs_;
  const LayerLine* cur_ = nullptr;
  std::set<std::string> warned_types_;
};

}  // namespace tilesim::ncnn_import
