#include "hwmodels/cluster.hpp"

#include <algorithm>

namespace tilesim {

double ClusterSpec::voltage_at(double hz) const {
  if (operating_points.empty()) return voltage;
  if (hz <= operating_points.front().first) return operating_points.front().second;
  for (size_t i = 1; i < operating_points.size(); ++i) {
    const auto [f1, v1] = operating_points[i];
    if (hz <= f1) {
      const auto [f0, v0] = operating_points[i - 1];
      return v0 + (v1 - v0) * (hz - f0) / (f1 - f0);
    }
  }
  return operating_points.back().second;
}

double ClusterSpec::energy_scale() const {
  if (operating_points.empty()) return 1.0;
  double top = 0;
  for (const auto& [f, v] : operating_points) top = std::max(top, v);
  return (voltage / top) * (voltage / top);
}

const std::vector<Field<ClusterSpec>>& ClusterSpec::fields() {
  using C = ClusterSpec;
  static const std::vector<Field<C>> f{
      {{"kind", Unit::count, "big or little: the cores ncnn's powersave=2 or 1 binds to", std::nullopt, "", 0, 0,
        false, {"big", "little"}, true}, &C::kind},
      {{"count", Unit::count, "cores in the cluster", std::nullopt, "", 1, 64, true}, &C::count},
      {{"frequency", Unit::hertz, "clock at the operating point in use", std::nullopt, "", 1e8, 6e9}, &C::frequency},
      {{"voltage", Unit::volts, "supply voltage at that clock; 0 = from operating_points", 0.0, "", 0, 1.5},
       &C::voltage},
      {{"static_power_per_core", Unit::watts, "leakage of one powered core", 0.0, "", 0, 10},
       &C::static_power_per_core},
      {{"static_power_cluster", Unit::watts, "leakage of the cluster's shared logic", 0.0, "", 0, 10},
       &C::static_power_cluster},
      {{"max_dram_bandwidth", Unit::bandwidth, "DRAM bandwidth the cluster's port passes (0 = no limit)", 0.0, "", 0,
        1e12}, &C::max_dram_bandwidth},
  };
  return f;
}

const Section& ClusterSpec::section() {
  static const Section s{"cluster", "cores of one type at one clock", declarations(fields()),
                         {{"core", &CoreSpec::section()}, {"l2", &CacheSpec::section()}}, nullptr, "",
                         {{"operating_points", Unit::hertz, Unit::volts, "operating points: frequency -> voltage"}}};
  return s;
}

}  // namespace tilesim
