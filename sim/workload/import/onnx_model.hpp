#pragma once
// An ONNX model file (opsets 7 to 18) as a workload graph: shapes only, weights never kept.
#include <string>

#include "sim/workload/import/import_options.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

// Throws ConfigError naming the file and the node on anything malformed, hostile or unsupported.
Network import_onnx(const std::string& path, const ImportOptions& options = {});

}  // namespace tilesim
