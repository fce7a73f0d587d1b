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

}  // namespace tilesim
