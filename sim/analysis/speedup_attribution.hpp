#pragma once
// Why one network's speedup over another differs from their FLOP ratio (`tilesim compare`).
// B is first given A's time per MAC: what FLOPs alone predict. The gap between B's simulated time
// and that prediction is then split, layer group by layer group (the kernel class of each layer's
// main loop, and the layers that carry no MACs), into factors: compute (each class's fraction of
// peak), memory stalls, tile quantisation, other load imbalance, and dispatch and barrier overhead.
// Each factor's contribution is B's time in it less A's time in it scaled by the FLOP ratio, so
// the contributions add up to the gap exactly.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/engine/run_result.hpp"

namespace tilesim {

struct SpeedupFactor {
  std::string group;   // gemm | winograd | depthwise | gemv | direct | no_macs
  std::string factor;  // compute | memory_stalls | tile_quantisation | load_imbalance | overhead | no_mac_layers
  double a_s = 0, b_s = 0;
  double contribution_s = 0;  // b_s - a_s x (MACs of B / MACs of A)
};

struct MeasuredPair {
  double a_ms = 0, b_ms = 0;
  std::string source;  // where the two rows came from
};

struct SpeedupAttribution {
  RunResult a, b;
  double flops_ratio = 0;    // MACs of A over MACs of B
  double latency_ratio = 0;  // simulated latency of A over B
  std::optional<MeasuredPair> measured;
  double expected_b_s = 0;   // B at A's time per MAC
  std::vector<SpeedupFactor> factors;  // non-zero ones, largest contribution first
  std::vector<std::string> notes;

  double gap_s() const { return b.latency_s - expected_b_s; }
};

SpeedupAttribution attribute_speedup(RunResult a, RunResult b);

nlohmann::json speedup_json(const SpeedupAttribution& s);
void print_speedup(const SpeedupAttribution& s, std::ostream& out);

}  // namespace tilesim
