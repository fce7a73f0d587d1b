#include <fmt/format.h>

#include "sim/app/reports.hpp"
#include "sim/app/text_table.hpp"

namespace tilesim {
namespace {
constexpr double kMiB = 1024.0 * 1024.0;

// A stand-in's operator carries a '*' (the table's footnote says what it means).
std::string op_with_fused(const LayerResult& l) {
  std::string s = l.approximate ? l.op + "*" : l.op;
  for (const auto& f : l.fused) {
    s += '+';
    s += f;
  }
  return s;
}
int approximate_layers(const RunResult& r) {
  int n = 0;
  for (const auto& l : r.layers) n += l.approximate;
  return n;
}
}  // namespace

nlohmann::json run_json(const RunResult& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : r.layers)
    layers.push_back({{"name", l.name}, {"op", l.op}, {"fused", l.fused}, {"algorithm", l.algorithm},
                      {"macs", l.macs}, {"flops", l.flops}, {"tiles", l.tiles}, {"latency_ms", l.latency_s * 1e3},
                      {"energy_mj", l.energy_j * 1e3}, {"gflops", l.gflops()},
                      {"compute_ms", l.compute_s * 1e3}, {"memory_ms", l.memory_s * 1e3},
                      {"imbalance_ms", l.imbalance_s * 1e3}, {"overhead_ms", l.overhead_s * 1e3},
                      {"dram_bytes", l.dram_bytes}, {"bound", l.bound}, {"approximate", l.approximate}});
  return {{"model", r.model}, {"soc", r.soc}, {"engine", r.engine}, {"device", r.device},
          {"threads", r.threads}, {"cores", r.cores}, {"precision", r.precision},
          {"total",
           {{"latency_ms", r.latency_s * 1e3}, {"energy_mj", r.energy_j * 1e3},
            {"static_energy_mj", r.static_energy_j * 1e3}, {"peak_memory_mib", r.peak_memory_bytes / kMiB},
            {"weights_mib", r.weight_bytes / kMiB}, {"activations_mib", r.activation_bytes / kMiB},
            {"workspace_mib", r.workspace_bytes / kMiB}, {"macs", r.macs}, {"params", r.params},
            {"layers", r.layers.size()}, {"approximate_layers", approximate_layers(r)}, {"events", r.events}}},
          {"layers", layers}};
}

void print_run_table(const RunResult& r, std::ostream& out) {
  if (r.device == "gpu")
    out << fmt::format("{} on {} GPU ({}, {}, {})\n\n", r.model, r.soc, r.cores, r.engine, r.precision);
  else
    out << fmt::format("{} on {} ({}, {} threads on {} cores, {})\n\n", r.model, r.soc, r.engine, r.threads,
                       r.cores, r.precision);
  TextTable table({"layer", "op", "algorithm", "MACs", "tiles", "time ms", "share", "GFLOP/s", "bound"},
                  {false, false, false, true, true, true, true, true, false});
  for (const auto& l : r.layers) {
    if (l.algorithm == "view") continue;  // no kernel runs
    table.add({l.name, op_with_fused(l), l.algorithm, fmt::format("{}", l.macs), fmt::format("{}", l.tiles),
               fmt::format("{:.4f}", l.latency_s * 1e3),
               fmt::format("{:.1f}%", r.latency_s > 0 ? 100.0 * l.latency_s / r.latency_s : 0.0),
               fmt::format("{:.1f}", l.gflops()), l.bound});
  }
  table.print(out);
  out << fmt::format(
      "\nlatency {:.3f} ms | energy {:.3f} mJ ({:.3f} static) | peak memory {:.2f} MiB "
      "(weights {:.2f}, activations {:.2f}, workspace {:.2f}) | {:.3f} GMACs, {:.3f} M params\n",
      r.latency_s * 1e3, r.energy_j * 1e3, r.static_energy_j * 1e3, r.peak_memory_bytes / kMiB,
      r.weight_bytes / kMiB, r.activation_bytes / kMiB, r.workspace_bytes / kMiB, r.macs / 1e9, r.params / 1e6);
  if (const int n = approximate_layers(r))
    out << fmt::format("* approximate: {} layer(s) of operators tilesim does not model, each a stand-in that reads its "
                       "inputs and writes its outputs at the achievable bandwidth (--allow-unknown)\n", n);
}

void print_run_csv(const RunResult& r, std::ostream& out) {
  out << "layer,op,algorithm,macs,flops,tiles,latency_ms,energy_mj,compute_ms,memory_ms,imbalance_ms,overhead_ms,"
         "dram_bytes,bound,approximate\n";
  for (const auto& l : r.layers)
    out << fmt::format("{},{},{},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{},{},{}\n", l.name, op_with_fused(l),
                       l.algorithm, l.macs, l.flops, l.tiles, l.latency_s * 1e3, l.energy_j * 1e3, l.compute_s * 1e3,
                       l.memory_s * 1e3, l.imbalance_s * 1e3, l.overhead_s * 1e3, l.dram_bytes, l.bound,
                       l.approximate ? 1 : 0);
  out << fmt::format("total,,,{},,,{:.6f},{:.6f},,,,,,,{}\n", r.macs, r.latency_s * 1e3, r.energy_j * 1e3,
                     approximate_layers(r));
}

}  // namespace tilesim
