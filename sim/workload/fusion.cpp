#include "sim/workload/fusion.hpp"

#include <algorithm>

namespace tilesim {
namespace {

bool has_activation(const Operator& op) {
  return std::any_of(op.fused.begin(), op.fused.end(), [](const FusedOp& f) { return is_activation(f.type); });
}

bool has_add(const Operator& op) {
  return std::any_of(op.fused.begin(), op.fused.end(), [](const FusedOp& f) { return f.type == OpType::Add; });
}

bool is_gemm_like(OpType t) { return t == OpType::Conv || t == OpType::ConvTranspose || t == OpType::Gemm; }

// Can `x` be folded into `leader`, reading `via` (the leader's output)?
bool can_fuse(const Operator& leader, const Operator& x, const FusionRules& r) {
  if (x.type == OpType::BatchNormalization)
    return r.conv_batchnorm && is_gemm_like(leader.type) && !has_activation(leader) && !has_add(leader);
  if (is_activation(x.type)) {
    if (has_activation(leader)) return false;
    if (is_gemm_like(leader.type)) return r.conv_activation || (has_add(leader) && r.add_activation);
    return leader.type == OpType::Add && r.add_activation;
  }
  if (x.type == OpType::Add)
    return r.conv_add && leader.type == OpType::Conv && !has_activation(leader) && !has_add(leader) &&
           x.inputs.size() == 2;
  return false;
}

}  // namespace

Network fuse(const Network& net, const FusionRules& rules) {
  const auto order = net.topological_order();
  std::vector<OpId> leader(net.op_count());
  std::vector<Operator> merged(net.op_count());  // by leader id
  std::vector<size_t> last_position(net.op_count(), 0);
  std::vector<bool> is_leader(net.op_count(), false);

  for (size_t pos = 0; pos < order.size(); ++pos) {
    const OpId id = order[pos];
    const Operator& x = net.op(id);
    leader[static_cast<size_t>(id)] = id;
    bool fused = false;
    for (TensorId t : x.inputs) {
      const auto p = net.producer(t);
      if (!p || net.consumers(t).size() != 1 || net.tensor(t).kind != TensorKind::activation) continue;
      const OpId l = leader[static_cast<size_t>(*p)];
      Operator& into = merged[static_cast<size_t>(l)];
      // Only the leader's current output can carry the fused operator.
      if (into.outputs.size() != 1 || into.outputs[0] != t || !can_fuse(into, x, rules)) continue;
      into.fused.push_back({x.type, x.name});
      into.weights.insert(into.weights.end(), x.weights.begin(), x.weights.end());
      for (TensorId other : x.inputs)
        if (other != t) into.inputs.push_back(other);
      into.outputs = x.outputs;
      leader[static_cast<size_t>(id)] = l;
      last_position[static_cast<size_t>(l)] = pos;
      fused = true;
      break;
    }
    if (!fused) {
      merged[static_cast<size_t>(id)] = x;
      is_leader[static_cast<size_t>(id)] = true;
      last_position[static_cast<size_t>(id)] = pos;
    }
  }

  // Each fused operator runs where its last member ran: all its inputs exist by then.
  std::vector<OpId> leaders;
  for (OpId id : order)
    if (is_leader[static_cast<size_t>(id)]) leaders.push_back(id);
  std::stable_sort(leaders.begin(), leaders.end(), [&](OpId a, OpId b) {
    return last_position[static_cast<size_t>(a)] < last_position[static_cast<size_t>(b)];
  });

  Network out(net.name());
  for (size_t t = 0; t < net.tensor_count(); ++t) out.add_tensor(net.tensor(static_cast<TensorId>(t)));
  for (OpId id : leaders) out.add_op(std::move(merged[static_cast<size_t>(id)]));
  return out;
}

}  // namespace tilesim
