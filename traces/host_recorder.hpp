#pragma once
// `tilesim record`: runs every convolution, fully-connected and pooling layer of a model
// on this machine with oneDNN, each as the primitive oneDNN picks for exactly that layer's shape
// and fused epilogue, and returns the timings as a trace (traces/trace.hpp).
//
// oneDNN lives in a module (libtilesim_onednn.so, traces/onednn_backend.cpp) loaded only when a
// recording is made, so that libdnnl and its OpenMP runtime cost no other run its start-up.
#include <optional>
#include <string>

#include "sim/workload/network.hpp"
#include "traces/trace.hpp"

namespace tilesim {

struct RecordOptions {
  std::string model;             // a built-in model name, or what `network` was loaded from
  const Network* network = nullptr;  // the model, where the caller built it (a user's model file)
  std::optional<Shape> input;    // NCHW; the model's default when absent
  int threads = 1;               // OpenMP threads oneDNN runs with (<= 0: every hardware thread)
  double min_seconds_per_layer = 0.2;  // keep repeating a layer until this much time was measured...
  int min_reps = 10;                   // ...and at least this many repetitions,
  int max_reps = 200;                  // but no more than this many
  int warmup = 5;                      // untimed runs before the first timed one
};

// Throws ConfigError on an unknown model or bad options, or when oneDNN support is unavailable
// (the module was not built or libdnnl cannot be loaded).
Trace record_host_trace(const RecordOptions& options);

}  // namespace tilesim
