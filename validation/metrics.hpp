#pragma once
// Error metrics of predicted against measured values, as percentages where the contract says so.
#include <cstdint>
#include <vector>

namespace tilesim {

struct ErrorMetrics {
  double mape = 0;          // mean absolute percentage error, %
  double rmspe = 0;         // root mean square percentage error, %
  double within_10pct = 0;  // share of rows within +-10 %, %
  double within_20pct = 0;  // share of rows within +-20 %, %
  double spearman = 0;      // rank correlation (ties get average ranks)
  double kendall = 0;       // tau-b
  int64_t n = 0;
};

// Rows with a non-positive measurement are not counted.
ErrorMetrics error_metrics(const std::vector<double>& measured, const std::vector<double>& predicted);

double spearman_rho(const std::vector<double>& a, const std::vector<double>& b);
double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace tilesim
