#pragma once
// Reading YAML text into yaml-cpp trees with libyaml's parser. yaml-cpp's own scanner costs about
// 2,000 instructions per byte, which made parsing the presets half of a whole `tilesim run`; libyaml
// (the reference C parser, YAML 1.1) is an order of magnitude faster. The tree is built as yaml-cpp's
// NodeBuilder builds it: the same node types, tags, null rules, shared nodes for aliases and the
// line and column marks that error messages cite; a test compares both on every shipped file.
#include <string>

#include <yaml-cpp/yaml.h>

namespace tilesim {

// Nesting deeper than this is refused while parsing, before a tree is built (configuration files
// are a few levels deep; far deeper is an attack or an accident).
inline constexpr int kMaxYamlDepth = 32;

// The first document of `text` as a tree (a null node when there is none). A syntax error, a
// nesting past kMaxYamlDepth or an unknown alias is a ConfigError located "file:line:column".
YAML::Node parse_yaml(const std::string& text, const std::string& file);

// While one lives on a thread, the trees parsed and the maps made there (yaml_map) share one
// yaml-cpp node store. yaml-cpp copies a whole store into another the first time a node of one is
// assigned into a tree of the other, and resolving presets assigns thousands of subtrees into fresh
// maps: shared, those copies cost nothing. Scopes nest; the outermost owns the store.
class YamlArena {
 public:
  YamlArena();
  ~YamlArena();
  YamlArena(const YamlArena&) = delete;
  YamlArena& operator=(const YamlArena&) = delete;

 private:
  bool outermost_;
};

// An empty map, in the thread's arena when there is one.
YAML::Node yaml_map();

// A deep copy that keeps every node's line and column (YAML::Clone drops them, and with them the
// place an error message cites); aliases become copies.
YAML::Node copy_tree(const YAML::Node& tree);

}  // namespace tilesim
