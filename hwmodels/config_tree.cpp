#include "hwmodels/config_tree.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>

#include "hwmodels/soc_loader.hpp"
#include "hwmodels/yaml_reader.hpp"

namespace tilesim {
namespace fs = std::filesystem;

std::string join_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

namespace {

// Aliases share nodes, so a small file can name a huge tree (a "billion laughs"); no configuration
// comes near this many values.
constexpr long kMaxYamlValues = 1'000'000;

// What YAML allows and no tilesim file means: keys that are not plain names, a key given twice
// (yaml-cpp would silently keep one), nesting past kMaxYamlDepth or a tree past kMaxYamlValues
// once aliases are expanded.
class ShapeCheck {
 public:
  explicit ShapeCheck(const std::string& file) : file_(file) {}

  void check(const YAML::Node& node, const std::string& path, int depth) {
    if (depth > kMaxYamlDepth) fail(node, path, fmt::format("nested deeper than {} levels", kMaxYamlDepth));
    if (++values_ > kMaxYamlValues)
      fail(node, path, fmt::format("more than {} values once aliases are expanded", kMaxYamlValues));
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) check(node[i], fmt::format("{}[{}]", path, i), depth + 1);
    } else if (node.IsMap()) {
      std::unordered_map<std::string, int> seen;  // key -> its line
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) fail(kv.first, path, "a key must be a plain name, not a list or map");
        const std::string& key = kv.first.Scalar();
        const auto [twin, first] = seen.emplace(key, kv.first.Mark().line);
        if (!first) fail(kv.first, join_path(path, key), fmt::format("given twice (first on line {})", twin->second + 1));
        check(kv.second, join_path(path, key), depth + 1);
      }
    }
  }

 private:
  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& msg) const {
    throw ConfigError(located(file_, at.Mark().line, at.Mark().column, key, msg));
  }

  const std::string& file_;
  long values_ = 0;
};

}  // namespace

YAML::Node load_yaml_map(const std::string& file) {
  // Parsed afresh each time: copies (YAML::Clone) would lose the line and column marks that
  // error messages cite.
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw ConfigError(fmt::format("{}: {}", file, ec && ec != std::errc::no_such_file_or_directory ? ec.message() : "no such file"));
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw ConfigError(fmt::format("{}: cannot be read", file));
  YAML::Node n = parse_yaml(text.str(), file);
  if (!n.IsMap()) throw ConfigError(located(file, n.Mark().line, n.Mark().column, "", "expected a YAML map"));
  ShapeCheck(file).check(n, "", 0);
  return n;
}

std::string scalar_text(const YAML::Node& node, const NodeOrigin& where) {
  if (!node.IsScalar())
    throw ConfigError(located(where.file, node.Mark().line, node.Mark().column, where.path, "expected a single value"));
  return node.Scalar();
}

std::vector<std::string> preset_names(const std::string& dir) {
  std::vector<std::string> names;
  const fs::path p = fs::path(data_root()) / "configs" / dir;
  std::error_code ec;
  if (fs::is_directory(p, ec))
    for (const auto& e : fs::directory_iterator(p))
      if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

std::string preset_file(const std::string& dir, const std::string& name, const NodeOrigin& where,
                        const YAML::Node& at) {
  const fs::path p = fs::path(data_root()) / "configs" / dir / (name + ".yaml");
  if (fs::is_regular_file(p)) return p.string();
  const std::string hint = nearest(name, preset_names(dir));
  throw ConfigError(located(where.file, at.Mark().line, at.Mark().column, where.path,
                            fmt::format("no {} preset '{}'{}", dir, name,
                                        hint.empty() ? "" : " (did you mean '" + hint + "'?)")));
}

}  // namespace

// Shares the subtrees it does not change: every tree it sees was freshly resolved for this
// description, so nothing else holds them.
YAML::Node merge(const YAML::Node& over, const YAML::Node& base) {
  if (!over.IsMap() || !base || !base.IsMap() || over["value"]) return over;
  YAML::Node out = yaml_map();
  for (const auto& kv : base) out[kv.first.Scalar()] = kv.second;
  for (const auto& kv : over) {
    const std::string& key = kv.first.Scalar();
    out[key] = merge(kv.second, base[key]);
  }
  return out;
}

// A preset resolves to the same tree every time (configs/ does not change while tilesim runs), so
// each is resolved once per process and handed out as a copy with its marks: a SoC names its core
// preset once per cluster, the ncnn device map a SoC per entry, a sweep a SoC per point.
YAML::Node resolve_preset_file(const std::string& name, const Section& s, const NodeOrigin& where,
                          const YAML::Node& at, int depth) {
  if (depth > 16) throw ConfigError(located(where.file, at.Mark().line, at.Mark().column, where.path,
                                            "presets refer to each other in a loop"));
  const std::string file = preset_file(s.preset_dir, name, where, at);
  static std::mutex mutex;
  static std::map<std::string, YAML::Node> resolved;  // by section and file
  const std::string key = s.name + "\n" + file;
  {
    const std::lock_guard lock(mutex);
    if (const auto it = resolved.find(key); it != resolved.end()) return copy_tree(it->second);
  }
  YAML::Node out = resolve(load_yaml_map(file), s, NodeOrigin{file, ""}, depth + 1);
  // A description built on presets belongs to the family of the root one (what calibration keys cores by).
  if (s.param("family") && !out["family"]) out["family"] = name;
  const std::lock_guard lock(mutex);
  return copy_tree(resolved.emplace(key, out).first->second);
}

YAML::Node resolve(const YAML::Node& node, const Section& s, const NodeOrigin& where, int depth) {
  const YamlArena arena;  // presets and the maps merged from them share one node store
  const auto mark = node.Mark();
  if (node.IsScalar() && !s.preset_dir.empty()) return resolve_preset_file(node.Scalar(), s, where, node, depth);
  if (!node.IsMap())
    throw ConfigError(located(where.file, mark.line, mark.column, where.path,
                              s.preset_dir.empty() ? "expected a map of " + s.name + " values"
                                                   : "expected a preset name or a map of " + s.name + " values"));
  YAML::Node out = yaml_map();
  if (node["base"]) {
    if (s.preset_dir.empty())
      throw ConfigError(located(where.file, node["base"].Mark().line, node["base"].Mark().column,
                                join_path(where.path, "base"), "this section has no presets to start from"));
    out = resolve_preset_file(scalar_text(node["base"], {where.file, join_path(where.path, "base")}), s, NodeOrigin{where.file, join_path(where.path, "base")},
                         node["base"], depth);
  }
  for (const auto& kv : node) {
    const std::string& key = kv.first.Scalar();
    const NodeOrigin at{where.file, join_path(where.path, key)};
    if (key == "base") continue;
    if (is_metadata_key(key)) {
      scalar_text(kv.second, at);
      out[key] = kv.second;
    } else if (const ParamDecl* p = s.param(key)) {
      check_param(kv.second, *p, at);
      out[key] = kv.second;
    } else if (const TableDecl* t = s.table(key)) {
      check_table(kv.second, *t, at);
      out[key] = kv.second;  // a table replaces the one it overrides, whole
    } else if (const Section* child = s.child(key)) {
      out[key] = merge(resolve(kv.second, *child, at, depth), out[key]);
    } else if (s.named_items) {
      out[key] = merge(resolve(kv.second, *s.named_items, at, depth), out[key]);
    } else if (const std::string* why = s.not_modelled_reason(key)) {
      throw ConfigError(located(where.file, kv.first.Mark().line, kv.first.Mark().column, at.path,
                                "not modelled: " + *why));
    } else {
      const std::string hint = nearest(key, s.keys());
      throw ConfigError(located(where.file, kv.first.Mark().line, kv.first.Mark().column, at.path,
                                fmt::format("unknown key in {}{}", s.name,
                                            hint.empty() ? "" : " (did you mean '" + hint + "'?)")));
    }
  }
  return out;
}

}  // namespace tilesim
