#pragma once
// Loading configuration YAML files into checked trees: every key declared by its Section,
// every value valid for its declaration, presets resolved by name and `base:` inheritance.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hwmodels/section.hpp"

namespace tilesim {

std::string join_path(const std::string& path, const std::string& key);

// Names of the presets in configs/<dir>/ (file stems), sorted.
std::vector<std::string> preset_names(const std::string& dir);

// Parses a YAML file whose top level is a map; syntax errors become ConfigError with file:line:col,
// and so do keys that are not plain names, keys given twice and nesting deeper than 32 levels.
YAML::Node load_yaml_map(const std::string& file);

// The text of a node that must be a single value (a name, a description), or a located ConfigError.
std::string scalar_text(const YAML::Node& node, const NodeOrigin& where);

// Deep copy of `over` laid on a copy of `base`: maps merge key by key, anything else replaces.
YAML::Node merge(const YAML::Node& over, const YAML::Node& base);

// Checks `node` against `s` (unknown keys, units, ranges), resolving preset names and `base:`,
// and returns the merged tree. `depth` guards against presets that refer to each other in a loop.
YAML::Node resolve(const YAML::Node& node, const Section& s, const NodeOrigin& where, int depth = 0);

}  // namespace tilesim
