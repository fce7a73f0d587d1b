#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

namespace {
void reference_section(const Section& s, const std::string& path, std::ostream& out,
                       std::vector<const Section*>& done) {
  out << fmt::format("\n## `{}` — {}\n\n", path.empty() ? "(top level)" : path, s.meaning);
  if (!s.preset_dir.empty())
    out << fmt::format("May be the name of a preset in `configs/{}/`, or a map with `base: NAME` and overrides.\n\n",
                       s.preset_dir);
  if (!s.params.empty()) {
    out << "| key | unit | meaning | default | range |\n|---|---|---|---|---|\n";
    for (const ParamDecl& p : s.params) {
      std::string unit = p.is_text ? (p.choices.empty() ? std::string("text") : "one of: " + fmt::format("{}", fmt::join(p.choices, ", ")))
                         : p.is_flag ? "true/false"
                                     : std::string(unit_symbol(p.unit));
      std::string def = p.default_value ? (p.is_flag ? (*p.default_value != 0 ? "true" : "false")
                                                     : format_quantity(*p.default_value, p.unit))
                                        : (p.default_text.empty() ? "required" : p.default_text);
      std::string range = (p.is_text || p.is_flag) ? "" : declared_range(p);
      out << fmt::format("| `{}` | {} | {} | {} | {} |\n", p.key, unit, p.meaning, def, range);
    }
  }
  for (const TableDecl& t : s.tables)
    out << fmt::format("\n`{}`: a map of {}, keys in {}, values in {}.\n", t.key, t.meaning, unit_symbol(t.key_unit),
                       unit_symbol(t.value_unit));
  for (const auto& [key, why] : s.not_modelled)
    out << fmt::format("\n`{}` is refused, not modelled: {}.\n", key, why);
  std::vector<std::string> subs;
  for (const auto& [key, child] : s.children) subs.push_back("`" + key + "` (" + child->name + ")");
  if (s.named_items) subs.push_back("any name → " + s.named_items->name);
  if (!subs.empty()) out << fmt::format("\nSub-sections: {}.\n", fmt::join(subs, ", "));
  for (const auto& [key, child] : s.children) {
    const std::string child_path = path.empty() ? key : path + "." + key;
    if (std::find(done.begin(), done.end(), child) != done.end()) continue;
    done.push_back(child);
    reference_section(*child, child_path, out, done);
  }
  if (s.named_items && std::find(done.begin(), done.end(), s.named_items) == done.end()) {
    done.push_back(s.named_items);
    reference_section(*s.named_items, path + ".NAME", out, done);
  }
}
}  // namespace

void print_soc_format_reference(std::ostream& out) {
  out << "# SoC description format\n\n"
         "Generated by `tilesim soc format` from the parameter declarations in `hwmodels/`; do not edit by hand.\n\n"
         "Values carry their unit (`2.84GHz`, `512KiB`, `34.1GB/s`, `0.8pJ`, `1.2W`, `110ns`, `4266MT/s`, `64B`).\n"
         "Any value may be written `{value: X, source: \"...\"}`; any section may carry `source:`,\n"
         "`name:` and `description:`. A section that is a preset may be given as a name or as a map\n"
         "starting from `base: NAME`. `--set dotted.key=VALUE` overrides one value of the resolved\n"
         "description. A cache section (`l1d`, `l2`, `l3`, `system_cache`, a GPU's `l1`, `l2`) is described once below.\n";
  std::vector<const Section*> done{&SocSpec::section()};
  reference_section(SocSpec::section(), "", out, done);
}

}  // namespace tilesim
