#pragma once
// An error in user input (a file, a run setting): the command line prints it and exits with status 2.
// The simulator speaks of the model; where an error is about one setting of a run (its threads,
// precision, device, input shape, an override), it names that setting, and the command line
// translates it into the flag that set it.
#include <stdexcept>
#include <string>
#include <vector>

namespace tilesim {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;

  // An error about one run setting ("threads", "cores", "precision", "device", "input", "set").
  static ConfigError about(std::string setting, const std::string& message) {
    ConfigError e(message);
    e.setting_ = std::move(setting);
    return e;
  }
  const std::string& setting() const { return setting_; }

 private:
  std::string setting_;
};

// "file:line:column: key: message" (line and column 1-based; each part omitted when unknown).
std::string located(const std::string& file, int line0, int column0, const std::string& key,
                    const std::string& message);

// The candidate closest to `word` by edit distance, or "" when none is close.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace tilesim
