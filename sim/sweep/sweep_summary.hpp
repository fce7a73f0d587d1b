#pragma once
// What a sweep found (`tilesim sweep-summary`): its points, duplicates and failures, the Pareto
// front of each model over latency, energy and the area proxy, and how much each parameter moves
// latency and energy.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sweep/sweep_results.hpp"

namespace tilesim {

struct ParameterEffect {
  std::string key;
  // Geometric-mean latency (energy) of the points at the parameter's worst value over that at its
  // best, each point first divided by its model's geometric mean; values of a range are grouped
  // into quartiles. 1 for a parameter that changes nothing.
  double latency_ratio = 1, energy_ratio = 1;
  std::string best_latency_value, best_energy_value;
  int groups = 0;
};

struct SweepSummary {
  std::vector<std::string> files;  // the results read: one file, or every rank's part
  SweepResults results;            // the parts merged, rows by index
  int64_t points = 0;              // rows present
  int64_t missing = 0;             // planned points in no file (a sweep still running, or killed)
  int64_t duplicates = 0;          // rows whose configuration an earlier row already had
  std::vector<PointResult> failures;
  std::vector<PointResult> pareto;  // by model, then latency
  std::vector<std::string> objectives;
  std::vector<ParameterEffect> sensitivity;
  std::vector<std::string> notes;
};

// `path` is a sweep's --out: the file, or, where a sweep ran on several ranks, its parts beside it.
SweepSummary summarize_sweep(const std::string& path);

nlohmann::json sweep_summary_json(const SweepSummary& s);
void print_sweep_summary(const SweepSummary& s, std::ostream& out);
// Every point, one row each, with its parameters, outcome and statistics.
void print_sweep_points_csv(const SweepSummary& s, std::ostream& out);

}  // namespace tilesim
