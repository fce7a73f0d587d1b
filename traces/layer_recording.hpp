#pragma once
// What every host-recording backend (traces/onednn_backend.cpp, traces/xnnpack_backend.cpp)
// shares: the fused network it records, which layers it times, how it times one, and the trace
// it assembles. Compiled into each backend's module, not into the program.
#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/workload/network.hpp"
#include "traces/host_recorder.hpp"

namespace tilesim {

// The model to record (the caller's, else the built-in one at the input asked for), fused with
// the rules of the engine profile `engine`, so that each recorded layer is one simulated layer.
Network recording_network(const RecordOptions& o, const std::string& engine);

// A layer the engine cannot run as recorded; the recording leaves it out with this reason.
struct UnsupportedLayer : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct LayerTiming {
  std::string implementation;  // the engine's kernel
  TimeStats time;
};

// Times each recorded layer of `net` with `time_layer` and adds its row to `trace`, between two
// estimates of the clock; a layer `time_layer` throws UnsupportedLayer for goes to `skipped`.
void record_layers(const Network& net, const std::function<LayerTiming(const Operator&)>& time_layer,
                   Trace& trace, std::vector<std::string>& skipped);

// The trace's description of the recording (device, engine, threads, time, command); no layers.
Trace host_trace_header(const RecordOptions& o, const std::string& engine, const std::string& engine_version,
                        int threads);

// Runs `run` o.warmup times untimed, then times it until o.min_reps and o.min_seconds_per_layer
// are both reached, or o.max_reps. `run` must return only when the layer has finished.
TimeStats time_layer_runs(const std::function<void()>& run, const RecordOptions& o);

// `n` values in [-scale, scale) from a fixed generator: small, so that activations and
// accumulations stay in normal range.
void fill_random(float* values, size_t n, uint64_t& seed, float scale);

// A pooling window's padding (t, l, b, r) such that floor division gives the layer's output size:
// with ceil_mode, the extra output row or column comes from padding at the bottom or right.
std::array<int64_t, 4> floor_mode_pads(const Operator& op, const Shape& in, const Shape& out);

}  // namespace tilesim
