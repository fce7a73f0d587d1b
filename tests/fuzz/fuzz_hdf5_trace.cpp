// A trace in HDF5 (validate --trace F.h5), read as the program reads it: libhdf5 in a child process.
#include "traces/trace.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "trace.h5");
  tilesim::fuzz::accept_bad_input([&] { tilesim::read_trace(path); });
  return 0;
}
