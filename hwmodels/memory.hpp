#pragma once
// Main memory (configs/memories/): DRAM type and geometry, hence peak bandwidth, with the
// fraction of it that streaming code achieves, its latency and energy.
#include <optional>
#include <string>

#include "hwmodels/cache.hpp"

namespace tilesim {

enum class DramType { lpddr3, lpddr4, lpddr4x, lpddr5, lpddr5x, ddr3, ddr4, ddr5 };
const ChoiceTable<DramType>& dram_type_names();

struct MemorySpec {
  DramType type = DramType::lpddr4;  // required: every description states it
  int64_t channels = 0;
  int64_t channel_width = 0;  // bits per channel
  double data_rate = 0;       // transfers per second per pin
  double efficiency = 0.7;    // achievable fraction of peak for streaming access
  double latency = 100e-9;    // seconds, idle load-to-use
  double energy_per_byte = 0; // joules per byte transferred (device and interface)
  double bandwidth = 0;       // bytes/s; when set, replaces channels × width × data rate
  std::optional<CacheSpec> system_cache;  // system-level cache in front of DRAM

  double peak_bandwidth() const {  // bytes/s
    return bandwidth > 0 ? bandwidth : static_cast<double>(channels * channel_width) / 8.0 * data_rate;
  }
  double achievable_bandwidth() const { return peak_bandwidth() * efficiency; }

  static const std::vector<Field<MemorySpec>>& fields();
  static const Section& section();
};

}  // namespace tilesim
