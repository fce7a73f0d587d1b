#include "sim/workload/memory_planner.hpp"

#include <algorithm>

namespace tilesim {

int64_t peak_activation_bytes(const Network& net, const std::vector<OpId>& order, int64_t bytes_per_element) {
  // Storage a tensor occupies: views share their input's buffer.
  std::vector<TensorId> storage(net.tensor_count());
  for (size_t t = 0; t < storage.size(); ++t) storage[t] = static_cast<TensorId>(t);
  for (OpId id : order) {
    const Operator& op = net.op(id);
    if (is_view(op.type) && op.inputs.size() == 1 && op.outputs.size() == 1)
      storage[static_cast<size_t>(op.outputs[0])] = storage[static_cast<size_t>(op.inputs[0])];
  }
  std::vector<size_t> last_use(net.tensor_count(), 0);
  for (size_t pos = 0; pos < order.size(); ++pos)
    for (TensorId t : net.op(order[pos]).inputs) last_use[static_cast<size_t>(storage[static_cast<size_t>(t)])] = pos;
  const auto bytes = [&](TensorId t) { return net.tensor(t).elements() * bytes_per_element; };

  int64_t live = 0, peak = 0;
  for (TensorId t : net.graph_inputs()) live += bytes(t);
  peak = live;
  for (size_t pos = 0; pos < order.size(); ++pos) {
    const Operator& op = net.op(order[pos]);
    for (TensorId t : op.outputs)
      if (storage[static_cast<size_t>(t)] == t) live += bytes(t);
    peak = std::max(peak, live);
    for (TensorId t : op.inputs) {
      const TensorId s = storage[static_cast<size_t>(t)];
      if (last_use[static_cast<size_t>(s)] == pos) {
        live -= bytes(s);
        last_use[static_cast<size_t>(s)] = order.size();  // freed once even if read twice
      }
    }
  }
  return peak;
}

}  // namespace tilesim
