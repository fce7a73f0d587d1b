// ONNX model files as workload graphs. The protobuf side (parsing, ONNX shape inference, size
// checks of every initializer) lives in the module libtilesim_onnx.so (onnx_module.cpp), loaded on
// first use; the files of onnx_importer.hpp map its plain graph (onnx_graph.hpp) onto tilesim's
// operators: constant folding of shape computations, opset differences (attributes that became
// inputs), and the checks that keep a hostile file from crashing, hanging or allocating the
// machine away. This file holds the walk: graph inputs, initializers, node order, the dispatcher.
#include "sim/workload/import/onnx_model.hpp"

#include <filesystem>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/import/onnx_channel_shuffle.hpp"
#include "sim/workload/import/onnx_importer.hpp"
#include "traces/plugin_module.hpp"

namespace tilesim {
namespace onnx_import {

Network Importer::run(onnx_ir::Graph graph) {
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

void Importer::warn(const std::string& w) {
  if (options_.warnings) options_.warnings->push_back(fmt::format("{}: {}", path_, w));
}

std::string Importer::layer_name(const Node& n) {
  if (!n.name.empty()) return n.name;
  return n.outputs.empty() ? std::string("(unnamed)") : n.outputs[0];
}

[[noreturn]] void Importer::fail(const std::string& why) const {
  if (node_)
    throw ConfigError(fmt::format("{}: node '{}' ({}): {}", path_, layer_name(*node_), node_->op_type, why));
  throw ConfigError(fmt::format("{}: {}", path_, why));
}

// ---- graph set-up --------------------------------------------------------------------------

void Importer::add_inputs() {
  for (const auto& in : g_.inputs) {
    if (in.name.empty()) fail("a graph input has no name");
    if (!in.has_shape)
      throw ConfigError::about("input", fmt::format("{}: graph input '{}' has no shape; give the run its input shape",
                                                    path_, in.name));
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

void Importer::add_initializers() {
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
std::vector<size_t> Importer::node_order() {
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

// ---- the dispatcher ------------------------------------------------------------------------

void Importer::import_node(const Node& n) {
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

void Importer::unmodelled(const std::string& why) {
  if (!options_.allow_unknown) fail(why);
  Operator op = new_op(OpType::Unmodelled);
  for (size_t i = 0; i < node_->inputs.size(); ++i) {
    if (!has_input(i)) continue;
    Value& v = input(i);
    if (v.constant) op.weights.push_back(weight(v, v.initializer));
    else op.inputs.push_back(v.tensor);
  }
  if (op.inputs.empty()) fail(why);
  // Elementwise operators (comparisons, logic) whose output ONNX leaves unshaped take the
  // broadcast of their inputs' shapes, as the ONNX specification defines it.
  std::vector<std::string> names;
  for (const auto& o : node_->outputs) {
    if (o.empty()) continue;
    const auto it = onnx_shapes_.find(o);
    if (it != onnx_shapes_.end() && it->second->has_shape &&
        std::none_of(it->second->dims.begin(), it->second->dims.end(), [](int64_t d) { return d < 0; })) {
      op.attrs.output_shapes.emplace_back(it->second->dims.begin(), it->second->dims.end());
    } else if (is_elementwise(node_->op_type) && node_->outputs.size() == 1) {
      std::vector<Shape> shapes;
      for (size_t i = 0; i < node_->inputs.size(); ++i)
        if (has_input(i)) shapes.push_back(input_shape(i));
      bool ok = false;
      op.attrs.output_shapes.push_back(broadcast_shapes(shapes, ok));
      if (!ok) fail(fmt::format("{}; and its operands do not broadcast", why));
    } else {
      fail(fmt::format("{}; and ONNX shape inference gives no shape for its output '{}'", why, o));
    }
    names.push_back(o);
  }
  if (names.empty()) fail(why);
  if (warned_types_.insert(node_->op_type).second)
    warn(fmt::format("operator {} (first: node '{}') has no tilesim model: {}; imported as an Unmodelled "
                     "memory-bound stand-in", node_->op_type, layer_name(*node_), why));
  emit(std::move(op), names);
}

namespace {

onnx_ir::ReadFn reader() {
  void* module = load_plugin(onnx_ir::kModuleFile, "importing ONNX models",
                             "install libonnx-dev libprotobuf-dev and rebuild (scripts/setup.sh)");
  return reinterpret_cast<onnx_ir::ReadFn>(plugin_symbol(module, onnx_ir::kModuleFile, onnx_ir::kReadSymbol));
}

}  // namespace
}  // namespace onnx_import

Network import_onnx(const std::string& path, const ImportOptions& options) {
  onnx_ir::ReadFn read = nullptr;
  try {
    read = onnx_import::reader();
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", path, e.what()));
  }
  onnx_ir::ReadRequest request;
  request.input = options.input;
  onnx_ir::Graph graph;
  std::string error;
  if (!read(path.c_str(), &request, &graph, &error)) throw ConfigError(fmt::format("{}: {}", path, error));
  try {
    return onnx_import::Importer(path, options).run(std::move(graph));
  } catch (const ConfigError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw ConfigError(fmt::format("{}: the model needs more memory than the importer allows (hostile sizes?)", path));
  } catch (const std::exception& e) {
    throw ConfigError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace tilesim