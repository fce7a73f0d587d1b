#include "sim/workload/import/onnx_channel_shuffle.hpp"

#include <optional>
#include <vector>

namespace tilesim::onnx_import {

Network fuse_channel_shuffles(Network net) {
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

}  // namespace tilesim::onnx_import
