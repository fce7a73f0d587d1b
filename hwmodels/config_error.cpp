#include "hwmodels/config_error.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tilesim {

std::string located(const std::string& file, int line0, int column0, const std::string& key,
                    const std::string& message) {
  std::string where = file;
  if (line0 >= 0) where += fmt::format(":{}:{}", line0 + 1, column0 + 1);
  if (where.empty()) return key.empty() ? message : fmt::format("{}: {}", key, message);
  return key.empty() ? fmt::format("{}: {}", where, message) : fmt::format("{}: {}: {}", where, key, message);
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  if (word.size() > 64) return best;  // no name is that long; and the distance is quadratic
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    if (c == word) continue;  // the word itself is no suggestion
    std::vector<size_t> row(c.size() + 1);
    for (size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= word.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= c.size(); ++j) {
        const size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] == c[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    if (row[c.size()] < best_distance) {
      best_distance = row[c.size()];
      best = c;
    }
  }
  return best;
}

}  // namespace tilesim
