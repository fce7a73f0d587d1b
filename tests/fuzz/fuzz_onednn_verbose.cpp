// A oneDNN verbose log (ONEDNN_VERBOSE=1).
#include "traces/import_onednn_verbose.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "verbose.log");
  tilesim::fuzz::accept_bad_input([&] { tilesim::import_onednn_verbose(path); });
  return 0;
}
