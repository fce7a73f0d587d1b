#pragma once
// What an importer of measured data read, kept and left out, so that a command using it can say
// which rows it did not compare and why.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tilesim {

struct ImportReport {
  std::string source;     // the file read
  int64_t rows_read = 0;  // data rows (the header not counted)
  int64_t rows_imported = 0;
  std::vector<std::pair<std::string, int64_t>> skipped;  // (reason, rows), in the order first met

  void skip(const std::string& reason) {
    for (auto& [r, n] : skipped)
      if (r == reason) {
        ++n;
        return;
      }
    skipped.emplace_back(reason, 1);
  }

  int64_t rows_skipped() const {
    int64_t n = 0;
    for (const auto& s : skipped) n += s.second;
    return n;
  }

  int64_t skipped_for(const std::string& reason) const {
    for (const auto& [r, n] : skipped)
      if (r == reason) return n;
    return 0;
  }
};

}  // namespace tilesim
