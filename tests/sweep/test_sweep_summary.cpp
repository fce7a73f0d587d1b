// What sweep-summary concludes from stored results: the Pareto front and each parameter's effect.
#include <doctest/doctest.h>

#include <cmath>

#include "sim/sweep/sweep_summary.hpp"
#include "tests/test_support.hpp"

using namespace tilesim;

namespace {

PointResult point(int64_t index, std::vector<std::string> values, double latency, double energy, double area,
                  std::string model = "m") {
  PointResult p;
  p.index = index;
  p.hash = "h" + std::to_string(index);
  p.status = "ok";
  p.values = std::move(values);
  p.model = std::move(model);
  p.latency_ms = latency;
  p.energy_mj = energy;
  p.area_mm2 = area;
  return p;
}

SweepSummary summary_of(std::vector<PointResult> rows, std::vector<std::string> parameters, const std::string& sampling = "grid") {
  SweepResults s;
  s.config_file = "x.yaml";
  s.config_hash = "0";
  s.sampling = sampling;
  s.planned = static_cast<int64_t>(rows.size());
  s.parameters = std::move(parameters);
  s.rows = std::move(rows);
  test::TempFile f("results.h5", "");
  write_sweep_results(f.str(), s);
  return summarize_sweep(f.str());
}

}  // namespace

TEST_CASE("the_pareto_front_keeps_exactly_the_points_no_other_point_dominates") {
  const SweepSummary s = summary_of({point(0, {"a"}, 1, 5, 10), point(1, {"b"}, 2, 4, 10), point(2, {"c"}, 2, 5, 10),
                                     point(3, {"d"}, 3, 3, 20), point(4, {"e"}, 4, 4, 5), point(5, {"f"}, 5, 5, 5)},
                                    {"x"});
  std::vector<int64_t> front;
  for (const auto& p : s.pareto) front.push_back(p.index);
  // 2 is dominated by 1 (same area, same latency, less energy); 5 by 4.
  CHECK(front == std::vector<int64_t>{0, 1, 3, 4});
  CHECK(s.objectives == std::vector<std::string>{"latency_ms", "energy_mj", "area_mm2"});
}

TEST_CASE("each_model_has_its_own_front_and_a_point_without_area_drops_area_from_it") {
  const SweepSummary s = summary_of({point(0, {"a"}, 1, 5, NAN, "m1"), point(1, {"b"}, 2, 4, 9, "m1"),
                                     point(2, {"c"}, 10, 50, 8, "m2"), point(3, {"d"}, 11, 50, 1, "m2")},
                                    {"x"});
  CHECK(s.objectives == std::vector<std::string>{"latency_ms", "energy_mj"});
  CHECK(s.pareto.size() == 3);  // m1: both; m2: only 2 (3 is slower at the same energy, area not counted)
  CHECK(s.notes.size() == 1);
}

TEST_CASE("a_parameters_effect_is_the_ratio_of_its_worst_to_its_best_value_with_models_divided_out") {
  // Latency doubles from x=1 to x=2 on both models; y changes nothing.
  std::vector<PointResult> rows;
  int64_t i = 0;
  for (const char* model : {"small", "large"})
    for (const char* x : {"1", "2"})
      for (const char* y : {"p", "q"}) {
        const double base = std::string(model) == "large" ? 10 : 1;
        rows.push_back(point(i++, {model, x, y}, base * (x[0] == '2' ? 2 : 1), base, 1, model));
      }
  const SweepSummary s = summary_of(rows, {"model", "x", "y"});
  REQUIRE(s.sensitivity.size() == 3);
  CHECK(s.sensitivity[0].key == "model");
  CHECK(s.sensitivity[0].latency_ratio == doctest::Approx(10));
  CHECK(s.sensitivity[1].key == "x");
  CHECK(s.sensitivity[1].latency_ratio == doctest::Approx(2));
  CHECK(s.sensitivity[1].best_latency_value == "1");
  CHECK(s.sensitivity[1].energy_ratio == doctest::Approx(1));
  CHECK(s.sensitivity[2].latency_ratio == doctest::Approx(1));
}

TEST_CASE("duplicates_and_failures_are_counted_and_missing_points_noted") {
  auto dup = point(1, {"a"}, 1, 5, 10);
  dup.hash = "h0";
  dup.status = "duplicate";
  auto failed = point(2, {"b"}, 0, 0, 0);
  failed.status = "failed";
  failed.error = "why";
  SweepResults s;
  s.config_file = "x.yaml";
  s.config_hash = "0";
  s.sampling = "grid";
  s.planned = 5;
  s.parameters = {"x"};
  s.rows = {point(0, {"a"}, 1, 5, 10), dup, failed};
  test::TempFile f("results.h5", "");
  write_sweep_results(f.str(), s);
  const SweepSummary sum = summarize_sweep(f.str());
  CHECK(sum.points == 3);
  CHECK(sum.duplicates == 1);
  REQUIRE(sum.failures.size() == 1);
  CHECK(sum.failures[0].error == "why");
  CHECK(sum.missing == 2);
  const auto j = sweep_summary_json(sum);
  for (const char* key : {"points", "duplicates", "failures", "pareto"}) CHECK(j.contains(key));
}
