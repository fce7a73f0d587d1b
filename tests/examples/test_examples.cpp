// examples/ holds the commands README.md shows, each with exactly what it prints (examples/README.md).
// A change to the program that moves an output is deliberate: regenerate with
// TILESIM_UPDATE_EXAMPLES=1 and carry the new lines into README.md (its test says which are stale).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/examples/example_file.hpp"
#include "tests/examples/example_runner.hpp"
#include "tests/examples/line_diff.hpp"

using namespace tilesim::test;

namespace {

const char* const kRegenerate = "(if the change is meant: TILESIM_UPDATE_EXAMPLES=1 ctest --test-dir build -R '^examples:')";

void check_stream(const std::string& name, const Example& e, const std::string& stream, const std::string& expected,
                  const std::string& printed) {
  const std::string diff = unified_diff(expected, printed, name + " (" + stream + " expected)",
                                        "`" + e.command + "` (" + stream + " printed)");
  CHECK_MESSAGE(diff.empty(), diff << kRegenerate);
}

}  // namespace

TEST_CASE("every_example_prints_its_expected_output") {
  const bool update = std::getenv("TILESIM_UPDATE_EXAMPLES") != nullptr;
  const auto files = example_files();
  REQUIRE(!files.empty());
  for (const auto& file : files) {
    const std::string name = std::filesystem::relative(file, TILESIM_SOURCE_DIR).string();
    const Example expected = parse_example(read_text(file), name);
    if (const std::string why = missing_input(expected); !why.empty()) {
      MESSAGE(name << ": skipped: " << why);
      continue;
    }
    const CliResult printed = run_example(expected);
    if (update) {
      Example now = expected;
      now.exit_status = printed.status;
      now.out = printed.out;
      now.err = printed.err;
      std::ofstream(file, std::ios::binary) << format_example(now);
      continue;
    }
    CHECK_MESSAGE(printed.status == expected.exit_status,
                  name << ": `" << expected.command << "` exited " << printed.status << ", not " << expected.exit_status);
    check_stream(name, expected, "stdout", expected.out, printed.out);
    check_stream(name, expected, "stderr", expected.err, printed.err);
  }
}
