#include "sim/workload/import/model_loader.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/import/ncnn_param.hpp"
#include "sim/workload/import/onnx_model.hpp"
#include "sim/workload/shape_inference.hpp"
#include "sim/workload/zoo/zoo.hpp"

namespace tilesim {

Network load_model(const std::string& name, const std::optional<Shape>& input, const ImportOptions& options) {
  if (const ModelEntry* m = find_model(name)) {
    try {
      return m->build(input.value_or(m->default_input));
    } catch (const ShapeError& e) {
      throw ConfigError::about("input", fmt::format("{}: {} cannot take this input: {}",
                                    shape_to_string(input.value_or(m->default_input)), name, e.what()));
    }
  }
  if (is_model_file(name)) {
    ImportOptions o = options;
    o.input = input;
    return std::filesystem::path(name).extension() == ".onnx" ? import_onnx(name, o) : import_ncnn_param(name, o);
  }
  std::vector<std::string> names;
  for (const auto& m : model_zoo()) names.push_back(m.name);
  const std::string hint = nearest(name, names);
  throw ConfigError(fmt::format("unknown model '{}'{}; `tilesim models` lists them, or give an .onnx or ncnn .param file",
                                name, hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

}  // namespace tilesim
