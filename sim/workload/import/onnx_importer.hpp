#pragma once
// Internal to the ONNX importer: the state of one import_onnx over the module's plain graph
// (onnx_graph.hpp) and the members that map its nodes onto workload operators. Its members live
// in one file per concept:
//   onnx_model.cpp             import_onnx, graph inputs and initializers, node order, the dispatcher
//   onnx_node_access.cpp       a node's inputs, constant inputs and attributes; its results
//   onnx_constant_folding.cpp  nodes on constants (shape subgraphs) computed at import
//   onnx_operators.cpp         the operators on activations, by type
//   onnx_conv_operators.cpp    Conv, ConvTranspose and pooling windows, Gemm, MatMul
//   onnx_shape_operators.cpp   Reshape and Squeeze targets, Split, Slice, Pad, Resize
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/workload/import/import_options.hpp"
#include "sim/workload/import/onnx_graph.hpp"
#include "sim/workload/network.hpp"

namespace tilesim::onnx_import {

using onnx_ir::Attribute;
using onnx_ir::ConstTensor;
using onnx_ir::Node;

// A node tilesim cannot map (an operator it has no model of, or an input it needs as a constant
// computed at run time): an error, or an Unmodelled stand-in with options.allow_unknown.
struct Unsupported {
  std::string why;
};

struct Value {
  bool constant = false;
  TensorId tensor = -1;  // activation; for a constant, its weight tensor once one is made
  Shape shape;           // constants
  int32_t elem_type = onnx_ir::kFloat;
  bool has_values = false;
  std::vector<double> values;
  bool initializer = false;
  std::string name;
};

inline bool is_integer_type(int32_t t) {
  return t == onnx_ir::kInt64 || t == onnx_ir::kInt32 || t == onnx_ir::kInt16 || t == onnx_ir::kInt8 ||
         t == onnx_ir::kUint8 || t == onnx_ir::kUint16 || t == onnx_ir::kUint32 || t == onnx_ir::kUint64 ||
         t == onnx_ir::kBool;
}

inline DataType dtype_of(int32_t t) {
  if (t == onnx_ir::kFloat16 || t == onnx_ir::kBfloat16) return DataType::fp16;
  if (t == onnx_ir::kInt8 || t == onnx_ir::kUint8) return DataType::int8;
  return DataType::fp32;
}

// ONNX's multidirectional (numpy) broadcast of `shapes`; `ok` false where they do not broadcast.
Shape broadcast_shapes(const std::vector<Shape>& shapes, bool& ok);
// ONNX operators whose output takes the broadcast of their inputs' shapes (arithmetic, comparison,
// logic and unary elementwise operators).
bool is_elementwise(const std::string& op_type);

// Elements of `s`; -1 where it has a negative dimension or too many.
inline int64_t count(const Shape& s) {
  auto n = checked_elements(s);
  return n ? *n : -1;
}

class Importer {
 public:
  Importer(std::string path, const ImportOptions& options) : path_(std::move(path)), options_(options) {}

  Network run(onnx_ir::Graph graph);

 private:
  std::string path_;
  const ImportOptions& options_;
  onnx_ir::Graph g_;
  Network net_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, const onnx_ir::ValueInfo*> onnx_shapes_;
  std::set<std::string> warned_types_;
  const Node* node_ = nullptr;  // being imported

  void warn(const std::string& w);
  static std::string layer_name(const Node& n);
  [[noreturn]] void fail(const std::string& why) const;

  // ---- graph set-up and the dispatcher (onnx_model.cpp) ----
  void add_inputs();
  void add_initializers();
  std::vector<size_t> node_order();
  void import_node(const Node& n);
  void unmodelled(const std::string& why);

  // ---- inputs and attributes (onnx_node_access.cpp) ----
  bool has_input(size_t i) const { return i < node_->inputs.size() && !node_->inputs[i].empty(); }
  Value& input(size_t i);
  // Copies: a graph tensor's shape lives in the network's tensor list, which adding a tensor moves.
  Shape shape_of(Value& v) { return v.constant ? v.shape : net_.tensor(v.tensor).shape; }
  Shape input_shape(size_t i) { return shape_of(input(i)); }
  std::vector<int64_t> const_ints(size_t i, const char* what);
  std::vector<double> const_doubles(size_t i, const char* what);
  std::vector<int64_t> to_ints(const std::vector<double>& vals, const char* what) const;
  const Attribute* attr(const char* n) const { return node_->attr(n); }
  int64_t attr_int(const char* n, int64_t def) const;
  float attr_float(const char* n, float def) const;
  std::vector<int64_t> attr_ints(const char* n, std::vector<int64_t> def) const;
  std::vector<double> attr_floats(const char* n) const;
  std::string attr_string(const char* n, std::string def) const;
  int64_t axis_in(int64_t axis, size_t rank) const;
  int64_t opset() const { return g_.opset; }

  // ---- results (onnx_node_access.cpp) ----
  void set_constant(size_t out, Shape shape, int32_t elem_type, std::optional<std::vector<double>> vals);
  TensorId weight(Value& v, bool learnable);
  TensorId weight_input(size_t i, bool learnable = true);
  TensorId activation(size_t i);
  Operator new_op(OpType type) const;
  std::vector<TensorId> emit(Operator op, std::vector<std::string> names = {});

  // ---- constant folding (onnx_constant_folding.cpp) ----
  void fold_constant();
  void fold_shape();
  void fold();
  bool fold_shapes_only(const std::string& op_type);  // values not kept: shapes from the rule
  std::vector<int64_t> reduce_axes();                  // a reduction's axes: attribute, or input 1
  Shape concat_shape();                                // Concat of the node's constant inputs
  Shape gather_shape(const Shape& data, const Shape& indices);
  Shape expand_shape(const Shape& in);                 // Expand of `in` to the node's shape input
  std::vector<int64_t> transpose_perm(size_t rank);    // the node's perm, checked, axes normalised
  static Shape transposed(const Shape& in, const std::vector<int64_t>& perm);
  Shape flattened(const Shape& in);                    // Flatten at the node's axis
  bool fold_values(const std::string& t);

  // ---- operators on activations (onnx_operators.cpp) ----
  void map_activation_op();

  // ---- onnx_conv_operators.cpp ----
  std::vector<int64_t> window_pads(const Shape& x, const std::vector<int64_t>& k, const std::vector<int64_t>& s,
                                   const std::vector<int64_t>& d);
  void spatial_attrs(Operator& op, const Shape& x, std::vector<int64_t> kernel);
  void conv(bool transposed);
  void gemm();
  void matmul();

  // ---- onnx_shape_operators.cpp ----
  // Squeeze or Unsqueeze of `in` by the node's axes (an attribute before opset 13, an input since).
  Shape squeeze_shape(const Shape& in);
  Shape reshape_target(const Shape& in, const std::vector<int64_t>& target) const;
  // Slice's starts, ends, axes (every axis in order when not given) and steps (empty: all 1): from
  // attributes before opset 10, from constant inputs since.
  struct SliceArgs {
    std::vector<int64_t> starts, ends, axes, steps;
  };
  SliceArgs slice_args();
  // The output shape, first index and step per axis of Slice on a tensor of shape `in`.
  struct SliceWindow {
    Shape out;
    std::vector<int64_t> begin, step;
  };
  SliceWindow slice_window(const Shape& in);
  void split();
  void slice();
  void pad();
  void resize();
};

}  // namespace tilesim::onnx_import
