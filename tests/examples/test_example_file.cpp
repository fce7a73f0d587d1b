// The example file format (examples/README.md) reads back exactly what was written, and refuses
// what it could not read back.
#include <doctest/doctest.h>

#include <stdexcept>

#include "tests/examples/example_file.hpp"

using namespace tilesim::test;

TEST_CASE("an_example_reads_back_exactly_as_it_was_written") {
  Example e;
  e.comment = "# why this example\n";
  e.command = "build/tilesim run --model nosuchnet";
  e.exit_status = 2;
  e.in_temporary_directory = true;
  e.out = "a line\n\n  indented, then a blank line above\n";
  e.err = "tilesim: error: unknown model\n";
  const std::string text = format_example(e);
  CHECK(text ==
        "# why this example\n$ build/tilesim run --model nosuchnet\n! exit 2\n! in a temporary directory\n"
        "a line\n\n  indented, then a blank line above\n! stderr\ntilesim: error: unknown model\n");
  CHECK(parse_example(text, "e.example") == e);
  e.out = "";  // only stderr
  CHECK(parse_example(format_example(e), "e.example") == e);
  e.err = "";
  e.out = "no final newline";
  CHECK(parse_example(format_example(e), "e.example") == e);
}

TEST_CASE("an_output_the_format_cannot_hold_is_refused_not_written") {
  Example e;
  e.command = "build/tilesim models";
  e.out = "! looks like a directive\n";
  CHECK_THROWS_AS(format_example(e), std::runtime_error);
  e.out = "no final newline";
  e.err = "and a stderr";
  CHECK_THROWS_AS(format_example(e), std::runtime_error);
}

TEST_CASE("a_malformed_example_file_is_an_error_naming_its_line") {
  CHECK_THROWS_WITH_AS(parse_example("# fine\nnot a comment\n$ build/tilesim run\n", "x.example"),
                       "x.example:2: only `#` comment lines come before the `$ ` command line", std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_example("$ build/tilesim run\n! exit two\n", "x.example"),
                       "x.example:2: `! exit N` wants a number", std::runtime_error);
  CHECK_THROWS_AS(parse_example("$ build/tilesim run\n! exits 2\n", "x.example"), std::runtime_error);
  CHECK_THROWS_AS(parse_example("# only a comment\n", "x.example"), std::runtime_error);
}
