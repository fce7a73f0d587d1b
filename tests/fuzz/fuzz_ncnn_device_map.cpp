// The map from ncnn benchmark sections to SoCs (configs/validation/ncnn_devices.yaml).
#include "traces/import_ncnn.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "ncnn_devices.yaml");
  tilesim::fuzz::accept_bad_input([&] { tilesim::load_ncnn_device_map(path); });
  return 0;
}
