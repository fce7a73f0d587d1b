#include "sim/engine/layer_accounting.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "sim/workload/memory_planner.hpp"
#include "sim/workload/op_cost.hpp"

namespace tilesim {

LayerResult layer_result_for(const Network& net, OpId id, const KernelPlan& plan) {
  const Operator& op = net.op(id);
  const OpCost cost = op_cost(net, id);
  LayerResult r;
  r.name = op.name;
  r.approximate = op.approximate();
  r.op = r.approximate && !op.source_type.empty() ? op.source_type : std::string(onnx_name(op.type));
  for (const auto& f : op.fused) r.fused.push_back(std::string(onnx_name(f.type)));
  r.algorithm = plan.algorithm;
  r.macs = cost.macs;
  r.flops = cost.flops;
  r.tiles = plan.tiles();
  if (const Phase* main = main_phase(plan)) {
    r.kernel_class = choice_name(kernel_class_names(), main->kernel_class);
    r.main_tiles = main->launched_tiles;
  }
  return r;
}

const Phase* main_phase(const KernelPlan& plan) {
  const Phase* main = nullptr;
  for (const Phase& p : plan.phases)
    if (!main || p.flops() > main->flops()) main = &p;
  return main;
}

int64_t resident_weight_bytes(const Network& net, OpId id, const KernelPlan& plan, int64_t bytes_per_element) {
  if (plan.packed_weight_bytes > 0) return plan.packed_weight_bytes;
  int64_t bytes = 0;
  for (TensorId t : net.op(id).weights) bytes += net.tensor(t).elements() * bytes_per_element;
  return bytes;
}

void name_bound(LayerResult& l) {
  const std::pair<double, const char*> parts[] = {
      {l.compute_s, "compute"}, {l.memory_s, "memory"}, {l.imbalance_s, "imbalance"}, {l.overhead_s, "overhead"}};
  const auto* largest = std::max_element(std::begin(parts), std::end(parts));
  l.bound = largest->first > 0 ? largest->second : "overhead";  // a view runs no kernel
}

RunResult run_identity(const Network& net, const SocSpec& soc, const EngineProfile& engine, const char* device) {
  RunResult r;
  r.model = net.name();
  r.soc = soc.name;
  r.engine = engine.name;
  r.device = device;
  return r;
}

void close_run(RunResult& r, const Network& net, const std::vector<OpId>& order, int64_t bytes_per_element,
               double latency_s, double static_power_w, const WorkPool& pool) {
  r.latency_s = latency_s;
  r.static_energy_j = static_power_w * latency_s;
  r.params = learnable_params(net);
  r.activation_bytes = peak_activation_bytes(net, order, bytes_per_element);
  r.peak_memory_bytes = r.weight_bytes + r.activation_bytes + r.workspace_bytes;
  r.events = pool.events();
  r.timeline = pool.timeline();
}

int64_t learnable_params(const Network& net) {
  int64_t params = 0;
  for (size_t t = 0; t < net.tensor_count(); ++t) {
    const Tensor& tensor = net.tensor(static_cast<TensorId>(t));
    if (tensor.kind == TensorKind::weight && tensor.learnable) params += tensor.elements();
  }
  return params;
}

}  // namespace tilesim
