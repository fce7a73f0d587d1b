#pragma once
// ncnn's plain-text network definition (.param, magic 7767517) as a workload graph.
#include <string>

#include "sim/workload/import/import_options.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

// Throws ConfigError "file:line: message" on anything malformed, hostile or unsupported.
Network import_ncnn_param(const std::string& path, const ImportOptions& options = {});

}  // namespace tilesim
