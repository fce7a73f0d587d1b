#include "traces/import_ncnn.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/config_tree.hpp"
#include "hwmodels/soc_loader.hpp"
#include "traces/csv_reader.hpp"

namespace tilesim {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

ConfigError map_error(const std::string& path, const YAML::Node& at, const std::string& key, const std::string& msg) {
  return ConfigError(located(path, at.Mark().line, at.Mark().column, key, msg));
}

std::string scalar(const std::string& path, const YAML::Node& entry, const std::string& key, bool required) {
  const YAML::Node v = entry[key];
  if (!v) {
    if (required) throw map_error(path, entry, key, "missing (each device needs match and soc)");
    return "";
  }
  if (!v.IsScalar()) throw map_error(path, v, key, "expected a string");
  const std::string s = v.as<std::string>();
  if (required && s.empty()) throw map_error(path, v, key, "empty");
  return s;
}

// Vulkan device names that are no SoC's integrated GPU: software renderers and discrete cards.
bool foreign_vulkan_device(const std::string& listed) {
  static constexpr std::array<const char*, 9> kForeign = {"llvmpipe", "lavapipe", "swiftshader", "geforce", "quadro",
                                                          "radeon",   "rtx",      "tesla",       "intel"};
  const std::string l = lower(listed);
  return std::any_of(kForeign.begin(), kForeign.end(), [&](const char* f) { return l.find(f) != std::string::npos; });
}

}  // namespace

std::vector<NcnnDeviceMapping> load_ncnn_device_map(const std::string& path) {
  const YAML::Node root = load_yaml_map(path);
  for (const auto& kv : root)
    if (kv.first.as<std::string>() != "devices")
      throw map_error(path, kv.first, kv.first.as<std::string>(), "unknown key (the map has only 'devices')");
  const YAML::Node devices = root["devices"];
  if (!devices || !devices.IsSequence()) throw map_error(path, root, "devices", "expected a list of devices");
  const std::vector<std::string> socs = builtin_socs();
  std::vector<NcnnDeviceMapping> out;
  for (const auto& entry : devices) {
    if (!entry.IsMap()) throw map_error(path, entry, "devices", "each device is a map with match, soc, set, note");
    for (const auto& kv : entry) {
      const std::string k = kv.first.as<std::string>();
      if (k != "match" && k != "soc" && k != "set" && k != "note") {
        const std::string hint = nearest(k, {"match", "soc", "set", "note"});
        throw map_error(path, kv.first, k,
                        fmt::format("unknown key{}", hint.empty() ? "" : fmt::format(" (is '{}' meant?)", hint)));
      }
    }
    NcnnDeviceMapping m;
    m.line = entry.Mark().line + 1;
    m.match = scalar(path, entry, "match", true);
    m.soc = scalar(path, entry, "soc", true);
    m.note = scalar(path, entry, "note", false);
    if (const YAML::Node set = entry["set"]) {
      if (!set.IsSequence()) throw map_error(path, set, "set", "expected a list of \"dotted.key=VALUE\" strings");
      for (const auto& s : set) {
        if (!s.IsScalar() || s.as<std::string>().find('=') == std::string::npos)
          throw map_error(path, s, "set", "expected \"dotted.key=VALUE\"");
        m.set.push_back(s.as<std::string>());
      }
    }
    if (std::find(socs.begin(), socs.end(), m.soc) == socs.end()) {
      const std::string hint = nearest(m.soc, socs);
      throw map_error(path, entry["soc"], "soc",
                      fmt::format("'{}' is not a built-in SoC{}; `tilesim socs` lists them", m.soc,
                                  hint.empty() ? "" : fmt::format(" (is '{}' meant?)", hint)));
    }
    try {
      m.soc_has_gpu = load_soc(m.soc, m.set).gpu.has_value();
    } catch (const ConfigError& e) {
      throw map_error(path, entry["set"] ? entry["set"] : entry["soc"], m.set.empty() ? "soc" : "set",
                      fmt::format("{} does not resolve: {}", m.soc, e.what()));
    }
    for (const auto& prior : out)
      if (prior.match == m.match)
        throw map_error(path, entry["match"], "match",
                        fmt::format("the same text as the entry on line {}", prior.line));
    out.push_back(std::move(m));
  }
  return out;
}

const NcnnDeviceMapping* find_ncnn_device(const std::vector<NcnnDeviceMapping>& map, const std::string& section,
                                          const std::string& map_path) {
  for (const auto& m : map)
    if (m.match == section) return &m;
  const NcnnDeviceMapping* found = nullptr;
  for (const auto& m : map) {
    if (section.find(m.match) == std::string::npos) continue;
    if (found)
      throw ConfigError(
          fmt::format("{}: device section '{}' matches the entries on lines {} and {}; make one match "
                      "the whole text",
                      map_path, section, found->line, m.line));
    found = &m;
  }
  return found;
}

NcnnModel ncnn_model(const std::string& ncnn_name) {
  // ncnn benchmark/models/*.param name -> built-in model. squeezenet.param is SqueezeNet v1.1
  // (conv1 3x3/2 with 64 filters, pooling after fire3 and fire5); mobilenet_v3.param is
  // MobileNetV3-Large (16 -> 24 (expand 64) -> 24 (72) -> 40 (72, 5x5, SE) ...).
  static const std::map<std::string, std::string> kZoo = {
      {"mobilenet", "mobilenet"},
      {"mobilenet_v2", "mobilenet_v2"},
      {"mobilenet_v3", "mobilenet_v3_large"},
      {"shufflenet", "shufflenet"},
      {"shufflenet_v2", "shufflenet_v2_x1_0"},
      {"squeezenet", "squeezenet1_1"},
      {"googlenet", "googlenet"},
      {"resnet18", "resnet18"},
      {"resnet50", "resnet50"},
      {"vgg16", "vgg16"},
      {"alexnet", "alexnet"},
      {"mnasnet", "mnasnet1_0"},
      {"efficientnet_b0", "efficientnet_b0"},
      {"regnety_400m", "regnet_y_400mf"},
      {"proxylessnasnet", "proxylessnas_mobile"},
  };
  if (auto it = kZoo.find(ncnn_name); it != kZoo.end()) return {it->second, ""};
  const std::string l = lower(ncnn_name);
  if (l.find("int8") != std::string::npos) return {"", "int8 model"};
  for (const char* d : {"ssd", "yolo", "det", "blazeface"})
    if (l.find(d) != std::string::npos) return {"", "detector, not a classifier"};
  return {"", "model not built in"};
}

Shape ncnn_input_shape(const std::string& ncnn_name) {
  // benchmark/benchncnn.cpp: the size each network is run at (int8 variants as their fp32 ones).
  static const std::map<std::string, int64_t> kSide = {
      {"squeezenet", 227}, {"squeezenet_int8", 227}, {"alexnet", 227}, {"blazeface", 128},
      {"squeezenet_ssd", 300}, {"squeezenet_ssd_int8", 300}, {"mobilenet_ssd", 300}, {"mobilenet_ssd_int8", 300},
      {"mobilenet_yolo", 416}, {"yolov4-tiny", 416}, {"mobilenetv2_yolov3", 352}, {"yolo-fastestv2", 352},
      {"FastestDet", 352}, {"nanodet_m", 320}, {"yolo-fastest-1.1", 320}, {"vision_transformer", 384},
  };
  const auto it = kSide.find(ncnn_name);
  const int64_t side = it == kSide.end() ? 224 : it->second;
  return {1, 3, side, side};
}

std::vector<NetworkMeasurement> import_ncnn_benchmark(const std::string& csv_path, const std::string& device_map_path,
                                                      ImportReport* report, const std::string& models_dir) {
  return import_ncnn_benchmark(csv_path, load_ncnn_device_map(device_map_path), device_map_path, report, models_dir);
}

std::vector<NetworkMeasurement> import_ncnn_benchmark(const std::string& csv_path, const std::vector<NcnnDeviceMapping>& map,
                                                      const std::string& device_map_path, ImportReport* report,
                                                      const std::string& models_dir) {
  const CsvTable csv = CsvTable::read(csv_path);
  const size_t c_line = csv.column("readme_line"), c_section = csv.column("device_section"),
               c_loops = csv.column("loop_count"), c_threads = csv.column("num_threads"),
               c_powersave = csv.column("powersave"), c_gpu = csv.column("gpu_device"),
               c_vulkan = csv.column("vulkan_devices_listed"), c_model = csv.column("model"),
               c_min = csv.column("min_ms"), c_max = csv.column("max_ms"), c_avg = csv.column("avg_ms");
  const std::string file_name = std::filesystem::path(csv_path).filename().string();

  ImportReport local;
  ImportReport& r = report ? *report : local;
  r.source = csv_path;
  std::vector<NetworkMeasurement> out;
  for (const CsvRecord& row : csv.rows()) {
    ++r.rows_read;
    // Every row is parsed, mapped or not, so that a malformed file fails as a whole.
    const int64_t readme_line = csv.integer(row, c_line);
    const int64_t loops = csv.integer(row, c_loops);
    const int64_t threads = csv.integer(row, c_threads);
    const int64_t powersave = csv.integer(row, c_powersave);
    const std::string& gpu_text = csv.text(row, c_gpu);
    const int64_t gpu = gpu_text.find_first_not_of(" \t") == std::string::npos ? -1 : csv.integer(row, c_gpu);
    const double t_min = csv.number(row, c_min), t_max = csv.number(row, c_max), t_avg = csv.number(row, c_avg);
    if (loops < 1) throw ConfigError(fmt::format("{}: {} runs; at least 1 is needed", csv.where(row, c_loops), loops));
    if (threads < 1)
      throw ConfigError(fmt::format("{}: {} threads; at least 1 is needed", csv.where(row, c_threads), threads));
    if (powersave < 0 || powersave > 2)
      throw ConfigError(fmt::format("{}: {} is not a benchncnn powersave mode (0 all cores, 1 little, 2 big)",
                                    csv.where(row, c_powersave), powersave));
    if (gpu < -1)
      throw ConfigError(fmt::format("{}: {} is not a Vulkan device index (-1 = CPU)", csv.where(row, c_gpu), gpu));

    const NcnnDeviceMapping* device = find_ncnn_device(map, csv.text(row, c_section), device_map_path);
    if (!device) {
      r.skip("device not mapped");
      continue;
    }
    const std::string& ncnn_name = csv.text(row, c_model);
    const NcnnModel model = ncnn_model(ncnn_name);
    // What was measured is the benchmark's own .param graph: simulate it wherever it is at hand.
    std::string model_file;
    if (!models_dir.empty() && ncnn_name.find('/') == std::string::npos && !ncnn_name.empty()) {
      const auto p = std::filesystem::path(models_dir) / (ncnn_name + ".param");
      if (std::filesystem::is_regular_file(p)) model_file = p.string();
    }
    if (model.zoo_name.empty() && model_file.empty()) {
      r.skip(model.skip_reason + (models_dir.empty() ? "" : " and no .param file"));
      continue;
    }
    if (gpu >= 0 && lower(ncnn_name).find("int8") != std::string::npos) {
      // ncnn's Vulkan layers refuse int8 weights (support_vulkan = false): they run on the CPU,
      // between GPU layers, with copies both ways.
      r.skip("int8 network on Vulkan: its int8 layers run on the CPU, a mixed run not modelled");
      continue;
    }
    if (gpu >= 0 && !device->soc_has_gpu) {
      r.skip("GPU run, the SoC has no GPU model");
      continue;
    }
    // The SoC's own GPU is Vulkan device 0 on these boards and phones; another index, or a
    // software renderer or discrete card listed first, is not what the SoC describes.
    if (gpu > 0 || (gpu == 0 && foreign_vulkan_device(csv.text(row, c_vulkan)))) {
      r.skip("Vulkan device not the SoC's GPU");
      continue;
    }
    if (!(t_min > 0 && t_min <= t_avg && t_avg <= t_max)) {
      r.skip("inconsistent times (need 0 < min <= avg <= max)");
      continue;
    }

    NetworkMeasurement m;
    m.model = model_file.empty() ? model.zoo_name : ncnn_name;
    m.model_file = model_file;
    m.soc = device->soc;
    m.soc_overrides = device->set;
    m.device = gpu >= 0 ? "gpu" : "cpu";
    m.engine = gpu >= 0 ? "ncnn-vulkan" : "ncnn";
    m.threads = threads;
    m.cores = powersave == 1 ? "little" : powersave == 2 ? "big" : "all";
    m.precision = "auto";
    m.input = ncnn_input_shape(ncnn_name);
    m.time.min_ms = t_min;
    m.time.median_ms = 0;  // not in the source
    m.time.mean_ms = t_avg;
    m.time.max_ms = t_max;
    m.time.count = loops;
    m.source = fmt::format("{}:{}", file_name, readme_line);
    out.push_back(std::move(m));
    ++r.rows_imported;
  }
  return out;
}

}  // namespace tilesim
