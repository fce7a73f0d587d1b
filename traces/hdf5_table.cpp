#include "traces/hdf5_table.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

#ifndef TILESIM_PLUGIN_DIR
#define TILESIM_PLUGIN_DIR "."
#endif

namespace tilesim {
namespace {

using WriteFn = bool (*)(const char*, const Hdf5File*, std::string*);
using ReadFn = bool (*)(const char*, Hdf5File*, std::string*);

// libtilesim_hdf5.so, from TILESIM_PLUGIN_DIR in the environment, beside the executable, or
// the build tree it was built in.
void* backend() {
  static void* handle = [] {
    std::vector<std::filesystem::path> dirs;
    if (const char* env = std::getenv("TILESIM_PLUGIN_DIR"); env && *env) dirs.emplace_back(env);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back(exe.parent_path());
    dirs.emplace_back(TILESIM_PLUGIN_DIR);
    std::string tried;
    for (const auto& d : dirs) {
      const auto lib = d / "libtilesim_hdf5.so";
      if (void* h = ::dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL)) return h;
      tried += (tried.empty() ? "" : ", ") + lib.string();
    }
    throw ConfigError(fmt::format("HDF5 support (libtilesim_hdf5.so) not found in {}", tried));
    return static_cast<void*>(nullptr);
  }();
  return handle;
}

template <class Fn>
Fn entry(const char* name) {
  auto fn = reinterpret_cast<Fn>(::dlsym(backend(), name));
  if (!fn) throw ConfigError(fmt::format("libtilesim_hdf5.so lacks {}", name));
  return fn;
}

}  // namespace

size_t Table::rows() const {
  return columns.empty() ? 0 : std::visit([](const auto& v) { return v.size(); }, columns.front().second);
}

const Column* Table::column(const std::string& name) const {
  for (const auto& [n, c] : columns)
    if (n == name) return &c;
  return nullptr;
}

const Table* Hdf5File::table(const std::string& name) const {
  for (const auto& [n, t] : tables)
    if (n == name) return &t;
  return nullptr;
}

void write_hdf5(const std::string& path, const Hdf5File& file) {
  std::string error;
  if (!entry<WriteFn>("tilesim_hdf5_write")(path.c_str(), &file, &error)) throw ConfigError(error);
}

Hdf5File read_hdf5(const std::string& path) {
  Hdf5File file;
  std::string error;
  if (!entry<ReadFn>("tilesim_hdf5_read")(path.c_str(), &file, &error)) throw ConfigError(error);
  return file;
}

}  // namespace tilesim
