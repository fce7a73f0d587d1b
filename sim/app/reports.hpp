#pragma once
// Rendering of each command's results as table, JSON or CSV (CONTRACT.md fixes the JSON keys).
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "kernels/engine_profile.hpp"
#include "hwmodels/soc.hpp"
#include "sim/engine/run_result.hpp"
#include "sim/engine/run_statistics.hpp"
#include "sim/workload/network.hpp"
#include "validation/validator.hpp"

namespace tilesim {

struct KernelContext {  // for `info --kernels`
  const EngineProfile* engine;
  const SocSpec* soc;
  int threads;
  bool gpu = false;
};

nlohmann::json info_json(const Network& fused, const Shape& input, const std::optional<KernelContext>& kernels);
void print_info_table(const nlohmann::json& info, bool kernels, std::ostream& out);

nlohmann::json run_json(const RunResult& r);
void print_run_table(const RunResult& r, std::ostream& out);
void print_run_csv(const RunResult& r, std::ostream& out);

// The statistics `output` carries (JSON, Perfetto), as one object under the keys it names them by.
template <class... Of>
nlohmann::json statistics_json(Output output, const std::vector<Statistic<Of...>>& stats, const Of&... of) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& s : stats)
    if (s.carried_in(output))
      j[s.key_in(output)] = std::visit([](const auto& v) { return nlohmann::json(v); }, s.value_in(output, of...));
  return j;
}

// docs/output-format.md: every output's keys with unit and meaning, from the declarations.
void print_run_format_reference(std::ostream& out);

// The resolved description, each value with its unit and source.
nlohmann::json soc_json(const YAML::Node& tree);
void print_soc_yaml(const YAML::Node& tree, std::ostream& out);

nlohmann::json validation_json(const ValidationReport& r);
void print_validation_table(const ValidationReport& r, std::ostream& out);

// docs/soc-format.md: every section and parameter of a description, from the declarations.
void print_soc_format_reference(std::ostream& out);

}  // namespace tilesim
