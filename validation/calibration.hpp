#pragma once
// Fitting an engine profile's kernel efficiencies to measured per-layer traces: for each measured
// layer, the efficiency at which the simulated layer takes exactly the measured time (found by
// bisection: a higher efficiency never makes a layer slower), then the median per kernel class.
// Traces used here must not be the ones accuracy is reported on. (Whole-network rows:
// validation/network_calibration.hpp.)
#include <string>
#include <vector>

#include "traces/trace.hpp"

namespace tilesim {

struct EfficiencyFit {
  std::string key;         // gemm_efficiency | depthwise_efficiency | elementwise_efficiency
  double value = 0;        // median of the per-layer efficiencies
  double low = 0, high = 0;  // interquartile range
  int layers = 0;          // layers that determined it (memory-bound ones cannot, and are left out)
};

std::vector<EfficiencyFit> fit_efficiencies(const std::vector<Trace>& traces, const std::string& soc,
                                            const std::string& engine);

}  // namespace tilesim
