#pragma once
// What calibration can honestly claim: leave one device (or one network) out. For each fold the
// engine is calibrated on the other folds' rows alone (validation/network_calibration.hpp), and
// the fold's rows are simulated with that calibration; no row is predicted by a fit that saw it.
#include <string>
#include <vector>

#include "traces/trace.hpp"
#include "validation/validator.hpp"

namespace tilesim {

enum class CvSplit { device, network };

struct CrossValidation {
  std::vector<ValidationRow> rows;  // each predicted by the fit of the folds it is not in
  int folds = 0;
};

// CPU rows only: a GPU row is left out with a note. `outer`: fits per fold (network_calibration.hpp).
CrossValidation cross_validate_networks(const std::vector<NetworkMeasurement>& rows, CvSplit split, int outer,
                                        std::vector<std::string>& notes);

// Layer rows of traces, leaving one device (a trace's SoC) out: each fold's traces validated with
// the engine calibrated on the other folds' layer rows.
CrossValidation cross_validate_traces(const std::vector<Trace>& traces, int outer, std::vector<std::string>& notes);

}  // namespace tilesim
