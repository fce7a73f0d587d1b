// The ncnn importer's conventions: errors located at the layer's line, parameters read and bounded,
// blobs as NCHW tensors (ncnn blobs carry no batch: dims 1 (w), 2 (w,h), 3 (w,h,c) or 4 (w,h,d,c)
// are [1,w], [1,h,w], [1,c,h,w] or [1,c,d,h,w], so ncnn axis a (outermost first) is our axis a+1),
// and the small operator chains (flatten, reshape, linear, fused activations) layers are built of.
#include "sim/workload/import/ncnn_importer.hpp"

#include <cmath>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/import/graph_assembly.hpp"

namespace tilesim::ncnn_import {

// ---- errors ----
[[noreturn]] void Importer::fail_at(int line0, const std::string& msg) const {
  throw ConfigError(located(path_, line0, 0, "", msg));
}
[[noreturn]] void Importer::fail(const std::string& msg) const {
  if (!cur_) throw ConfigError(located(path_, -1, 0, "", msg));
  fail_at(cur_->line0, fmt::format("{} {}: {}", cur_->type, quoted(cur_->name), msg));
}

// ---- parameters ----
const Param* Importer::param(int id) const {
  auto it = cur_->params.find(id);
  return it == cur_->params.end() ? nullptr : &it->second;
}
double Importer::getf(int id, double def) const {
  const Param* p = param(id);
  if (!p) return def;
  if (p->array) fail(fmt::format("parameter {} must be a single value", id));
  return p->values[0];
}
int64_t Importer::geti(int id, int64_t def) const {
  const Param* p = param(id);
  if (!p) return def;
  if (p->array) fail(fmt::format("parameter {} must be a single value", id));
  const double v = p->values[0];
  if (v != std::floor(v) || std::fabs(v) > static_cast<double>(kMaxIntParam))
    fail(fmt::format("parameter {} must be an integer of at most 2^31, not {}", id, v));
  return static_cast<int64_t>(v);
}
std::vector<double> Importer::geta(int id) const {
  const Param* p = param(id);
  if (!p) return {};
  return p->values;  // a single value reads as a one-element array
}
std::vector<int64_t> Importer::getai(int id) const {
  std::vector<int64_t> out;
  for (double v : geta(id)) {
    if (v != std::floor(v) || std::fabs(v) > static_cast<double>(kMaxIntParam))
      fail(fmt::format("array parameter {} must hold integers of at most 2^31", id));
    out.push_back(static_cast<int64_t>(v));
  }
  return out;
}
int64_t Importer::window(int64_t v, const char* what, int64_t min) const {
  if (v < min || v > kMaxWindow) fail(fmt::format("{} {} out of range [{}, {}]", what, v, min, kMaxWindow));
  return v;
}
int64_t Importer::positive(int64_t v, const char* what) const {
  if (v < 1) fail(fmt::format("{} must be positive, not {}", what, v));
  return v;
}

// ---- tensors ----
TensorId Importer::activation(size_t i) const {
  TensorId t = blob(i);
  if (is_const(t))
    fail(fmt::format("bottom {} is a MemoryData constant; tilesim models {} only on activations",
                     quoted(cur_->bottoms[i]), cur_->type));
  return t;
}
void Importer::need(size_t bottoms, size_t tops) const {
  if (cur_->bottoms.size() != bottoms || cur_->tops.size() != tops)
    fail(fmt::format("expects {} bottom(s) and {} top(s), has {} and {}", bottoms, tops, cur_->bottoms.size(),
                     cur_->tops.size()));
}
// ncnn axis (negative from the end) of a blob of `d` dims -> our axis.
int64_t Importer::axis(int64_t a, int64_t d) const {
  if (a < -d || a >= d) fail(fmt::format("axis {} out of range for a {}-D blob", a, d));
  return (a < 0 ? a + d : a) + 1;
}

TensorId Importer::weight(const std::string& name, Shape s, bool learnable) {
  if (!checked_elements(s)) fail(fmt::format("weight [{}] has a negative or absurd size", shape_to_string(s, ',')));
  Tensor t{name, std::move(s), DataType::fp32, TensorKind::weight};
  t.learnable = learnable;
  return net_.add_tensor(std::move(t));
}

Operator Importer::new_op(OpType type, const std::string& name) const {
  Operator op;
  op.type = type;
  op.name = name;
  op.source_type = cur_->type;
  return op;
}

// Adds `op`, inferring its outputs (from `shapes_in` when given: constants that take part in the
// shape rule) and naming them `out_names`.
std::vector<TensorId> Importer::emit(Operator op, const std::vector<std::string>& out_names,
                                     const std::vector<Shape>* shapes_in) {
  std::vector<Shape> in;
  if (shapes_in) {
    in = *shapes_in;
  } else {
    for (TensorId t : op.inputs) in.push_back(shape(t));
  }
  const ImportFailure failure = [this](const std::string& msg) { fail(msg); };
  const std::vector<Shape> out = infer_outputs_or_fail(op, in, failure);
  if (out.size() != out_names.size())
    fail(fmt::format("produces {} outputs, the layer has {} tops", out.size(), out_names.size()));
  for (size_t i = 0; i < out.size(); ++i)
    op.outputs.push_back(net_.add_tensor(Tensor{out_names[i], out[i], DataType::fp32, TensorKind::activation}));
  auto outs = op.outputs;
  add_op_or_fail(net_, std::move(op), failure);
  return outs;
}
TensorId Importer::emit1(Operator op, const std::string& out_name, const std::vector<Shape>* shapes_in) {
  return emit(std::move(op), {out_name}, shapes_in).front();
}

TensorId Importer::unary(OpType type, TensorId x, const std::string& name, const std::string& out) {
  Operator op = new_op(type, name);
  op.inputs = {x};
  return emit1(std::move(op), out);
}
TensorId Importer::flatten(TensorId x, int64_t axis_, const std::string& name, const std::string& out) {
  Operator op = new_op(OpType::Flatten, name);
  op.attrs.axis = axis_;
  op.inputs = {x};
  return emit1(std::move(op), out);
}
TensorId Importer::reshape(TensorId x, const Shape& target, const std::string& name, const std::string& out) {
  Shape probe = target;
  for (auto& d : probe) d = d == -1 ? 1 : d;
  if (!checked_elements(probe)) fail(fmt::format("reshape target [{}] is absurd", shape_to_string(target, ',')));
  Operator op = new_op(OpType::Reshape, name);
  op.attrs.target_shape = target;
  op.inputs = {x};
  return emit1(std::move(op), out);
}
TensorId Importer::transpose(TensorId x, const std::vector<int64_t>& perm, const std::string& name, const std::string& out) {
  Operator op = new_op(OpType::Transpose, name);
  op.attrs.perm = perm;
  op.inputs = {x};
  return emit1(std::move(op), out);
}
// Gemm of the last axis of x (any rank >= 2) with a weight [n, K]: flattened to 2-D and back.
TensorId Importer::linear(TensorId x, int64_t n, bool bias, const std::string& name, const std::string& out,
                          std::optional<DataType> compute) {
  const Shape xs = shape(x);
  const int64_t k = xs.back();
  TensorId in2 = x;
  const bool reshaped = xs.size() != 2;
  if (reshaped) in2 = flatten(x, static_cast<int64_t>(xs.size()) - 1, name + "/flatten", out + "#2d");
  Operator op = new_op(OpType::Gemm, name);
  op.attrs.units = positive(n, "output features");
  op.compute_type = compute;
  op.inputs = {in2};
  op.weights.push_back(weight(name + ".weight", {n, k}));
  if (bias) op.weights.push_back(weight(name + ".bias", {n}));
  TensorId y = emit1(std::move(op), reshaped ? out + "#gemm" : out);
  if (!reshaped) return y;
  Shape target = xs;
  target.back() = n;
  return reshape(y, target, name + "/reshape", out);
}

// ncnn's fused activation (9=activation_type, 10=activation_params) as an operator after `x`.
TensorId Importer::fused_activation(TensorId x, const std::string& out) {
  const int64_t type = geti(9, 0);
  const auto params = geta(10);
  OpType t;
  switch (type) {
    case 1: t = OpType::Relu; break;
    case 2: t = OpType::LeakyRelu; break;
    case 3: t = OpType::Clip; break;
    case 4: t = OpType::Sigmoid; break;
    case 5: t = OpType::Mish; break;
    case 6: t = OpType::HardSwish; break;
    default: fail(fmt::format("unknown activation_type {}", type));
  }
  Operator op = new_op(t, cur_->name + "/" + std::string(onnx_name(t)));
  if (t == OpType::Clip) {
    if (params.size() >= 2) {
      op.attrs.clip_min = static_cast<float>(params[0]);
      op.attrs.clip_max = static_cast<float>(params[1]);
    }
  }
  op.inputs = {x};
  return emit1(std::move(op), out);
}
// The top of a layer with a fused activation: the bare output when one follows.
std::string Importer::pre_activation_name() const { return geti(9, 0) != 0 ? top() + "#preact" : top(); }
void Importer::finish_activation(TensorId y) {
  if (geti(9, 0) != 0) y = fused_activation(y, top());
  bind(top(), y);
}

// Output shapes the file states (-23330=4*tops,dims,w,h,c,...), when it states them for every top.
std::optional<std::vector<Shape>> Importer::hinted_shapes() const {
  const auto h = getai(30);
  if (h.empty() || h.size() != 4 * cur_->tops.size()) return std::nullopt;
  std::vector<Shape> out;
  for (size_t i = 0; i < cur_->tops.size(); ++i) {
    const int64_t d = h[4 * i], w = h[4 * i + 1], hh = h[4 * i + 2], c = h[4 * i + 3];
    Shape s;
    if (d == 1) s = {1, w};
    else if (d == 2) s = {1, hh, w};
    else if (d == 3) s = {1, c, hh, w};
    else return std::nullopt;
    if (!checked_elements(s)) return std::nullopt;
    out.push_back(s);
  }
  return out;
}

Shape Importer::ncnn_shape(int64_t w, int64_t h, int64_t d, int64_t c, const char* what) const {
  for (int64_t v : {w, h, d, c})
    if (v < 0) fail(fmt::format("{}: negative size {}", what, v));
  Shape s;
  if (w == 0) fail(fmt::format("{}: no size given", what));
  if (h == 0) s = {1, w};
  else if (c == 0) s = {1, h, w};
  else if (d == 0) s = {1, c, h, w};
  else s = {1, c, d, h, w};
  if (!checked_elements(s)) fail(fmt::format("{} [{}] has more than {} elements", what, shape_to_string(s, ','), kMaxTensorElements));
  return s;
}

// The axis a per-channel parameter of `channels` values applies to (ncnn: c of 3-D, h of 2-D, w of 1-D).
void Importer::check_channels(TensorId x, int64_t channels) const {
  if (shape(x).size() < 2 || shape(x)[1] != channels)
    fail(fmt::format("{} channels, the blob is [{}]", channels, shape_to_string(shape(x), ',')));
}

}  // namespace tilesim::ncnn_import
