#pragma once
// One level of cache: its geometry, speed and energy per byte.
#include "hwmodels/section.hpp"

namespace tilesim {

struct CacheSpec {
  double size = 0;                  // bytes
  int64_t associativity = 0;        // ways
  int64_t line = 64;                // bytes
  double latency = 0;               // core cycles, load-to-use
  double bandwidth = 0;             // bytes per core cycle, to one core
  double energy_per_byte = 0;       // joules per byte read or written

  static const std::vector<Field<CacheSpec>>& fields();
  static const Section& section();
};

}  // namespace tilesim
