#pragma once
// How large a run tilesim agrees to simulate. Its cost in time and memory grows with the elements
// the layers write (each lies in some work item) times the inferences run, so a run past the
// bound is refused before it starts, with the estimate, rather than after minutes or gigabytes.
#include "sim/workload/network.hpp"

namespace tilesim {

// About 15 s and 250 MB in the GPU model (the slower one) on a 2-core build machine (measured:
// MobileNetV2 at 1x3x8192x8192 with one warm-up run, 5.3e10 elements, took 30 s and 520 MB); 600
// times MobileNetV2 at 224x224 (2e7 elements per inference, unfused).
constexpr double kMaxSimulatedElements = 2.5e10;

// Elements the operators of `net` write, over all of them.
double written_elements(const Network& net);

// ConfigError when `inferences` runs of `net` (warm-up runs included) pass kMaxSimulatedElements.
void check_simulation_size(const Network& net, int inferences);

}  // namespace tilesim
