#pragma once
// Builds a Network operator by operator, creating weight tensors and inferring each output shape
// as it goes, so that a model is written as its reference implementation reads.
#include <string>
#include <vector>

#include "sim/workload/network.hpp"

namespace tilesim {

struct ConvSpec {
  int64_t out_channels = 0;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  std::vector<int64_t> pads;  // {} = "same" for odd kernels at stride 1 ((k-1)/2 each side); 1, 2 or 4 values
  int64_t dilation = 1;
  int64_t groups = 1;
  bool bias = false;

  // Square kernel k, stride s, padding (k-1)/2*dilation on every side unless set.
  static ConvSpec square(int64_t out, int64_t k, int64_t s = 1, int64_t groups = 1, bool bias = false);
};

struct PoolSpec {
  int64_t kernel = 2, stride = 2, pad = 0;
  bool ceil_mode = false;
  bool count_include_pad = true;  // PyTorch's AvgPool2d default
};

class NetworkBuilder {
 public:
  explicit NetworkBuilder(std::string model_name) : net_(std::move(model_name)) {}

  TensorId input(const Shape& shape, const std::string& name = "input");

  TensorId conv(TensorId x, const ConvSpec& spec, const std::string& name);
  TensorId gemm(TensorId x, int64_t out_features, bool bias, const std::string& name);
  TensorId matmul(TensorId a, TensorId b, const std::string& name);
  TensorId batch_norm(TensorId x, const std::string& name);
  TensorId max_pool(TensorId x, const PoolSpec& p, const std::string& name);
  TensorId avg_pool(TensorId x, const PoolSpec& p, const std::string& name);
  TensorId global_avg_pool(TensorId x, const std::string& name);

  TensorId relu(TensorId x, const std::string& name) { return unary(OpType::Relu, x, name); }
  TensorId relu6(TensorId x, const std::string& name) { return unary(OpType::Clip, x, name); }
  TensorId sigmoid(TensorId x, const std::string& name) { return unary(OpType::Sigmoid, x, name); }
  TensorId hard_sigmoid(TensorId x, const std::string& name) { return unary(OpType::HardSigmoid, x, name); }
  TensorId hard_swish(TensorId x, const std::string& name) { return unary(OpType::HardSwish, x, name); }
  TensorId swish(TensorId x, const std::string& name) { return unary(OpType::Swish, x, name); }
  TensorId softmax(TensorId x, const std::string& name) { return unary(OpType::Softmax, x, name); }
  TensorId dropout(TensorId x, const std::string& name) { return unary(OpType::Dropout, x, name); }
  TensorId identity(TensorId x, const std::string& name) { return unary(OpType::Identity, x, name); }

  TensorId add(TensorId a, TensorId b, const std::string& name);
  TensorId mul(TensorId a, TensorId b, const std::string& name);  // broadcasts (squeeze-excite)
  TensorId concat(const std::vector<TensorId>& xs, const std::string& name, int64_t axis = 1);
  std::vector<TensorId> split(TensorId x, const std::vector<int64_t>& sizes, const std::string& name,
                              int64_t axis = 1);
  TensorId slice(TensorId x, int64_t begin, int64_t end, const std::string& name, int64_t axis = 1);
  TensorId channel_shuffle(TensorId x, int64_t groups, const std::string& name);
  TensorId flatten(TensorId x, const std::string& name, int64_t axis = 1);
  TensorId reshape(TensorId x, const Shape& target, const std::string& name);
  TensorId transpose(TensorId x, const std::vector<int64_t>& perm, const std::string& name);
  TensorId pad(TensorId x, const std::vector<int64_t>& pads, const std::string& name);
  TensorId resize(TensorId x, int64_t out_h, int64_t out_w, const std::string& name);

  const Shape& shape(TensorId t) const { return net_.tensor(t).shape; }
  int64_t channels(TensorId t) const { return net_.tensor(t).shape.at(1); }

  Network finish() && { return std::move(net_); }

 private:
  TensorId unary(OpType type, TensorId x, const std::string& name);
  TensorId weight(const std::string& name, Shape shape, bool learnable = true);
  // Adds the operator, infers its outputs and creates their tensors.
  std::vector<TensorId> emit(Operator op, size_t n_outputs = 1);
  TensorId emit1(Operator op) { return emit(std::move(op), 1).front(); }

  Network net_;
};

}  // namespace tilesim
