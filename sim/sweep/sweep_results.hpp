#pragma once
// A sweep's results as stored (docs/sweep-format.md): one row per point in index order, with its
// parameter values, what it ran, its outcome and its statistics; the config travels with them.
// HDF5, written whole to a temporary file and renamed after each batch, so that killing a sweep
// loses at most the batch in flight and `--resume` finds a complete file.
#include <cstdint>
#include <string>
#include <vector>

namespace tilesim {

// The results' column of a parameter's values is named this, then the parameter's key.
inline constexpr const char* kParameterColumn = "parameter:";

struct PointResult {
  int64_t index = 0;                 // the point's place in the sweep's design
  std::string hash;                  // of its resolved configuration (SoC description and run)
  std::string status;                // ok | failed | duplicate (the same configuration as an earlier point)
  std::string error;                 // failed: why
  std::vector<std::string> values;   // one per parameter
  std::string model, soc, engine, device;
  int64_t threads = 0;               // cpu: worker threads (0 on the GPU)
  double latency_ms = 0, energy_mj = 0, peak_memory_mib = 0;
  double area_mm2 = 0;               // the SoC's area proxy; NaN where configs/area.yaml lacks a part
  int64_t macs = 0;
  int64_t events = 0;                // simulated events
};

struct SweepResults {
  std::string config_file, config_text, config_hash, sampling;
  int64_t seed = 0;
  int64_t drawn = 0;                  // points drawn, before the constraints
  int64_t planned = 0;                // points of the whole design, after the constraints
  int rank = 0, ranks = 1;            // this part's share: the points whose index % ranks == rank
  std::vector<std::string> parameters;
  std::vector<PointResult> rows;      // sorted by index
};

void write_sweep_results(const std::string& path, const SweepResults& results);
// Throws ConfigError naming the file where it is not a sweep's results.
SweepResults read_sweep_results(const std::string& path);

// The file rank `rank` of `ranks` writes for `--out path`: path itself for one rank, else
// "F.rank-R-of-N.h5" beside it.
std::string sweep_part_path(const std::string& path, int rank, int ranks);

}  // namespace tilesim
