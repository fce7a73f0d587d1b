#include "kernels/engine_calibration.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "hwmodels/config_tree.hpp"
#include "hwmodels/soc_loader.hpp"

namespace tilesim {
namespace fs = std::filesystem;
namespace {

std::vector<ParamDecl> value_declarations() {
  std::vector<ParamDecl> out;
  for (const auto& [name, k] : kernel_class_names())
    for (DataType t : kAllPrecisions)
      out.push_back(ParamDecl{.key = EngineCalibration::efficiency_key(k, t), .unit = Unit::ratio,
                              .meaning = fmt::format("fitted fraction of peak {} loops reach in {}", name, to_string(t)),
                              .default_value = 0, .max = 1, .min_nonzero = 0.01});
  out.push_back(ParamDecl{.key = "barrier_overhead", .unit = Unit::seconds,
                          .meaning = "fitted barrier ending each parallel loop, at two threads", .default_value = -1,
                          .max = 1e-3});
  out.push_back(ParamDecl{.key = "wakeup_overhead", .unit = Unit::seconds,
                          .meaning = "fitted wake-up of the worker threads per layer, at two threads", .default_value = -1,
                          .max = 1e-3});
  out.push_back(ParamDecl{.key = "layer_overhead", .unit = Unit::seconds,
                          .meaning = "fitted fixed cost of running a layer, at any thread count", .default_value = -1,
                          .max = 1e-3});
  return out;
}

const Section& values_section() {
  static const Section s{.name = "calibrated core type", .meaning = "values fitted for one core family",
                         .params = value_declarations()};
  return s;
}

// The kernel class and precision each efficiency key names.
const std::map<std::string, std::pair<KernelClass, DataType>>& efficiency_cells() {
  static const auto cells = [] {
    std::map<std::string, std::pair<KernelClass, DataType>> m;
    for (const auto& [name, k] : kernel_class_names())
      for (DataType t : kAllPrecisions) m[EngineCalibration::efficiency_key(k, t)] = {k, t};
    return m;
  }();
  return cells;
}

// One set of values, each key declared and each value checked.
CalibratedValues read_values(const YAML::Node& node, const NodeOrigin& where, bool top_level) {
  if (!node.IsMap()) throw ConfigError(located(where.file, node.Mark().line, node.Mark().column, where.path, "expected a map of fitted values"));
  CalibratedValues v;
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    const NodeOrigin at{where.file, join_path(where.path, key)};
    if (top_level && (key == "source" || key == "fitted_on" || key == "cores")) continue;
    const ParamDecl* decl = values_section().param(key);
    if (!decl)
      throw ConfigError(located(where.file, kv.first.Mark().line, kv.first.Mark().column, at.path,
                                "unknown key in a calibration" + std::string(top_level ? "" : "'s core family")));
    const double x = check_param(kv.second, *decl, at);
    if (key == "barrier_overhead") v.barrier_overhead = x;
    else if (key == "wakeup_overhead") v.wakeup_overhead = x;
    else if (key == "layer_overhead") v.layer_overhead = x;
    else v.at(efficiency_cells().at(key).first, efficiency_cells().at(key).second) = x;
  }
  return v;
}

void write_values(YAML::Emitter& out, const CalibratedValues& v) {
  for (const auto& [name, k] : kernel_class_names())
    for (DataType t : kAllPrecisions)
      if (v.at(k, t) > 0)
        out << YAML::Key << EngineCalibration::efficiency_key(k, t) << YAML::Value << fmt::format("{:.4g}", v.at(k, t));
  if (v.barrier_overhead >= 0)
    out << YAML::Key << "barrier_overhead" << YAML::Value << fmt::format("{:.4g}us", v.barrier_overhead * 1e6);
  if (v.wakeup_overhead >= 0)
    out << YAML::Key << "wakeup_overhead" << YAML::Value << fmt::format("{:.4g}us", v.wakeup_overhead * 1e6);
  if (v.layer_overhead >= 0)
    out << YAML::Key << "layer_overhead" << YAML::Value << fmt::format("{:.4g}us", v.layer_overhead * 1e6);
}

}  // namespace

std::string EngineCalibration::efficiency_key(KernelClass k, DataType t) {
  return choice_name(kernel_class_names(), k) + "_" + std::string(to_string(t));
}

EngineCalibration EngineCalibration::load(const std::string& name, const NodeOrigin& named_at) {
  const bool is_path = name.find('/') != std::string::npos || name.ends_with(".yaml");
  const fs::path file = is_path ? fs::path(name) : fs::path(data_root()) / "configs" / "calibration" / (name + ".yaml");
  if (!fs::is_regular_file(file))
    throw ConfigError(located(named_at.file, -1, -1, named_at.path,
                              is_path ? fmt::format("no calibration file {}", name)
                                      : fmt::format("no calibration '{}' (configs/calibration/{}.yaml)", name, name)));
  const YAML::Node node = load_yaml_map(file.string());
  const NodeOrigin where{file.string(), ""};
  EngineCalibration c;
  if (node["source"]) c.source = scalar_text(node["source"], {where.file, "source"});
  c.pooled = read_values(node, where, true);
  const std::string list = node["fitted_on"] ? scalar_text(node["fitted_on"], {where.file, "fitted_on"}) : "";
  for (size_t start = 0; start < list.size();) {
    const size_t comma = std::min(list.find(',', start), list.size());
    std::string item = list.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) c.fitted_on.push_back(item);
    start = comma + 1;
  }
  if (const YAML::Node cores = node["cores"]) {
    if (!cores.IsMap()) throw ConfigError(located(where.file, cores.Mark().line, cores.Mark().column, "cores", "expected a map of core families"));
    for (const auto& kv : cores) {
      const std::string& family = kv.first.Scalar();
      c.cores[family] = read_values(kv.second, NodeOrigin{where.file, "cores." + family}, false);
    }
  }
  return c;
}

YAML::Emitter& EngineCalibration::write(YAML::Emitter& out) const {
  out << YAML::BeginMap << YAML::Key << "source" << YAML::Value << source;
  std::string devices;
  for (const auto& d : fitted_on) devices += (devices.empty() ? "" : ", ") + d;
  out << YAML::Key << "fitted_on" << YAML::Value << devices;
  write_values(out, pooled);
  out << YAML::Key << "cores" << YAML::Value << YAML::BeginMap;
  for (const auto& [family, v] : cores) {
    out << YAML::Key << family << YAML::Value << YAML::Flow << YAML::BeginMap;
    write_values(out, v);
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return out;
}

}  // namespace tilesim
