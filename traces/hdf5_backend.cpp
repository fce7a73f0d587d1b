// The HDF5 side of traces/hdf5_table.hpp, built as a module (libtilesim_hdf5.so) that the
// program loads only when it reads or writes HDF5: HDF5 brings some thirty shared libraries
// (curl, TLS, Kerberos) whose loading would otherwise cost every run a few milliseconds.
#include "traces/hdf5_table.hpp"

#include <H5Cpp.h>

#include <cstdio>
#include <stdexcept>
#include <filesystem>

#include <fmt/format.h>
#include <unistd.h>


namespace tilesim {
namespace {

const H5::StrType& string_type() {
  static const H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
  return t;
}

void write_attribute(H5::H5Object& where, const std::string& name, const Attribute& value) {
  const H5::DataSpace scalar(H5S_SCALAR);
  if (auto d = std::get_if<double>(&value)) {
    where.createAttribute(name, H5::PredType::NATIVE_DOUBLE, scalar).write(H5::PredType::NATIVE_DOUBLE, d);
  } else if (auto i = std::get_if<int64_t>(&value)) {
    where.createAttribute(name, H5::PredType::NATIVE_INT64, scalar).write(H5::PredType::NATIVE_INT64, i);
  } else {
    const std::string& s = std::get<std::string>(value);
    const char* c = s.c_str();
    where.createAttribute(name, string_type(), scalar).write(string_type(), &c);
  }
}

Attribute read_attribute(const H5::Attribute& a) {
  const H5T_class_t cls = a.getTypeClass();
  if (cls == H5T_FLOAT) {
    double d = 0;
    a.read(H5::PredType::NATIVE_DOUBLE, &d);
    return d;
  }
  if (cls == H5T_INTEGER) {
    int64_t i = 0;
    a.read(H5::PredType::NATIVE_INT64, &i);
    return i;
  }
  std::string s;
  a.read(a.getStrType(), s);
  return s;
}

void write_column(H5::Group& group, const std::string& name, const Column& column) {
  std::visit(
      [&](const auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        const hsize_t n = values.size();
        const H5::DataSpace space(1, &n);
        if constexpr (std::is_same_v<T, double>) {
          group.createDataSet(name, H5::PredType::NATIVE_DOUBLE, space).write(values.data(), H5::PredType::NATIVE_DOUBLE);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          group.createDataSet(name, H5::PredType::NATIVE_INT64, space).write(values.data(), H5::PredType::NATIVE_INT64);
        } else {
          std::vector<const char*> ptrs;
          for (const auto& s : values) ptrs.push_back(s.c_str());
          group.createDataSet(name, string_type(), space).write(ptrs.data(), string_type());
        }
      },
      column);
}

Column read_column(const H5::DataSet& ds) {
  const H5::DataSpace space = ds.getSpace();
  hsize_t n = 0;
  if (space.getSimpleExtentNdims() != 1) throw std::runtime_error("dataset is not one-dimensional");
  space.getSimpleExtentDims(&n);
  switch (ds.getTypeClass()) {
    case H5T_FLOAT: {
      std::vector<double> v(n);
      if (n) ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
      return v;
    }
    case H5T_INTEGER: {
      std::vector<int64_t> v(n);
      if (n) ds.read(v.data(), H5::PredType::NATIVE_INT64);
      return v;
    }
    case H5T_STRING: {
      std::vector<char*> ptrs(n, nullptr);
      if (n) ds.read(ptrs.data(), string_type());
      std::vector<std::string> v;
      for (char* p : ptrs) v.emplace_back(p ? p : "");
      if (n) H5::DataSet::vlenReclaim(ptrs.data(), string_type(), space);
      return v;
    }
    default:
      throw std::runtime_error("dataset has an unsupported element type");
  }
}

}  // namespace

static void write_file(const std::string& path, const Hdf5File& file) {
  const std::string tmp = fmt::format("{}.tmp{}", path, ::getpid());
  try {
    H5::Exception::dontPrint();
    H5::H5File out(tmp, H5F_ACC_TRUNC);
    H5::Group root = out.openGroup("/");
    for (const auto& [name, value] : file.attributes) write_attribute(root, name, value);
    for (const auto& [name, table] : file.tables) {
      H5::Group g = out.createGroup("/" + name);
      for (const auto& [attr, value] : table.attributes) write_attribute(g, attr, value);
      for (const auto& [col, values] : table.columns) write_column(g, col, values);
    }
  } catch (const H5::Exception& e) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(fmt::format("{}: cannot write HDF5: {}", path, e.getDetailMsg()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(fmt::format("{}: cannot write: {}", path, ec.message()));
  }
}

static Hdf5File read_file(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error(fmt::format("{}: no such file", path));
  Hdf5File file;
  try {
    H5::Exception::dontPrint();
    H5::H5File in(path, H5F_ACC_RDONLY);
    H5::Group root = in.openGroup("/");
    for (int i = 0; i < root.getNumAttrs(); ++i) {
      const H5::Attribute a = root.openAttribute(static_cast<unsigned>(i));
      file.attributes[a.getName()] = read_attribute(a);
    }
    for (hsize_t i = 0; i < root.getNumObjs(); ++i) {
      const std::string name = root.getObjnameByIdx(i);
      if (root.childObjType(name) != H5O_TYPE_GROUP) continue;
      H5::Group g = root.openGroup(name);
      Table t;
      for (int a = 0; a < g.getNumAttrs(); ++a) {
        const H5::Attribute attr = g.openAttribute(static_cast<unsigned>(a));
        t.attributes[attr.getName()] = read_attribute(attr);
      }
      for (hsize_t c = 0; c < g.getNumObjs(); ++c) {
        const std::string col = g.getObjnameByIdx(c);
        if (g.childObjType(col) != H5O_TYPE_DATASET) continue;
        try {
          t.columns.emplace_back(col, read_column(g.openDataSet(col)));
        } catch (const std::runtime_error& e) {
          throw std::runtime_error(fmt::format("{}: /{}/{}: {}", path, name, col, e.what()));
        }
      }
      file.tables.emplace_back(name, std::move(t));
    }
  } catch (const H5::Exception& e) {
    throw std::runtime_error(fmt::format("{}: not a readable HDF5 file: {}", path, e.getDetailMsg()));
  }
  return file;
}

}  // namespace tilesim

// Entry points the front end looks up with dlsym; errors come back as text, not exceptions.
extern "C" bool tilesim_hdf5_write(const char* path, const tilesim::Hdf5File* file, std::string* error) {
  try {
    tilesim::write_file(path, *file);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
}

extern "C" bool tilesim_hdf5_read(const char* path, tilesim::Hdf5File* out, std::string* error) {
  try {
    *out = tilesim::read_file(path);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
}
