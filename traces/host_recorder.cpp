// The front end of traces/host_recorder.hpp: loads libtilesim_onednn.so on first use
// (traces/plugin_module.hpp), as HDF5 is loaded. Nothing here includes oneDNN.
#include "traces/host_recorder.hpp"

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "traces/plugin_module.hpp"

namespace tilesim {
namespace {

using RecordFn = bool (*)(const RecordOptions*, Trace*, std::string*);

constexpr const char* kModule = "libtilesim_onednn.so";
constexpr const char* kInstall =
    "install libdnnl-dev (scripts/setup.sh does), then configure and build again so that "
    "libtilesim_onednn.so is built";

void* backend() { return load_plugin(kModule, "host recording (oneDNN)", kInstall); }

}  // namespace

Trace record_host_trace(const RecordOptions& options) {
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
  auto fn = reinterpret_cast<RecordFn>(plugin_symbol(backend(), kModule, "tilesim_onednn_record"));
  Trace trace;
  std::string error;
  if (!fn(&options, &trace, &error)) throw ConfigError(error);
  return trace;
}

}  // namespace tilesim
