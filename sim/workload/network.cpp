#include "sim/workload/network.hpp"

#include <queue>

#include <fmt/format.h>

namespace tilesim {

std::string shape_to_string(const Shape& s, char sep) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += sep;
    out += std::to_string(s[i]);
  }
  return out;
}

std::optional<int64_t> checked_elements(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0 || d > kMaxTensorElements || (d > 0 && n > kMaxTensorElements / d)) return std::nullopt;
    n *= d;
  }
  return n;
}

TensorId Network::add_tensor(Tensor t) {
  tensors_.push_back(std::move(t));
  producer_.push_back(std::nullopt);
  return static_cast<TensorId>(tensors_.size() - 1);
}

OpId Network::add_op(Operator op) {
  const auto id = static_cast<OpId>(ops_.size());
  auto check = [&](TensorId t) {
    if (t < 0 || static_cast<size_t>(t) >= tensors_.size())
      throw GraphError(fmt::format("operator '{}' refers to unknown tensor {}", op.name, t));
  };
  for (TensorId t : op.inputs) {
    check(t);
    if (tensors_[static_cast<size_t>(t)].kind == TensorKind::activation && !producer_[static_cast<size_t>(t)])
      throw GraphError(fmt::format("operator '{}' reads '{}' before any operator produces it", op.name,
                                   tensors_[static_cast<size_t>(t)].name));
  }
  for (TensorId t : op.weights) check(t);
  for (TensorId t : op.outputs) {
    check(t);
    if (producer_[static_cast<size_t>(t)])
      throw GraphError(fmt::format("tensor '{}' has two producers ('{}' and '{}')",
                                   tensors_[static_cast<size_t>(t)].name,
                                   ops_[static_cast<size_t>(*producer_[static_cast<size_t>(t)])].name,
                                   op.name));
  }
  const auto v = boost::add_vertex(graph_);
  (void)v;
  for (TensorId t : op.inputs)
    if (auto p = producer_[static_cast<size_t>(t)]) boost::add_edge(*p, id, TensorEdge{t}, graph_);
  for (TensorId t : op.outputs) producer_[static_cast<size_t>(t)] = id;
  ops_.push_back(std::move(op));
  return id;
}

std::optional<OpId> Network::producer(TensorId t) const { return producer_.at(static_cast<size_t>(t)); }

std::vector<OpId> Network::consumers(TensorId t) const {
  std::vector<OpId> out;
  for (size_t i = 0; i < ops_.size(); ++i)
    for (TensorId in : ops_[i].inputs)
      if (in == t) {
        out.push_back(static_cast<OpId>(i));
        break;
      }
  return out;
}

std::vector<TensorId> Network::graph_inputs() const {
  std::vector<TensorId> out;
  for (size_t i = 0; i < tensors_.size(); ++i)
    if (tensors_[i].kind == TensorKind::input) out.push_back(static_cast<TensorId>(i));
  return out;
}

std::vector<TensorId> Network::graph_outputs() const {
  std::vector<bool> consumed(tensors_.size(), false);
  for (const auto& op : ops_)
    for (TensorId t : op.inputs) consumed[static_cast<size_t>(t)] = true;
  std::vector<TensorId> out;
  for (size_t i = 0; i < tensors_.size(); ++i)
    if (tensors_[i].kind == TensorKind::activation && !consumed[i] && producer_[i])
      out.push_back(static_cast<TensorId>(i));
  return out;
}

std::vector<OpId> Network::topological_order() const {
  const auto n = boost::num_vertices(graph_);
  std::vector<size_t> pending(n);
  std::priority_queue<OpId, std::vector<OpId>, std::greater<>> ready;
  for (size_t v = 0; v < n; ++v) {
    pending[v] = boost::in_degree(v, graph_);
    if (pending[v] == 0) ready.push(static_cast<OpId>(v));
  }
  std::vector<OpId> order;
  order.reserve(n);
  while (!ready.empty()) {
    const OpId v = ready.top();
    ready.pop();
    order.push_back(v);
    for (auto [e, end] = boost::out_edges(static_cast<size_t>(v), graph_); e != end; ++e) {
      const auto w = boost::target(*e, graph_);
      if (--pending[w] == 0) ready.push(static_cast<OpId>(w));
    }
  }
  if (order.size() != n) throw GraphError(fmt::format("network '{}' has a cycle", name_));
  return order;
}

}  // namespace tilesim
