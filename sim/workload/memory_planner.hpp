#pragma once
// Peak activation memory under an arena planner that frees a tensor after its last consumer
// (as ncnn's and TFLite's planners do), walking a given execution order.
#include <cstdint>
#include <vector>

#include "sim/workload/network.hpp"

namespace tilesim {

// Largest total of simultaneously live activation tensors (the network input included), at
// `bytes_per_element` each. Views (Flatten, Reshape, Identity, Dropout) alias their input.
int64_t peak_activation_bytes(const Network& net, const std::vector<OpId>& order, int64_t bytes_per_element);

}  // namespace tilesim
