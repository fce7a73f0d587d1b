// `--set dotted.key=VALUE` overrides, one per line, on a built-in SoC.
#include <sstream>

#include "hwmodels/soc_loader.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> sets;
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(lines, line);) sets.push_back(line);
  tilesim::fuzz::accept_bad_input([&] { tilesim::load_soc("snapdragon855", sets); });
  return 0;
}
