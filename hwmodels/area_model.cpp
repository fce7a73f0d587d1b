#include "hwmodels/area_model.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "hwmodels/config_tree.hpp"
#include "hwmodels/soc_loader.hpp"

namespace tilesim {
namespace {

const ParamDecl kArea{.key = "area", .unit = Unit::area, .meaning = "silicon area", .min = 1e-9, .max = 1e-3};
const ParamDecl kSram{.key = "sram_area_per_mib", .unit = Unit::area,
                      .meaning = "area of 1 MiB of cache as built (bitcells, tags, periphery)", .min = 1e-9, .max = 1e-4};

YAML::Node section_of(const YAML::Node& root, const std::string& key, const std::string& file) {
  const YAML::Node n = root[key];
  if (!n || !n.IsMap())
    throw ConfigError(located(file, root.Mark().line, root.Mark().column, key, "expected a map of named entries"));
  return n;
}

// `processes` must already be loaded: every part names one of them.
AreaModel::Part part(const YAML::Node& entry, const std::string& path, const AreaModel& m, const std::string& file) {
  if (!entry.IsMap()) throw ConfigError(located(file, entry.Mark().line, entry.Mark().column, path, "expected a map"));
  for (const auto& kv : entry) {
    const std::string k = kv.first.Scalar();
    if (k != "area" && k != "process" && !is_metadata_key(k))
      throw ConfigError(located(file, kv.first.Mark().line, kv.first.Mark().column, path + "." + k,
                                "unknown key; expected area and process"));
  }
  if (!entry["area"] || !entry["process"])
    throw ConfigError(located(file, entry.Mark().line, entry.Mark().column, path, "needs area and process"));
  AreaModel::Part p;
  p.area = check_param(entry["area"], kArea, NodeOrigin{file, path + ".area"});
  p.process = scalar_text(entry["process"], NodeOrigin{file, path + ".process"});
  if (!m.sram_area_per_byte.count(p.process))
    throw ConfigError(located(file, entry["process"].Mark().line, entry["process"].Mark().column, path + ".process",
                              fmt::format("'{}' is not one of processes", p.process)));
  return p;
}

// The shader cores a GPU preset declares, by which its measured area is divided.
int64_t preset_shader_cores(const std::string& gpu, const std::string& file, const YAML::Node& at) {
  const std::string preset = fmt::format("{}/configs/gpus/{}.yaml", data_root(), gpu);
  if (!std::filesystem::exists(preset))
    throw ConfigError(located(file, at.Mark().line, at.Mark().column, "gpus." + gpu, "no GPU preset of that name"));
  const YAML::Node n = load_yaml_map(preset)["shader_cores"];
  const YAML::Node v = n && n.IsMap() ? n["value"] : n;
  return v ? v.as<int64_t>(0) : 0;
}

}  // namespace

AreaModel AreaModel::load(const std::string& file) {
  const YAML::Node root = load_yaml_map(file);
  AreaModel m;
  for (const auto& kv : section_of(root, "processes", file)) {
    const std::string path = "processes." + kv.first.Scalar();
    if (!kv.second.IsMap() || !kv.second["sram_area_per_mib"])
      throw ConfigError(located(file, kv.second.Mark().line, kv.second.Mark().column, path, "needs sram_area_per_mib"));
    m.sram_area_per_byte[kv.first.Scalar()] =
        check_param(kv.second["sram_area_per_mib"], kSram, NodeOrigin{file, path + ".sram_area_per_mib"}) / 1048576.0;
  }
  for (const auto& kv : section_of(root, "cores", file))
    m.cores[kv.first.Scalar()] = part(kv.second, "cores." + kv.first.Scalar(), m, file);
  for (const auto& kv : section_of(root, "gpus", file)) {
    Part p = part(kv.second, "gpus." + kv.first.Scalar(), m, file);
    const int64_t cores = preset_shader_cores(kv.first.Scalar(), file, kv.first);
    if (cores <= 0)
      throw ConfigError(located(file, kv.first.Mark().line, kv.first.Mark().column, "gpus." + kv.first.Scalar(),
                                "its preset declares no shader_cores"));
    p.area /= static_cast<double>(cores);
    m.gpu_cores[kv.first.Scalar()] = p;
  }
  return m;
}

const AreaModel& AreaModel::builtin() {
  static const AreaModel m = load(fmt::format("{}/configs/area.yaml", data_root()));
  return m;
}

SocArea soc_area(const SocSpec& soc, const AreaModel& m) {
  SocArea a;
  const auto sram = [&](const std::string& process) { return m.sram_area_per_byte.at(process); };
  std::string shared_process;  // of the first cluster with a known core: the L3 and system cache
  for (const ClusterSpec& c : soc.clusters) {
    const auto it = m.cores.find(c.core.family);
    if (it == m.cores.end()) {
      a.unknown.push_back(fmt::format("core family '{}'", c.core.family));
      continue;
    }
    const double n = static_cast<double>(c.count);
    a.cores += n * it->second.area;
    double cache = c.l2 ? c.l2->size : 0;
    if (c.core.l2) cache += n * c.core.l2->size;
    a.caches += cache * sram(it->second.process);
    if (shared_process.empty()) shared_process = it->second.process;
  }
  const double shared = (soc.l3 ? soc.l3->size : 0) + (soc.memory.system_cache ? soc.memory.system_cache->size : 0);
  if (shared > 0) {
    if (shared_process.empty()) a.unknown.push_back("shared caches (no core of a known process)");
    else a.caches += shared * sram(shared_process);
  }
  if (soc.gpu) {
    const auto it = m.gpu_cores.find(soc.gpu->family);
    if (it == m.gpu_cores.end()) a.unknown.push_back(fmt::format("GPU family '{}'", soc.gpu->family));
    else a.gpu = static_cast<double>(soc.gpu->shader_cores) * it->second.area;
  }
  return a;
}

}  // namespace tilesim
