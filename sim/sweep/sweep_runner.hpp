#pragma once
// Running a sweep in process: the points of this rank's share not yet in the results file,
// in batches simulated in parallel (TBB); after each batch the results file is rewritten whole
// (atomically), so a killed sweep loses at most the batch in flight and `--resume` continues it
// with no point repeated or lost. Points with the same resolved configuration are simulated once.
#include <cstdint>
#include <string>

#include "sim/sweep/sweep_config.hpp"

namespace tilesim {

struct SweepRunOptions {
  std::string out;       // results file (HDF5); each rank of several writes its own part beside it
  bool resume = false;   // continue the results file instead of refusing to overwrite it
  int64_t batch = 256;   // points between two writes of the results
  int rank = 0, ranks = 1;
};

struct SweepRunStats {
  std::string path;           // the file written
  int64_t planned = 0;        // points of the whole design
  int64_t share = 0;          // this rank's points
  int64_t already_done = 0;   // found in the file (--resume)
  int64_t simulated = 0, failed = 0, duplicates = 0;
  int64_t events = 0;         // simulated events, over the points simulated now
  double seconds = 0;         // wall time of the simulations
};

SweepRunStats run_sweep(const SweepConfig& config, const SweepRunOptions& options);

}  // namespace tilesim
