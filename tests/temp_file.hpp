#pragma once
// A file in the temp folder holding `text`, unique to this process and object (ctest runs tests
// in parallel), removed when the test ends.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace tilesim::test {

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

}  // namespace tilesim::test
