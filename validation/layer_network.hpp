#pragma once
// A one-layer network built from a measured layer's shapes and attributes, so that a kernel timed
// on its own (AutoTVM, oneDNN, tilesim record) is simulated on its own.
#include <optional>

#include "sim/workload/network.hpp"
#include "traces/trace.hpp"

namespace tilesim {

// nullopt when the row has no shapes, or its operator is not one a layer network is built for
// (Conv, Gemm, MaxPool, AveragePool, GlobalAveragePool); throws ConfigError when the shapes
// contradict each other.
std::optional<Network> layer_network(const LayerMeasurement& layer);

}  // namespace tilesim
