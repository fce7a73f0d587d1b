#pragma once
// Fitting an engine's calibration (kernels/engine_calibration.hpp) to measured whole networks: on
// CPUs, per core family and kernel class and precision, the fraction of peak; per core family,
// the barrier and wake-up at two threads and a cost per layer; on GPUs, per architecture (the
// family a GPU's values are keyed by) the fraction of peak per kernel class and precision and a
// cost per dispatch; each pooled over all families as well (where the rows ran on more than one),
// for the core types (or GPUs) the rows never ran on.
//
// Each row is simulated once with a RunProbe at a linearisation point. The probe predicts the row
// at other values without simulating it again: each slot's arithmetic scales with the efficiency,
// its memory time does not, and the two combine as a power mean whose exponent reproduces the
// simulated busy time (1: no overlap, large: full overlap). Non-linear least squares
// (Levenberg-Marquardt, analytic Jacobian) on log(predicted / measured), each device weighted
// alike whatever its row count, with a prior that keeps pooled values near the profile's
// assumptions and each family near the pooled values, and efficiencies inside (0.03, 1]. The
// rows are then simulated again at the fit and the fit repeated. Deterministic: no random start.
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "hwmodels/soc.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/workload/network.hpp"
#include "sim/engine/run_probe.hpp"
#include "traces/trace.hpp"

namespace tilesim {

// A measured run to fit to: a network (a whole one, or one layer timed alone) on a SoC under the
// run's settings, and the seconds it took. The network and SoC are the caller's.
struct MeasuredRun {
  const Network* network = nullptr;
  const SocSpec* soc = nullptr;
  int threads = 1;
  std::string cores = "big", precision = "auto";
  std::string device = "cpu";  // cpu | gpu (the engine's target)
  double measured_s = 0;
  std::string group;   // the device
  std::string source;  // where the row came from, for notes
  const NetworkMeasurement* measurement = nullptr;  // a whole-network row: checked for plausibility
};

// The layer rows of traces as runs (layer_network.hpp), with the networks and SoCs they use.
struct LayerRuns {
  std::deque<Network> networks;
  std::map<std::string, SocSpec> socs;
  std::vector<MeasuredRun> runs;
};
// `soc`: overrides the traces' own where set. Rows that build no layer network are left out.
LayerRuns layer_runs(const std::vector<Trace>& traces, const std::string& soc, std::vector<std::string>& notes);

struct CalibrationRow {
  const NetworkMeasurement* measurement = nullptr;  // a whole-network row (for re-simulating it)
  std::string group;     // the device it was measured on: the unit of weighting and of leave-one-out
  double measured_s = 0;
  RunProbe probe;        // at the linearisation point
  double simulated_s = 0;
};

// `runs` simulated at `engine` with probes, in parallel. Runs that cannot be simulated, or whose
// time is implausible (check_plausible), are left out with a note.
std::vector<CalibrationRow> probe_runs(const std::vector<MeasuredRun>& runs, const EngineProfile& engine,
                                       std::vector<std::string>& notes, const std::string& progress_label);
// The same for the rows of `rows` run with `engine`, on the device it targets.
std::vector<CalibrationRow> probe_rows(const std::vector<const NetworkMeasurement*>& rows, const EngineProfile& engine,
                                       std::vector<std::string>& notes, const std::string& progress_label);

struct CalibrationSpread {
  double prior_pooled = 1.0;   // log-space standard deviation of pooled efficiencies around the assumptions
  double prior_family = 0.5;   // of a family's efficiencies around the pooled ones
  double prior_overhead = 1.5; // of the pooled overheads around the assumptions
  double prior_family_overhead = 0.7;
};

struct CalibrationResult {
  EngineCalibration calibration;  // source left for the caller to say what fitted it
  double log_rmse = 0;            // of the predicted/measured ratio over the rows, at the fit
  int rows = 0;                   // fitted on (those left out, implausible or unbuildable, are not)
  int iterations = 0;             // Levenberg-Marquardt steps taken
};

// One fit over `rows`, probed at `at`, with `prior` (the uncalibrated profile) giving the assumptions.
CalibrationResult fit_calibration(const std::vector<const CalibrationRow*>& rows, const EngineProfile& at,
                                  const EngineProfile& prior, const CalibrationSpread& spread = {});

// The probe's prediction of a row's seconds under `engine` (the fit's own check; a test holds it
// equal to the simulation at the linearisation point).
double predicted_seconds(const CalibrationRow& row, const EngineProfile& at, const EngineProfile& engine);

// Probe at the assumptions, fit, probe again at the fit and fit again (`outer` fits in all).
CalibrationResult calibrate_on_runs(const std::vector<MeasuredRun>& runs, const EngineProfile& engine, int outer,
                                    std::vector<std::string>& notes);
CalibrationResult calibrate_on_networks(const std::vector<const NetworkMeasurement*>& rows, const EngineProfile& engine,
                                        int outer, std::vector<std::string>& notes);

}  // namespace tilesim
