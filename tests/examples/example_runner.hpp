#pragma once
// Runs an example's command in-process (run_cli, as the CLI tests do), from the repository root as
// a user would type it there.
#include <string>
#include <vector>

#include "tests/cli/cli_harness.hpp"
#include "tests/examples/example_file.hpp"

namespace tilesim::test {

// The command's words as a shell splits them (blanks; single and double quotes). Throws
// std::runtime_error where it is not one run of build/tilesim: another program, `;`, `&&`, `|`,
// a redirection.
std::vector<std::string> command_words(const std::string& command);

// Why the example cannot run on this machine ("" when it can): it reads ../shared, which is absent,
// or an ONNX file under models/ that was not exported.
std::string missing_input(const Example& e);

// What the command prints and its exit status. `models/` in an argument is the build tree's
// onnx_models/ (what ctest's fixture export_onnx_models exports); an example that writes files runs
// in a fresh temporary directory in which every entry of the repository root is linked.
CliResult run_example(const Example& e);

}  // namespace tilesim::test
