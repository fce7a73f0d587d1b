// The parsed ncnn benchmark table, with the shipped device map.
#include "hwmodels/soc_loader.hpp"
#include "traces/import_ncnn.hpp"
#include "traces/import_report.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "ncnn_benchmark.csv");
  static const std::string map_path = tilesim::data_root() + "/configs/validation/ncnn_devices.yaml";
  static const auto map = tilesim::load_ncnn_device_map(map_path);
  tilesim::ImportReport report;
  tilesim::fuzz::accept_bad_input([&] { tilesim::import_ncnn_benchmark(path, map, map_path, &report, ""); });
  return 0;
}
