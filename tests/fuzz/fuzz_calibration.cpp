// A calibration file (configs/calibration/NAME.yaml, or a profile's `calibration:` path).
#include "kernels/engine_calibration.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "calibration.yaml");
  tilesim::fuzz::accept_bad_input([&] { tilesim::EngineCalibration::load(path, {}); });
  return 0;
}
