// What a node being imported reads (its inputs, the constants among them, its attributes, with the
// checks a hostile file needs) and what it writes (folded constants, weights, operators).
#include "sim/workload/import/onnx_importer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/workload/import/graph_assembly.hpp"

namespace tilesim::onnx_import {

// ---- inputs and attributes -----------------------------------------------------------------

Value& Importer::input(size_t i) {
  if (!has_input(i)) fail(fmt::format("lacks input {}", i));
  return values_.at(node_->inputs[i]);
}


// An integer input the node needs as a constant (shape, axes, pads, split sizes...). Values far
// outside int64 (INT64_MAX end markers) saturate at +-2^62.
std::vector<int64_t> Importer::const_ints(size_t i, const char* what) {
  Value& v = input(i);
  if (!v.constant) throw Unsupported{fmt::format("its {} input '{}' is computed at run time", what, node_->inputs[i])};
  if (!v.has_values) fail(fmt::format("its {} input '{}' is too large a constant", what, node_->inputs[i]));
  return to_ints(v.values, what);
}
std::vector<double> Importer::const_doubles(size_t i, const char* what) {
  Value& v = input(i);
  if (!v.constant) throw Unsupported{fmt::format("its {} input '{}' is computed at run time", what, node_->inputs[i])};
  if (!v.has_values) fail(fmt::format("its {} input '{}' is too large a constant", what, node_->inputs[i]));
  return v.values;
}
std::vector<int64_t> Importer::to_ints(const std::vector<double>& vals, const char* what) const {
  constexpr double lim = 4611686018427387904.0;  // 2^62
  std::vector<int64_t> out;
  out.reserve(vals.size());
  for (double d : vals) {
    if (std::isnan(d)) fail(fmt::format("{} holds NaN", what));
    out.push_back(static_cast<int64_t>(std::clamp(d, -lim, lim)));
  }
  return out;
}

int64_t Importer::attr_int(const char* n, int64_t def) const {
  const Attribute* a = attr(n);
  if (!a) return def;
  if (a->kind != Attribute::kInt) fail(fmt::format("attribute {} is not an integer", n));
  return a->i;
}
float Importer::attr_float(const char* n, float def) const {
  const Attribute* a = attr(n);
  if (!a) return def;
  if (a->kind == Attribute::kInt) return static_cast<float>(a->i);
  if (a->kind != Attribute::kFloat) fail(fmt::format("attribute {} is not a number", n));
  return a->f;
}
std::vector<int64_t> Importer::attr_ints(const char* n, std::vector<int64_t> def) const {
  const Attribute* a = attr(n);
  if (!a) return def;
  if (a->kind == Attribute::kInt) return {a->i};
  if (a->kind != Attribute::kInts) fail(fmt::format("attribute {} is not a list of integers", n));
  return a->ints;
}
std::vector<double> Importer::attr_floats(const char* n) const {
  const Attribute* a = attr(n);
  if (!a) return {};
  if (a->kind == Attribute::kFloat) return {a->f};
  if (a->kind != Attribute::kFloats) fail(fmt::format("attribute {} is not a list of numbers", n));
  return {a->floats.begin(), a->floats.end()};
}
std::string Importer::attr_string(const char* n, std::string def) const {
  const Attribute* a = attr(n);
  if (!a) return def;
  if (a->kind != Attribute::kString) fail(fmt::format("attribute {} is not a string", n));
  return a->s;
}
int64_t Importer::axis_in(int64_t axis, size_t rank) const {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) fail(fmt::format("axis {} out of range for rank {}", axis, rank));
  return axis < 0 ? axis + r : axis;
}

// ---- results -------------------------------------------------------------------------------

void Importer::set_constant(size_t out, Shape shape, int32_t elem_type, std::optional<std::vector<double>> vals) {
  if (out >= node_->outputs.size() || node_->outputs[out].empty()) return;
  if (!checked_elements(shape))
    fail(fmt::format("folds to a constant [{}] with a negative dimension or too many elements",
                     shape_to_string(shape, ',')));
  Value v;
  v.constant = true;
  v.name = node_->outputs[out];
  v.shape = std::move(shape);
  v.elem_type = elem_type;
  if (vals && count(v.shape) <= onnx_ir::kMaxConstantValues) {
    if (static_cast<int64_t>(vals->size()) != count(v.shape)) fail("folding produced the wrong number of values");
    if (is_integer_type(elem_type))
      for (double& d : *vals) d = std::trunc(d);
    v.has_values = true;
    v.values = std::move(*vals);
  }
  values_[node_->outputs[out]] = std::move(v);
}

TensorId Importer::weight(Value& v, bool learnable) {
  if (v.tensor < 0) {
    Tensor t{v.name, v.shape, dtype_of(v.elem_type), TensorKind::weight};
    t.learnable = learnable;
    v.tensor = net_.add_tensor(std::move(t));
  }
  return v.tensor;
}
TensorId Importer::weight_input(size_t i, bool learnable) {
  Value& v = input(i);
  if (!v.constant) throw Unsupported{fmt::format("its weight input '{}' is computed at run time", node_->inputs[i])};
  return weight(v, learnable);
}
TensorId Importer::activation(size_t i) {
  Value& v = input(i);
  if (v.constant) throw Unsupported{fmt::format("its data input '{}' is a constant", node_->inputs[i])};
  return v.tensor;
}

Operator Importer::new_op(OpType type) const {
  Operator op;
  op.type = type;
  op.name = layer_name(*node_);
  op.source_type = node_->op_type;
  return op;
}

// Infers the operator's outputs, names them after the node's outputs (or `names`), adds it.
std::vector<TensorId> Importer::emit(Operator op, std::vector<std::string> names) {
  std::vector<Shape> in;
  for (TensorId t : op.inputs) in.push_back(net_.tensor(t).shape);
  const ImportFailure failure = [this](const std::string& msg) { fail(msg); };
  const std::vector<Shape> shapes = infer_outputs_or_fail(op, in, failure);
  if (names.empty()) names = node_->outputs;
  if (shapes.size() > names.size()) fail(fmt::format("has {} outputs, tilesim's {} makes {}", names.size(),
                                                      onnx_name(op.type), shapes.size()));
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (names[i].empty()) names[i] = fmt::format("{}:{}", op.name, i);
    if (values_.count(names[i])) fail(fmt::format("output '{}' is produced twice", names[i]));
    const auto it = onnx_shapes_.find(names[i]);
    DataType dt = DataType::fp32;
    if (!op.inputs.empty()) dt = net_.tensor(op.inputs[0]).dtype;
    if (it != onnx_shapes_.end()) {
      const auto& vi = *it->second;
      if (vi.elem_type != onnx_ir::kUndefined && !is_integer_type(vi.elem_type)) dt = dtype_of(vi.elem_type);
      if (vi.has_shape && std::all_of(vi.dims.begin(), vi.dims.end(), [](int64_t d) { return d >= 0; }) &&
          Shape(vi.dims.begin(), vi.dims.end()) != shapes[i])
        warn(fmt::format("node '{}' ({}): output '{}' is [{}] by tilesim's rules, [{}] by ONNX shape inference",
                         op.name, node_->op_type, names[i], shape_to_string(shapes[i], ','),
                         shape_to_string(Shape(vi.dims.begin(), vi.dims.end()), ',')));
    }
    op.outputs.push_back(net_.add_tensor(Tensor{names[i], shapes[i], dt, TensorKind::activation}));
  }
  const auto outs = op.outputs;
  add_op_or_fail(net_, std::move(op), failure);
  for (size_t i = 0; i < outs.size(); ++i) {
    Value v;
    v.tensor = outs[i];
    values_[names[i]] = std::move(v);
  }
  return outs;
}

}  // namespace tilesim::onnx_import
