#include "traces/hdf5_table.hpp"

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

Hdf5File read_hdf5(const std::string& path) {
  const ReadFn read = entry<ReadFn>("tilesim_hdf5_read");  // loaded here: the child only calls it
  return read_in_child(path, [&](Hdf5File& file, std::string& error) { return read(path.c_str(), &file, &error); });
}

}  // namespace tilesim
