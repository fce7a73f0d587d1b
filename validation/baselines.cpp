#include "validation/baselines.hpp"

#include <algorithm>
#include <map>

namespace tilesim {

double mape_optimal_scale(const std::vector<double>& measured, const std::vector<double>& raw,
                          const std::vector<bool>& use) {
  // sum_i |k r_i - m_i| / m_i = sum_i (r_i / m_i) |k - m_i / r_i|: a weighted L1 fit of k.
  std::vector<std::pair<double, double>> ratio_weight;
  double total = 0;
  for (size_t i = 0; i < measured.size(); ++i) {
    if (!use[i] || !(measured[i] > 0) || !(raw[i] > 0)) continue;
    ratio_weight.emplace_back(measured[i] / raw[i], raw[i] / measured[i]);
    total += raw[i] / measured[i];
  }
  if (ratio_weight.empty()) return 0;
  std::sort(ratio_weight.begin(), ratio_weight.end());
  double below = 0;
  for (const auto& [ratio, weight] : ratio_weight) {
    below += weight;
    if (below >= total / 2) return ratio;
  }
  return ratio_weight.back().first;
}

namespace {

// Each row's k, fitted on the rows `fitted_on(i, j)` allows for row i. Rows that share what
// they leave out share one fit, so the work is one fit per distinct left-out set.
template <class Key, class Allowed>
std::vector<double> held_out_scales(const std::vector<double>& measured, const std::vector<double>& raw,
                                    Key key_of, Allowed fitted_on) {
  std::map<decltype(key_of(size_t{0})), double> fits;
  std::vector<double> k(measured.size(), 0.0);
  std::vector<bool> use(measured.size());
  for (size_t i = 0; i < measured.size(); ++i) {
    const auto key = key_of(i);
    if (auto it = fits.find(key); it != fits.end()) {
      k[i] = it->second;
      continue;
    }
    for (size_t j = 0; j < measured.size(); ++j) use[j] = fitted_on(i, j);
    k[i] = fits[key] = mape_optimal_scale(measured, raw, use);
  }
  return k;
}

}  // namespace

BaselinePredictions predict_baselines(const std::vector<BaselineInput>& rows) {
  std::vector<double> measured, flops_raw, roof_raw;
  std::map<std::string, int> group_rows;
  for (const auto& r : rows) {
    const double compute = r.peak_flops > 0 ? r.flops / r.peak_flops * 1e3 : 0;
    const double memory = r.bandwidth > 0 ? r.bytes / r.bandwidth * 1e3 : 0;
    measured.push_back(r.measured_ms);
    flops_raw.push_back(compute);
    roof_raw.push_back(std::max(compute, memory));
    ++group_rows[r.group];
  }
  const bool one_group = group_rows.size() <= 1;
  // Across devices: leave the row's device out (its own row when there is one device).
  auto device_key = [&](size_t i) { return one_group ? std::to_string(i) : rows[i].group; };
  auto other_devices = [&](size_t i, size_t j) { return one_group ? i != j : rows[j].group != rows[i].group; };
  // The oracle: the row's own run, without the row.
  auto row_key = [](size_t i) { return std::to_string(i); };
  auto same_run = [&](size_t i, size_t j) { return i != j && rows[j].group == rows[i].group && rows[j].run == rows[i].run; };
  BaselinePredictions p;
  const auto kf = held_out_scales(measured, flops_raw, device_key, other_devices);
  const auto kr = held_out_scales(measured, roof_raw, device_key, other_devices);
  const auto ko = held_out_scales(measured, flops_raw, row_key, same_run);
  for (size_t i = 0; i < rows.size(); ++i) {
    p.flops_ms.push_back(kf[i] * flops_raw[i]);
    p.roofline_ms.push_back(kr[i] * roof_raw[i]);
    p.oracle_flops_ms.push_back(ko[i] * flops_raw[i]);
  }
  return p;
}

}  // namespace tilesim
