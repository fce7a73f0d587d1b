#include "hwmodels/cache.hpp"

namespace tilesim {

const std::vector<Field<CacheSpec>>& CacheSpec::fields() {
  static const std::vector<Field<CacheSpec>> f{
      {{"size", Unit::bytes, "capacity", std::nullopt, "", 1024, 1e9}, &CacheSpec::size},
      {{"associativity", Unit::count, "ways per set; the model keeps 1 - 1/(2 x ways) of the size, the rest lost to conflict misses", std::nullopt, "", 1, 64, true}, &CacheSpec::associativity},
      {{"line", Unit::bytes, "line size", 64.0, "", 16, 256, true}, &CacheSpec::line},
      {{"latency", Unit::cycles, "load-to-use latency in core cycles; the level delivers at most the bytes its client keeps in flight per latency", std::nullopt, "", 1, 500}, &CacheSpec::latency},
      {{"bandwidth", Unit::bytes, "bytes per core cycle this level delivers to one core", std::nullopt, "", 1, 512},
       &CacheSpec::bandwidth},
      {{"energy_per_byte", Unit::joules, "dynamic energy per byte moved at this level", std::nullopt, "", 0, 1e-9},
       &CacheSpec::energy_per_byte},
  };
  return f;
}

const Section& CacheSpec::section() {
  static const Section s{"cache", "one cache level", declarations(fields()), {}, nullptr, ""};
  return s;
}

}  // namespace tilesim
