#include "kernels/engine_calibration.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "hwmodels/config_tree.hpp"

namespace tilesim {
namespace {

constexpr std::array<DataType, kPrecisions> kAllPrecisions{DataType::fp32, DataType::fp16, DataType::int8};

std::string precision_name(DataType t) { return t == DataType::fp32 ? "fp32" : t == DataType::fp16 ? "fp16" : "int8"; }

std::vector<ParamDecl> value_declarations() {
  std::vector<ParamDecl> out;
  for (const auto& [name, k] : kernel_class_names())
    for (DataType t : kAllPrecisions)
      out.push_back(ParamDecl{.key = EngineCalibration::efficiency_key(k, t), .unit = Unit::ratio,
                              .meaning = fmt::format("fitted fraction of peak {} loops reach in {}", name, precision_name(t)),
                              .default_value = 0, .min = 0, .max = 1});
  out.push_back(ParamDecl{.key = "barrier_overhead", .unit = Unit::seconds,
                          .meaning = "fitted barrier ending each parallel loop, at two threads", .default_value = -1,
                          .min = -1, .max = 1e-3});
  out.push_back(ParamDecl{.key = "wakeup_overhead", .unit = Unit::seconds,
                          .meaning = "fitted wake-up of the worker threads per layer, at two threads", .default_value = -1,
                          .min = -1, .max = 1e-3});
  out.push_back(ParamDecl{.key = "layer_overhead", .unit = Unit::seconds,
                          .meaning = "fitted fixed cost of running a layer, at any thread count", .default_value = -1,
                          .min = -1, .max = 1e-3});
  return out;
}

const Section& values_section() {
  static const Section s{.name = "calibrated core type", .meaning = "values fitted for one core family",
                         .params = value_declarations()};
  return s;
}

CalibratedValues read_values(const YAML::Node& node, const NodeOrigin& where) {
  CalibratedValues v;
  if (!node) return v;
  auto number = [&](const std::string& key) -> std::optional<double> {
    const YAML::Node n = node[key];
    if (!n) return std::nullopt;
    return check_param(n, *values_section().param(key), NodeOrigin{where.file, join_path(where.path, key)});
  };
  for (const auto& [name, k] : kernel_class_names())
    for (DataType t : kAllPrecisions)
      if (auto x = number(EngineCalibration::efficiency_key(k, t))) v.at(k, t) = *x;
  if (auto x = number("barrier_overhead")) v.barrier_overhead = *x;
  if (auto x = number("wakeup_overhead")) v.wakeup_overhead = *x;
  if (auto x = number("layer_overhead")) v.layer_overhead = *x;
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
  return choice_name(kernel_class_names(), k) + "_" + precision_name(t);
}

const Section& EngineCalibration::section() {
  static const Section cores{.name = "cores", .meaning = "fitted values per core family (the root preset of a core's base chain)",
                             .named_items = &values_section()};
  static const Section s{.name = "calibration", .meaning = "an engine's fitted values (tilesim calibrate)",
                         .params = [] {
                           auto p = value_declarations();
                           p.push_back({.key = "fitted_on", .meaning = "the devices (SoCs) whose rows fitted it, comma-separated",
                                        .default_text = "none", .is_text = true});
                           return p;
                         }(), .children = {{"cores", &cores}}, .preset_dir = "calibration"};
  return s;
}

EngineCalibration EngineCalibration::read(const YAML::Node& resolved, const NodeOrigin& where) {
  EngineCalibration c;
  if (!resolved) return c;
  c.source = resolved["source"].as<std::string>("");
  if (resolved["fitted_on"]) {
    std::string list = value_node(resolved["fitted_on"]).Scalar();
    for (size_t start = 0; start <= list.size();) {
      const size_t comma = std::min(list.find(',', start), list.size());
      std::string item = list.substr(start, comma - start);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (!item.empty()) c.fitted_on.push_back(item);
      start = comma + 1;
    }
  }
  c.pooled = read_values(resolved, where);
  for (const auto& kv : resolved["cores"]) {
    const auto family = kv.first.as<std::string>();
    c.cores[family] = read_values(kv.second, NodeOrigin{where.file, join_path(where.path, "cores." + family)});
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
