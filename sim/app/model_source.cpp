#include "sim/app/model_source.hpp"

#include <charconv>
#include <filesystem>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/shape_inference.hpp"
#include "sim/workload/zoo/zoo.hpp"

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
    if (x == std::string::npos) break;
    start = x + 1;
  }
  if (shape.size() != 4 || shape[1] != 3)
    throw ConfigError(fmt::format("--input {}: expected N x 3 x H x W", text));
  return shape;
}

Network load_model(const std::string& name, const std::optional<Shape>& input) {
  if (const ModelEntry* m = find_model(name)) {
    try {
      return m->build(input.value_or(m->default_input));
    } catch (const ShapeError& e) {
      throw ConfigError(fmt::format("--input {}: {} cannot take this input: {}",
                                    shape_to_string(input.value_or(m->default_input)), name, e.what()));
    }
  }
  const std::filesystem::path p(name);
  if (p.extension() == ".onnx" || p.extension() == ".param")
    throw ConfigError(fmt::format("{}: importing {} models is not supported yet; use a built-in model "
                                  "(`tilesim models`)", name, p.extension().string()));
  std::vector<std::string> names;
  for (const auto& m : model_zoo()) names.push_back(m.name);
  const std::string hint = nearest(name, names);
  throw ConfigError(fmt::format("unknown model '{}'{}; `tilesim models` lists them", name,
                                hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

}  // namespace tilesim
