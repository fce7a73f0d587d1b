#include "traces/plugin_module.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

#ifndef TILESIM_PLUGIN_DIR
#define TILESIM_PLUGIN_DIR "."
#endif

namespace tilesim {

void* load_plugin(const std::string& file_name, const std::string& needed_for, const std::string& remedy) {
  static std::map<std::string, void*> loaded;
  if (auto it = loaded.find(file_name); it != loaded.end()) return it->second;
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("TILESIM_PLUGIN_DIR"); env && *env) dirs.emplace_back(env);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back(exe.parent_path());
  dirs.emplace_back(TILESIM_PLUGIN_DIR);
  std::string tried, failed;
  for (const auto& d : dirs) {
    const auto lib = d / file_name;
    if (!std::filesystem::exists(lib, ec)) {
      tried += (tried.empty() ? "" : ", ") + lib.string();
      continue;
    }
    if (void* h = ::dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL)) return loaded[file_name] = h;
    const char* why = ::dlerror();
    failed += fmt::format("{}{}: {}", failed.empty() ? "" : "; ", lib.string(), why ? why : "cannot be loaded");
  }
  if (!failed.empty()) throw ConfigError(fmt::format("{} needs {}, but {}; {}", needed_for, file_name, failed, remedy));
  throw ConfigError(fmt::format("{} needs {}, which was not built (looked for {}); {}", needed_for, file_name, tried, remedy));
}

void* plugin_symbol(void* module, const std::string& file_name, const char* symbol) {
  void* fn = ::dlsym(module, symbol);
  if (!fn) throw ConfigError(fmt::format("{} lacks {}", file_name, symbol));
  return fn;
}

}  // namespace tilesim
