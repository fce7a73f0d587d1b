#include "traces/hdf5_table.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "traces/child_reader.hpp"
#include "traces/plugin_module.hpp"

namespace tilesim {
namespace {

using WriteFn = bool (*)(const char*, const Hdf5File*, std::string*);
using ReadFn = bool (*)(const char*, Hdf5File*, std::string*);
constexpr const char* kModule = "libtilesim_hdf5.so";

template <class Fn>
Fn entry(const char* name) {
  void* module = load_plugin(kModule, "reading and writing HDF5", "build the project (scripts/setup.sh) to make it");
  return reinterpret_cast<Fn>(plugin_symbol(module, kModule, name));
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

namespace {

// HDF5's format signature, at offset 0 or, after a user block, at 512, 1024, 2048, ...
bool has_hdf5_signature(const std::string& path) {
  static const char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  std::ifstream in(path, std::ios::binary);
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  for (std::streamoff at = 0; in && at + 8 <= size; at = at ? 2 * at : 512) {
    char head[8];
    in.seekg(at);
    if (in.read(head, 8) && std::memcmp(head, kSignature, 8) == 0) return true;
  }
  return false;
}

}  // namespace

Hdf5File read_hdf5(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw ConfigError(fmt::format("{}: no such file", path));
  if (!has_hdf5_signature(path))
    throw ConfigError(fmt::format("{}: not an HDF5 file (no HDF5 signature where the format puts it)", path));
  const ReadFn read = entry<ReadFn>("tilesim_hdf5_read");  // loaded here: the child only calls it
  return read_in_child(path, [&](Hdf5File& file, std::string& error) { return read(path.c_str(), &file, &error); });
}

}  // namespace tilesim
