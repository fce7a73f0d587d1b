#pragma once
// `tilesim report`: one self-contained HTML page (inline SVG charts and styles, no script or font
// from a network) a person opens instead of reading tables: for a validation, measured against
// simulated on log axes with the ±20% band beside the baselines, and per-device tables; for a
// sweep, each model's Pareto front and each parameter's effect; for a comparison, the waterfall
// of the factors between the FLOP-predicted and the simulated time.
#include <string>

#include <nlohmann/json.hpp>

#include "sim/sweep/sweep_summary.hpp"

namespace tilesim {

// `validation` is `tilesim validate --format json`'s output, `compare` that of `tilesim compare`;
// `source` names the file they came from. A document without the keys a page needs is refused
// with a ConfigError naming the file and the key.
std::string validation_report_html(const nlohmann::json& validation, const std::string& source);
std::string sweep_report_html(const SweepSummary& sweep, const std::string& source);
std::string compare_report_html(const nlohmann::json& compare, const std::string& source);

// Reads a JSON file, or a ConfigError naming it and where its text stops being JSON.
nlohmann::json read_json_file(const std::string& path);

}  // namespace tilesim
