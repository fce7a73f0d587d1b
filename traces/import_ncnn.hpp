#pragma once
// Importer for ncnn's published benchncnn results: the CSV parsed from Tencent/ncnn
// benchmark/README.md (../shared/validation-data/ncnn/ncnn_benchmark_readme_parsed.csv; columns
// run_id, readme_line, device_section, command, loop_count, num_threads, powersave, gpu_device,
// cooling_down, vulkan_devices_listed, model, min_ms, max_ms, avg_ms, blame_commit, blame_date).
//
// A row becomes one NetworkMeasurement when its device section maps to a built-in SoC (a device
// map such as configs/validation/ncnn_devices.yaml) and its model is a built-in classifier:
//   model      ncnn name -> zoo name (squeezenet -> squeezenet1_1, mobilenet_v3 -> mobilenet_v3_large,
//              ...; the .param files are SqueezeNet v1.1 and MobileNetV3-Large); *_int8 models and
//              detectors are skipped
//   model_file <models_dir>/<model>.param where it exists (the graph that was measured)
//   input      the size benchncnn.cpp runs each network at (227 squeezenet and alexnet, 300 SSD,
//              416/352/320 the YOLO family, 384 the ViT, 128 blazeface, 224 the other classifiers)
//   threads    num_threads; cores: powersave 0 -> all, 1 -> little, 2 -> big
//   device     gpu_device >= 0 -> gpu with engine ncnn-vulkan, else cpu with engine ncnn (an empty
//              gpu_device, from sections without a command line, is benchncnn's default -1)
//   precision  auto (ncnn picks fp16 storage and arithmetic where the cores or the GPU have it)
//   time       min_ms, max_ms, mean_ms = avg_ms, count = loop_count. The source gives no median:
//              median_ms stays 0 (unknown).
//   soc        the map's SoC, with its `set:` overrides in soc_overrides
//   source     "<csv file name>:<readme_line>" (the line of the README, not of the CSV)
// Rows left out are counted by reason in the ImportReport. Malformed input (a missing file or
// column, an unparsable number, a bad device map) throws ConfigError naming file, line and column.
#include <string>
#include <vector>

#include "traces/import_report.hpp"
#include "traces/trace.hpp"

namespace tilesim {

struct NcnnDeviceMapping {
  std::string match;             // the device_section text, or a substring only it contains
  std::string soc;               // a built-in SoC name
  std::vector<std::string> set;  // --set overrides for this device's clocks
  std::string note;
  bool soc_has_gpu = false;  // the resolved SoC has a GPU model
  int line = 0;              // 1-based line of the entry in the map file
};

// Reads and checks a device map: every SoC must be built in and resolve with its overrides.
std::vector<NcnnDeviceMapping> load_ncnn_device_map(const std::string& path);

// The mapping whose `match` equals `section`, else the one whose `match` is a substring of it;
// nullptr when none. Throws ConfigError when two substring matches compete.
const NcnnDeviceMapping* find_ncnn_device(const std::vector<NcnnDeviceMapping>& map, const std::string& section,
                                          const std::string& map_path);

struct NcnnModel {
  std::string zoo_name;     // "" when the row is skipped
  std::string skip_reason;  // why, when zoo_name is empty
};
NcnnModel ncnn_model(const std::string& ncnn_name);

// Input shape benchncnn gives a classifier (NCHW).
Shape ncnn_input_shape(const std::string& ncnn_name);

// `report` may be null. Where `models_dir` holds the benchmark's <model>.param, a row simulates
// that graph (model = the ncnn name, model_file = the .param), detectors and int8 networks
// included; elsewhere the built-in model it maps to.
std::vector<NetworkMeasurement> import_ncnn_benchmark(const std::string& csv_path, const std::string& device_map_path,
                                                      ImportReport* report, const std::string& models_dir = "");
// The same with the device map loaded already (`device_map_path` names it in messages).
std::vector<NetworkMeasurement> import_ncnn_benchmark(const std::string& csv_path, const std::vector<NcnnDeviceMapping>& map,
                                                      const std::string& device_map_path, ImportReport* report,
                                                      const std::string& models_dir = "");

}  // namespace tilesim
