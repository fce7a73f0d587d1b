#include "hwmodels/section.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tilesim {

const ParamDecl* Section::param(const std::string& key) const {
  for (const auto& p : params)
    if (p.key == key) return &p;
  return nullptr;
}

const TableDecl* Section::table(const std::string& key) const {
  for (const auto& t : tables)
    if (t.key == key) return &t;
  return nullptr;
}

const Section* Section::child(const std::string& key) const {
  for (const auto& [k, s] : children)
    if (k == key) return s;
  return nullptr;
}

const std::string* Section::not_modelled_reason(const std::string& key) const {
  for (const auto& [k, why] : not_modelled)
    if (k == key) return &why;
  return nullptr;
}

std::vector<std::string> Section::keys() const {
  std::vector<std::string> out{"source", "description", "name"};
  if (!preset_dir.empty()) out.push_back("base");
  for (const auto& p : params) out.push_back(p.key);
  for (const auto& [k, s] : children) out.push_back(k);
  for (const auto& t : tables) out.push_back(t.key);
  return out;
}

bool is_metadata_key(const std::string& key) {
  return key == "source" || key == "description" || key == "name" || key == "base";
}

YAML::Node value_node(const YAML::Node& node) {
  return node.IsMap() && node["value"] ? node["value"] : node;
}

std::string value_source(const YAML::Node& node) {
  return node.IsMap() && node["source"] ? node["source"].as<std::string>("") : "";
}

std::string declared_range(const ParamDecl& decl) {
  const std::string max = std::isinf(decl.max) ? "inf" : format_quantity(decl.max, decl.unit);
  if (decl.min_nonzero > 0) return fmt::format("0, or {} .. {}", format_quantity(decl.min_nonzero, decl.unit), max);
  return fmt::format("{} .. {}", format_quantity(decl.min, decl.unit), max);
}

double check_param(const YAML::Node& raw, const ParamDecl& decl, const NodeOrigin& where) {
  const YAML::Node node = value_node(raw);
  const auto mark = node.Mark();
  auto fail = [&](const std::string& msg) -> double {
    throw ConfigError(located(where.file, mark.line, mark.column, where.path, msg));
  };
  if (raw.IsMap()) {
    for (const auto& kv : raw) {
      const auto k = kv.first.as<std::string>();
      if (k != "value" && k != "source")
        throw ConfigError(located(where.file, kv.first.Mark().line, kv.first.Mark().column,
                                  where.path + "." + k, "a value may only carry 'value' and 'source'"));
      if (k == "source" && !kv.second.IsScalar())
        throw ConfigError(located(where.file, kv.second.Mark().line, kv.second.Mark().column,
                                  where.path + ".source", "expected a single value"));
    }
    if (!raw["value"]) fail("has no 'value'");
  }
  if (!node.IsScalar()) return fail("expected a single value");
  const std::string text = node.Scalar();
  if (decl.is_text) {
    if (!decl.choices.empty() &&
        std::find(decl.choices.begin(), decl.choices.end(), text) == decl.choices.end())
      return fail(fmt::format("'{}' is not one of: {}", text, fmt::join(decl.choices, ", ")));
    return 0.0;
  }
  if (decl.is_flag) {
    if (text == "true" || text == "yes") return 1.0;
    if (text == "false" || text == "no") return 0.0;
    return fail(fmt::format("'{}' is not true or false", text));
  }
  std::string error;
  const auto v = parse_quantity(text, decl.unit, &error);
  if (!v) return fail(error);
  if (*v < decl.min || *v > decl.max || (*v != 0 && *v < decl.min_nonzero))
    return fail(fmt::format("{} is out of range {}", text, declared_range(decl)));
  if (decl.integral && std::floor(*v) != *v) return fail(fmt::format("{} must be a whole number", text));
  return *v;
}

std::vector<std::pair<double, double>> check_table(const YAML::Node& node, const TableDecl& decl,
                                                   const NodeOrigin& where) {
  if (!node.IsMap() || node.size() == 0)
    throw ConfigError(located(where.file, node.Mark().line, node.Mark().column, where.path,
                              "expected a map of " + decl.meaning));
  const ParamDecl key_decl{.key = decl.key, .unit = decl.key_unit, .meaning = decl.meaning, .min = decl.key_min,
                           .max = decl.key_max};
  const ParamDecl value_decl{.key = decl.key, .unit = decl.value_unit, .meaning = decl.meaning,
                             .min = decl.value_min, .max = decl.value_max};
  std::vector<std::pair<double, double>> rows;
  for (const auto& kv : node) {
    const NodeOrigin at{where.file, where.path + "." + kv.first.Scalar()};
    rows.emplace_back(check_param(kv.first, key_decl, at), check_param(kv.second, value_decl, at));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace tilesim
