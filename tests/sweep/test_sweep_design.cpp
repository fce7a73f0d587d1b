// Drawing a sweep's points: deterministic, stratified where it says so, constrained.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "hwmodels/units.hpp"
#include "sim/sweep/sweep_design.hpp"
#include "tests/test_support.hpp"

using namespace tilesim;
using test::TempFile;

namespace {

SweepDesign design_of(const std::string& text) {
  TempFile f("sweep.yaml", text);
  const SweepConfig c = load_sweep_config(f.str());
  const SweepSocs socs(c);
  return design_sweep(c, socs);
}

const char* kLhs =
    "sampling: latin-hypercube\nsamples: 50\nseed: 11\nparameters:\n"
    "  cpu.clusters.big.frequency: {min: 1.0GHz, max: 3.0GHz}\n  memory.data_rate: {min: 1600MT/s, max: 6400MT/s, scale: log}\n";

}  // namespace

TEST_CASE("a_latin_hypercube_uses_each_stratum_of_every_range_once") {
  const SweepDesign d = design_of(kLhs);
  REQUIRE(d.points.size() == 50);
  std::set<int> strata_f, strata_r;
  for (const auto& p : d.points) {
    const double f = *parse_quantity(p[0], Unit::hertz);
    const double r = *parse_quantity(p[1], Unit::transfers);
    strata_f.insert(static_cast<int>((f - 1e9) / 2e9 * 50));
    strata_r.insert(static_cast<int>(std::log(r / 1.6e9) / std::log(4.0) * 50));
  }
  CHECK(strata_f.size() == 50);
  CHECK(strata_r.size() == 50);
}

TEST_CASE("the_same_seed_gives_the_same_points_and_another_seed_others") {
  const SweepDesign a = design_of(kLhs), b = design_of(kLhs);
  CHECK(a.points == b.points);
  std::string other = kLhs;
  other.replace(other.find("seed: 11"), 8, "seed: 12");
  CHECK(design_of(other).points != a.points);
}

TEST_CASE("random_values_stay_in_their_range_and_counts_are_whole") {
  const SweepDesign d = design_of("sampling: random\nsamples: 200\nparameters:\n  cpu.clusters.big.count: {min: 1, max: 4}\n"
                                  "  cpu.clusters.big.frequency: {min: 1.5GHz, max: 2.5GHz}\n");
  std::set<std::string> counts;
  for (const auto& p : d.points) {
    counts.insert(p[0]);
    const double f = *parse_quantity(p[1], Unit::hertz);
    CHECK(f >= 1.5e9);
    CHECK(f <= 2.5e9);
  }
  CHECK(counts == std::set<std::string>{"1", "2", "3", "4"});
}

TEST_CASE("constraints_exclude_the_points_that_break_them") {
  const SweepDesign d = design_of(
      "parameters:\n  cpu.clusters.big.frequency: [1.0GHz, 2.0GHz, 3.0GHz]\n"
      "  cpu.clusters.little.frequency: [0.5GHz, 1.5GHz, 2.5GHz]\n"
      "constraints:\n  - cpu.clusters.little.frequency <= cpu.clusters.big.frequency\n  - cpu.clusters.big.frequency > 1GHz\n");
  CHECK(d.drawn == 9);
  // big 2.0: little 0.5, 1.5; big 3.0: all three.
  CHECK(d.points.size() == 5);
  for (const auto& p : d.points) CHECK(*parse_quantity(p[1], Unit::hertz) <= *parse_quantity(p[0], Unit::hertz));
}

TEST_CASE("a_constraint_on_a_key_no_parameter_varies_reads_the_socs_own_value") {
  // snapdragon855's little cores run at 1.78 GHz: big clocks below it are excluded.
  const SweepDesign d = design_of("parameters:\n  cpu.clusters.big.frequency: [1.5GHz, 2.0GHz]\n"
                                  "constraints: [cpu.clusters.little.frequency <= cpu.clusters.big.frequency]\n");
  REQUIRE(d.points.size() == 1);
  CHECK(d.points[0][0] == "2.0GHz");
}
