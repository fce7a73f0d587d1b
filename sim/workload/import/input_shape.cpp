#include "sim/workload/import/input_shape.hpp"

#include <charconv>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

namespace tilesim {

Shape parse_input_shape(const std::string& text) {
  Shape shape;
  size_t start = 0;
  while (start <= text.size()) {
    const auto x = text.find('x', start);
    const std::string part = text.substr(start, x == std::string::npos ? std::string::npos : x - start);
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || v < 1)
      throw ConfigError(fmt::format("--input {}: expected positive dimensions like 1x3x224x224", text));
    shape.push_back(v);
    if (!checked_elements(shape))
      throw ConfigError(fmt::format("--input {}: more than {} elements, larger than any tensor may be", text,
                                    kMaxTensorElements));
    if (x == std::string::npos) break;
    start = x + 1;
  }
  if (shape.size() != 4) throw ConfigError(fmt::format("--input {}: expected N x C x H x W", text));
  return shape;
}

}  // namespace tilesim
