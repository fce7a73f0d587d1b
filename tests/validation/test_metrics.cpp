#include <doctest/doctest.h>

#include <cmath>

#include "validation/baselines.hpp"
#include "validation/metrics.hpp"

using namespace tilesim;

TEST_CASE("percentage_errors_are_relative_to_the_measurement") {
  const ErrorMetrics m = error_metrics({10, 20, 40, 80}, {11, 18, 40, 100});
  CHECK(m.n == 4);
  CHECK(m.mape == doctest::Approx((10 + 10 + 0 + 25) / 4.0));
  CHECK(m.rmspe == doctest::Approx(std::sqrt((100 + 100 + 0 + 625) / 4.0)));
  CHECK(m.within_10pct == doctest::Approx(75));
  CHECK(m.within_20pct == doctest::Approx(75));
}

TEST_CASE("rank_correlations_are_one_for_the_same_order_and_minus_one_for_the_reverse") {
  CHECK(spearman_rho({1, 2, 3, 4}, {10, 20, 30, 400}) == doctest::Approx(1));
  CHECK(kendall_tau_b({1, 2, 3, 4}, {10, 20, 30, 400}) == doctest::Approx(1));
  CHECK(spearman_rho({1, 2, 3, 4}, {4, 3, 2, 1}) == doctest::Approx(-1));
  CHECK(kendall_tau_b({1, 2, 3, 4}, {4, 3, 2, 1}) == doctest::Approx(-1));
  // Ties: tau-b of (1,2,2,3) against (1,2,3,4) is 5 / sqrt(5 * 6).
  CHECK(kendall_tau_b({1, 2, 2, 3}, {1, 2, 3, 4}) == doctest::Approx(5 / std::sqrt(30.0)));
  CHECK(spearman_rho({1, 2, 2, 3}, {1, 2, 3, 4}) == doctest::Approx(0.9486833).epsilon(1e-6));
}

TEST_CASE("rows_without_a_positive_measurement_are_not_counted") {
  const ErrorMetrics m = error_metrics({0, 10, -1}, {5, 10, 5});
  CHECK(m.n == 1);
  CHECK(m.mape == 0);
}

TEST_CASE("baseline_scales_are_fitted_on_other_devices_only") {
  // Device a runs 2x slower than raw FLOPs say, device b 4x: each is predicted with the other's scale.
  std::vector<BaselineInput> rows{{"a", "", 2, 1e9, 0, 1e12, 1e10}, {"a", "", 4, 2e9, 0, 1e12, 1e10},
                                  {"b", "", 4, 1e9, 0, 1e12, 1e10}, {"b", "", 8, 2e9, 0, 1e12, 1e10}};
  const BaselinePredictions p = predict_baselines(rows);
  CHECK(p.flops_ms[0] == doctest::Approx(4));  // a's row at b's scale (4x of 1 ms)
  CHECK(p.flops_ms[2] == doctest::Approx(2));  // b's row at a's scale
  // Roofline: memory-bound rows take bytes / bandwidth.
  const BaselinePredictions r = predict_baselines({{"x", "", 1, 1e6, 1e9, 1e12, 1e10}, {"y", "", 1, 1e6, 1e9, 1e12, 1e10}});
  CHECK(r.roofline_ms[0] == doctest::Approx(1));  // raw 100 ms, scale 1/100 from y
}

TEST_CASE("baseline_scale_is_the_one_that_minimises_mape") {
  // Ratios measured/raw 1, 2, 10 with raw 1 each: MAPE(k) = |k-1|/1 + |k-2|/2 + |k-10|/10 (over 3),
  // slopes -1.6 below 1, +0.4 between 1 and 2... its minimum is at k = 1 (weights 1, 0.5, 0.1).
  const std::vector<double> measured{1, 2, 10}, raw{1, 1, 1};
  const double k = mape_optimal_scale(measured, raw, {true, true, true});
  CHECK(k == doctest::Approx(1));
  auto mape = [&](double s) {
    double e = 0;
    for (size_t i = 0; i < 3; ++i) e += std::abs(s * raw[i] - measured[i]) / measured[i];
    return e;
  };
  for (double other : {0.5, 0.9, 1.1, 2.0, 2.15, 10.0}) CHECK(mape(k) <= mape(other));  // the geometric mean is 2.15
  CHECK(mape_optimal_scale(measured, raw, {false, false, false}) == 0);  // nothing to fit on
}

TEST_CASE("oracle_flop_baseline_is_fitted_on_the_rows_own_run_without_the_row") {
  // Device a: 2x raw on every row; b: 4x. The oracle predicts a's rows at 2x, b's at 4x; the
  // cross-device baseline at the other device's scale. A device with one row has no oracle.
  std::vector<BaselineInput> rows{{"a", "", 2, 1e9, 0, 1e12, 1e10}, {"a", "", 4, 2e9, 0, 1e12, 1e10},
                                  {"a", "", 6, 3e9, 0, 1e12, 1e10}, {"b", "", 4, 1e9, 0, 1e12, 1e10},
                                  {"b", "", 8, 2e9, 0, 1e12, 1e10}, {"c", "", 1, 1e9, 0, 1e12, 1e10}};
  const BaselinePredictions p = predict_baselines(rows);
  CHECK(p.oracle_flops_ms[0] == doctest::Approx(2));
  CHECK(p.oracle_flops_ms[4] == doctest::Approx(8));
  CHECK(p.oracle_flops_ms[5] == 0);
  // Another run on the same device (other threads) is not the row's own run.
  const BaselinePredictions q = predict_baselines({{"a", "4 threads", 2, 1e9, 0, 1e12, 1e10},
                                                   {"a", "4 threads", 4, 2e9, 0, 1e12, 1e10},
                                                   {"a", "1 thread", 8, 1e9, 0, 1e12, 1e10}});
  CHECK(q.oracle_flops_ms[0] == doctest::Approx(2));
  CHECK(q.oracle_flops_ms[2] == 0);
}
