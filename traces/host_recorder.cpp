// The front end of traces/host_recorder.hpp: loads the engine's module on first use
// (traces/plugin_module.hpp), as HDF5 is loaded. Nothing here includes oneDNN or XNNPACK.
#include "traces/host_recorder.hpp"

#include <utility>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "traces/plugin_module.hpp"

namespace tilesim {
namespace {

using RecordFn = bool (*)(const RecordOptions*, Trace*, std::vector<std::string>*, std::string*);

// A recording engine's module and how to get it.
struct Backend {
  const char* engine;
  const char* module;
  const char* symbol;
  const char* install;
};

constexpr Backend kBackends[] = {
    {"onednn", "libtilesim_onednn.so", "tilesim_onednn_record",
     "install libdnnl-dev (scripts/setup.sh does), then configure and build again so that "
     "libtilesim_onednn.so is built"},
    {"xnnpack", "libtilesim_xnnpack.so", "tilesim_xnnpack_record",
     "install libxnnpack-dev and libpthreadpool-dev (scripts/setup.sh does), then configure and build "
     "again so that libtilesim_xnnpack.so is built"},
};

const Backend& backend_for(const std::string& engine) {
  for (const auto& b : kBackends)
    if (engine == b.engine) return b;
  throw ConfigError(fmt::format("record: no recorder for engine '{}' (onednn or xnnpack)", engine));
}

}  // namespace

Trace record_host_trace(const RecordOptions& options, std::vector<std::string>* skipped) {
  if (options.model.empty()) throw ConfigError("record: no model given");
  if (options.min_reps < 1 || options.max_reps < options.min_reps || options.warmup < 0 ||
      !(options.min_seconds_per_layer >= 0))
    throw ConfigError(fmt::format("record: need 1 <= min_reps ({}) <= max_reps ({}), warmup ({}) >= 0 and "
                                  "min_seconds_per_layer ({}) >= 0",
                                  options.min_reps, options.max_reps, options.warmup,
                                  options.min_seconds_per_layer));
  if (options.input && options.input->size() != 4)
    throw ConfigError(fmt::format("record: the input must be NCHW (4 dimensions), got {}",
                                  shape_to_string(*options.input)));
  const Backend& b = backend_for(options.engine);
  void* module = load_plugin(b.module, fmt::format("host recording ({})", b.engine), b.install);
  auto fn = reinterpret_cast<RecordFn>(plugin_symbol(module, b.module, b.symbol));
  Trace trace;
  std::string error;
  std::vector<std::string> notes;
  if (!fn(&options, &trace, &notes, &error)) throw ConfigError(error);
  if (skipped) *skipped = std::move(notes);
  return trace;
}

}  // namespace tilesim
