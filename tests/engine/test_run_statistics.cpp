// Every output of a run carries exactly the statistics declared for it (run_statistics.hpp), each
// under one key of its own: a declaration cannot be forgotten by an output, nor an output write
// a statistic that is not declared.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "hwmodels/soc_loader.hpp"
#include "sim/app/reports.hpp"
#include "sim/app/run_outputs.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/workload/network_builder.hpp"
#include "tests/test_support.hpp"
#include "traces/hdf5_table.hpp"

// A failed comparison of key sets lists both.
template <>
struct doctest::StringMaker<std::set<std::string>> {
  static String convert(const std::set<std::string>& keys) {
    std::string text;
    for (const auto& k : keys) text += (text.empty() ? "" : " ") + k;
    return ("{" + text + "}").c_str();
  }
};

using namespace tilesim;
using nlohmann::json;

namespace {

using Keys = std::set<std::string>;

template <class... Of>
void add_keys(Keys& keys, Output o, const std::vector<Statistic<Of...>>& stats) {
  for (const auto& s : stats)
    if (s.carried_in(o)) CHECK_MESSAGE(keys.insert(s.key_in(o)).second, "two statistics are named " << s.key_in(o));
}

template <class... Of>
Keys keys_in(Output o, const std::vector<Statistic<Of...>>& stats) {
  Keys keys;
  add_keys(keys, o, stats);
  return keys;
}

Keys keys_of(const json& object) {
  Keys keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> parts(1);
  for (char c : line)
    if (c == separator)
      parts.emplace_back();
    else
      parts.back().push_back(c);
  return parts;
}

// Fused layers (Conv+Relu), a view and a fully-connected layer, with a timeline for HDF5 and Perfetto.
RunResult small_run() {
  NetworkBuilder b("small");
  const TensorId x = b.relu(b.conv(b.input({1, 3, 32, 32}), ConvSpec::square(16, 3, 2), "conv"), "relu");
  b.gemm(b.flatten(b.global_avg_pool(x, "gap"), "flatten"), 10, true, "fc");
  CpuRunOptions options{2, "big", "auto"};
  options.record_timeline = true;
  return simulate_cpu(std::move(b).finish(), load_soc("snapdragon855"), load_engine("ncnn"), options);
}

}  // namespace

TEST_CASE("every_run_output_carries_each_declared_statistic") {
  const RunResult r = small_run();
  REQUIRE(r.layers.size() >= 4);

  const json j = run_json(r);
  Keys top = keys_in(Output::json, run_conditions());
  top.insert({"total", "layers"});
  CHECK(keys_of(j) == top);
  CHECK(keys_of(j["total"]) == keys_in(Output::json, run_totals()));
  REQUIRE(j["layers"].size() == r.layers.size());
  for (const auto& layer : j["layers"]) CHECK(keys_of(layer) == keys_in(Output::json, layer_statistics()));

  // CSV: the declared columns in their order; the total row fills the columns its totals name.
  std::ostringstream csv;
  print_run_csv(r, csv);
  const std::vector<std::string> lines = split(csv.str(), '\n');
  REQUIRE(lines.size() == r.layers.size() + 3);  // header, layers, total, and the empty rest after the last '\n'
  std::vector<std::string> columns;
  for (const auto& s : layer_statistics())
    if (s.carried_in(Output::csv)) columns.push_back(s.key_in(Output::csv));
  CHECK(split(lines.front(), ',') == columns);
  const std::vector<std::string> total = split(lines[lines.size() - 2], ',');
  REQUIRE(total.size() == columns.size());
  CHECK(total.front() == "total");
  for (const auto& s : run_totals()) {
    if (!s.carried_in(Output::csv)) continue;
    const auto at = std::find(columns.begin(), columns.end(), s.key_in(Output::csv));
    REQUIRE_MESSAGE(at != columns.end(), "the total " << s.key_in(Output::csv) << " names no CSV column");
    CHECK(!total[static_cast<size_t>(at - columns.begin())].empty());
  }

  const test::TempFile h5("statistics.h5", "");
  write_run_hdf5(h5.str(), r);
  const Hdf5File file = read_hdf5(h5.str());
  Keys attributes{"source"};
  add_keys(attributes, Output::hdf5, run_conditions());
  add_keys(attributes, Output::hdf5, run_totals());
  Keys written;
  for (const auto& [key, value] : file.attributes) written.insert(key);
  CHECK(written == attributes);
  const Table* layers = file.table("layers");
  REQUIRE(layers);
  CHECK(layers->rows() == r.layers.size());
  Keys layer_columns;
  for (const auto& [key, column] : layers->columns) layer_columns.insert(key);
  CHECK(layer_columns == keys_in(Output::hdf5, layer_statistics()));

  const test::TempFile trace("statistics.json", "");
  write_perfetto_trace(trace.str(), r);
  std::ifstream in(trace.str());
  const json t = json::parse(in);
  Keys other;
  add_keys(other, Output::perfetto, run_conditions());
  add_keys(other, Output::perfetto, run_totals());
  CHECK(keys_of(t["otherData"]) == other);
  int layer_slices = 0;
  for (const auto& e : t["traceEvents"])
    if (e["ph"] == "X" && e["tid"] == 0) {  // the layer track
      ++layer_slices;
      CHECK(keys_of(e["args"]) == keys_in(Output::perfetto, layer_statistics()));
    }
  CHECK(layer_slices > 0);

  std::ostringstream table;
  print_run_table(r, table);
  const std::string headings = split(table.str(), '\n').at(2);  // below the run's heading and a blank line
  for (const auto& s : layer_statistics())
    if (s.carried_in(Output::table)) CHECK(headings.find(s.key_in(Output::table)) != std::string::npos);
}
