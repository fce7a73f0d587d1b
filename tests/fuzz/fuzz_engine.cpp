// An engine profile file, as `--engine FILE` reads it (with the calibration it names).
#include "kernels/engine_profile.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "engine.yaml");
  tilesim::fuzz::accept_bad_input([&] { tilesim::load_engine(path); });
  return 0;
}
