#include "validation/baselines.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace tilesim {
namespace {

// Fitted scale for row i: geometric mean of measured/raw over the rows of other groups (or all
// other rows when there is one group).
std::vector<double> held_out_scales(const std::vector<BaselineInput>& rows, const std::vector<double>& raw) {
  std::map<std::string, std::pair<double, int>> per_group;  // sum of log ratios, count
  double total = 0;
  int count = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!(rows[i].measured_ms > 0) || !(raw[i] > 0)) continue;
    const double l = std::log(rows[i].measured_ms / raw[i]);
    per_group[rows[i].group].first += l;
    per_group[rows[i].group].second += 1;
    total += l;
    ++count;
  }
  const bool by_group = per_group.size() > 1;
  std::vector<double> k(rows.size(), 1.0);
  for (size_t i = 0; i < rows.size(); ++i) {
    double s = total;
    int n = count;
    if (by_group) {
      const auto& g = per_group[rows[i].group];
      s -= g.first;
      n -= g.second;
    } else if (rows[i].measured_ms > 0 && raw[i] > 0) {
      s -= std::log(rows[i].measured_ms / raw[i]);
      n -= 1;
    }
    k[i] = n > 0 ? std::exp(s / n) : 1.0;
  }
  return k;
}

}  // namespace

BaselinePredictions predict_baselines(const std::vector<BaselineInput>& rows) {
  std::vector<double> flops_raw, roof_raw;
  for (const auto& r : rows) {
    const double compute = r.peak_flops > 0 ? r.flops / r.peak_flops * 1e3 : 0;
    const double memory = r.bandwidth > 0 ? r.bytes / r.bandwidth * 1e3 : 0;
    flops_raw.push_back(compute);
    roof_raw.push_back(std::max(compute, memory));
  }
  const auto kf = held_out_scales(rows, flops_raw), kr = held_out_scales(rows, roof_raw);
  BaselinePredictions p;
  for (size_t i = 0; i < rows.size(); ++i) {
    p.flops_ms.push_back(kf[i] * flops_raw[i]);
    p.roofline_ms.push_back(kr[i] * roof_raw[i]);
  }
  return p;
}

}  // namespace tilesim
