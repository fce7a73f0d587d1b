#pragma once
// Simulated against measured: each measured row (a layer timed on its own, or a whole network)
// simulated under the same conditions, with the baselines on the same rows, and the metrics per
// device and overall.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hwmodels/soc.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/run_result.hpp"
#include "sim/workload/network.hpp"
#include "traces/trace.hpp"
#include "validation/metrics.hpp"

namespace tilesim {

struct ValidationRow {
  std::string group;   // device (SoC, and the setting that distinguishes it)
  std::string name;    // layer or model
  std::string detail;  // conditions: threads, cores, precision, engine
  double measured_ms = 0, simulated_ms = 0;
  // What the baselines see (from the description alone), and what they predict (set by summarize).
  double flops = 0, min_bytes = 0, peak_flops = 0, bandwidth = 0;
  double flops_ms = 0, roofline_ms = 0, oracle_flops_ms = 0;
};

struct ValidationSummary {
  ErrorMetrics simulator, flops, roofline;
  ErrorMetrics oracle_flops;  // on the rows whose device has other rows to fit on
};

struct ValidationReport {
  std::string compared_statistic;  // which measured statistic the rows hold
  std::vector<ValidationRow> rows;
  ValidationSummary overall;
  std::vector<std::pair<std::string, ValidationSummary>> per_group;
  std::vector<std::string> notes;  // what was left out, and why; assumptions made
};

// The statistic compared: min where the source gives one (least disturbed by noise and heat),
// else median, else mean.
double compared_time_ms(const TimeStats& t);

struct LayerValidationOptions {
  std::string soc;                     // overrides the trace's when set
  std::vector<std::string> soc_overrides;
  std::string engine;                  // overrides the trace's when set
  std::string model;                   // to match rows without shapes by name, else order within each op kind
  bool allow_unknown = false;          // the model's unmodelled operators as stand-ins (ImportOptions)
  std::string group;                   // label of this trace's rows (default: the trace's device)
  const EngineProfile* engine_profile = nullptr;  // simulate with this profile (one calibrated on other rows)
};

// Per-layer rows of a trace. Rows with shapes are simulated as one-layer networks (warm caches, as
// repeated timing leaves them); rows without shapes are matched, in order within each operator
// kind, to the layers of `model` simulated whole.
std::vector<ValidationRow> validate_layers(const Trace& trace, const LayerValidationOptions& options,
                                           std::vector<std::string>& notes);

// The networks whole-network rows measured (a row's model file where it names one, else its
// built-in model, at the row's input), each distinct one built once: a .param or .onnx file is
// parsed once for all its rows.
class MeasuredNetworks {
 public:
  explicit MeasuredNetworks(const std::vector<const NetworkMeasurement*>& rows);
  const Network* of(const NetworkMeasurement& m) const;  // null where it could not be built
  // "model: why" for each network that could not be built (a malformed file, an unknown model).
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  std::map<std::string, Network> built_;
  std::vector<std::string> failures_;
};

// The SoCs whole-network rows ran on (a built-in SoC with the row's own overrides), each loaded once.
class MeasuredSocs {
 public:
  explicit MeasuredSocs(const std::vector<const NetworkMeasurement*>& rows);
  const SocSpec& of(const NetworkMeasurement& m) const;

 private:
  static std::string key(const NetworkMeasurement& m);
  std::map<std::string, SocSpec> loaded_;
};

// A time below what the description's peak allows, even at twice that peak, is not a measurement
// of this work (a run that failed or skipped layers): throws ConfigError saying so, for the row to
// be left out, not fitted. `fused` is the network as the engine ran it, `r` the simulated run.
void check_plausible(const NetworkMeasurement& m, const Network& fused, const SocSpec& soc, const RunResult& r);

// Whole-network rows, simulated in parallel, each with its own engine profile, or with `engine`
// where given (a profile calibrated on other rows).
std::vector<ValidationRow> validate_networks(const std::vector<NetworkMeasurement>& rows,
                                             std::vector<std::string>& notes, const EngineProfile* engine = nullptr);

// Fits and applies the baselines (validation/baselines.hpp) over all rows, then the metrics
// overall and per group.
ValidationReport summarize(std::vector<ValidationRow> rows, std::vector<std::string> notes);

}  // namespace tilesim
