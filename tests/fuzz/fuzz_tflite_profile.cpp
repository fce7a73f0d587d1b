// A TFLite benchmark_model op profile.
#include "traces/import_tflite_profile.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "profile.txt");
  tilesim::fuzz::accept_bad_input([&] { tilesim::import_tflite_profile(path); });
  return 0;
}
