// A trace in HDF5 (validate --trace F.h5), read as the program reads it: libhdf5 in a child process.
#include "traces/child_process.hpp"
#include "traces/trace.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A trace of the corpus reads in milliseconds; a contained libhdf5 hang then costs 1 s, not 20.
  static const bool limited = (tilesim::set_default_child_seconds(1), true);
  (void)limited;
  const std::string path = tilesim::fuzz::input_file(data, size, "trace.h5");
  tilesim::fuzz::accept_bad_input([&] { tilesim::read_trace(path); });
  return 0;
}
