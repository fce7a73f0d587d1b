#pragma once
// Helpers the test suites share.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "hwmodels/config_error.hpp"

namespace tilesim::test {

// A file in the temp folder holding `text`, unique to this process and object (ctest runs tests
// in parallel), removed when the test ends.
struct TempFile {
  std::string path;
  TempFile(const std::string& tag, const std::string& text) : path(unique_path(tag)) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& str() const { return path; }

 private:
  static std::string unique_path(const std::string& tag) {
    static std::atomic<int> counter{0};
    return (std::filesystem::temp_directory_path() /
            ("tilesim_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + tag))
        .string();
  }
};

// The message of the ConfigError `f` throws, or "" when it throws none.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace tilesim::test
