// An ncnn .param model file.
#include "tests/fuzz/fuzz_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tilesim::fuzz::load_and_simulate(tilesim::fuzz::input_file(data, size, "model.param"));
  return 0;
}
