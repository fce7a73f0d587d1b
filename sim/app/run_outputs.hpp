#pragma once
// A run's result as files: HDF5 (per-layer and per-work-item datasets) and a Chrome/Perfetto
// trace-event JSON timeline. Both are written atomically.
#include <string>

#include "sim/engine/run_result.hpp"

namespace tilesim {

void write_run_hdf5(const std::string& path, const RunResult& r);
void write_perfetto_trace(const std::string& path, const RunResult& r);

}  // namespace tilesim
