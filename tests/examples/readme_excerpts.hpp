#pragma once
// What README.md shows of the command line: the commands in its code blocks, each with the lines of
// output printed after it, which may leave lines out with `...`.
#include <optional>
#include <string>
#include <vector>

namespace tilesim::test {

struct ShownCommand {
  std::string command;              // without `$ ` or a trailing `# comment`, blanks collapsed; "" for
                                    // output shown after no command
  int line = 0;                     // in the markdown, from 1
  std::vector<std::string> output;  // the lines after it, to the next command or the block's end
};

// In every fenced code block, a command is a line `$ ...`, or one starting build/tilesim or
// scripts/; `a; b` and `a && b` are two commands, the output after the line belonging to the last.
std::vector<ShownCommand> shown_commands(const std::string& markdown);

// The index in `shown` of the first line `printed` does not hold where it is shown, or nullopt when
// it holds them all in order, each run between `...` lines as consecutive lines.
std::optional<size_t> first_line_not_printed(const std::vector<std::string>& shown, const std::string& printed);

}  // namespace tilesim::test
