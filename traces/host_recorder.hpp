#pragma once
// `tilesim record`: runs every convolution, fully-connected and pooling layer of a model
// on this machine with oneDNN or XNNPACK, each as the primitive or operator the engine creates for
// exactly that layer's shape and fused epilogue, and returns the timings as a trace
// (traces/trace.hpp).
//
// Each engine lives in a module (libtilesim_onednn.so, traces/onednn_backend.cpp;
// libtilesim_xnnpack.so, traces/xnnpack_backend.cpp) loaded only when a recording is made, so that
// the engine's libraries and thread runtime cost no other run its start-up.
#include <optional>
#include <string>
#include <vector>

#include "sim/workload/network.hpp"
#include "traces/trace.hpp"

namespace tilesim {

struct RecordOptions {
  std::string engine = "onednn";  // onednn | xnnpack
  std::string model;             // a built-in model name, or what `network` was loaded from
  const Network* network = nullptr;  // the model, where the caller built it (a user's model file)
  std::optional<Shape> input;    // NCHW; the model's default when absent
  int threads = 1;               // oneDNN's OpenMP threads or XNNPACK's pthreadpool (<= 0: every hardware thread)
  double min_seconds_per_layer = 0.2;  // keep repeating a layer until this much time was measured...
  int min_reps = 10;                   // ...and at least this many repetitions,
  int max_reps = 200;                  // but no more than this many
  int warmup = 5;                      // untimed runs before the first timed one
};

// The layers a recording times, in the fused network's execution order: its convolution,
// fully-connected and pooling layers.
inline bool is_recorded_layer(OpType t) {
  return t == OpType::Conv || t == OpType::Gemm || t == OpType::MaxPool || t == OpType::AveragePool ||
         t == OpType::GlobalAveragePool;
}
inline std::vector<OpId> recorded_layers(const Network& fused) {
  std::vector<OpId> ids;
  for (OpId id : fused.topological_order())
    if (is_recorded_layer(fused.op(id).type)) ids.push_back(id);
  return ids;
}

// Throws ConfigError on an unknown model or engine, bad options, or when the engine's support is
// unavailable (its module was not built or cannot be loaded). Layers the engine cannot run are left
// out of the trace, each with a line in `skipped` (where given) saying why.
Trace record_host_trace(const RecordOptions& options, std::vector<std::string>* skipped = nullptr);

}  // namespace tilesim
