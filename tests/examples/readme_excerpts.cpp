#include "tests/examples/readme_excerpts.hpp"

#include <algorithm>
#include <sstream>
#include <string_view>

namespace tilesim::test {
namespace {

constexpr std::string_view kFence = "```";
constexpr std::string_view kPrompt = "$ ";
constexpr std::string_view kElided = "...";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool is_command(const std::string& line) {
  return line.starts_with(kPrompt) || line.starts_with("build/tilesim") || line.starts_with("scripts/");
}

// Blanks collapsed to one space, none at the ends.
std::string collapsed(const std::string& text) {
  std::istringstream words(text);
  std::string out;
  for (std::string w; words >> w;) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The commands of one command line: its prompt and trailing comment dropped, split at `;` and `&&`.
std::vector<std::string> commands_of(std::string line) {
  if (line.starts_with(kPrompt)) line.erase(0, kPrompt.size());
  if (const size_t comment = line.find(" #"); comment != std::string::npos) line.erase(comment);
  std::vector<std::string> commands;
  size_t at = 0;
  while (true) {
    const size_t semicolon = line.find(';', at), conjunction = line.find("&&", at);
    const size_t end = std::min(semicolon, conjunction);
    commands.push_back(collapsed(line.substr(at, end - at)));
    if (end == std::string::npos) break;
    at = end + (end == semicolon ? 1 : 2);
  }
  return commands;
}

}  // namespace

std::vector<ShownCommand> shown_commands(const std::string& markdown) {
  std::vector<ShownCommand> shown;
  bool in_block = false;
  int number = 0;
  for (const std::string& line : lines_of(markdown)) {
    ++number;
    if (line.starts_with(kFence)) {
      in_block = !in_block;
      if (in_block) shown.push_back({"", number, {}});  // holds output shown before any command
      continue;
    }
    if (!in_block) continue;
    if (is_command(line)) {
      if (shown.back().command.empty() && shown.back().output.empty()) shown.pop_back();
      for (const auto& c : commands_of(line)) shown.push_back({c, number, {}});
    } else {
      shown.back().output.push_back(line);
    }
  }
  std::erase_if(shown, [](const ShownCommand& s) { return s.command.empty() && s.output.empty(); });
  return shown;
}

std::optional<size_t> first_line_not_printed(const std::vector<std::string>& shown, const std::string& printed) {
  const std::vector<std::string> lines = lines_of(printed);
  size_t from = 0;  // the printed lines before it are taken by earlier runs
  for (size_t run = 0; run < shown.size();) {
    if (shown[run] == kElided) {
      ++run;
      continue;
    }
    const size_t run_end = std::find(shown.begin() + run, shown.end(), kElided) - shown.begin();
    // The earliest place the whole run is printed; else the longest start of it found anywhere.
    size_t best = 0, at = std::string::npos;
    for (size_t p = from; p < lines.size() && best < run_end - run; ++p) {
      size_t n = 0;
      while (run + n < run_end && p + n < lines.size() && lines[p + n] == shown[run + n]) ++n;
      if (n > best) best = n, at = p;
    }
    if (best < run_end - run) return run + best;
    from = at + best;
    run = run_end;
  }
  return std::nullopt;
}

}  // namespace tilesim::test
