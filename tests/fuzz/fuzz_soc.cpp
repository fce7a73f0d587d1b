// A SoC description file, as `--soc FILE` reads it.
#include "hwmodels/soc_loader.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "soc.yaml");
  tilesim::fuzz::accept_bad_input([&] { tilesim::load_soc(path); });
  return 0;
}
