// ONNX model files as workload graphs. The protobuf side (parsing, ONNX shape inference, size
// checks of every initializer) lives in the module libtilesim_onnx.so (onnx_module.cpp), loaded on
// first use; this file maps its plain graph (onnx_graph.hpp) onto tilesim's operators: constant
// folding of shape computations, opset differences (attributes that became inputs), and the
// checks that keep a hostile file from crashing, hanging or allocating the machine away.
#include "sim/workload/import/onnx_model.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/import/onnx_graph.hpp"
#include "sim/workload/shape_inference.hpp"
#include "traces/plugin_module.hpp"

namespace tilesim {
namespace {

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

bool is_integer_type(int32_t t) {
  return t == onnx_ir::kInt64 || t == onnx_ir::kInt32 || t == onnx_ir::kInt16 || t == onnx_ir::kInt8 ||
         t == onnx_ir::kUint8 || t == onnx_ir::kUint16 || t == onnx_ir::kUint32 || t == onnx_ir::kUint64 ||
         t == onnx_ir::kBool;
}

DataType dtype_of(int32_t t) {
  if (t == onnx_ir::kFloat16 || t == onnx_ir::kBfloat16) return DataType::fp16;
  if (t == onnx_ir::kInt8 || t == onnx_ir::kUint8) return DataType::int8;
  return DataType::fp32;
}

int64_t count(const Shape& s) {
  auto n = checked_elements(s);
  return n ? *n : -1;
}

std::vector<int64_t> strides_of(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

class Importer {
 public:
  Importer(std::string path, const ImportOptions& options) : path_(std::move(path)), options_(options) {}

  Network run(onnx_ir::Graph graph) {
    g_ = std::move(graph);
    net_ = Network(std::filesystem::path(path_).stem().string());
    for (const auto& w : g_.warnings) warn(w);
    for (const auto& v : g_.value_info) onnx_shapes_[v.name] = &v;
    for (const auto& v : g_.outputs) onnx_shapes_[v.name] = &v;
    add_inputs();
    add_initializers();
    for (size_t i : node_order()) import_node(g_.nodes[i]);
    if (net_.op_count() == 0) throw ConfigError(fmt::format("{}: the graph holds no operator on its input", path_));
    for (const auto& out : g_.outputs)
      if (!values_.count(out.name))
        throw ConfigError(fmt::format("{}: graph output '{}' is produced by no node", path_, out.name));
    return fuse_channel_shuffles(std::move(net_));
  }

 private:
  // Reshape [N,C,H,W] -> [N,g,C/g,H,W], Transpose {0,2,1,3,4}, Reshape back to [N,C,H,W] (how
  // PyTorch writes ShuffleNet's channel shuffle) becomes one ChannelShuffle named after the first Reshape.
  static Network fuse_channel_shuffles(Network net) {
    std::vector<int> role(net.op_count(), 0);  // 1: becomes ChannelShuffle, 2: absorbed
    std::vector<OpId> last(net.op_count(), -1);
    std::vector<int64_t> groups(net.op_count(), 0);
    std::vector<bool> dropped(net.tensor_count(), false);
    bool any = false;
    auto only_consumer = [&](TensorId t) -> std::optional<OpId> {
      const auto c = net.consumers(t);
      if (c.size() != 1) return std::nullopt;
      return c[0];
    };
    for (size_t i = 0; i < net.op_count(); ++i) {
      const Operator& r1 = net.op(OpId(i));
      if (r1.type != OpType::Reshape || r1.inputs.size() != 1 || r1.outputs.size() != 1) continue;
      const Shape& x = net.tensor(r1.inputs[0]).shape;
      const Shape& y = net.tensor(r1.outputs[0]).shape;
      if (x.size() != 4 || y.size() != 5 || y[0] != x[0] || y[3] != x[2] || y[4] != x[3] || y[1] * y[2] != x[1] || y[1] < 2)
        continue;
      const auto t = only_consumer(r1.outputs[0]);
      if (!t || net.op(*t).type != OpType::Transpose || net.op(*t).attrs.perm != std::vector<int64_t>{0, 2, 1, 3, 4})
        continue;
      const auto r2 = only_consumer(net.op(*t).outputs.at(0));
      if (!r2 || (net.op(*r2).type != OpType::Reshape && net.op(*r2).type != OpType::Flatten) ||
          net.tensor(net.op(*r2).outputs.at(0)).shape != x || role[size_t(*t)] || role[size_t(*r2)])
        continue;
      role[i] = 1;
      role[size_t(*t)] = role[size_t(*r2)] = 2;
      last[i] = *r2;
      groups[i] = y[1];
      dropped[size_t(r1.outputs[0])] = dropped[size_t(net.op(*t).outputs[0])] = true;
      any = true;
    }
    if (!any) return net;
    Network out(net.name());
    std::vector<TensorId> map(net.tensor_count(), -1);
    for (size_t t = 0; t < net.tensor_count(); ++t)
      if (!dropped[t]) map[t] = out.add_tensor(net.tensor(TensorId(t)));
    auto remap = [&](std::vector<TensorId>& ids) {
      for (TensorId& id : ids) id = map[size_t(id)];
    };
    for (size_t i = 0; i < net.op_count(); ++i) {
      if (role[i] == 2) continue;
      Operator op = net.op(OpId(i));
      if (role[i] == 1) {
        op.type = OpType::ChannelShuffle;
        op.source_type = "Reshape+Transpose+Reshape";
        op.attrs.group = groups[i];
        op.outputs = net.op(last[i]).outputs;
      }
      remap(op.inputs);
      remap(op.weights);
      remap(op.outputs);
      out.add_op(std::move(op));
    }
    return out;
  }

  std::string path_;
  const ImportOptions& options_;
  onnx_ir::Graph g_;
  Network net_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, const onnx_ir::ValueInfo*> onnx_shapes_;
  std::set<std::string> warned_types_;
  const Node* node_ = nullptr;  // being imported

  void warn(const std::string& w) {
    if (options_.warnings) options_.warnings->push_back(fmt::format("{}: {}", path_, w));
  }

  static std::string layer_name(const Node& n) {
    if (!n.name.empty()) return n.name;
    return n.outputs.empty() ? std::string("(unnamed)") : n.outputs[0];
  }

  [[noreturn]] void fail(const std::string& why) const {
    if (node_)
      throw ConfigError(fmt::format("{}: node '{}' ({}): {}", path_, layer_name(*node_), node_->op_type, why));
    throw ConfigError(fmt::format("{}: {}", path_, why));
  }

  // ---- graph set-up --------------------------------------------------------------------------

  void add_inputs() {
    for (const auto& in : g_.inputs) {
      if (in.name.empty()) fail("a graph input has no name");
      if (!in.has_shape) fail(fmt::format("graph input '{}' has no shape (give one with --input)", in.name));
      for (int64_t d : in.dims)
        if (d < 0) fail(fmt::format("graph input '{}' has an unknown or negative dimension", in.name));
      const Shape s(in.dims.begin(), in.dims.end());
      if (!checked_elements(s))
        fail(fmt::format("graph input '{}' [{}] has more than {} elements", in.name, shape_to_string(s, ','),
                         kMaxTensorElements));
      Value v;
      v.tensor = net_.add_tensor(Tensor{in.name, s, dtype_of(in.elem_type), TensorKind::input});
      values_[in.name] = std::move(v);
    }
    if (g_.inputs.empty()) fail("the graph has no input");
  }

  void add_initializers() {
    for (auto& t : g_.initializers) {
      Value v;
      v.constant = true;
      v.initializer = true;
      v.shape.assign(t.dims.begin(), t.dims.end());
      if (!checked_elements(v.shape))
        fail(fmt::format("initializer '{}' has more than {} elements", t.name, kMaxTensorElements));
      v.elem_type = t.elem_type;
      v.has_values = t.has_values;
      v.values = std::move(t.values);
      v.name = t.name;
      if (!values_.emplace(t.name, std::move(v)).second) fail(fmt::format("two initializers are named '{}'", t.name));
    }
  }

  // Kahn's algorithm over the nodes, file order among the ready ones.
  std::vector<size_t> node_order() {
    const size_t n = g_.nodes.size();
    std::unordered_map<std::string, size_t> producer;
    for (size_t i = 0; i < n; ++i)
      for (const auto& o : g_.nodes[i].outputs) {
        if (o.empty()) continue;
        if (values_.count(o)) {
          node_ = &g_.nodes[i];
          fail(fmt::format("output '{}' is also a graph input or initializer", o));
        }
        if (!producer.emplace(o, i).second) {
          node_ = &g_.nodes[i];
          fail(fmt::format("output '{}' is produced by two nodes", o));
        }
      }
    std::vector<size_t> pending(n, 0);
    std::vector<std::vector<size_t>> consumers(n);
    for (size_t i = 0; i < n; ++i)
      for (const auto& in : g_.nodes[i].inputs) {
        if (in.empty() || values_.count(in)) continue;
        auto p = producer.find(in);
        if (p == producer.end()) {
          node_ = &g_.nodes[i];
          fail(fmt::format("reads '{}', which no node, graph input or initializer provides", in));
        }
        ++pending[i];
        consumers[p->second].push_back(i);
      }
    std::set<size_t> ready;
    for (size_t i = 0; i < n; ++i)
      if (!pending[i]) ready.insert(i);
    std::vector<size_t> order;
    order.reserve(n);
    while (!ready.empty()) {
      const size_t i = *ready.begin();
      ready.erase(ready.begin());
      order.push_back(i);
      for (size_t c : consumers[i])
        if (--pending[c] == 0) ready.insert(c);
    }
    if (order.size() != n) {
      for (size_t i = 0; i < n; ++i)
        if (pending[i]) {
          node_ = &g_.nodes[i];
          fail("is part of a cycle (its inputs depend on its own outputs)");
        }
    }
    node_ = nullptr;
    return order;
  }

  // ---- inputs and attributes -----------------------------------------------------------------

  bool has_input(size_t i) const { return i < node_->inputs.size() && !node_->inputs[i].empty(); }
  Value& input(size_t i) {
    if (!has_input(i)) fail(fmt::format("lacks input {}", i));
    return values_.at(node_->inputs[i]);
  }
  bool input_constant(size_t i) { return input(i).constant; }
  const Shape& shape_of(Value& v) { return v.constant ? v.shape : net_.tensor(v.tensor).shape; }
  const Shape& input_shape(size_t i) { return shape_of(input(i)); }

  // An integer input the node needs as a constant (shape, axes, pads, split sizes...). Values far
  // outside int64 (INT64_MAX end markers) saturate at +-2^62.
  std::vector<int64_t> const_ints(size_t i, const char* what) {
    Value& v = input(i);
    if (!v.constant) throw Unsupported{fmt::format("its {} input '{}' is computed at run time", what, node_->inputs[i])};
    if (!v.has_values) fail(fmt::format("its {} input '{}' is too large a constant", what, node_->inputs[i]));
    return to_ints(v.values, what);
  }
  std::vector<double> const_doubles(size_t i, const char* what) {
    Value& v = input(i);
    if (!v.constant) throw Unsupported{fmt::format("its {} input '{}' is computed at run time", what, node_->inputs[i])};
    if (!v.has_values) fail(fmt::format("its {} input '{}' is too large a constant", what, node_->inputs[i]));
    return v.values;
  }
  std::vector<int64_t> to_ints(const std::vector<double>& vals, const char* what) const {
    constexpr double lim = 4611686018427387904.0;  // 2^62
    std::vector<int64_t> out;
    out.reserve(vals.size());
    for (double d : vals) {
      if (std::isnan(d)) fail(fmt::format("{} holds NaN", what));
      out.push_back(static_cast<int64_t>(std::clamp(d, -lim, lim)));
    }
    return out;
  }

  const Attribute* attr(const char* n) const { return node_->attr(n); }
  int64_t attr_int(const char* n, int64_t def) const {
    const Attribute* a = attr(n);
    if (!a) return def;
    if (a->kind != Attribute::kInt) fail(fmt::format("attribute {} is not an integer", n));
    return a->i;
  }
  float attr_float(const char* n, float def) const {
    const Attribute* a = attr(n);
    if (!a) return def;
    if (a->kind == Attribute::kInt) return static_cast<float>(a->i);
    if (a->kind != Attribute::kFloat) fail(fmt::format("attribute {} is not a number", n));
    return a->f;
  }
  std::vector<int64_t> attr_ints(const char* n, std::vector<int64_t> def) const {
    const Attribute* a = attr(n);
    if (!a) return def;
    if (a->kind == Attribute::kInt) return {a->i};
    if (a->kind != Attribute::kInts) fail(fmt::format("attribute {} is not a list of integers", n));
    return a->ints;
  }
  std::vector<double> attr_floats(const char* n) const {
    const Attribute* a = attr(n);
    if (!a) return {};
    if (a->kind == Attribute::kFloat) return {a->f};
    if (a->kind != Attribute::kFloats) fail(fmt::format("attribute {} is not a list of numbers", n));
    return {a->floats.begin(), a->floats.end()};
  }
  std::string attr_string(const char* n, std::string def) const {
    const Attribute* a = attr(n);
    if (!a) return def;
    if (a->kind != Attribute::kString) fail(fmt::format("attribute {} is not a string", n));
    return a->s;
  }
  int64_t axis_in(int64_t axis, size_t rank) const {
    const auto r = static_cast<int64_t>(rank);
    if (axis < -r || axis >= r) fail(fmt::format("axis {} out of range for rank {}", axis, rank));
    return axis < 0 ? axis + r : axis;
  }
  int64_t opset() const { return g_.opset; }

  // ---- results -------------------------------------------------------------------------------

  void set_constant(size_t out, Shape shape, int32_t elem_type, std::optional<std::vector<double>> vals) {
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

  TensorId weight(Value& v, bool learnable) {
    if (v.tensor < 0) {
      Tensor t{v.name, v.shape, dtype_of(v.elem_type), TensorKind::weight};
      t.learnable = learnable;
      v.tensor = net_.add_tensor(std::move(t));
    }
    return v.tensor;
  }
  TensorId weight_input(size_t i, bool learnable = true) {
    Value& v = input(i);
    if (!v.constant) throw Unsupported{fmt::format("its weight input '{}' is computed at run time", node_->inputs[i])};
    return weight(v, learnable);
  }
  TensorId activation(size_t i) {
    Value& v = input(i);
    if (v.constant) throw Unsupported{fmt::format("its data input '{}' is a constant", node_->inputs[i])};
    return v.tensor;
  }

  Operator new_op(OpType type) const {
    Operator op;
    op.type = type;
    op.name = layer_name(*node_);
    op.source_type = node_->op_type;
    return op;
  }

  // Infers the operator's outputs, names them after the node's outputs (or `names`), adds it.
  std::vector<TensorId> emit(Operator op, std::vector<std::string> names = {}) {
    std::vector<Shape> in;
    for (TensorId t : op.inputs) in.push_back(net_.tensor(t).shape);
    std::vector<Shape> shapes;
    try {
      shapes = infer_output_shapes(op, in);
    } catch (const GraphError& e) {
      fail(e.what());
    }
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
    try {
      net_.add_op(std::move(op));
    } catch (const GraphError& e) {
      fail(e.what());
    }
    for (size_t i = 0; i < outs.size(); ++i) {
      Value v;
      v.tensor = outs[i];
      values_[names[i]] = std::move(v);
    }
    return outs;
  }

  // ---- the dispatcher ------------------------------------------------------------------------

  void import_node(const Node& n) {
    node_ = &n;
    try {
      if (!n.domain.empty() && n.domain != "ai.onnx")
        throw Unsupported{fmt::format("operator domain '{}' is not ONNX's", n.domain)};
      if (n.op_type == "Constant") return fold_constant();
      if (n.op_type == "Shape" || n.op_type == "Size") return fold_shape();
      bool all_const = true, any_input = false;
      for (size_t i = 0; i < n.inputs.size(); ++i)
        if (has_input(i)) {
          any_input = true;
          all_const = all_const && input(i).constant;
        }
      if (all_const && any_input) return fold();
      map_activation_op();
    } catch (const Unsupported& u) {
      unmodelled(u.why);
    }
    node_ = nullptr;
  }

  void unmodelled(const std::string& why) {
    if (!options_.allow_unknown) fail(why);
    Operator op = new_op(OpType::Unmodelled);
    for (size_t i = 0; i < node_->inputs.size(); ++i) {
      if (!has_input(i)) continue;
      Value& v = input(i);
      if (v.constant) op.weights.push_back(weight(v, v.initializer));
      else op.inputs.push_back(v.tensor);
    }
    if (op.inputs.empty()) fail(why);
    std::vector<std::string> names;
    for (const auto& o : node_->outputs) {
      if (o.empty()) continue;
      const auto it = onnx_shapes_.find(o);
      if (it == onnx_shapes_.end() || !it->second->has_shape ||
          std::any_of(it->second->dims.begin(), it->second->dims.end(), [](int64_t d) { return d < 0; }))
        fail(fmt::format("{}; and ONNX shape inference gives no shape for its output '{}'", why, o));
      op.attrs.output_shapes.emplace_back(it->second->dims.begin(), it->second->dims.end());
      names.push_back(o);
    }
    if (names.empty()) fail(why);
    if (warned_types_.insert(node_->op_type).second)
      warn(fmt::format("operator {} (first: node '{}') has no tilesim model: {}; imported as an Unmodelled "
                       "memory-bound stand-in", node_->op_type, layer_name(*node_), why));
    emit(std::move(op), names);
  }

  // ---- constant folding ----------------------------------------------------------------------

  void fold_constant() {
    if (const Attribute* a = attr("value")) {
      if (a->kind != Attribute::kTensor) fail("value is not a tensor");
      const ConstTensor& t = a->t;
      return set_constant(0, Shape(t.dims.begin(), t.dims.end()), t.elem_type,
                          t.has_values ? std::optional(t.values) : std::nullopt);
    }
    if (const Attribute* a = attr("value_float")) return set_constant(0, {}, onnx_ir::kFloat, std::vector<double>{a->f});
    if (const Attribute* a = attr("value_int")) return set_constant(0, {}, onnx_ir::kInt64, std::vector<double>{double(a->i)});
    if (const Attribute* a = attr("value_floats"))
      return set_constant(0, {int64_t(a->floats.size())}, onnx_ir::kFloat, std::vector<double>(a->floats.begin(), a->floats.end()));
    if (const Attribute* a = attr("value_ints"))
      return set_constant(0, {int64_t(a->ints.size())}, onnx_ir::kInt64, std::vector<double>(a->ints.begin(), a->ints.end()));
    throw Unsupported{"a Constant without a tensor, float or int value"};
  }

  void fold_shape() {
    const Shape s = input_shape(0);
    if (node_->op_type == "Size") return set_constant(0, {}, onnx_ir::kInt64, std::vector<double>{double(count(s))});
    const auto r = static_cast<int64_t>(s.size());
    int64_t start = attr_int("start", 0), end = attr_int("end", r);
    if (start < 0) start += r;
    if (end < 0) end += r;
    start = std::clamp<int64_t>(start, 0, r);
    end = std::clamp<int64_t>(end, 0, r);
    std::vector<double> v;
    for (int64_t i = start; i < end; ++i) v.push_back(double(s[size_t(i)]));
    set_constant(0, {int64_t(v.size())}, onnx_ir::kInt64, v);
  }

  // A node whose inputs are all constants: computed here where its values are known and small,
  // else a constant of the shape ONNX infers.
  void fold() {
    const std::string& t = node_->op_type;
    bool all_values = true;
    for (size_t i = 0; i < node_->inputs.size(); ++i)
      if (has_input(i) && !input(i).has_values) all_values = false;
    if (all_values) {
      if (fold_values(t)) return;
    } else if (t == "Identity" || t == "Cast" || t == "Dropout") {
      Value& v = input(0);
      return set_constant(0, v.shape, t == "Cast" ? int32_t(attr_int("to", v.elem_type)) : v.elem_type, std::nullopt);
    } else if (t == "ConstantOfShape") {
      const auto dims = const_ints(0, "shape");
      return set_constant(0, Shape(dims.begin(), dims.end()), onnx_ir::kFloat, std::nullopt);
    }
    // Whatever ONNX infers, as a constant without values.
    for (size_t o = 0; o < node_->outputs.size(); ++o) {
      const auto it = onnx_shapes_.find(node_->outputs[o]);
      if (it == onnx_shapes_.end() || !it->second->has_shape ||
          std::any_of(it->second->dims.begin(), it->second->dims.end(), [](int64_t d) { return d < 0; })) {
        if (node_->outputs[o].empty()) continue;
        throw Unsupported{fmt::format("operator {} on constants cannot be folded", t)};
      }
      set_constant(o, Shape(it->second->dims.begin(), it->second->dims.end()), it->second->elem_type, std::nullopt);
    }
  }

  using Vals = std::vector<double>;

  static Shape broadcast_shapes(const std::vector<Shape>& shapes, bool& ok) {
    size_t rank = 0;
    for (const auto& s : shapes) rank = std::max(rank, s.size());
    Shape out(rank, 1);
    ok = true;
    for (const auto& s : shapes)
      for (size_t i = 0; i < s.size(); ++i) {
        int64_t& o = out[rank - s.size() + i];
        if (s[i] == o || s[i] == 1) continue;
        if (o == 1) o = s[i];
        else ok = false;
      }
    return out;
  }
  static int64_t broadcast_index(int64_t flat, const Shape& out, const Shape& in) {
    int64_t idx = 0, stride = 1;
    for (size_t k = 0; k < in.size(); ++k) {
      const size_t od = out.size() - 1 - k, id = in.size() - 1 - k;
      int64_t ostr = 1;
      for (size_t j = od + 1; j < out.size(); ++j) ostr *= out[j];
      const int64_t coord = (flat / ostr) % out[od];
      if (in[id] != 1) idx += coord * stride;
      stride *= in[id];
    }
    return idx;
  }

  bool fold_values(const std::string& t) {
    Value& a = input(0);
    const int32_t et = a.elem_type;
    const bool integer = is_integer_type(et);
    auto same = [&](Shape s) { set_constant(0, std::move(s), et, a.values); };
    if (t == "Identity" || t == "Dropout") return same(a.shape), true;
    if (t == "Cast") {
      const auto to = int32_t(attr_int("to", onnx_ir::kFloat));
      Vals v = a.values;
      if (to == onnx_ir::kBool) for (double& d : v) d = d != 0;
      set_constant(0, a.shape, to, v);
      return true;
    }
    if (t == "Unsqueeze" || t == "Squeeze") {
      std::vector<int64_t> axes = opset() >= 13 ? (has_input(1) ? const_ints(1, "axes") : std::vector<int64_t>{})
                                                : attr_ints("axes", {});
      return same(squeeze_shape(a.shape, axes, t == "Unsqueeze")), true;
    }
    if (t == "Reshape") return same(reshape_target(a.shape, const_ints(1, "shape"))), true;
    if (t == "Flatten") {
      const int64_t axis = axis_in(attr_int("axis", 1), a.shape.size() + 1);
      int64_t outer = 1, inner = 1;
      for (size_t d = 0; d < a.shape.size(); ++d) (int64_t(d) < axis ? outer : inner) *= a.shape[d];
      return same({outer, inner}), true;
    }
    if (t == "Concat") {
      const int64_t axis = axis_in(attr_int("axis", 0), a.shape.size());
      Shape out = a.shape;
      out[size_t(axis)] = 0;
      std::vector<Value*> parts;
      for (size_t i = 0; i < node_->inputs.size(); ++i) {
        if (!has_input(i)) continue;
        Value& v = input(i);
        if (v.shape.size() != a.shape.size()) fail("concatenates constants of different ranks");
        for (size_t d = 0; d < out.size(); ++d)
          if (int64_t(d) != axis && v.shape[d] != a.shape[d]) fail("concatenates constants of different shapes");
        out[size_t(axis)] += v.shape[size_t(axis)];
        parts.push_back(&v);
      }
      int64_t outer = 1;
      for (int64_t d = 0; d < axis; ++d) outer *= out[size_t(d)];
      Vals v;
      for (int64_t o = 0; o < outer; ++o)
        for (Value* p : parts) {
          const int64_t chunk = count(p->shape) / std::max<int64_t>(outer, 1);
          v.insert(v.end(), p->values.begin() + o * chunk, p->values.begin() + (o + 1) * chunk);
        }
      set_constant(0, out, et, v);
      return true;
    }
    if (t == "Gather") {
      Value& idx = input(1);
      const int64_t axis = axis_in(attr_int("axis", 0), a.shape.size());
      Shape out(a.shape.begin(), a.shape.begin() + axis);
      out.insert(out.end(), idx.shape.begin(), idx.shape.end());
      out.insert(out.end(), a.shape.begin() + axis + 1, a.shape.end());
      if (count(out) < 0 || count(out) > onnx_ir::kMaxConstantValues) return set_constant(0, out, et, std::nullopt), true;
      int64_t outer = 1, inner = 1;
      for (int64_t d = 0; d < axis; ++d) outer *= a.shape[size_t(d)];
      for (size_t d = size_t(axis) + 1; d < a.shape.size(); ++d) inner *= a.shape[d];
      const int64_t dim = a.shape[size_t(axis)];
      Vals v;
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t j : to_ints(idx.values, "indices")) {
          if (j < -dim || j >= dim) fail(fmt::format("index {} out of range for a dimension of {}", j, dim));
          if (j < 0) j += dim;
          for (int64_t i = 0; i < inner; ++i) v.push_back(a.values[size_t((o * dim + j) * inner + i)]);
        }
      set_constant(0, out, et, v);
      return true;
    }
    if (t == "Slice") {
      std::vector<int64_t> starts, ends, axes, steps;
      if (opset() < 10) {
        starts = attr_ints("starts", {});
        ends = attr_ints("ends", {});
        axes = attr_ints("axes", {});
      } else {
        starts = const_ints(1, "starts");
        ends = const_ints(2, "ends");
        if (has_input(3)) axes = const_ints(3, "axes");
        if (has_input(4)) steps = const_ints(4, "steps");
      }
      const size_t r = a.shape.size();
      std::vector<int64_t> b(r, 0), st(r, 1);
      Shape out = a.shape;
      if (axes.empty())
        for (size_t i = 0; i < starts.size(); ++i) axes.push_back(int64_t(i));
      if (starts.size() != ends.size() || axes.size() != starts.size() || (!steps.empty() && steps.size() != starts.size()))
        fail("starts, ends, axes and steps differ in length");
      for (size_t i = 0; i < axes.size(); ++i) {
        const auto ax = size_t(axis_in(axes[i], r));
        const int64_t dim = a.shape[ax], step = steps.empty() ? 1 : steps[i];
        if (step == 0) fail("slice step 0");
        int64_t s0 = starts[i] < 0 ? starts[i] + dim : starts[i], e0 = ends[i] < 0 ? ends[i] + dim : ends[i];
        if (step > 0) {
          s0 = std::clamp<int64_t>(s0, 0, dim);
          e0 = std::clamp<int64_t>(e0, 0, dim);
          out[ax] = e0 > s0 ? (e0 - s0 + step - 1) / step : 0;
        } else {
          s0 = std::clamp<int64_t>(s0, 0, dim - 1);
          e0 = std::clamp<int64_t>(e0, -1, dim - 1);
          out[ax] = s0 > e0 ? (s0 - e0 - step - 1) / -step : 0;
        }
        b[ax] = s0;
        st[ax] = step;
      }
      const auto in_str = strides_of(a.shape), out_str = strides_of(out);
      Vals v(size_t(std::max<int64_t>(count(out), 0)));
      for (int64_t f = 0; f < int64_t(v.size()); ++f) {
        int64_t src = 0;
        for (size_t d = 0; d < r; ++d) src += (b[d] + ((f / out_str[d]) % out[d]) * st[d]) * in_str[d];
        v[size_t(f)] = a.values[size_t(src)];
      }
      set_constant(0, out, et, v);
      return true;
    }
    if (t == "Transpose") {
      const size_t r = a.shape.size();
      std::vector<int64_t> perm = attr_ints("perm", {});
      if (perm.empty())
        for (size_t i = 0; i < r; ++i) perm.push_back(int64_t(r - 1 - i));
      if (perm.size() != r) fail("perm must name every axis");
      Shape out(r);
      for (size_t d = 0; d < r; ++d) out[d] = a.shape[size_t(axis_in(perm[d], r))];
      const auto in_str = strides_of(a.shape), out_str = strides_of(out);
      Vals v(a.values.size());
      for (int64_t f = 0; f < int64_t(v.size()); ++f) {
        int64_t src = 0;
        for (size_t d = 0; d < r; ++d) src += ((f / out_str[d]) % out[d]) * in_str[size_t(perm[d])];
        v[size_t(f)] = a.values[size_t(src)];
      }
      set_constant(0, out, et, v);
      return true;
    }
    if (t == "ConstantOfShape") {
      const auto dims = const_ints(0, "shape");
      const Shape out(dims.begin(), dims.end());
      double fill = 0;
      int32_t fet = onnx_ir::kFloat;
      if (const Attribute* va = attr("value"); va && va->kind == Attribute::kTensor) {
        fet = va->t.elem_type;
        if (va->t.has_values && !va->t.values.empty()) fill = va->t.values[0];
      }
      const int64_t n = count(out);
      if (n < 0) fail("ConstantOfShape of a negative or huge shape");
      set_constant(0, out, fet, n <= onnx_ir::kMaxConstantValues ? std::optional(Vals(size_t(n), fill)) : std::nullopt);
      return true;
    }
    if (t == "Range") {
      const double start = a.values.at(0), limit = input(1).values.at(0), delta = input(2).values.at(0);
      if (delta == 0) fail("Range with delta 0");
      const double n = std::max(std::ceil((limit - start) / delta), 0.0);
      if (!(n <= double(kMaxTensorElements))) fail("Range of too many elements");
      const auto cnt = int64_t(n);
      std::optional<Vals> v;
      if (cnt <= onnx_ir::kMaxConstantValues) {
        v.emplace();
        for (int64_t i = 0; i < cnt; ++i) v->push_back(start + double(i) * delta);
      }
      set_constant(0, {cnt}, et, v);
      return true;
    }
    if (t == "Expand") {
      const auto dims = const_ints(1, "shape");
      bool ok = false;
      const Shape out = broadcast_shapes({a.shape, Shape(dims.begin(), dims.end())}, ok);
      if (!ok) fail("Expand to an incompatible shape");
      const int64_t n = count(out);
      if (n < 0) fail("Expand to a negative or huge shape");
      std::optional<Vals> v;
      if (n <= onnx_ir::kMaxConstantValues) {
        v.emplace();
        for (int64_t f = 0; f < n; ++f) v->push_back(a.values[size_t(broadcast_index(f, out, a.shape))]);
      }
      set_constant(0, out, et, v);
      return true;
    }
    if (t.rfind("Reduce", 0) == 0) {
      std::vector<int64_t> axes = attr_ints("axes", {});
      if (has_input(1)) axes = const_ints(1, "axes");
      const bool keep = attr_int("keepdims", 1) != 0;
      const size_t r = a.shape.size();
      std::vector<bool> red(r, axes.empty());
      if (axes.empty() && attr_int("noop_with_empty_axes", 0)) return same(a.shape), true;
      for (int64_t ax : axes) red[size_t(axis_in(ax, r))] = true;
      Shape out, kept;
      for (size_t d = 0; d < r; ++d) {
        kept.push_back(red[d] ? 1 : a.shape[d]);
        if (!red[d]) out.push_back(a.shape[d]);
        else if (keep) out.push_back(1);
      }
      const int64_t n = count(kept);
      Vals acc(size_t(n), t == "ReduceProd" ? 1.0 : t == "ReduceMax" ? -INFINITY : t == "ReduceMin" ? INFINITY : 0.0);
      std::vector<int64_t> cnt(size_t(n), 0);
      const auto in_str = strides_of(a.shape), k_str = strides_of(kept);
      for (int64_t f = 0; f < int64_t(a.values.size()); ++f) {
        int64_t k = 0;
        for (size_t d = 0; d < r; ++d)
          if (!red[d]) k += ((f / in_str[d]) % a.shape[d]) * k_str[d];
        double& s = acc[size_t(k)];
        const double x = a.values[size_t(f)];
        if (t == "ReduceProd") s *= x;
        else if (t == "ReduceMax") s = std::max(s, x);
        else if (t == "ReduceMin") s = std::min(s, x);
        else if (t == "ReduceSum" || t == "ReduceMean") s += x;
        else return false;
        ++cnt[size_t(k)];
      }
      if (t == "ReduceMean")
        for (size_t i = 0; i < acc.size(); ++i) acc[i] /= std::max<int64_t>(cnt[i], 1);
      set_constant(0, out, et, acc);
      return true;
    }
    static const std::map<std::string, std::function<double(double)>> unary{
        {"Neg", [](double x) { return -x; }}, {"Abs", [](double x) { return std::fabs(x); }},
        {"Floor", [](double x) { return std::floor(x); }}, {"Ceil", [](double x) { return std::ceil(x); }},
        {"Round", [](double x) { return std::nearbyint(x); }}, {"Sqrt", [](double x) { return std::sqrt(x); }},
        {"Reciprocal", [](double x) { return 1 / x; }}, {"Not", [](double x) { return double(x == 0); }},
        {"Exp", [](double x) { return std::exp(x); }}, {"Log", [](double x) { return std::log(x); }},
        {"Relu", [](double x) { return std::max(x, 0.0); }}, {"Sign", [](double x) { return double((x > 0) - (x < 0)); }},
    };
    if (auto u = unary.find(t); u != unary.end()) {
      Vals v = a.values;
      for (double& d : v) d = u->second(d);
      return same(a.shape), values_[node_->outputs[0]].values = v, true;
    }
    static const std::map<std::string, std::function<double(double, double, bool)>> binary{
        {"Add", [](double x, double y, bool) { return x + y; }},
        {"Sub", [](double x, double y, bool) { return x - y; }},
        {"Mul", [](double x, double y, bool) { return x * y; }},
        {"Div", [](double x, double y, bool i) { return i ? (y == 0 ? 0 : std::trunc(x / y)) : x / y; }},
        {"Pow", [](double x, double y, bool) { return std::pow(x, y); }},
        {"Mod", [](double x, double y, bool) { return y == 0 ? 0 : x - std::floor(x / y) * y; }},
        {"Max", [](double x, double y, bool) { return std::max(x, y); }},
        {"Min", [](double x, double y, bool) { return std::min(x, y); }},
        {"Equal", [](double x, double y, bool) { return double(x == y); }},
        {"Less", [](double x, double y, bool) { return double(x < y); }},
        {"Greater", [](double x, double y, bool) { return double(x > y); }},
        {"And", [](double x, double y, bool) { return double(x != 0 && y != 0); }},
        {"Or", [](double x, double y, bool) { return double(x != 0 || y != 0); }},
    };
    const bool compare = t == "Equal" || t == "Less" || t == "Greater" || t == "And" || t == "Or";
    if (auto b = binary.find(t); b != binary.end() && node_->inputs.size() >= 2) {
      std::vector<Shape> shapes;
      for (size_t i = 0; i < node_->inputs.size(); ++i) shapes.push_back(input(i).shape);
      bool ok = false;
      const Shape out = broadcast_shapes(shapes, ok);
      if (!ok) fail("operands do not broadcast");
      const int64_t n = count(out);
      if (n < 0 || n > onnx_ir::kMaxConstantValues) return set_constant(0, out, compare ? onnx_ir::kBool : et, std::nullopt), true;
      Vals v(static_cast<size_t>(n));
      for (int64_t f = 0; f < n; ++f) v[size_t(f)] = a.values[size_t(broadcast_index(f, out, a.shape))];
      for (size_t i = 1; i < node_->inputs.size(); ++i) {
        Value& y = input(i);
        for (int64_t f = 0; f < n; ++f)
          v[size_t(f)] = b->second(v[size_t(f)], y.values[size_t(broadcast_index(f, out, y.shape))], integer);
      }
      set_constant(0, out, compare ? onnx_ir::kBool : et, v);
      return true;
    }
    if (t == "Where" && node_->inputs.size() == 3) {
      Value &x = input(1), &y = input(2);
      bool ok = false;
      const Shape out = broadcast_shapes({a.shape, x.shape, y.shape}, ok);
      if (!ok) fail("operands do not broadcast");
      const int64_t n = count(out);
      if (n < 0 || n > onnx_ir::kMaxConstantValues) return set_constant(0, out, x.elem_type, std::nullopt), true;
      Vals v(static_cast<size_t>(n));
      for (int64_t f = 0; f < n; ++f)
        v[size_t(f)] = a.values[size_t(broadcast_index(f, out, a.shape))] != 0 ? x.values[size_t(broadcast_index(f, out, x.shape))]
                                                                          : y.values[size_t(broadcast_index(f, out, y.shape))];
      set_constant(0, out, x.elem_type, v);
      return true;
    }
    return false;
  }

  Shape squeeze_shape(const Shape& in, const std::vector<int64_t>& axes, bool unsqueeze) const {
    if (unsqueeze) {
      const size_t r = in.size() + axes.size();
      std::vector<bool> inserted(r, false);
      for (int64_t ax : axes) {
        const auto a = size_t(axis_in(ax, r));
        if (inserted[a]) fail("Unsqueeze names an axis twice");
        inserted[a] = true;
      }
      Shape out;
      size_t j = 0;
      for (size_t d = 0; d < r; ++d) out.push_back(inserted[d] ? 1 : in.at(j++));
      return out;
    }
    std::vector<bool> drop(in.size(), false);
    if (axes.empty())
      for (size_t d = 0; d < in.size(); ++d) drop[d] = in[d] == 1;
    for (int64_t ax : axes) {
      const auto a = size_t(axis_in(ax, in.size()));
      if (in[a] != 1) fail(fmt::format("cannot squeeze axis {} of size {}", ax, in[a]));
      drop[a] = true;
    }
    Shape out;
    for (size_t d = 0; d < in.size(); ++d)
      if (!drop[d]) out.push_back(in[d]);
    return out;
  }

  // ONNX Reshape's target: 0 copies the input's dimension (unless allowzero), one -1 is inferred.
  Shape reshape_target(const Shape& in, const std::vector<int64_t>& target) const {
    const bool allowzero = attr_int("allowzero", 0) != 0;
    Shape out;
    int64_t known = 1, infer = -1;
    for (size_t d = 0; d < target.size(); ++d) {
      int64_t v = target[d];
      if (v == 0 && !allowzero) {
        if (d >= in.size()) fail("shape copies (0) a dimension the input lacks");
        v = in[d];
      }
      if (v == -1) {
        if (infer >= 0) fail("more than one -1 in the target shape");
        infer = int64_t(d);
      } else if (v < 0) {
        fail(fmt::format("target shape entry {}", v));
      } else {
        if (v != 0 && known > kMaxTensorElements / v) fail("target shape has too many elements");
        known *= v;
      }
      out.push_back(v);
    }
    const int64_t n = count(in);
    if (infer >= 0) {
      if (known == 0 || n % known != 0)
        fail(fmt::format("cannot reshape [{}] to [{}]", shape_to_string(in, ','), shape_to_string(target, ',')));
      out[size_t(infer)] = n / known;
    }
    if (count(out) != n)
      fail(fmt::format("cannot reshape [{}] to [{}]", shape_to_string(in, ','), shape_to_string(target, ',')));
    return out;
  }

  // ---- operators on activations --------------------------------------------------------------

  // pads from auto_pad or the attribute, as [top, left, bottom, right].
  std::vector<int64_t> window_pads(const Shape& x, const std::vector<int64_t>& k, const std::vector<int64_t>& s,
                                   const std::vector<int64_t>& d) {
    const std::string auto_pad = attr_string("auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      std::vector<int64_t> p(4, 0);
      for (size_t i = 0; i < 2; ++i) {
        const int64_t in = x.at(2 + i), out = (in + s[i] - 1) / s[i];
        const int64_t total = std::max<int64_t>((out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in, 0);
        p[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        p[i + 2] = total - p[i];
      }
      return p;
    }
    if (auto_pad == "VALID") return {0, 0, 0, 0};
    auto p = attr_ints("pads", {0, 0, 0, 0});
    if (p.size() != 4) fail("only 2-D windows (4 pads) are supported");
    return p;
  }

  void spatial_attrs(Operator& op, const Shape& x, std::vector<int64_t> kernel) {
    if (x.size() != 4) throw Unsupported{fmt::format("only 2-D (NCHW) {} is modelled", node_->op_type)};
    auto& a = op.attrs;
    a.kernel_shape = attr_ints("kernel_shape", std::move(kernel));
    if (a.kernel_shape.size() != 2) fail("only 2-D kernels are supported");
    a.strides = attr_ints("strides", {1, 1});
    a.dilations = attr_ints("dilations", {1, 1});
    if (a.strides.size() != 2 || a.dilations.size() != 2) fail("strides and dilations need 2 values");
    for (int i = 0; i < 2; ++i)
      if (a.strides[size_t(i)] < 1 || a.dilations[size_t(i)] < 1 || a.kernel_shape[size_t(i)] < 1)
        fail("kernel, strides and dilations must be positive");
    a.pads = window_pads(x, a.kernel_shape, a.strides, a.dilations);
  }

  void map_activation_op() {
    const std::string& t = node_->op_type;
    static const std::map<std::string, OpType> unary{
        {"Relu", OpType::Relu}, {"Sigmoid", OpType::Sigmoid}, {"Tanh", OpType::Tanh}, {"Exp", OpType::Exp},
        {"Log", OpType::Log}, {"Sqrt", OpType::Sqrt}, {"Abs", OpType::Abs}, {"Neg", OpType::Neg},
        {"Reciprocal", OpType::Reciprocal}, {"Erf", OpType::Erf}, {"HardSigmoid", OpType::HardSigmoid},
        {"HardSwish", OpType::HardSwish}, {"Mish", OpType::Mish}, {"Gelu", OpType::Gelu},
        {"LeakyRelu", OpType::LeakyRelu}, {"Identity", OpType::Identity}, {"Dropout", OpType::Dropout},
        {"Cast", OpType::Cast}, {"Swish", OpType::Swish},
    };
    static const std::map<std::string, OpType> binary{
        {"Add", OpType::Add}, {"Sub", OpType::Sub}, {"Mul", OpType::Mul}, {"Div", OpType::Div},
        {"Max", OpType::Max}, {"Min", OpType::Min}, {"Pow", OpType::Pow}, {"Sum", OpType::Add},
    };
    static const std::map<std::string, OpType> reductions{
        {"ReduceMean", OpType::ReduceMean}, {"ReduceSum", OpType::ReduceSum}, {"ReduceMax", OpType::ReduceMax},
        {"ReduceMin", OpType::ReduceMin}, {"ReduceProd", OpType::ReduceProd}, {"ReduceL1", OpType::ReduceL1},
        {"ReduceL2", OpType::ReduceL2}, {"ReduceSumSquare", OpType::ReduceSumSquare},
        {"ReduceLogSumExp", OpType::ReduceLogSumExp},
    };
    if (auto u = unary.find(t); u != unary.end()) {
      Operator op = new_op(u->second);
      op.inputs = {activation(0)};
      if (t == "Cast") {
        const auto to = int32_t(attr_int("to", onnx_ir::kFloat));
        const auto out = emit(std::move(op), {node_->outputs.at(0)});
        net_.tensor(out[0]).dtype = dtype_of(to);
        return;
      }
      emit(std::move(op), {node_->outputs.at(0)});
      return;
    }
    if (t == "PRelu") {  // a leaky ReLU with a learned slope
      Operator op = new_op(OpType::LeakyRelu);
      op.inputs = {activation(0)};
      if (has_input(1) && input(1).constant) op.weights = {weight_input(1)};
      emit(std::move(op), {node_->outputs.at(0)});
      return;
    }
    if (t == "Softmax") {
      Operator op = new_op(OpType::Softmax);
      op.inputs = {activation(0)};
      op.attrs.axis = attr_int("axis", opset() >= 13 ? -1 : 1);
      emit(std::move(op));
      return;
    }
    if (t == "Clip") {
      Operator op = new_op(OpType::Clip);
      op.inputs = {activation(0)};
      float lo = std::numeric_limits<float>::lowest(), hi = std::numeric_limits<float>::max();
      if (opset() < 11) {
        lo = attr_float("min", lo);
        hi = attr_float("max", hi);
      } else {
        if (has_input(1)) lo = float(const_doubles(1, "min").at(0));
        if (has_input(2)) hi = float(const_doubles(2, "max").at(0));
      }
      op.attrs.clip_min = lo;
      op.attrs.clip_max = hi;
      emit(std::move(op));
      return;
    }
    if (auto b = binary.find(t); b != binary.end()) {
      Operator op = new_op(b->second);
      for (size_t i = 0; i < node_->inputs.size(); ++i) {
        if (!has_input(i)) continue;
        Value& v = input(i);
        if (v.constant) op.weights.push_back(weight(v, v.initializer && count(v.shape) > 1));
        else op.inputs.push_back(v.tensor);
      }
      emit(std::move(op));
      return;
    }
    if (auto r = reductions.find(t); r != reductions.end()) {
      Operator op = new_op(r->second);
      op.inputs = {activation(0)};
      op.attrs.axes = attr_ints("axes", {});
      if (has_input(1)) op.attrs.axes = const_ints(1, "axes");
      op.attrs.keepdims = attr_int("keepdims", 1) != 0;
      if (op.attrs.axes.empty() && attr_int("noop_with_empty_axes", 0)) op.type = OpType::Identity;
      emit(std::move(op));
      return;
    }
    if (t == "Conv" || t == "ConvTranspose") return conv(t == "ConvTranspose");
    if (t == "MaxPool" || t == "AveragePool") {
      Operator op = new_op(t == "MaxPool" ? OpType::MaxPool : OpType::AveragePool);
      op.inputs = {activation(0)};
      spatial_attrs(op, input_shape(0), {});
      op.attrs.ceil_mode = attr_int("ceil_mode", 0) != 0;
      op.attrs.count_include_pad = attr_int("count_include_pad", 0) != 0;
      emit(std::move(op), {node_->outputs.at(0)});
      return;
    }
    if (t == "GlobalAveragePool" || t == "GlobalMaxPool") {
      Operator op = new_op(t == "GlobalAveragePool" ? OpType::GlobalAveragePool : OpType::ReduceMax);
      op.inputs = {activation(0)};
      if (input_shape(0).size() != 4) throw Unsupported{"only 4-D global pooling is modelled"};
      op.attrs.axes = {2, 3};
      emit(std::move(op));
      return;
    }
    if (t == "BatchNormalization") {
      Operator op = new_op(OpType::BatchNormalization);
      op.inputs = {activation(0)};
      op.weights = {weight_input(1), weight_input(2), weight_input(3, false), weight_input(4, false)};
      emit(std::move(op), {node_->outputs.at(0)});
      return;
    }
    if (t == "LayerNormalization") {
      Operator op = new_op(OpType::LayerNormalization);
      op.inputs = {activation(0)};
      op.attrs.axis = attr_int("axis", -1);
      op.weights = {weight_input(1)};
      if (has_input(2)) op.weights.push_back(weight_input(2));
      emit(std::move(op), {node_->outputs.at(0)});
      return;
    }
    if (t == "LRN") {
      Operator op = new_op(OpType::LRN);
      op.inputs = {activation(0)};
      op.attrs.size = attr_int("size", 1);
      emit(std::move(op));
      return;
    }
    if (t == "Gemm") return gemm();
    if (t == "MatMul") return matmul();
    if (t == "Concat") {
      Operator op = new_op(OpType::Concat);
      op.attrs.axis = attr_int("axis", 1);
      for (size_t i = 0; i < node_->inputs.size(); ++i) {
        if (!has_input(i)) continue;
        Value& v = input(i);
        if (v.constant) {
          const TensorId w = weight(v, v.initializer);
          op.inputs.push_back(w);
          op.weights.push_back(w);
        } else {
          op.inputs.push_back(v.tensor);
        }
      }
      emit(std::move(op));
      return;
    }
    if (t == "Split") return split();
    if (t == "Slice") return slice();
    if (t == "Gather") {
      Operator op = new_op(OpType::Gather);
      op.inputs = {activation(0)};
      op.attrs.axis = attr_int("axis", 0);
      if (input(1).constant) op.attrs.target_shape = input(1).shape;
      else op.inputs.push_back(input(1).tensor);
      emit(std::move(op));
      return;
    }
    if (t == "Flatten") {
      Operator op = new_op(OpType::Flatten);
      op.inputs = {activation(0)};
      op.attrs.axis = attr_int("axis", 1);
      if (op.attrs.axis == int64_t(input_shape(0).size())) {  // ONNX allows axis == rank: [N..., 1]
        op.type = OpType::Reshape;
        op.attrs.target_shape = {count(input_shape(0)), 1};
      }
      emit(std::move(op));
      return;
    }
    if (t == "Reshape" || t == "Squeeze" || t == "Unsqueeze") {
      Operator op = new_op(OpType::Reshape);
      op.inputs = {activation(0)};
      const Shape& x = input_shape(0);
      if (t == "Reshape") {
        op.attrs.target_shape = reshape_target(x, opset() >= 5 ? const_ints(1, "shape") : attr_ints("shape", {}));
      } else {
        std::vector<int64_t> axes = opset() >= 13 ? (has_input(1) ? const_ints(1, "axes") : std::vector<int64_t>{})
                                                  : attr_ints("axes", {});
        op.attrs.target_shape = squeeze_shape(x, axes, t == "Unsqueeze");
      }
      emit(std::move(op));
      return;
    }
    if (t == "Transpose") {
      Operator op = new_op(OpType::Transpose);
      op.inputs = {activation(0)};
      const size_t r = input_shape(0).size();
      op.attrs.perm = attr_ints("perm", {});
      if (op.attrs.perm.empty())
        for (size_t i = 0; i < r; ++i) op.attrs.perm.push_back(int64_t(r - 1 - i));
      emit(std::move(op));
      return;
    }
    if (t == "Pad") return pad();
    if (t == "Resize" || t == "Upsample") return resize();
    throw Unsupported{fmt::format("operator type '{}' is not supported", t)};
  }

  void conv(bool transposed) {
    Operator op = new_op(transposed ? OpType::ConvTranspose : OpType::Conv);
    op.inputs = {activation(0)};
    const Shape& x = input_shape(0);
    if (!input(1).constant) throw Unsupported{"its weights are computed at run time"};
    const Shape& w = input(1).shape;
    if (w.size() != 4 || x.size() != 4) throw Unsupported{"only 2-D convolutions (NCHW) are modelled"};
    op.weights = {weight_input(1)};
    if (has_input(2)) op.weights.push_back(weight_input(2));
    op.attrs.group = attr_int("group", 1);
    if (op.attrs.group < 1) fail("group must be positive");
    spatial_attrs(op, x, {w[2], w[3]});
    op.attrs.units = transposed ? w[1] * op.attrs.group : w[0];
    if (!transposed && x[1] != w[1] * op.attrs.group)
      fail(fmt::format("weights [{}] do not fit {} input channels in {} groups", shape_to_string(w, ','), x[1],
                       op.attrs.group));
    if (transposed) {
      auto& a = op.attrs;
      a.output_padding = attr_ints("output_padding", {0, 0});
      if (a.output_padding.size() != 2) fail("output_padding needs 2 values");
      const auto out_shape = attr_ints("output_shape", {});
      if (!out_shape.empty()) {
        if (out_shape.size() < 2) fail("output_shape needs H and W");
        const bool upper = attr_string("auto_pad", "NOTSET") == "SAME_UPPER";
        for (size_t i = 0; i < 2; ++i) {
          const int64_t want = out_shape[out_shape.size() - 2 + i];
          const int64_t total = a.strides[i] * (x[2 + i] - 1) + a.output_padding[i] +
                                (a.kernel_shape[i] - 1) * a.dilations[i] + 1 - want;
          a.pads[i] = upper ? total / 2 : total - total / 2;
          a.pads[i + 2] = total - a.pads[i];
        }
      } else if (attr_string("auto_pad", "NOTSET").rfind("SAME", 0) == 0) {
        const bool upper = attr_string("auto_pad", "NOTSET") == "SAME_UPPER";
        for (size_t i = 0; i < 2; ++i) {
          const int64_t want = x[2 + i] * a.strides[i];
          const int64_t total = std::max<int64_t>(a.strides[i] * (x[2 + i] - 1) + a.output_padding[i] +
                                                      (a.kernel_shape[i] - 1) * a.dilations[i] + 1 - want, 0);
          a.pads[i] = upper ? total / 2 : total - total / 2;
          a.pads[i + 2] = total - a.pads[i];
        }
      }
    }
    emit(std::move(op));
  }

  void gemm() {
    if (attr_int("transA", 0)) throw Unsupported{"Gemm with transA is not modelled"};
    if (!input(1).constant) {
      Operator op = new_op(OpType::MatMul);
      op.inputs = {activation(0), input(1).tensor};
      emit(std::move(op));
      return;
    }
    Operator op = new_op(OpType::Gemm);
    op.inputs = {activation(0)};
    Value& b = input(1);
    if (b.shape.size() != 2) fail("B must be 2-D");
    const bool trans_b = attr_int("transB", 0) != 0;
    const int64_t units = trans_b ? b.shape[0] : b.shape[1], k = trans_b ? b.shape[1] : b.shape[0];
    if (!trans_b) {  // tilesim's Gemm weight is [units, K], as with transB
      const TensorId w = weight(b, true);
      net_.tensor(w).shape = {units, k};
      op.weights = {w};
    } else {
      op.weights = {weight(b, true)};
    }
    const Shape& a = input_shape(0);
    if (a.size() != 2 || a[1] != k)
      fail(fmt::format("input [{}] does not fit weights of {} features", shape_to_string(a, ','), k));
    if (has_input(2)) {
      Value& c = input(2);
      if (c.constant) op.weights.push_back(weight(c, true));
      else throw Unsupported{"Gemm with a bias computed at run time is not modelled"};
    }
    op.attrs.units = units;
    emit(std::move(op));
  }

  void matmul() {
    Value &a = input(0), &b = input(1);
    if (!a.constant && !b.constant) {
      Operator op = new_op(OpType::MatMul);
      op.inputs = {a.tensor, b.tensor};
      emit(std::move(op));
      return;
    }
    if (!a.constant && b.shape.size() == 2 && net_.tensor(a.tensor).shape.size() == 2) {
      Operator op = new_op(OpType::Gemm);  // [N, K] x [K, units]: a fully connected layer
      op.inputs = {a.tensor};
      const TensorId w = weight(b, true);
      net_.tensor(w).shape = {b.shape[1], b.shape[0]};
      op.weights = {w};
      op.attrs.units = b.shape[1];
      if (net_.tensor(a.tensor).shape[1] != b.shape[0]) fail("inner dimensions differ");
      emit(std::move(op));
      return;
    }
    // A constant operand of a batched product: it stays an operand (and is counted as weights).
    Operator op = new_op(OpType::MatMul);
    const TensorId ta = a.constant ? weight(a, true) : a.tensor, tb = b.constant ? weight(b, true) : b.tensor;
    op.inputs = {ta, tb};
    op.weights = {a.constant ? ta : tb};
    emit(std::move(op));
  }

  void split() {
    const Shape& x = input_shape(0);
    Operator op = new_op(OpType::Split);
    op.inputs = {activation(0)};
    op.attrs.axis = axis_in(attr_int("axis", 0), x.size());
    const int64_t dim = x[size_t(op.attrs.axis)];
    std::vector<int64_t> sizes = opset() >= 13 ? (has_input(1) ? const_ints(1, "split") : std::vector<int64_t>{})
                                               : attr_ints("split", {});
    if (sizes.empty()) {
      const int64_t n = attr_int("num_outputs", int64_t(node_->outputs.size()));
      if (n < 1 || n > dim) fail(fmt::format("cannot split {} into {} parts", dim, n));
      if (attr("num_outputs")) {
        const int64_t part = (dim + n - 1) / n;
        for (int64_t left = dim; left > 0; left -= part) sizes.push_back(std::min(part, left));
      } else {
        if (dim % n) fail(fmt::format("cannot split {} evenly into {} parts", dim, n));
        sizes.assign(size_t(n), dim / n);
      }
    }
    if (sizes.size() != node_->outputs.size())
      fail(fmt::format("splits into {} parts but has {} outputs", sizes.size(), node_->outputs.size()));
    op.attrs.split = sizes;
    emit(std::move(op));
  }

  void slice() {
    const Shape x = input_shape(0);
    std::vector<int64_t> starts, ends, axes, steps;
    if (opset() < 10) {
      starts = attr_ints("starts", {});
      ends = attr_ints("ends", {});
      axes = attr_ints("axes", {});
    } else {
      starts = const_ints(1, "starts");
      ends = const_ints(2, "ends");
      if (has_input(3)) axes = const_ints(3, "axes");
      if (has_input(4)) steps = const_ints(4, "steps");
    }
    if (axes.empty())
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(int64_t(i));
    if (starts.size() != ends.size() || axes.size() != starts.size() || (!steps.empty() && steps.size() != starts.size()))
      fail("starts, ends, axes and steps differ in length");
    struct Part { int64_t axis, begin, end, step; };
    std::vector<Part> parts;
    for (size_t i = 0; i < axes.size(); ++i) {
      const int64_t ax = axis_in(axes[i], x.size()), dim = x[size_t(ax)], step = steps.empty() ? 1 : steps[i];
      if (step < 1) throw Unsupported{"Slice with a negative or zero step is not modelled"};
      const int64_t b = std::clamp<int64_t>(starts[i] < 0 ? starts[i] + dim : starts[i], 0, dim);
      const int64_t e = std::clamp<int64_t>(ends[i] < 0 ? ends[i] + dim : ends[i], 0, dim);
      if (e <= b) fail(fmt::format("selects nothing of axis {}", ax));
      if (b == 0 && e == dim && step == 1) continue;
      parts.push_back({ax, b, e, step});
    }
    TensorId cur = activation(0);
    if (parts.empty()) {
      Operator op = new_op(OpType::Identity);
      op.inputs = {cur};
      emit(std::move(op));
      return;
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      Operator op = new_op(OpType::Slice);
      if (i) op.name += fmt::format(":{}", i);
      op.inputs = {cur};
      op.attrs.axis = parts[i].axis;
      op.attrs.split = {parts[i].begin, parts[i].end};
      op.attrs.step = parts[i].step;
      const bool last = i + 1 == parts.size();
      cur = emit(std::move(op), {last ? node_->outputs.at(0) : fmt::format("{}:{}", node_->outputs.at(0), i)})[0];
    }
  }

  void pad() {
    const Shape& x = input_shape(0);
    Operator op = new_op(OpType::Pad);
    op.inputs = {activation(0)};
    std::vector<int64_t> pads = opset() >= 11 ? const_ints(1, "pads") : attr_ints("pads", attr_ints("paddings", {}));
    if (opset() >= 18 && has_input(3)) {
      const auto axes = const_ints(3, "axes");
      if (pads.size() != 2 * axes.size()) fail("pads need 2 values per axis");
      std::vector<int64_t> full(2 * x.size(), 0);
      for (size_t i = 0; i < axes.size(); ++i) {
        const auto ax = size_t(axis_in(axes[i], x.size()));
        full[ax] = pads[i];
        full[ax + x.size()] = pads[i + axes.size()];
      }
      pads = full;
    }
    if (pads.size() != 2 * x.size()) fail(fmt::format("{} pads for a rank-{} input", pads.size(), x.size()));
    for (int64_t p : pads)
      if (std::abs(p) > kMaxTensorElements) fail("absurd padding");
    op.attrs.pads = pads;
    emit(std::move(op));
  }

  void resize() {
    const Shape& x = input_shape(0);
    if (x.size() != 4) throw Unsupported{"only 4-D Resize is modelled"};
    Operator op = new_op(OpType::Resize);
    op.inputs = {activation(0)};
    const std::string mode = attr_string("mode", "nearest");
    op.attrs.resize_mode = mode == "nearest" ? ResizeMode::nearest : mode == "cubic" ? ResizeMode::cubic : ResizeMode::linear;
    std::vector<double> scales;
    std::vector<int64_t> sizes;
    if (node_->op_type == "Upsample") {
      scales = opset() >= 9 ? const_doubles(1, "scales") : attr_floats("scales");
    } else if (opset() < 11) {
      scales = const_doubles(1, "scales");
    } else {
      if (has_input(3)) sizes = const_ints(3, "sizes");
      if (sizes.empty() && has_input(2)) scales = const_doubles(2, "scales");
    }
    auto axes = attr_ints("axes", {});
    auto expand = [&](auto vals, auto fillv) {
      if (axes.empty()) return vals;
      decltype(vals) full(4, fillv);
      for (size_t i = 0; i < axes.size() && i < vals.size(); ++i) full[size_t(axis_in(axes[i], 4))] = vals[i];
      return full;
    };
    if (!sizes.empty()) {
      sizes = expand(sizes, int64_t{-1});
      if (sizes.size() != 4) fail("sizes need 4 values");
      op.attrs.target_shape = {sizes[2] < 0 ? x[2] : sizes[2], sizes[3] < 0 ? x[3] : sizes[3]};
    } else {
      scales = expand(scales, 1.0);
      if (scales.size() != 4) fail("scales need 4 values (or sizes)");
      for (double s : scales)
        if (!(s > 0) || s > 1e6) fail("scales must be positive and sane");
      if (scales[0] != 1 || scales[1] != 1) throw Unsupported{"Resize of the batch or channel axis is not modelled"};
      op.attrs.target_shape = {int64_t(std::floor(double(x[2]) * scales[2])), int64_t(std::floor(double(x[3]) * scales[3]))};
    }
    emit(std::move(op));
  }
};

onnx_ir::ReadFn reader() {
  void* module = load_plugin(onnx_ir::kModuleFile, "importing ONNX models",
                             "install libonnx-dev libprotobuf-dev and rebuild (scripts/setup.sh)");
  return reinterpret_cast<onnx_ir::ReadFn>(plugin_symbol(module, onnx_ir::kModuleFile, onnx_ir::kReadSymbol));
}

}  // namespace

Network import_onnx(const std::string& path, const ImportOptions& options) {
  onnx_ir::ReadFn read = nullptr;
  try {
    read = reader();
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", path, e.what()));
  }
  onnx_ir::ReadRequest request;
  request.input = options.input;
  onnx_ir::Graph graph;
  std::string error;
  if (!read(path.c_str(), &request, &graph, &error)) throw ConfigError(fmt::format("{}: {}", path, error));
  try {
    return Importer(path, options).run(std::move(graph));
  } catch (const ConfigError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw ConfigError(fmt::format("{}: the model needs more memory than the importer allows (hostile sizes?)", path));
  } catch (const std::exception& e) {
    throw ConfigError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace tilesim
