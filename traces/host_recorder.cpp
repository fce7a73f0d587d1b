// The front end of traces/host_recorder.hpp: finds and loads libtilesim_onednn.so on first use,
// as traces/hdf5_table.cpp does for HDF5. Nothing here includes oneDNN.
#include "traces/host_recorder.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

#ifndef TILESIM_PLUGIN_DIR
#define TILESIM_PLUGIN_DIR "."
#endif

namespace tilesim {
namespace {

using RecordFn = bool (*)(const RecordOptions*, Trace*, std::string*);

constexpr const char* kModule = "libtilesim_onednn.so";
constexpr const char* kInstall =
    "install libdnnl-dev (scripts/setup.sh does), then configure and build again so that "
    "libtilesim_onednn.so is built";

// libtilesim_onednn.so, from TILESIM_PLUGIN_DIR in the environment, beside the executable, or the
// build tree it was built in. A failed load is not remembered: the next call tries again.
void* backend() {
  static void* handle = nullptr;
  if (handle) return handle;
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("TILESIM_PLUGIN_DIR"); env && *env) dirs.emplace_back(env);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back(exe.parent_path());
  dirs.emplace_back(TILESIM_PLUGIN_DIR);
  std::string tried, failed;
  for (const auto& d : dirs) {
    const auto lib = d / kModule;
    if (!std::filesystem::exists(lib, ec)) {
      tried += (tried.empty() ? "" : ", ") + lib.string();
      continue;
    }
    if (void* h = ::dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL)) return handle = h;
    const char* why = ::dlerror();
    failed += fmt::format("{}{}: {}", failed.empty() ? "" : "; ", lib.string(), why ? why : "cannot be loaded");
  }
  if (!failed.empty())
    throw ConfigError(fmt::format("host recording needs oneDNN, but {} ({}); {}", kModule, failed, kInstall));
  throw ConfigError(fmt::format("host recording needs oneDNN, and {} was not built (looked for {}); {}", kModule,
                                tried, kInstall));
}

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
  auto fn = reinterpret_cast<RecordFn>(::dlsym(backend(), "tilesim_onednn_record"));
  if (!fn) throw ConfigError(fmt::format("{} lacks tilesim_onednn_record; {}", kModule, kInstall));
  Trace trace;
  std::string error;
  if (!fn(&options, &trace, &error)) throw ConfigError(error);
  return trace;
}

}  // namespace tilesim
