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

const ChoiceTable<ClusterKind>& cluster_kind_names() {
  static const ChoiceTable<ClusterKind> t{{"big", ClusterKind::big}, {"little", ClusterKind::little}};
  return t;
}

const std::vector<Field<ClusterSpec>>& ClusterSpec::fields() {
  using C = ClusterSpec;
  static const std::vector<Field<C>> f{
      choice_field<C>({.key = "kind", .meaning = "big or little: the cores ncnn's powersave=2 or 1 binds to"}, &C::kind,
                      cluster_kind_names()),
      {{.key = "count", .meaning = "cores in the cluster", .min = 1, .max = 64, .integral = true}, &C::count},
      {{.key = "frequency", .unit = Unit::hertz, .meaning = "clock at the operating point in use", .min = 1e8, .max = 6e9},
       &C::frequency},
      {{.key = "voltage", .unit = Unit::volts, .meaning = "supply voltage at that clock; 0 = from operating_points",
        .default_value = 0, .max = 1.5, .min_nonzero = 0.3},
       &C::voltage},
      {{.key = "static_power_per_core", .unit = Unit::watts, .meaning = "leakage of one powered core",
        .default_value = 0, .max = 10},
       &C::static_power_per_core},
      {{.key = "static_power_cluster", .unit = Unit::watts, .meaning = "leakage of the cluster's shared logic",
        .default_value = 0, .max = 10},
       &C::static_power_cluster},
      {{.key = "max_dram_bandwidth", .unit = Unit::bandwidth,
        .meaning = "DRAM bandwidth the cluster's port passes (0 = no limit)", .default_value = 0, .max = 1e12,
        .min_nonzero = 1e8},
       &C::max_dram_bandwidth},
  };
  return f;
}

const Section& ClusterSpec::section() {
  static const Section s{
      .name = "cluster", .meaning = "cores of one type at one clock", .params = declarations(fields()),
      .children = {{"core", &CoreSpec::section()}, {"l2", &CacheSpec::section()}},
      .tables = {{"operating_points", Unit::hertz, Unit::volts, "operating points: frequency -> voltage", 10e6, 6e9, 0.3, 1.5}}};
  return s;
}

}  // namespace tilesim
