// README.md shows only what examples/ checks: every command in its code blocks is the command of an
// example, or is on the short list below with why it cannot be one; every output line it shows
// after a command is printed by that command's example, in order (`...` leaves lines out).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "tests/examples/example_file.hpp"
#include "tests/examples/readme_excerpts.hpp"

using namespace tilesim::test;

namespace {

struct Unchecked {
  const char* command;
  const char* why;
};

// README commands no example can check deterministically on a fresh clone.
const Unchecked kUnchecked[] = {
    {"scripts/setup.sh", "installs Debian packages, builds and probes this machine"},
    {"scripts/test.sh", "runs the whole test suite, this test among it"},
    {"build/tilesim socs", "its host row is this machine's probe"},
    {"build/tilesim record --model resnet18 --out host.h5 --threads 2", "times layers on this machine"},
    {"build/tilesim record --model resnet18 --engine xnnpack --out host-xnn.h5 --threads 2", "times layers on this machine"},
    {"build/tilesim validate --trace host.h5", "the trace just recorded on this machine"},
    {"build/tilesim calibrate --trace a.h5 --trace b.h5", "a.h5 and b.h5 stand for traces of your own"},
    {"build/tilesim record --model mine.onnx --out host.h5", "times layers on this machine; mine.onnx is yours"},
    {"build/tilesim calibrate --dataset ncnn --data ../shared/validation-data --out configs/calibration/ncnn.yaml",
     "rewrites the shipped calibration (half a minute); tests/cli calibrates on two SoCs"},
    {"build/tilesim validate --dataset ncnn --data ../shared/validation-data --cv device",
     "minutes over the whole dataset; tests/cli cross-validates three SoCs"},
};

bool is_unchecked(const std::string& command) {
  return std::any_of(std::begin(kUnchecked), std::end(kUnchecked), [&](const Unchecked& u) { return command == u.command; });
}

std::vector<ShownCommand> readme() {
  return shown_commands(read_text(std::filesystem::path(TILESIM_SOURCE_DIR) / "README.md"));
}

struct NamedExample {
  std::string file;
  Example example;
};

std::map<std::string, NamedExample> examples_by_command() {
  std::map<std::string, NamedExample> by_command;
  for (const auto& file : example_files()) {
    const std::string name = std::filesystem::relative(file, TILESIM_SOURCE_DIR).string();
    const Example e = parse_example(read_text(file), name);
    by_command[e.command] = {name, e};
  }
  return by_command;
}

}  // namespace

TEST_CASE("every_readme_command_is_a_checked_example") {
  const auto examples = examples_by_command();
  const auto shown = readme();
  REQUIRE(shown.size() > 10);
  for (const auto& s : shown) {
    if (s.command.empty() || is_unchecked(s.command)) continue;
    CHECK_MESSAGE(examples.count(s.command),
                  "README.md:" << s.line << ": `" << s.command
                               << "` is no example's command: add examples/NAME.example (examples/README.md), or "
                                  "list it with a reason in kUnchecked (tests/examples/test_readme_examples.cpp)");
  }
  // And the list names only what README.md still shows.
  for (const Unchecked& u : kUnchecked)
    CHECK_MESSAGE(std::any_of(shown.begin(), shown.end(), [&](const ShownCommand& s) { return s.command == u.command; }),
                  "`" << std::string(u.command) << "` is listed as unchecked but README.md no longer shows it");
}

TEST_CASE("every_output_line_the_readme_shows_is_printed_by_its_example") {
  const auto examples = examples_by_command();
  for (const auto& s : readme()) {
    if (s.output.empty()) continue;
    if (s.command.empty()) {
      FAIL_CHECK("README.md:" << s.line << ": a code block shows output before any command");
      continue;
    }
    if (is_unchecked(s.command)) {
      FAIL_CHECK("README.md:" << s.line << ": shows output of `" << s.command << "`, which no example checks");
      continue;
    }
    const auto it = examples.find(s.command);
    if (it == examples.end()) continue;  // every_readme_command_is_a_checked_example says so
    const auto stale = first_line_not_printed(s.output, it->second.example.out);
    CHECK_MESSAGE(!stale, "README.md:" << s.line + 1 + static_cast<int>(stale.value_or(0)) << ": after `" << s.command
                                       << "` it shows\n  " << (stale ? s.output[*stale] : "") << "\nwhich "
                                       << it->second.file << " does not print there: copy the excerpt from the example");
  }
}
