#pragma once
// A model as users name it: a built-in model (`tilesim models`), or a path to an ONNX or ncnn
// .param file.
#include <filesystem>
#include <optional>
#include <string>

#include "sim/workload/import/import_options.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

// True for names that are files of a format tilesim imports (.onnx, .param). Inline: readers of
// traces, which the importers build on, recognise model files without linking them.
inline bool is_model_file(const std::string& name) {
  const auto ext = std::filesystem::path(name).extension();
  return ext == ".onnx" || ext == ".param";
}

// The network at `input` (NCHW; unset: the model's own). Throws ConfigError for an unknown
// model (with the nearest built-in name), a malformed file, or an input the model cannot take.
Network load_model(const std::string& name, const std::optional<Shape>& input, const ImportOptions& options = {});

}  // namespace tilesim
