#include "sim/engine/run_statistics.hpp"

namespace tilesim {
namespace {

using enum Form;
using enum StatUnit;
constexpr double kMiB = 1024.0 * 1024.0;

template <auto member>
StatValue layer_field(const RunResult&, const LayerResult& l) {
  return l.*member;
}
template <auto member>
StatValue run_field(const RunResult& r) {
  return r.*member;
}

// A stand-in's operator carries a '*' (the table's footnote says what it means).
StatValue op_with_fused(const RunResult&, const LayerResult& l) {
  std::string s = l.approximate ? l.op + "*" : l.op;
  for (const auto& f : l.fused) {
    s += '+';
    s += f;
  }
  return s;
}

StatValue share_of_latency(const RunResult& r, const LayerResult& l) {
  return r.latency_s > 0 ? 100.0 * l.latency_s / r.latency_s : 0.0;
}

StatValue flop_rate_of(const RunResult&, const LayerResult& l) { return l.flop_rate(); }

}  // namespace

const Carriage& Carriages::in(Output o) const {
  switch (o) {
    case Output::table: return table;
    case Output::json: return json;
    case Output::csv: return csv;
    case Output::hdf5: return hdf5;
    case Output::perfetto: return perfetto;
  }
  return json;
}

std::string output_key(std::string_view stem, StatUnit unit, const Carriage& c) {
  if (!c.key.empty()) return std::string(c.key);
  const bool read = c.form == readable;
  switch (unit) {
    case seconds: return std::string(stem) + (read ? "_ms" : "_s");
    case joules: return std::string(stem) + (read ? "_mj" : "_j");
    case bytes: return std::string(stem) + (read ? "_mib" : "_bytes");
    default: return std::string(stem);
  }
}

// Each conversion as the outputs always wrote it (l.latency_s * 1e3, bytes / kMiB), so that
// their numbers stay bit for bit what they were.
StatValue in_form(StatValue value, StatUnit unit, Form form) {
  if (form != readable) return value;
  switch (unit) {
    case seconds:
    case joules: return std::get<double>(value) * 1e3;
    case bytes: return static_cast<double>(std::get<int64_t>(value)) / kMiB;
    case flop_rate: return std::get<double>(value) / 1e9;
    default: return value;
  }
}

std::string_view unit_symbol(StatUnit unit, Form form) {
  const bool read = form == readable;
  switch (unit) {
    case seconds: return read ? "ms" : "s";
    case joules: return read ? "mJ" : "J";
    case bytes: return read ? "MiB" : "B";
    case flop_rate: return read ? "GFLOP/s" : "FLOP/s";
    case percent: return "%";
    case count: return "count";
    case text: return "text";
    case flag: return "flag";
    case names: return "list of text";
  }
  return "";
}

int approximate_layers(const RunResult& r) {
  int n = 0;
  for (const auto& l : r.layers) n += l.approximate;
  return n;
}

const std::vector<LayerStatistic>& layer_statistics() {
  static const std::vector<LayerStatistic> stats = {
      {"name", text, "the layer's name in the model", layer_field<&LayerResult::name>,
       {.table = {base, "layer"}, .json = base, .csv = {base, "layer"}, .hdf5 = base}},
      {"op", text, "the operator (ONNX name; for a stand-in, the model file's name of it)", layer_field<&LayerResult::op>,
       {.json = base, .hdf5 = base, .perfetto = base}},
      {"op", text, "the operator and those folded into it, '+'-joined; '*' marks a stand-in", op_with_fused,
       {.table = {base, "op"}, .csv = base}},
      {"fused", names, "the operators folded into this layer", layer_field<&LayerResult::fused>, {.json = base}},
      {"algorithm", text, "the kernel the engine runs (`view`: none, the layer only reinterprets its input)",
       layer_field<&LayerResult::algorithm>, {.table = {base, "algorithm"}, .json = base, .csv = base, .hdf5 = base}},
      {"macs", count, "multiply-accumulates of convolution and fully-connected arithmetic", layer_field<&LayerResult::macs>,
       {.table = {base, "MACs"}, .json = base, .csv = base, .hdf5 = base, .perfetto = base}},
      {"flops", count, "arithmetic operations, all kinds", layer_field<&LayerResult::flops>,
       {.json = base, .csv = base, .hdf5 = base}},
      {"tiles", count, "work items the layer is cut into", layer_field<&LayerResult::tiles>,
       {.table = {base, "tiles"}, .json = base, .csv = base, .hdf5 = base}},
      {"latency", seconds, "the layer's time: compute + memory + imbalance + overhead", layer_field<&LayerResult::latency_s>,
       {.table = {readable, "time ms", 4}, .json = readable, .csv = readable, .hdf5 = base}},
      {"share", percent, "the layer's part of the run's latency", share_of_latency, {.table = {base, "share", 1}}},
      {"flop_rate", flop_rate, "arithmetic operations over the latency", flop_rate_of,
       {.table = {readable, "GFLOP/s", 1}, .json = {readable, "gflops"}, .hdf5 = {readable, "gflops"}}},
      {"energy", joules, "energy spent over the layer's time, static power included", layer_field<&LayerResult::energy_j>,
       {.json = readable, .csv = readable, .hdf5 = base, .perfetto = readable}},
      {"compute", seconds, "of the latency, the workers' mean time computing", layer_field<&LayerResult::compute_s>,
       {.json = readable, .csv = readable, .hdf5 = base}},
      {"memory", seconds, "of the latency, the workers' mean time waiting for memory beyond computing",
       layer_field<&LayerResult::memory_s>, {.json = readable, .csv = readable, .hdf5 = base}},
      {"imbalance", seconds, "of the latency, the time spent waiting for the slowest worker",
       layer_field<&LayerResult::imbalance_s>, {.json = readable, .csv = readable, .hdf5 = base}},
      {"overhead", seconds, "of the latency, fixed costs: thread wake-up and barriers, or kernel launches",
       layer_field<&LayerResult::overhead_s>, {.json = readable, .csv = readable, .hdf5 = base}},
      {"dram", bytes, "bytes moved to and from DRAM", layer_field<&LayerResult::dram_bytes>,
       {.json = base, .csv = base, .hdf5 = base}},
      {"bound", text, "the largest part of the latency: compute, memory, imbalance or overhead",
       layer_field<&LayerResult::bound>,
       {.table = {base, "bound"}, .json = base, .csv = base, .hdf5 = base, .perfetto = base}},
      {"approximate", flag, "a stand-in for an operator tilesim does not model (--allow-unknown)",
       layer_field<&LayerResult::approximate>, {.json = base, .csv = base, .hdf5 = base, .perfetto = base}},
  };
  return stats;
}

const std::vector<RunStatistic>& run_conditions() {
  static const std::vector<RunStatistic> stats = {
      {"model", text, "the network: a built-in name, or the model file's", run_field<&RunResult::model>,
       {.json = base, .hdf5 = base, .perfetto = base}},
      {"soc", text, "the SoC: a built-in name, or the description file's", run_field<&RunResult::soc>,
       {.json = base, .hdf5 = base, .perfetto = base}},
      {"engine", text, "the engine profile", run_field<&RunResult::engine>, {.json = base, .hdf5 = base, .perfetto = base}},
      {"device", text, "cpu or gpu", run_field<&RunResult::device>, {.json = base, .hdf5 = base}},
      {"threads", count, "worker threads (1 on the GPU)", [](const RunResult& r) -> StatValue { return int64_t{r.threads}; },
       {.json = base, .hdf5 = base}},
      {"cores", text, "the cluster the threads are bound to (all, big, little), or the GPU", run_field<&RunResult::cores>,
       {.json = base, .hdf5 = base}},
      {"precision", text, "the arithmetic precision the engine computes in", run_field<&RunResult::precision>,
       {.json = base, .hdf5 = base}},
  };
  return stats;
}

const std::vector<RunStatistic>& run_totals() {
  static const std::vector<RunStatistic> stats = {
      {"latency", seconds, "one inference, the layers one after another", run_field<&RunResult::latency_s>,
       {.json = readable, .csv = readable, .hdf5 = base, .perfetto = readable}},
      {"energy", joules, "one inference, static energy included", run_field<&RunResult::energy_j>,
       {.json = readable, .csv = readable, .hdf5 = base}},
      {"static_energy", joules, "the part of the energy static power spends", run_field<&RunResult::static_energy_j>,
       {.json = readable, .hdf5 = base}},
      {"peak_memory", bytes, "weights + peak live activations + largest workspace", run_field<&RunResult::peak_memory_bytes>,
       {.json = readable, .hdf5 = base}},
      {"weights", bytes, "weights as the engine keeps them (transformed where it transforms them)",
       run_field<&RunResult::weight_bytes>, {.json = readable}},
      {"activations", bytes, "the largest live set of activations under an arena planner",
       run_field<&RunResult::activation_bytes>, {.json = readable}},
      {"workspace", bytes, "the largest workspace of any layer", run_field<&RunResult::workspace_bytes>, {.json = readable}},
      {"macs", count, "multiply-accumulates of all layers", run_field<&RunResult::macs>,
       {.json = base, .csv = base, .hdf5 = base}},
      {"params", count, "learnable parameters of the network", run_field<&RunResult::params>, {.json = base, .hdf5 = base}},
      {"layers", count, "layers after fusion",
       [](const RunResult& r) -> StatValue { return static_cast<int64_t>(r.layers.size()); }, {.json = base}},
      {"approximate_layers", count, "layers that stand in for operators tilesim does not model",
       [](const RunResult& r) -> StatValue { return int64_t{approximate_layers(r)}; },
       {.json = base, .csv = {base, "approximate"}}},
      {"events", count, "simulated events, for speed reports",
       [](const RunResult& r) -> StatValue { return static_cast<int64_t>(r.events); }, {.json = base}},
  };
  return stats;
}

}  // namespace tilesim
