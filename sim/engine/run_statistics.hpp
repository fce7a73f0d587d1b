#pragma once
// Each statistic of a run declared once: its key, unit and meaning, how to read it from the
// result, and which outputs carry it in which unit. The table, JSON, CSV, HDF5 and Perfetto
// outputs and docs/output-format.md are loops over these declarations (as SST's statapi or
// gem5's ADD_STAT), so no output can forget a statistic or spell it differently.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/engine/run_result.hpp"

namespace tilesim {

// The unit of a statistic's value as its accessor returns it: SI base where it has one.
enum class StatUnit { seconds, joules, bytes, flop_rate, percent, count, text, flag, names };

using StatValue = std::variant<int64_t, double, std::string, bool, std::vector<std::string>>;

enum class Output { table, json, csv, hdf5, perfetto };

// How an output writes a statistic: not at all, in the statistic's own unit, or in the unit
// people read (ms, mJ, MiB, GFLOP/s) as the JSON, CSV and table outputs always have.
enum class Form { absent, base, readable };

struct Carriage {
  constexpr Carriage(Form f = Form::absent, std::string_view k = {}, int d = 6) : form(f), key(k), decimals(d) {}
  Form form;
  std::string_view key;  // where the output does not name it by stem and unit suffix (the table: its heading)
  int decimals;          // digits after the point where the output writes text (table, CSV)
};

struct Carriages {
  Carriage table, json, csv, hdf5, perfetto;

  const Carriage& in(Output o) const;
};

// The key a carriage names a statistic by: "latency" is latency_ms read, latency_s in base unit.
std::string output_key(std::string_view stem, StatUnit unit, const Carriage& c);
// A value in the unit the form asks for.
StatValue in_form(StatValue value, StatUnit unit, Form form);

// Of a layer: Statistic<RunResult, LayerResult>; of a run: Statistic<RunResult>.
template <class... Of>
struct Statistic {
  std::string_view stem;
  StatUnit unit;
  std::string_view meaning;  // one sentence, for docs/output-format.md
  StatValue (*value)(const Of&...);
  Carriages carried;

  bool carried_in(Output o) const { return carried.in(o).form != Form::absent; }
  std::string key_in(Output o) const { return output_key(stem, unit, carried.in(o)); }
  StatValue value_in(Output o, const Of&... of) const { return in_form(value(of...), unit, carried.in(o).form); }
};

using LayerStatistic = Statistic<RunResult, LayerResult>;
using RunStatistic = Statistic<RunResult>;

// In the order of the CSV's columns and the table's.
const std::vector<LayerStatistic>& layer_statistics();
// What was simulated: at the top level of the JSON, attributes of the HDF5 file.
const std::vector<RunStatistic>& run_conditions();
// The run's totals: the JSON's "total", the CSV's total row, attributes of the HDF5 file.
const std::vector<RunStatistic>& run_totals();

// The unit a form writes, as the reference names it ("ms", "B", "text").
std::string_view unit_symbol(StatUnit unit, Form form);

int approximate_layers(const RunResult& r);

}  // namespace tilesim
