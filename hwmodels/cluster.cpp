#include "hwmodels/cluster.hpp"

namespace tilesim {

const std::vector<Field<ClusterSpec>>& ClusterSpec::fields() {
  using C = ClusterSpec;
  static const std::vector<Field<C>> f{
      {{"kind", Unit::count, "big or little: the cores ncnn's powersave=2 or 1 binds to", std::nullopt, "", 0, 0,
        false, {"big", "little"}, true}, &C::kind},
      {{"count", Unit::count, "cores in the cluster", std::nullopt, "", 1, 64, true}, &C::count},
      {{"frequency", Unit::hertz, "clock at the operating point in use", std::nullopt, "", 1e8, 6e9}, &C::frequency},
      {{"voltage", Unit::volts, "supply voltage at that clock", 0.8, "", 0.4, 1.5}, &C::voltage},
      {{"static_power_per_core", Unit::watts, "leakage of one powered core", 0.0, "", 0, 10},
       &C::static_power_per_core},
      {{"static_power_cluster", Unit::watts, "leakage of the cluster's shared logic", 0.0, "", 0, 10},
       &C::static_power_cluster},
  };
  return f;
}

const Section& ClusterSpec::section() {
  static const Section s{"cluster", "cores of one type at one clock", declarations(fields()),
                         {{"core", &CoreSpec::section()}, {"l2", &CacheSpec::section()}}, nullptr, ""};
  return s;
}

}  // namespace tilesim
