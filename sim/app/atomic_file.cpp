#include "sim/app/atomic_file.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

#include "hwmodels/config_error.hpp"

namespace tilesim {

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = fmt::format("{}.tmp{}", path, ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      std::filesystem::remove(tmp);
      throw ConfigError(fmt::format("{}: cannot write", path));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw ConfigError(fmt::format("{}: cannot write: {}", path, ec.message()));
  }
}

std::string output_path_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.empty()) return "expected a file name";
  if (fs::is_directory(path, ec)) return fmt::format("{}: is a directory", path);
  const fs::path parent = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  if (!fs::is_directory(parent, ec)) return fmt::format("{}: no folder '{}' to write it in", path, parent.string());
  if (::access(parent.c_str(), W_OK) != 0) return fmt::format("{}: the folder '{}' is not writable", path, parent.string());
  return "";
}

}  // namespace tilesim
