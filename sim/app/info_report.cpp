#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "kernels/lowering.hpp"
#include "sim/app/reports.hpp"
#include "sim/app/text_table.hpp"
#include "sim/workload/op_cost.hpp"

namespace tilesim {
namespace {

nlohmann::json attrs_json(const Operator& op) {
  const auto& a = op.attrs;
  switch (op.type) {
    case OpType::Conv:
      return {{"kernel_shape", a.kernel_shape}, {"strides", a.strides}, {"pads", a.pads},
              {"dilations", a.dilations}, {"group", a.group}};
    case OpType::ConvTranspose:
      return {{"kernel_shape", a.kernel_shape}, {"strides", a.strides}, {"pads", a.pads},
              {"dilations", a.dilations}, {"group", a.group}, {"output_padding", a.output_padding}};
    case OpType::MaxPool:
    case OpType::AveragePool:
      return {{"kernel_shape", a.kernel_shape}, {"strides", a.strides}, {"pads", a.pads},
              {"ceil_mode", a.ceil_mode ? 1 : 0}};
    case OpType::Gemm:
      return {{"transB", 1}};
    default:
      return nlohmann::json::object();
  }
}

std::string shapes_text(const nlohmann::json& shapes) {
  std::string s;
  for (const auto& sh : shapes) {
    if (!s.empty()) s += ",";
    s += shape_to_string(sh.get<Shape>());
  }
  return s;
}

}  // namespace

nlohmann::json info_json(const Network& net, const Shape& input, const std::optional<KernelContext>& kernels) {
  nlohmann::json layers = nlohmann::json::array();
  std::optional<CpuTarget> cpu;
  std::optional<GpuTarget> gpu;
  if (kernels && kernels->gpu) {
    if (!kernels->soc->gpu) throw ConfigError(fmt::format("--device gpu: {} has no GPU described", kernels->soc->name));
    gpu = GpuTarget{&*kernels->soc->gpu, kernels->engine->gpu_precision};
  } else if (kernels) {
    const ClusterSpec& cluster = *kernels->soc->clusters_of("big").front();
    cpu = cpu_target(cluster, kernels->engine->auto_precision(cluster.core), kernels->threads);
  }
  int64_t macs = 0, params = 0, approximate = 0;
  for (OpId id : net.topological_order()) {
    const Operator& op = net.op(id);
    const OpCost c = op_cost(net, id);
    nlohmann::json in = nlohmann::json::array(), out = nlohmann::json::array();
    for (TensorId t : op.inputs) in.push_back(net.tensor(t).shape);
    for (TensorId t : op.outputs) out.push_back(net.tensor(t).shape);
    nlohmann::json l{{"name", op.name}, {"op", onnx_name(op.type)}, {"inputs", in}, {"outputs", out},
                     {"macs", c.macs}, {"params", c.params}, {"attrs", attrs_json(op)}};
    if (!op.source_type.empty()) l["source_op"] = op.source_type;  // as the model file names it
    if (op.approximate()) {
      l["op"] = op.source_type.empty() ? "Unmodelled" : op.source_type;
      l["approximate"] = true;
      ++approximate;
    }
    if (op.compute_type) l["compute_type"] = to_string(*op.compute_type);
    if (!op.fused.empty()) {
      nlohmann::json fused = nlohmann::json::array();
      for (const auto& f : op.fused) fused.push_back(onnx_name(f.type));
      l["fused"] = fused;
    }
    if (kernels) {
      const KernelPlan plan = gpu ? lower_layer_gpu(net, id, *kernels->engine, *gpu)
                                  : lower_layer(net, id, *kernels->engine, *cpu);
      l["algorithm"] = plan.algorithm;
      l["tiles"] = plan.tiles();
      nlohmann::json phases = nlohmann::json::array();
      for (const Phase& p : plan.phases) {
        nlohmann::json ph{{"name", p.name}, {"tiles", p.launched_tiles}, {"flops", p.flops()}};
        if (p.local_size > 0) {
          ph["local_size"] = p.local_size;
          ph["registers_per_invocation"] = p.registers_per_invocation;
          ph["local_memory_bytes"] = p.local_memory_bytes;
        }
        phases.push_back(ph);
      }
      l["phases"] = phases;
      l["packed_weight_bytes"] = plan.packed_weight_bytes;
      l["layout"] = plan.layout;
      l["precision"] = to_string(plan.precision);
      l["tile_shape"] = plan.tile_shape;
      l["workspace_bytes"] = plan.workspace_bytes;
    }
    macs += c.macs;
    params += c.params;
    layers.push_back(std::move(l));
  }
  return {{"model", net.name()}, {"input", input},
          {"total", {{"macs", macs}, {"params", params}, {"layers", layers.size()}, {"approximate_layers", approximate}}},
          {"layers", layers}};
}

void print_info_table(const nlohmann::json& info, bool kernels, std::ostream& out) {
  std::vector<std::string> header{"layer", "op", "input", "output", "MACs", "params"};
  std::vector<bool> right{false, false, false, false, true, true};
  if (kernels) {
    for (const char* h : {"algorithm", "layout", "prec", "tile", "tiles", "workspace"}) header.push_back(h);
    right.insert(right.end(), {false, false, false, false, true, true});
  }
  TextTable table(header, right);
  for (const auto& l : info["layers"]) {
    std::string op = l["op"].get<std::string>();
    if (l.contains("approximate")) op += '*';
    if (l.contains("fused"))
      for (const auto& f : l["fused"]) {
        op += '+';
        op += f.get<std::string>();
      }
    std::vector<std::string> row{l["name"], op, shapes_text(l["inputs"]), shapes_text(l["outputs"]),
                                 fmt::format("{}", l["macs"].get<int64_t>()),
                                 fmt::format("{}", l["params"].get<int64_t>())};
    if (kernels)
      for (const char* k : {"algorithm", "layout", "precision", "tile_shape"}) row.push_back(l[k].get<std::string>());
    if (kernels) {
      row.push_back(fmt::format("{}", l["tiles"].get<int64_t>()));
      row.push_back(fmt::format("{}", l["workspace_bytes"].get<int64_t>()));
    }
    table.add(row);
  }
  table.print(out);
  const auto& t = info["total"];
  out << fmt::format("\n{}: input {}, {} layers, {:.3f} GMACs, {:.3f} M params\n", info["model"].get<std::string>(),
                     shapes_text(nlohmann::json::array({info["input"]})), t["layers"].get<int64_t>(),
                     t["macs"].get<int64_t>() / 1e9, t["params"].get<int64_t>() / 1e6);
  if (const auto n = t["approximate_layers"].get<int64_t>())
    out << fmt::format("* approximate: {} layer(s) of operators tilesim does not model (stand-ins, --allow-unknown)\n", n);
}

}  // namespace tilesim
