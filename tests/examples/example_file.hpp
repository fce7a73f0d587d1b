#pragma once
// One file of examples/: a command as typed at the repository root, and exactly what it prints.
// examples/README.md describes the format.
#include <filesystem>
#include <string>
#include <vector>

namespace tilesim::test {

struct Example {
  std::string comment;  // the `#` lines before the command, verbatim (each ends in '\n')
  std::string command;  // the `$ ` line without its prompt
  int exit_status = 0;
  bool in_temporary_directory = false;  // it writes files
  std::string out, err;                 // what it prints on each stream, byte for byte
  bool operator==(const Example&) const = default;
};

// Throws std::runtime_error naming `file` and the line where the text is not an example.
Example parse_example(const std::string& text, const std::string& file);

// The file's text; throws std::runtime_error where parse_example would not read `e` back (an
// output line that looks like a directive, a stdout without a final newline before a stderr).
std::string format_example(const Example& e);

std::string read_text(const std::filesystem::path& file);

// examples/*.example in the source tree, sorted.
std::vector<std::filesystem::path> example_files();

}  // namespace tilesim::test
