// A trace in the generic CSV form (validate --trace F.csv).
#include "traces/trace.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "trace.csv");
  tilesim::fuzz::accept_bad_input([&] { tilesim::read_trace(path); });
  return 0;
}
