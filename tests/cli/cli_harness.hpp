#pragma once
// Runs the command line in-process and captures what it prints.
#include <sstream>
#include <string>
#include <vector>

#include "sim/app/cli.hpp"

namespace tilesim::test {

struct CliResult {
  int status;
  std::string out, err;
};

inline CliResult tilesim_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "tilesim");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int status = run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  return {status, out.str(), err.str()};
}

}  // namespace tilesim::test
