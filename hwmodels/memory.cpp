#include "hwmodels/memory.hpp"

namespace tilesim {

const ChoiceTable<DramType>& dram_type_names() {
  static const ChoiceTable<DramType> t{{"lpddr3", DramType::lpddr3},   {"lpddr4", DramType::lpddr4},
                                       {"lpddr4x", DramType::lpddr4x}, {"lpddr5", DramType::lpddr5},
                                       {"lpddr5x", DramType::lpddr5x}, {"ddr3", DramType::ddr3},
                                       {"ddr4", DramType::ddr4},       {"ddr5", DramType::ddr5}};
  return t;
}

const std::vector<Field<MemorySpec>>& MemorySpec::fields() {
  using M = MemorySpec;
  static const std::vector<Field<M>> f{
      choice_field<M>({.key = "type", .meaning = "DRAM standard"}, &M::type, dram_type_names()),
      {{.key = "channels", .meaning = "independent channels (0 when only bandwidth is known)", .default_value = 0,
        .max = 32, .integral = true},
       &M::channels},
      {{.key = "channel_width", .unit = Unit::bits, .meaning = "data bits per channel", .default_value = 0, .max = 128,
        .min_nonzero = 8, .integral = true},
       &M::channel_width},
      {{.key = "data_rate", .unit = Unit::transfers, .meaning = "transfers per second per pin", .default_value = 0,
        .max = 2e10, .min_nonzero = 1e8},
       &M::data_rate},
      {{.key = "efficiency", .unit = Unit::ratio, .meaning = "fraction of peak bandwidth streaming code achieves",
        .default_value = 0.7, .min = 0.05, .max = 1},
       &M::efficiency},
      {{.key = "latency", .unit = Unit::seconds, .meaning = "idle load-to-use latency", .default_value = 100e-9,
        .min = 1e-9, .max = 1e-6},
       &M::latency},
      {{.key = "energy_per_byte", .unit = Unit::joules, .meaning = "energy per byte transferred", .max = 1e-9},
       &M::energy_per_byte},
      {{.key = "bandwidth", .unit = Unit::bandwidth,
        .meaning = "peak bandwidth; 0 derives it from channels × width × data rate", .default_value = 0, .max = 1e12,
        .min_nonzero = 1e8},
       &M::bandwidth},
  };
  return f;
}

const Section& MemorySpec::section() {
  static const Section s{.name = "memory", .meaning = "main memory", .params = declarations(fields()),
                         .children = {{"system_cache", &CacheSpec::section()}}, .preset_dir = "memories"};
  return s;
}

}  // namespace tilesim
