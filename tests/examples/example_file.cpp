#include "tests/examples/example_file.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace tilesim::test {
namespace {

constexpr std::string_view kPrompt = "$ ";
constexpr std::string_view kDirective = "! ";
constexpr std::string_view kExit = "! exit ";
constexpr std::string_view kInTemporaryDirectory = "! in a temporary directory";
constexpr std::string_view kStderr = "! stderr";

}  // namespace

Example parse_example(const std::string& text, const std::string& file) {
  Example e;
  size_t at = 0;  // where the current line starts
  int line = 1;
  const auto fail = [&](const std::string& why) {
    throw std::runtime_error(file + ":" + std::to_string(line) + ": " + why);
  };
  const auto current = [&] { return std::string_view(text).substr(at, text.find('\n', at) - at); };
  const auto advance = [&] {
    at = std::min(text.size(), at + current().size() + 1);
    ++line;
  };
  for (; !current().starts_with(kPrompt); advance()) {
    if (at >= text.size()) fail("no `$ ` command line");
    if (!current().starts_with('#')) fail("only `#` comment lines come before the `$ ` command line");
    e.comment += std::string(current()) + '\n';
  }
  e.command = std::string(current().substr(kPrompt.size()));
  if (e.command.empty()) fail("an empty command");
  advance();
  for (; at < text.size() && current().starts_with(kDirective) && current() != kStderr; advance()) {
    const std::string_view d = current();
    if (d.starts_with(kExit)) {
      const std::string_view n = d.substr(kExit.size());
      if (std::from_chars(n.data(), n.data() + n.size(), e.exit_status).ptr != n.data() + n.size())
        fail("`! exit N` wants a number");
    } else if (d == kInTemporaryDirectory) {
      e.in_temporary_directory = true;
    } else {
      fail("unknown directive '" + std::string(d) + "' (there are `! exit N`, `! in a temporary directory`, `! stderr`)");
    }
  }
  // The rest is stdout, up to a line `! stderr`; stderr follows it.
  const std::string body = text.substr(at);
  const std::string marker = std::string(kStderr) + '\n';
  size_t split = body.starts_with(marker) ? 0 : body.find('\n' + marker);
  if (split == std::string::npos) {
    e.out = body;
    return e;
  }
  if (split != 0) ++split;  // stdout keeps its last newline
  e.out = body.substr(0, split);
  e.err = body.substr(split + marker.size());
  return e;
}

std::string format_example(const Example& e) {
  std::string text = e.comment + std::string(kPrompt) + e.command + '\n';
  if (e.exit_status != 0) text += std::string(kExit) + std::to_string(e.exit_status) + '\n';
  if (e.in_temporary_directory) text += std::string(kInTemporaryDirectory) + '\n';
  text += e.out;
  if (!e.err.empty()) text += std::string(kStderr) + '\n' + e.err;
  if (parse_example(text, "`" + e.command + "`") != e)
    throw std::runtime_error("`" + e.command + "`: what it prints cannot be written as an example (an output line "
                             "starting `! `, or stdout without a final newline before stderr)");
  return text;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::filesystem::path> example_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(TILESIM_SOURCE_DIR) / "examples"))
    if (entry.path().extension() == ".example") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace tilesim::test
