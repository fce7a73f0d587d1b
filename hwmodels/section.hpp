#pragma once
// The schema of one section of a hardware description (a core, a cache, a cluster, ...): its
// declared parameters and sub-sections. Validation, preset resolution, `soc show` and the
// generated format reference all walk these.
#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/param.hpp"

namespace tilesim {

// A table of values keyed by a quantity, e.g. operating points: frequency -> voltage.
struct TableDecl {
  std::string key;
  Unit key_unit;
  Unit value_unit;
  std::string meaning;
  double key_min, key_max;      // the range of each key
  double value_min, value_max;  // the range of each value
};

struct Section {
  std::string name;         // "core", "cache", ...
  std::string meaning;
  std::vector<ParamDecl> params;
  std::vector<std::pair<std::string, const Section*>> children;  // fixed sub-sections
  const Section* named_items = nullptr;  // a map of user-named items (clusters by name)
  std::string preset_dir;   // configs/<dir>/: a string value names a preset, a map may say base:
  std::vector<TableDecl> tables;
  // Keys a description might carry that the model does not use, each with why: refused, not ignored.
  std::vector<std::pair<std::string, std::string>> not_modelled;

  const ParamDecl* param(const std::string& key) const;
  const TableDecl* table(const std::string& key) const;
  const Section* child(const std::string& key) const;
  const std::string* not_modelled_reason(const std::string& key) const;
  std::vector<std::string> keys() const;  // every key valid in this section
};

// Where a YAML node came from, for error messages.
struct NodeOrigin {
  std::string file;
  std::string path;  // dotted key path inside the description
};

// The value of a parameter node: a scalar, or a map {value: ..., source: ...}.
YAML::Node value_node(const YAML::Node& node);
// The per-value source, if the value was written as {value, source}.
std::string value_source(const YAML::Node& node);

// Checks one parameter value against its declaration; returns the value in SI units
// (0 for text; 1/0 for flags). Throws ConfigError naming the file, line and key.
double check_param(const YAML::Node& node, const ParamDecl& decl, const NodeOrigin& where);

// The values a numeric declaration accepts, as messages and the reference print it: "1 .. 64",
// "0, or 100MB/s .. 1000GB/s".
std::string declared_range(const ParamDecl& decl);

// Checks a table (a map of quantity to quantity) and returns its entries in SI units, sorted by key.
std::vector<std::pair<double, double>> check_table(const YAML::Node& node, const TableDecl& decl,
                                                   const NodeOrigin& where);

// Keys every section accepts besides its declared ones.
bool is_metadata_key(const std::string& key);

template <class T>
std::vector<ParamDecl> declarations(const std::vector<Field<T>>& fields) {
  std::vector<ParamDecl> out;
  for (const auto& f : fields) out.push_back(f.decl);
  return out;
}

// Fills the declared fields of `out` from a resolved (already validated) section node;
// a missing value takes its default, and a missing required value is an error.
template <class T>
void read_fields(const YAML::Node& node, const std::vector<Field<T>>& fields, T& out, const NodeOrigin& where) {
  for (const auto& f : fields) {
    const NodeOrigin at{where.file, where.path.empty() ? f.decl.key : where.path + "." + f.decl.key};
    const YAML::Node v = node[f.decl.key];
    if (!v && !f.decl.default_value && f.decl.default_text.empty())
      throw ConfigError(located(where.file, -1, -1, at.path, "missing required value (" + f.decl.meaning + ")"));
    auto number = [&] { return v ? check_param(v, f.decl, at) : *f.decl.default_value; };
    auto text = [&] {
      if (v) check_param(v, f.decl, at);
      return v ? value_node(v).Scalar() : f.decl.default_text;
    };
    std::visit(
        [&](const auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, double T::*>) out.*m = number();
          else if constexpr (std::is_same_v<M, int64_t T::*>) out.*m = static_cast<int64_t>(number());
          else if constexpr (std::is_same_v<M, bool T::*>) out.*m = number() != 0.0;
          else if constexpr (std::is_same_v<M, std::string T::*>) out.*m = text();
          else {  // a choice: check_param has checked it is one of decl.choices
            const std::string chosen = text();
            const auto& c = f.decl.choices;
            m.set(out, static_cast<size_t>(std::find(c.begin(), c.end(), chosen) - c.begin()));
          }
        },
        f.member);
  }
}

}  // namespace tilesim
