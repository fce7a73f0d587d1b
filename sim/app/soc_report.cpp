#include <fmt/format.h>

#include "hwmodels/soc.hpp"
#include "sim/app/reports.hpp"

namespace tilesim {
namespace {

// Walks a resolved tree along its schema: each declared value with its unit and source.
nlohmann::json section_json(const YAML::Node& node, const Section& s, const std::string& inherited_source) {
  nlohmann::json out = nlohmann::json::object();
  const std::string source = node["source"] ? node["source"].as<std::string>() : inherited_source;
  if (node["name"]) out["name"] = node["name"].as<std::string>();
  if (node["description"]) out["description"] = node["description"].as<std::string>();
  for (const ParamDecl& p : s.params) {
    const YAML::Node v = node[p.key];
    if (!v) continue;
    const std::string own = value_source(v);
    nlohmann::json entry{{"value", value_node(v).Scalar()}, {"source", own.empty() ? source : own}};
    if (!p.is_text && !p.is_flag) {
      entry["si"] = check_param(v, p, NodeOrigin{"", p.key});
      entry["unit"] = std::string(unit_symbol(p.unit));
    }
    out[p.key] = entry;
  }
  for (const auto& [key, child] : s.children)
    if (node[key]) out[key] = section_json(node[key], *child, source);
  if (s.named_items)
    for (const auto& kv : node)
      if (!is_metadata_key(kv.first.as<std::string>()))
        out[kv.first.as<std::string>()] = section_json(kv.second, *s.named_items, source);
  return out;
}

void print_section(const YAML::Node& node, const Section& s, int indent, std::ostream& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  for (const char* meta : {"name", "description", "source"})
    if (node[meta]) out << fmt::format("{}{}: \"{}\"\n", pad, meta, node[meta].as<std::string>());
  for (const ParamDecl& p : s.params) {
    const YAML::Node v = node[p.key];
    if (!v) continue;
    const std::string src = value_source(v);
    out << fmt::format("{}{}: {}{}\n", pad, p.key, value_node(v).Scalar(), src.empty() ? "" : "  # " + src);
  }
  for (const auto& [key, child] : s.children)
    if (node[key]) {
      out << fmt::format("{}{}:\n", pad, key);
      print_section(node[key], *child, indent + 2, out);
    }
  if (s.named_items)
    for (const auto& kv : node) {
      if (is_metadata_key(kv.first.as<std::string>())) continue;
      out << fmt::format("{}{}:\n", pad, kv.first.as<std::string>());
      print_section(kv.second, *s.named_items, indent + 2, out);
    }
}

}  // namespace

nlohmann::json soc_json(const YAML::Node& tree) { return section_json(tree, SocSpec::section(), ""); }

void print_soc_yaml(const YAML::Node& tree, std::ostream& out) { print_section(tree, SocSpec::section(), 0, out); }

}  // namespace tilesim
