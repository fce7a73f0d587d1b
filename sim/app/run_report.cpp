#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/app/reports.hpp"
#include "sim/app/text_table.hpp"

namespace tilesim {
namespace {
constexpr double kMiB = 1024.0 * 1024.0;

std::vector<const LayerStatistic*> columns_of(Output o) {
  std::vector<const LayerStatistic*> columns;
  for (const auto& s : layer_statistics())
    if (s.carried_in(o)) columns.push_back(&s);
  return columns;
}

// A value as the table and the CSV write it: flags as 1 or 0, lists '+'-joined.
std::string text_of(const StatValue& value, StatUnit unit, int decimals) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double>)
          return fmt::format("{:.{}f}{}", v, decimals, unit == StatUnit::percent ? "%" : "");
        else if constexpr (std::is_same_v<T, bool>)
          return v ? "1" : "0";
        else if constexpr (std::is_same_v<T, std::string>)
          return v;
        else if constexpr (std::is_same_v<T, int64_t>)
          return fmt::format("{}", v);
        else
          return fmt::format("{}", fmt::join(v, "+"));
      },
      value);
}

template <class... Of>
std::string cell(const Statistic<Of...>& s, Output o, const Of&... of) {
  return text_of(s.value_in(o, of...), s.unit, s.carried.in(o).decimals);
}
}  // namespace

nlohmann::json run_json(const RunResult& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : r.layers) layers.push_back(statistics_json(Output::json, layer_statistics(), r, l));
  nlohmann::json j = statistics_json(Output::json, run_conditions(), r);
  j["total"] = statistics_json(Output::json, run_totals(), r);
  j["layers"] = layers;
  return j;
}

void print_run_table(const RunResult& r, std::ostream& out) {
  if (r.device == "gpu")
    out << fmt::format("{} on {} GPU ({}, {}, {})\n\n", r.model, r.soc, r.cores, r.engine, r.precision);
  else
    out << fmt::format("{} on {} ({}, {} threads on {} cores, {})\n\n", r.model, r.soc, r.engine, r.threads,
                       r.cores, r.precision);
  const auto columns = columns_of(Output::table);
  std::vector<std::string> headings;
  std::vector<bool> right_aligned;
  for (const LayerStatistic* s : columns) {
    headings.push_back(s->key_in(Output::table));
    right_aligned.push_back(s->unit != StatUnit::text);
  }
  TextTable table(headings, right_aligned);
  for (const auto& l : r.layers) {
    if (l.algorithm == "view") continue;  // no kernel runs
    std::vector<std::string> row;
    for (const LayerStatistic* s : columns) row.push_back(cell(*s, Output::table, r, l));
    table.add(row);
  }
  table.print(out);
  // The totals as a sentence, not a loop: people read this line.
  out << fmt::format(
      "\nlatency {:.3f} ms | energy {:.3f} mJ ({:.3f} static) | peak memory {:.2f} MiB "
      "(weights {:.2f}, activations {:.2f}, workspace {:.2f}) | {:.3f} GMACs, {:.3f} M params\n",
      r.latency_s * 1e3, r.energy_j * 1e3, r.static_energy_j * 1e3, r.peak_memory_bytes / kMiB,
      r.weight_bytes / kMiB, r.activation_bytes / kMiB, r.workspace_bytes / kMiB, r.macs / 1e9, r.params / 1e6);
  if (const int n = approximate_layers(r))
    out << fmt::format("* approximate: {} layer(s) of operators tilesim does not model, each a stand-in that reads its "
                       "inputs and writes its outputs at the achievable bandwidth (--allow-unknown)\n", n);
}

void print_run_csv(const RunResult& r, std::ostream& out) {
  const auto columns = columns_of(Output::csv);
  std::vector<std::string> header, total{"total"};
  for (const LayerStatistic* s : columns) header.push_back(s->key_in(Output::csv));
  out << fmt::format("{}\n", fmt::join(header, ","));
  for (const auto& l : r.layers) {
    std::vector<std::string> row;
    for (const LayerStatistic* s : columns) row.push_back(cell(*s, Output::csv, r, l));
    out << fmt::format("{}\n", fmt::join(row, ","));
  }
  // The total row: "total" in the first column, each run total in the column it names, the rest empty.
  for (size_t c = 1; c < header.size(); ++c) {
    total.emplace_back();
    for (const RunStatistic& s : run_totals())
      if (s.carried_in(Output::csv) && s.key_in(Output::csv) == header[c]) total.back() = cell(s, Output::csv, r);
  }
  out << fmt::format("{}\n", fmt::join(total, ","));
}

namespace {
// How `o` writes a statistic's values, for the reference.
std::string unit_in(Output o, StatUnit unit, Form form) {
  if (unit == StatUnit::flag) return o == Output::json || o == Output::perfetto ? "true/false" : "1/0";
  return std::string(unit_symbol(unit, form));
}

void reference_head(std::ostream& out, const char* what = "key") {
  out << fmt::format("\n| {} | unit | meaning |\n|---|---|---|\n", what);
}

template <class... Of>
void reference_rows(Output o, const std::vector<Statistic<Of...>>& stats, std::ostream& out) {
  for (const auto& s : stats)
    if (s.carried_in(o))
      out << fmt::format("| `{}` | {} | {} |\n", s.key_in(o), unit_in(o, s.unit, s.carried.in(o).form), s.meaning);
}
}  // namespace

void print_run_format_reference(std::ostream& out) {
  out << "# Run output format\n\n"
         "Generated by `tilesim run format` from the statistic declarations in `sim/engine/run_statistics.cpp`; do "
         "not edit by hand.\n\n"
         "`tilesim run` reports each statistic per layer and in total. The HDF5 file keeps times in s, energies in J "
         "and memory in B; the table, JSON, CSV and the Perfetto trace write times in ms, energies in mJ and memory "
         "in MiB; a key says its unit (`latency_ms` there, `latency_s` in HDF5).\n";

  out << "\n## Table (`--format table`)\n\n"
         "A heading names the model, SoC, engine, threads and cores (on the GPU: the GPU) and precision; then one row "
         "per layer that runs a kernel (not those of algorithm `view`):\n";
  reference_head(out, "column");
  reference_rows(Output::table, layer_statistics(), out);
  out << "\nBelow the rows one line gives the run's latency, energy (its static part), peak memory (weights, "
         "activations, workspace), GMACs and millions of parameters; a footnote counts the stand-ins, marked `*`.\n";

  out << "\n## JSON (`--format json`)\n\nAt the top level:\n";
  reference_head(out);
  reference_rows(Output::json, run_conditions(), out);
  out << "\n`total`:\n";
  reference_head(out);
  reference_rows(Output::json, run_totals(), out);
  out << "\n`layers`: one object per layer, in the order they run:\n";
  reference_head(out);
  reference_rows(Output::json, layer_statistics(), out);

  out << "\n## CSV (`--format csv`)\n\nOne row per layer, with these columns in this order:\n";
  reference_head(out, "column");
  reference_rows(Output::csv, layer_statistics(), out);
  out << "\nA last row, `total` in the first column, fills these columns and leaves the others empty:\n";
  reference_head(out, "column");
  reference_rows(Output::csv, run_totals(), out);

  out << "\n## HDF5 (`--out FILE.h5`)\n\nAttributes of the root group, besides `source` (`tilesim run`):\n";
  reference_head(out, "attribute");
  reference_rows(Output::hdf5, run_conditions(), out);
  reference_rows(Output::hdf5, run_totals(), out);
  out << "\nThe table `layers` (a group, a 1-D dataset per column, one row per layer):\n";
  reference_head(out, "column");
  reference_rows(Output::hdf5, layer_statistics(), out);
  out << "\nThe tables `work_items` (per work item its layer, track, start and end in s, phase, FLOPs and DRAM bytes) "
         "and `tracks` (the tracks' names) hold the simulated timeline.\n";

  out << "\n## Perfetto trace (`--trace FILE.json`)\n\n"
         "Chrome trace-event JSON (ui.perfetto.dev, chrome://tracing). On the track `layers` each layer that takes "
         "time is a slice named after it, in the category of its algorithm, lasting its latency, with these args:\n";
  reference_head(out, "arg");
  reference_rows(Output::perfetto, layer_statistics(), out);
  out << "\nand a `power (W)` counter, its energy over its latency. A track per core (or shader core) holds the "
         "work items (args `phase`, `flops`, `dram_bytes`); counter tracks hold what the timeline counts, e.g. DRAM "
         "bandwidth in use. `otherData`:\n";
  reference_head(out);
  reference_rows(Output::perfetto, run_conditions(), out);
  reference_rows(Output::perfetto, run_totals(), out);
}

}  // namespace tilesim
