#include "hwmodels/memory.hpp"

namespace tilesim {

const std::vector<Field<MemorySpec>>& MemorySpec::fields() {
  using M = MemorySpec;
  static const std::vector<Field<M>> f{
      {{"type", Unit::count, "DRAM standard", std::nullopt, "", 0, 0, false,
        {"lpddr3", "lpddr4", "lpddr4x", "lpddr5", "lpddr5x", "ddr3", "ddr4", "ddr5"}, true}, &M::type},
      {{"channels", Unit::count, "independent channels (0 when only bandwidth is known)", 0.0, "", 0, 32, true},
       &M::channels},
      {{"channel_width", Unit::bits, "data bits per channel", 0.0, "", 0, 128, true}, &M::channel_width},
      {{"data_rate", Unit::transfers, "transfers per second per pin", 0.0, "", 0, 2e10}, &M::data_rate},
      {{"efficiency", Unit::ratio, "fraction of peak bandwidth streaming code achieves", 0.7, "", 0.05, 1},
       &M::efficiency},
      {{"latency", Unit::seconds, "idle load-to-use latency", 100e-9, "", 1e-9, 1e-6}, &M::latency},
      {{"energy_per_byte", Unit::joules, "energy per byte transferred", std::nullopt, "", 0, 1e-9},
       &M::energy_per_byte},
      {{"bandwidth", Unit::bandwidth, "peak bandwidth; 0 derives it from channels × width × data rate", 0.0, "", 0,
        1e12}, &M::bandwidth},
  };
  return f;
}

const Section& MemorySpec::section() {
  static const Section s{"memory", "main memory", declarations(fields()),
                         {{"system_cache", &CacheSpec::section()}}, nullptr, "memories"};
  return s;
}

}  // namespace tilesim
