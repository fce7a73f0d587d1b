#include "validation/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tilesim {
namespace {

std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

}  // namespace

double spearman_rho(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() < 2) return 0;
  return pearson(ranks(a), ranks(b));
}

double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b) {
  int64_t concordant = 0, discordant = 0, ties_a = 0, ties_b = 0;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = i + 1; j < a.size(); ++j) {
      const double da = a[i] - a[j], db = b[i] - b[j];
      if (da == 0 && db == 0) continue;
      if (da == 0) ++ties_a;
      else if (db == 0) ++ties_b;
      else if ((da > 0) == (db > 0)) ++concordant;
      else ++discordant;
    }
  const double n0 = static_cast<double>(concordant + discordant);
  const double denom = std::sqrt((n0 + static_cast<double>(ties_a)) * (n0 + static_cast<double>(ties_b)));
  return denom > 0 ? static_cast<double>(concordant - discordant) / denom : 0.0;
}

ErrorMetrics error_metrics(const std::vector<double>& measured, const std::vector<double>& predicted) {
  ErrorMetrics m;
  std::vector<double> a, b;
  double abs_sum = 0, sq_sum = 0;
  int64_t within10 = 0, within20 = 0;
  for (size_t i = 0; i < measured.size(); ++i) {
    if (!(measured[i] > 0) || !std::isfinite(predicted[i])) continue;
    const double e = (predicted[i] - measured[i]) / measured[i];
    abs_sum += std::fabs(e);
    sq_sum += e * e;
    within10 += std::fabs(e) <= 0.10;
    within20 += std::fabs(e) <= 0.20;
    a.push_back(measured[i]);
    b.push_back(predicted[i]);
  }
  m.n = static_cast<int64_t>(a.size());
  if (m.n == 0) return m;
  const double n = static_cast<double>(m.n);
  m.mape = 100.0 * abs_sum / n;
  m.rmspe = 100.0 * std::sqrt(sq_sum / n);
  m.within_10pct = 100.0 * static_cast<double>(within10) / n;
  m.within_20pct = 100.0 * static_cast<double>(within20) / n;
  m.spearman = spearman_rho(a, b);
  m.kendall = kendall_tau_b(a, b);
  return m;
}

}  // namespace tilesim
