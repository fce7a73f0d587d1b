#pragma once
// An error in user input (a file, a flag): the command line prints it and exits with status 2.
#include <stdexcept>
#include <string>
#include <vector>

namespace tilesim {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "file:line:column: key: message" (line and column 1-based; omitted when unknown).
std::string located(const std::string& file, int line0, int column0, const std::string& key,
                    const std::string& message);

// The candidate closest to `word` by edit distance, or "" when none is close.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace tilesim
