// The parsed AutoTVM tophub table.
#include "traces/import_tophub.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "tophub.csv");
  tilesim::fuzz::accept_bad_input([&] { tilesim::import_tophub(path); });
  return 0;
}
