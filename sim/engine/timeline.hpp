#pragma once
// What ran where and when: a slice per work item on its core's (or shader core's) track, and
// counter samples (DRAM bandwidth in use, power). Feeds --trace and the per-item HDF5 datasets.
#include <cstdint>
#include <string>
#include <vector>

namespace tilesim {

struct TimelineSlice {
  int track = 0;
  double start = 0, end = 0;  // seconds from the start of the run
  int layer = 0;              // index into RunResult::layers
  std::string phase;
  int64_t flops = 0, dram_bytes = 0;
};

struct CounterSample {
  std::string counter;  // e.g. "DRAM bandwidth (GB/s)"
  double time = 0, value = 0;
};

struct Timeline {
  std::vector<std::string> tracks;  // e.g. "cpu4 (big, cortex-a76)"
  std::vector<TimelineSlice> slices;
  std::vector<CounterSample> counters;
};

}  // namespace tilesim
