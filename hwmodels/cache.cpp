#include "hwmodels/cache.hpp"

namespace tilesim {

const std::vector<Field<CacheSpec>>& CacheSpec::fields() {
  using C = CacheSpec;
  static const std::vector<Field<C>> f{
      {{.key = "size", .unit = Unit::bytes, .meaning = "capacity", .min = 1024, .max = 1e9}, &C::size},
      {{.key = "associativity",
        .meaning = "ways per set; the model keeps 1 - 1/(2 x ways) of the size, the rest lost to conflict misses",
        .min = 1, .max = 64, .integral = true},
       &C::associativity},
      {{.key = "line", .unit = Unit::bytes, .meaning = "line size", .default_value = 64, .min = 16, .max = 256,
        .integral = true},
       &C::line},
      {{.key = "latency", .unit = Unit::cycles,
        .meaning = "load-to-use latency in core cycles; the level delivers at most the bytes its client keeps in "
                   "flight per latency",
        .min = 1, .max = 500},
       &C::latency},
      {{.key = "bandwidth", .unit = Unit::bytes, .meaning = "bytes per core cycle this level delivers to one core",
        .min = 1, .max = 512},
       &C::bandwidth},
      {{.key = "energy_per_byte", .unit = Unit::joules, .meaning = "dynamic energy per byte moved at this level",
        .min = 0, .max = 1e-9},
       &C::energy_per_byte},
  };
  return f;
}

const Section& CacheSpec::section() {
  static const Section s{.name = "cache", .meaning = "one cache level", .params = declarations(fields())};
  return s;
}

}  // namespace tilesim
