// Every line of hostile_command_lines.txt, run as a separate process the way a user runs it: each
// ends in its expected status within a time limit, never by a signal, and a refusal is one clear
// line on stderr. A second case drives the internal-error path (status 3).
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/cli/cli_harness.hpp"

namespace fs = std::filesystem;

namespace {

// A file name past NAME_MAX, which the system refuses.
const std::string kLongName = std::string(300, 'b') + ".yaml";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// A shell word: the arguments go through `sh -c`, so each is quoted whole.
std::string quoted(const std::string& arg) { return "'" + replace_all(arg, "'", "'\\''") + "'"; }

struct Outcome {
  int status = -1;    // exit status, or -1 when the process ended otherwise
  std::string how;    // "signal N" or "timed out" when it did
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Outcome run_process(const std::vector<std::string>& args, const fs::path& scratch) {
  // timeout(1) reports 124 when the limit is reached, and 128+N when the program died of signal N.
  std::string command = "timeout --kill-after=5 60 " + quoted(TILESIM_BINARY);
  for (const auto& a : args) command += " " + quoted(a);
  command += " >" + quoted((scratch / "stdout").string()) + " 2>" + quoted((scratch / "stderr").string());
  const int raw = std::system(command.c_str());
  Outcome o;
  o.out = slurp(scratch / "stdout");
  o.err = slurp(scratch / "stderr");
  if (!WIFEXITED(raw)) {
    o.how = "ended abnormally";
  } else if (WEXITSTATUS(raw) == 124 || WEXITSTATUS(raw) == 137) {
    o.how = "timed out";
  } else if (WEXITSTATUS(raw) > 128) {
    o.how = "signal " + std::to_string(WEXITSTATUS(raw) - 128);
  } else {
    o.status = WEXITSTATUS(raw);
  }
  return o;
}

}  // namespace

TEST_CASE("every_hostile_command_line_ends_in_its_status_with_one_clear_message") {
  const fs::path root = fs::temp_directory_path() / ("tilesim_hostile_" + std::to_string(::getpid()));
  const fs::path scratch = root / "tmp";
  fs::create_directories(scratch);
  std::mt19937 random(7);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xff);
  const std::string bin = (root / "bin").string();
  for (const char* ext : {"", ".onnx", ".param", ".h5", ".csv"}) std::ofstream(bin + ext, std::ios::binary) << bytes;
  const std::string sweep = (root / "sweep.yaml").string();
  fs::copy_file(fs::path(TILESIM_SOURCE_DIR) / "examples" / "sweep_small.yaml", sweep);
  const fs::path data = fs::path(TILESIM_SOURCE_DIR) / ".." / "shared" / "validation-data";
  const bool have_data = fs::is_directory(data);
  if (!have_data) MESSAGE("../shared/validation-data is absent: the lines that read it are skipped");

  std::ifstream cases(fs::path(TILESIM_SOURCE_DIR) / "tests" / "cli" / "hostile_command_lines.txt");
  REQUIRE(cases);
  int ran = 0;
  for (std::string line; std::getline(cases, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (!have_data && line.find("{data}") != std::string::npos) continue;
    const bool empty_arg = line.find("{empty}") != std::string::npos;
    std::string expanded = replace_all(line, "{empty}", "");
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"{bin}", bin}, {"{dir}", root.string()}, {"{missing}", "/nonexistent/dir/x.yaml"},
             {"{devnull}", "/dev/null"}, {"{long}", kLongName}, {"{tmp}", scratch.string()},
             {"{sweep}", sweep}, {"{data}", data.string()}})
      expanded = replace_all(expanded, from, to);
    std::istringstream words(expanded);
    int expected = -1;
    words >> expected;
    std::vector<std::string> args;
    for (std::string w; words >> w;) args.push_back(w);
    if (empty_arg) args.push_back("");
    const Outcome o = run_process(args, root);
    INFO(line << " -> " << (o.how.empty() ? "exit " + std::to_string(o.status) : o.how) << "\n" << o.err);
    CHECK(o.how.empty());
    CHECK(o.status == expected);
    if (expected == 2) {
      CHECK(o.err.rfind("tilesim: error: ", 0) == 0);
      CHECK(o.err.find('\n') == o.err.size() - 1);  // one line
      CHECK(o.out.empty());
    }
    for (const auto& e : fs::directory_iterator(scratch)) fs::remove_all(e.path());
    ++ran;
  }
  CHECK(ran >= (have_data ? 180 : 150));
  fs::remove_all(root);
}

namespace {
// An output that fails every write: the kind of failure no input causes.
struct FailingBuffer : std::streambuf {
  int overflow(int) override { return traits_type::eof(); }
};
}  // namespace

TEST_CASE("an_exception_no_input_causes_exits_3_and_asks_for_a_report") {
  FailingBuffer failing;
  std::ostream out(&failing);
  out.exceptions(std::ios::badbit);
  std::ostringstream err;
  const std::array<const char*, 2> argv{"tilesim", "models"};
  CHECK(tilesim::run_cli(static_cast<int>(argv.size()), argv.data(), out, err) == 3);
  CHECK(err.str().rfind("tilesim: internal error: ", 0) == 0);
  CHECK(err.str().find("please report it") != std::string::npos);
}
