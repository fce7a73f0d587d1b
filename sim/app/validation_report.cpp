#include <fmt/format.h>

#include "sim/app/reports.hpp"
#include "sim/app/text_table.hpp"

namespace tilesim {
namespace {

nlohmann::json metrics_json(const ErrorMetrics& m) {
  return {{"mape", m.mape}, {"rmspe", m.rmspe}, {"within_10pct", m.within_10pct}, {"within_20pct", m.within_20pct},
          {"spearman", m.spearman}, {"kendall", m.kendall}, {"n", m.n}};
}

nlohmann::json summary_json(const ValidationSummary& s) {
  return {{"metrics", metrics_json(s.simulator)},
          {"baselines",
           {{"flops", metrics_json(s.flops)},
            {"roofline", metrics_json(s.roofline)},
            {"oracle_flops", metrics_json(s.oracle_flops)}}}};
}

}  // namespace

nlohmann::json validation_json(const ValidationReport& r) {
  nlohmann::json j = summary_json(r.overall);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : r.rows)
    rows.push_back({{"device", row.group}, {"name", row.name}, {"conditions", row.detail},
                    {"measured_ms", row.measured_ms}, {"simulated_ms", row.simulated_ms},
                    {"error_pct", 100.0 * (row.simulated_ms - row.measured_ms) / row.measured_ms},
                    {"flops_ms", row.flops_ms}, {"roofline_ms", row.roofline_ms},
                    {"oracle_flops_ms", row.oracle_flops_ms}});
  j["rows"] = rows;
  nlohmann::json devices = nlohmann::json::object();
  for (const auto& [g, s] : r.per_group) devices[g] = summary_json(s);
  j["devices"] = devices;
  j["compared"] = r.compared_statistic;
  j["notes"] = r.notes;
  return j;
}

void print_validation_table(const ValidationReport& r, std::ostream& out) {
  constexpr size_t kMaxRows = 200;
  if (r.rows.size() <= kMaxRows) {
    TextTable rows({"device", "name", "measured ms", "simulated ms", "error", "FLOP-prop ms", "roofline ms"},
                   {false, false, true, true, true, true, true});
    for (const auto& row : r.rows)
      rows.add({row.group, row.name, fmt::format("{:.4f}", row.measured_ms), fmt::format("{:.4f}", row.simulated_ms),
                fmt::format("{:+.1f}%", 100.0 * (row.simulated_ms - row.measured_ms) / row.measured_ms),
                fmt::format("{:.4f}", row.flops_ms), fmt::format("{:.4f}", row.roofline_ms)});
    rows.print(out);
    out << '\n';
  } else {
    out << fmt::format("{} rows (--format json lists them all)\n\n", r.rows.size());
  }
  TextTable t({"device", "model", "n", "MAPE %", "RMSPE %", "within 10%", "within 20%", "Spearman", "Kendall"},
              {false, false, true, true, true, true, true, true, true});
  auto add = [&](const std::string& g, const ValidationSummary& s) {
    const std::pair<const char*, const ErrorMetrics*> models[] = {
        {"tilesim", &s.simulator}, {"FLOP-proportional", &s.flops}, {"roofline", &s.roofline},
        {"oracle FLOP", &s.oracle_flops}};
    for (const auto& [name, m] : models)
      t.add({g, name, fmt::format("{}", m->n), fmt::format("{:.1f}", m->mape), fmt::format("{:.1f}", m->rmspe),
             fmt::format("{:.1f}", m->within_10pct), fmt::format("{:.1f}", m->within_20pct),
             fmt::format("{:.3f}", m->spearman), fmt::format("{:.3f}", m->kendall)});
  };
  for (const auto& [g, s] : r.per_group) add(g, s);
  if (r.per_group.size() > 1) add("all", r.overall);
  t.print(out);
  out << "\nmeasured: " << r.compared_statistic
      << "\nbaselines: one scale each, the one that minimises MAPE, fitted on the other devices' rows (or the other"
         " rows of a single device); oracle FLOP: fitted on the other rows of the row's own run on its device;"
         " tilesim: as its engine profiles are calibrated (a note says which rows that calibration saw)\n";
  for (const auto& n : r.notes) out << "note: " << n << '\n';
}

}  // namespace tilesim
