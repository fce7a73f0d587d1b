#include "hwmodels/soc_loader.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "hwmodels/config_tree.hpp"

namespace tilesim {
namespace fs = std::filesystem;

#ifndef TILESIM_DATA_DIR
#define TILESIM_DATA_DIR "."
#endif

namespace {

CacheSpec parse_cache(const YAML::Node& n, const NodeOrigin& where) {
  CacheSpec c;
  read_fields(n, CacheSpec::fields(), c, where);
  return c;
}

std::optional<CacheSpec> parse_optional_cache(const YAML::Node& parent, const std::string& key,
                                              const NodeOrigin& where) {
  if (!parent[key]) return std::nullopt;
  return parse_cache(parent[key], NodeOrigin{where.file, join_path(where.path, key)});
}

}  // namespace

std::string data_root() {
  if (const char* env = std::getenv("TILESIM_DATA_DIR"); env && *env) return env;
  return TILESIM_DATA_DIR;
}

std::vector<std::string> builtin_socs() {
  std::vector<std::string> names = preset_names("socs");
  if (std::find(names.begin(), names.end(), "host") == names.end()) names.push_back("host");
  std::sort(names.begin(), names.end());
  return names;
}

bool host_is_probed() { return fs::is_regular_file(fs::path(data_root()) / "configs" / "socs" / "host.yaml"); }

YAML::Node resolve_soc_tree(const std::string& name_or_path) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       name_or_path.ends_with(".yaml") || name_or_path.ends_with(".yml");
  if (!is_path) {
    const auto names = builtin_socs();
    if (std::find(names.begin(), names.end(), name_or_path) == names.end()) {
      const std::string hint = nearest(name_or_path, names);
      throw ConfigError(fmt::format("unknown SoC '{}'{}; `tilesim socs` lists them", name_or_path,
                                    hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    if (name_or_path == "host" && !host_is_probed())
      throw ConfigError("host has not been probed on this machine: run `tilesim probe-host` (scripts/setup.sh does)");
    return resolve(YAML::Node(name_or_path), SocSpec::section(), NodeOrigin{fmt::format("SoC '{}'", name_or_path), ""}, 0);
  }
  YAML::Node tree = resolve(load_yaml_map(name_or_path), SocSpec::section(), NodeOrigin{name_or_path, ""}, 0);
  if (!tree["name"]) tree["name"] = fs::path(name_or_path).stem().string();
  return tree;
}

namespace {

// A declared value of a resolved tree, by its dotted key: its declaration, and the map holding it
// (absent where a section on the way is absent and `create` is false).
struct SocSetting {
  const ParamDecl* decl;
  std::optional<YAML::Node> parent;
  std::string part;
};

SocSetting find_setting(const YAML::Node& tree, const std::string& key, bool create) {
  const Section* s = &SocSpec::section();
  std::optional<YAML::Node> parent = tree;
  std::string walked;
  size_t start = 0;
  while (true) {
    const auto dot = key.find('.', start);
    const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    walked = join_path(walked, part);
    auto unknown = [&](const std::vector<std::string>& options) {
      const std::string hint = nearest(part, options);
      return ConfigError::about("set", fmt::format("{}: unknown key '{}'{}", key, walked,
                                     hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    };
    const bool present = parent && parent->IsMap() && std::as_const(*parent)[part];
    if (dot == std::string::npos) {
      const ParamDecl* p = s->param(part);
      if (const std::string* why = s->not_modelled_reason(part); !p && why)
        throw ConfigError::about("set", fmt::format("{}: not modelled: {}", key, *why));
      if (!p && (s->child(part) || (s->named_items && present)))
        throw ConfigError::about("set", fmt::format("{}: '{}' is a section, not a value: set one of its keys, "
                                                    "{}.KEY=VALUE", key, walked, walked));
      if (!p) throw unknown(s->keys());
      return SocSetting{p, parent, part};
    }
    if (const Section* child = s->child(part)) {
      s = child;
    } else if (s->named_items && present) {
      s = s->named_items;
    } else {
      std::vector<std::string> options;
      for (const auto& [k, c] : s->children) options.push_back(k);
      if (s->named_items && parent && parent->IsMap())
        for (const auto& kv : *parent) options.push_back(kv.first.as<std::string>());
      throw unknown(options);
    }
    if (parent && !present && create) (*parent)[part] = YAML::Node(YAML::NodeType::Map);
    // emplace, not assignment: assigning a YAML::Node writes through to the node it refers to.
    if (parent && (present || create)) parent.emplace(YAML::Node((*parent)[part]));
    else parent.reset();
    start = dot + 1;
  }
}

}  // namespace

void apply_override(YAML::Node& tree, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError::about("set", fmt::format("{}: an override is KEY=VALUE", assignment));
  const std::string key = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  SocSetting setting = find_setting(tree, key, true);
  YAML::Node v(value);
  try {
    check_param(v, *setting.decl, NodeOrigin{"", key});
  } catch (const ConfigError& e) {
    throw ConfigError::about("set", e.what());
  }
  (*setting.parent)[setting.part] = v;
}

const ParamDecl& soc_setting(const YAML::Node& tree, const std::string& key) {
  return *find_setting(tree, key, false).decl;
}

double soc_setting_value(const YAML::Node& tree, const std::string& key) {
  const SocSetting setting = find_setting(tree, key, false);
  const YAML::Node node = setting.parent && setting.parent->IsMap() ? std::as_const(*setting.parent)[setting.part] : YAML::Node();
  if (node.IsDefined() && !node.IsNull()) return check_param(node, *setting.decl, NodeOrigin{"", key});
  if (setting.decl->default_value) return *setting.decl->default_value;
  throw ConfigError::about("set", fmt::format("{}: not set in this description, and it has no default", key));
}

SocSpec parse_soc(const YAML::Node& tree, const std::string& origin) {
  SocSpec soc;
  soc.name = tree["name"].as<std::string>("");
  soc.description = tree["description"].as<std::string>("");
  const YAML::Node cpu = tree["cpu"];
  if (!cpu || !cpu["clusters"] || cpu["clusters"].size() == 0)
    throw ConfigError(located(origin, -1, -1, "cpu.clusters", "an SoC needs at least one CPU cluster"));
  for (const auto& kv : cpu["clusters"]) {
    const NodeOrigin at{origin, "cpu.clusters." + kv.first.as<std::string>()};
    ClusterSpec c;
    c.name = kv.first.as<std::string>();
    read_fields(kv.second, ClusterSpec::fields(), c, at);
    if (const YAML::Node opp = kv.second["operating_points"]) {
      c.operating_points = check_table(opp, *ClusterSpec::section().table("operating_points"),
                                       NodeOrigin{origin, at.path + ".operating_points"});
      if (c.voltage > 0)
        throw ConfigError(located(origin, -1, -1, at.path + ".voltage",
                                  "give either voltage or operating_points (which derive it), not both"));
      c.voltage = c.voltage_at(c.frequency);
    }
    if (c.voltage <= 0)
      throw ConfigError(located(origin, -1, -1, at.path + ".voltage", "missing required value (voltage or operating_points)"));
    const YAML::Node core = kv.second["core"];
    const NodeOrigin core_at{origin, at.path + ".core"};
    if (!core) throw ConfigError(located(origin, -1, -1, core_at.path, "missing required core type"));
    c.core.name = core["name"].as<std::string>("");
    read_fields(core, CoreSpec::fields(), c.core, core_at);
    c.core.family = core["family"] ? value_node(core["family"]).Scalar() : c.core.name;
    if (!core["l1d"]) throw ConfigError(located(origin, -1, -1, core_at.path + ".l1d", "missing required L1D cache"));
    c.core.l1d = parse_cache(core["l1d"], NodeOrigin{origin, core_at.path + ".l1d"});
    c.core.l2 = parse_optional_cache(core, "l2", core_at);
    c.l2 = parse_optional_cache(kv.second, "l2", at);
    soc.clusters.push_back(std::move(c));
  }
  soc.l3 = parse_optional_cache(cpu, "l3", NodeOrigin{origin, "cpu"});
  if (!tree["memory"]) throw ConfigError(located(origin, -1, -1, "memory", "missing required memory"));
  read_fields(tree["memory"], MemorySpec::fields(), soc.memory, NodeOrigin{origin, "memory"});
  soc.memory.system_cache = parse_optional_cache(tree["memory"], "system_cache", NodeOrigin{origin, "memory"});
  if (soc.memory.peak_bandwidth() <= 0)
    throw ConfigError(located(origin, -1, -1, "memory",
                              "needs a bandwidth, or channels, channel_width and data_rate to derive it"));
  if (const YAML::Node g = tree["gpu"]) {
    const NodeOrigin at{origin, "gpu"};
    GpuSpec gpu;
    gpu.name = g["name"].as<std::string>("");
    gpu.family = g["family"] ? value_node(g["family"]).Scalar() : gpu.name;
    read_fields(g, GpuSpec::fields(), gpu, at);
    if (!gpu.unified_memory) {
      const auto mark = value_node(g["unified_memory"]).Mark();
      throw ConfigError(located(origin, mark.line, mark.column, "gpu.unified_memory",
                                "false is not modelled: a GPU with memory of its own (its copies over a bus) is not; "
                                "tilesim's GPUs share the SoC's DRAM"));
    }
    if (!g["l1"]) throw ConfigError(located(origin, -1, -1, "gpu.l1", "missing required GPU L1 cache"));
    gpu.l1 = parse_cache(g["l1"], NodeOrigin{origin, "gpu.l1"});
    gpu.l2 = parse_optional_cache(g, "l2", at);
    soc.gpu = std::move(gpu);
  }
  return soc;
}

SocSpec load_soc(const std::string& name_or_path, const std::vector<std::string>& overrides) {
  YAML::Node tree = resolve_soc_tree(name_or_path);
  for (const auto& o : overrides) apply_override(tree, o);
  return parse_soc(tree, name_or_path);
}

}  // namespace tilesim
