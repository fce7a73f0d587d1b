#pragma once
// The workload graph: operators as vertices of a Boost.Graph DAG, an edge per tensor a consumer
// reads from its producer. Tensors live in a table beside the graph.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "sim/workload/operator.hpp"
#include "sim/workload/tensor.hpp"

namespace tilesim {

class GraphError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Network {
 public:
  explicit Network(std::string name = "") : name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  TensorId add_tensor(Tensor t);
  // Adds an operator whose inputs already have their producers (operators arrive in a valid
  // order, as ONNX requires) and whose outputs have none yet.
  OpId add_op(Operator op);

  const Tensor& tensor(TensorId id) const { return tensors_.at(static_cast<size_t>(id)); }
  Tensor& tensor(TensorId id) { return tensors_.at(static_cast<size_t>(id)); }
  const Operator& op(OpId id) const { return ops_.at(static_cast<size_t>(id)); }
  Operator& op(OpId id) { return ops_.at(static_cast<size_t>(id)); }
  size_t tensor_count() const { return tensors_.size(); }
  size_t op_count() const { return ops_.size(); }

  std::optional<OpId> producer(TensorId t) const;
  std::vector<OpId> consumers(TensorId t) const;
  std::vector<TensorId> graph_inputs() const;   // tensors of kind input
  std::vector<TensorId> graph_outputs() const;  // activations nobody consumes

  // Kahn's algorithm, ties broken by insertion order, so the order is deterministic and follows
  // the order a model was written in wherever that order is valid. Throws GraphError on a cycle.
  std::vector<OpId> topological_order() const;

 private:
  struct TensorEdge {
    TensorId tensor = -1;  // the tensor the target reads from the source
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                      boost::no_property, TensorEdge>;
  std::string name_;
  std::vector<Tensor> tensors_;
  std::vector<Operator> ops_;
  std::vector<std::optional<OpId>> producer_;  // by tensor id
  Graph graph_;
};

}  // namespace tilesim
