#pragma once
// Finding, resolving and checking SoC descriptions: presets composed by name (a cluster's
// `core: cortex-a76`, `memory: lpddr4x-2133`), `base:` inheritance, `--set KEY=VALUE` overrides.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hwmodels/soc.hpp"

namespace tilesim {

// The folder holding configs/ (TILESIM_DATA_DIR in the environment, else the source tree).
std::string data_root();

// Built-in SoC names (configs/socs/*.yaml), sorted.
std::vector<std::string> builtin_socs();
// Whether `tilesim probe-host` has described this machine (configs/socs/host.yaml).
bool host_is_probed();

// A name of a built-in SoC, or a path to a YAML file, resolved into one validated tree.
YAML::Node resolve_soc_tree(const std::string& name_or_path);

// Applies "dotted.key=VALUE" to a resolved tree; the key must be declared, the value valid.
void apply_override(YAML::Node& tree, const std::string& assignment);
// The declaration of a dotted key of a resolved tree, and its value there in SI units (its
// default where the tree leaves it out); ConfigError about "set" for a key that is not declared.
const ParamDecl& soc_setting(const YAML::Node& tree, const std::string& key);
double soc_setting_value(const YAML::Node& tree, const std::string& key);

SocSpec parse_soc(const YAML::Node& tree, const std::string& origin);

SocSpec load_soc(const std::string& name_or_path, const std::vector<std::string>& overrides = {});

}  // namespace tilesim
