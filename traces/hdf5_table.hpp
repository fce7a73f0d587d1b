#pragma once
// Writing and reading column tables in HDF5 (a group per table, a 1-D dataset per column,
// attributes for scalars), the shape h5py and pandas read without help. Files are written to a
// temporary name and renamed, so a reader never sees half a file.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace tilesim {

using Column = std::variant<std::vector<double>, std::vector<int64_t>, std::vector<std::string>>;
using Attribute = std::variant<double, int64_t, std::string>;

struct Table {
  std::vector<std::pair<std::string, Column>> columns;  // in order
  std::map<std::string, Attribute> attributes;

  size_t rows() const;
  const Column* column(const std::string& name) const;
};

struct Hdf5File {
  std::map<std::string, Attribute> attributes;  // on the root group
  std::vector<std::pair<std::string, Table>> tables;

  const Table* table(const std::string& name) const;
};

void write_hdf5(const std::string& path, const Hdf5File& file);
// Throws ConfigError naming the file on anything it cannot read. The HDF5 library reads it in a
// child process (traces/child_reader.hpp): a crafted file that crashes or hangs libhdf5 is refused.
Hdf5File read_hdf5(const std::string& path);

}  // namespace tilesim
