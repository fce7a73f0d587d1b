#include "tests/examples/example_runner.hpp"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace tilesim::test {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kProgram = "build/tilesim";
constexpr std::string_view kSharedPrefix = "../shared/";
constexpr std::string_view kModelsPrefix = "models/";

const fs::path kSourceDir = TILESIM_SOURCE_DIR;

// README's `scripts/export_onnx.py --out models` writes models/; the test reads the same files from
// the fixture's folder.
std::string with_models_folder(const std::string& word) {
  if (!word.starts_with(kModelsPrefix)) return word;
  return (fs::path(TILESIM_ONNX_MODEL_DIR) / word.substr(kModelsPrefix.size())).string();
}

// The working directory for one command, put back afterwards (run_cli resolves relative paths
// against it; doctest runs the cases one after another in one process).
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const fs::path& dir) : previous_(fs::current_path()) { fs::current_path(dir); }
  ~WorkingDirectory() { fs::current_path(previous_); }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  fs::path previous_;
};

// A fresh directory that reads like the repository root (each of its entries linked), so that
// what a command writes stays out of the source tree; removed with everything written there.
class ScratchRoot {
 public:
  ScratchRoot() : path_(fs::temp_directory_path() / ("tilesim_example_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directory(path_);
    for (const auto& entry : fs::directory_iterator(kSourceDir))
      if (!entry.path().filename().string().starts_with("."))
        fs::create_symlink(entry.path(), path_ / entry.path().filename());
  }
  ~ScratchRoot() {
    std::error_code ec;
    fs::remove_all(path_, ec);  // removes the links, not what they point to
  }
  ScratchRoot(const ScratchRoot&) = delete;
  ScratchRoot& operator=(const ScratchRoot&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

std::vector<std::string> command_words(const std::string& command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (const char c : command) {
    if (quote) {
      if (c == quote) quote = 0;
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else if (std::string_view(";&|<>`$").find(c) != std::string_view::npos) {
      throw std::runtime_error("`" + command + "`: one run of build/tilesim per example (found '" + c + "')");
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote) throw std::runtime_error("`" + command + "`: unclosed quote");
  if (in_word) words.push_back(word);
  if (words.empty() || words.front() != kProgram)
    throw std::runtime_error("`" + command + "`: an example runs " + std::string(kProgram));
  return words;
}

std::string missing_input(const Example& e) {
  for (const auto& word : command_words(e.command)) {
    if (word.starts_with(kSharedPrefix) && !fs::is_directory(kSourceDir / kSharedPrefix))
      return "../shared is absent";
    if (word.starts_with(kModelsPrefix) && !fs::exists(with_models_folder(word)))
      return with_models_folder(word) +
             " was not exported (ctest's fixture export_onnx_models exports it; it needs python3-torch)";
  }
  return "";
}

CliResult run_example(const Example& e) {
  std::vector<std::string> args = command_words(e.command);
  args.erase(args.begin());  // the program: tilesim_cli runs it in-process
  for (auto& a : args) a = with_models_folder(a);
  if (!e.in_temporary_directory) {
    const WorkingDirectory at(kSourceDir);
    return tilesim_cli(args);
  }
  const ScratchRoot scratch;
  const WorkingDirectory at(scratch.path());
  return tilesim_cli(args);
}

}  // namespace tilesim::test
