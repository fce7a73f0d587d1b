// docs/cli.md is the command line's reference: every command has a section there, and every
// option a command's --help lists is named in that command's section.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_harness.hpp"

using tilesim::test::tilesim_cli;

namespace {

std::string reference() {
  std::ifstream in(std::string(TILESIM_SOURCE_DIR) + "/docs/cli.md");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The text of the "## " section whose heading names `command` (`tilesim soc show`, ...).
std::string section_of(const std::string& doc, const std::string& command) {
  size_t at = 0;
  while ((at = doc.find("\n## ", at)) != std::string::npos) {
    const size_t end_of_heading = doc.find('\n', at + 1);
    const std::string heading = doc.substr(at, end_of_heading - at);
    const size_t next = doc.find("\n## ", end_of_heading);
    if (heading.find("`tilesim " + command) != std::string::npos)
      return doc.substr(at, next == std::string::npos ? std::string::npos : next - at);
    at = end_of_heading;
  }
  return "";
}

}  // namespace

TEST_CASE("docs_cli_md_names_every_command_and_every_option_its_help_lists") {
  const std::string doc = reference();
  REQUIRE(!doc.empty());
  const std::vector<std::vector<std::string>> commands = {
      {"models"}, {"socs"},      {"soc", "show"}, {"soc", "format"},    {"probe-host"}, {"info"},
      {"run"},    {"run", "format"}, {"validate"}, {"calibrate"}, {"record"}, {"trace", "convert"}};
  int options = 0;  // the options found in all the help texts: the test reads them, or fails
  for (const auto& words : commands) {
    std::string name;
    for (const auto& w : words) name += (name.empty() ? "" : " ") + w;
    CAPTURE(name);
    const std::string section = section_of(doc, name);
    REQUIRE_MESSAGE(!section.empty(), "docs/cli.md has no section for `tilesim " << name << "`");
    std::vector<std::string> args = words;
    args.push_back("--help");
    const auto help = tilesim_cli(args);
    REQUIRE(help.status == 0);
    const std::regex option(R"(^\s+(--[a-z][a-z0-9-]*))");
    std::istringstream lines(help.out);
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, option) || m[1] == "--help") continue;
      ++options;
      CHECK_MESSAGE(section.find("`" + m[1].str()) != std::string::npos,
                    "`tilesim " << name << "` has " << m[1] << ", which docs/cli.md does not describe");
    }
  }
  CHECK(options > 40);
  // And the top-level help lists no command the reference lacks.
  const auto top = tilesim_cli({"--help"});
  std::istringstream lines(top.out);
  bool in_commands = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Subcommands:", 0) == 0) in_commands = true;
    std::smatch m;
    if (in_commands && std::regex_search(line, m, std::regex(R"(^  ([a-z][a-z-]*)\s)")))
      CHECK_MESSAGE(doc.find("`tilesim " + m[1].str()) != std::string::npos, m[1].str());
  }
}
