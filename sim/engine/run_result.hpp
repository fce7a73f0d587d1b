#pragma once
// What a simulation reports, per layer and in total (each output's keys, units and meanings:
// run_statistics.hpp).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tilesim {

struct LayerResult {
  std::string name;
  std::string op;
  std::string algorithm;
  std::vector<std::string> fused;  // operators folded into this layer
  bool approximate = false;        // a stand-in for an operator tilesim does not model (op: the file's name of it)
  int64_t macs = 0;
  int64_t flops = 0;
  int64_t tiles = 0;
  double latency_s = 0;
  double energy_j = 0;
  // The layer's time split so the parts add up to latency_s (see Simulator).
  double compute_s = 0, memory_s = 0, imbalance_s = 0, overhead_s = 0;
  std::string bound;               // compute | memory | imbalance | overhead
  int64_t dram_bytes = 0;          // bytes moved to and from DRAM
  // The phase with the most arithmetic, for attributing time (tilesim compare): its kernel class
  // ("" for a view), the tiles it launches and the slots they ran on (a CPU's threads; a GPU's
  // shader cores times the workgroups each holds at once).
  std::string kernel_class;
  int64_t main_tiles = 0;
  int64_t main_slots = 0;
  double flop_rate() const { return latency_s > 0 ? flops / latency_s : 0; }  // FLOP/s
};

struct RunResult {
  std::string model, soc, engine, device, cores, precision;
  int threads = 0;
  std::vector<LayerResult> layers;
  double latency_s = 0;
  double energy_j = 0;
  double static_energy_j = 0;
  int64_t peak_memory_bytes = 0;   // weights + peak live activations + largest workspace
  int64_t weight_bytes = 0, activation_bytes = 0, workspace_bytes = 0;
  int64_t macs = 0, params = 0;
  uint64_t events = 0;             // simulated events, for speed reports
  std::shared_ptr<struct Timeline> timeline;  // when recorded
};

}  // namespace tilesim
