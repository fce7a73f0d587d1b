#include "sim/app/run_outputs.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "sim/app/atomic_file.hpp"
#include "sim/app/reports.hpp"
#include "sim/engine/timeline.hpp"
#include "traces/hdf5_table.hpp"

namespace tilesim {
namespace {

// Above this many work-item slices, consecutive slices of the same layer and phase on a track
// are drawn as one, so the trace stays small enough for a browser to open.
constexpr size_t kMaxSlices = 100000;

std::vector<TimelineSlice> coalesced(const Timeline& t) {
  if (t.slices.size() <= kMaxSlices) return t.slices;
  std::vector<TimelineSlice> sorted = t.slices;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.track != b.track ? a.track < b.track : a.start < b.start;
  });
  std::vector<TimelineSlice> out;
  for (const auto& s : sorted) {
    if (!out.empty() && out.back().track == s.track && out.back().layer == s.layer && out.back().phase == s.phase) {
      out.back().end = s.end;
      out.back().flops += s.flops;
      out.back().dram_bytes += s.dram_bytes;
    } else {
      out.push_back(s);
    }
  }
  return out;
}

// HDF5 has no booleans or lists: a flag is 0 or 1, a list '+'-joined.
Attribute hdf5_value(const StatValue& value) {
  return std::visit(
      [](const auto& v) -> Attribute {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>)
          return int64_t{v};
        else if constexpr (std::is_same_v<T, std::vector<std::string>>)
          return fmt::format("{}", fmt::join(v, "+"));
        else
          return v;
      },
      value);
}

// A column of the statistic's values over the layers, of their type.
Column hdf5_column(const LayerStatistic& s, const RunResult& r) {
  Column column;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const Attribute value = hdf5_value(s.value_in(Output::hdf5, r, r.layers[i]));
    std::visit(
        [&](const auto& v) {
          using Values = std::vector<std::decay_t<decltype(v)>>;
          if (i == 0) column = Values{};
          std::get<Values>(column).push_back(v);
        },
        value);
  }
  return column;
}

}  // namespace

void write_run_hdf5(const std::string& path, const RunResult& r) {
  Hdf5File file;
  for (const auto* stats : {&run_conditions(), &run_totals()})
    for (const RunStatistic& s : *stats)
      if (s.carried_in(Output::hdf5)) file.attributes[s.key_in(Output::hdf5)] = hdf5_value(s.value_in(Output::hdf5, r));
  file.attributes["source"] = std::string("tilesim run");
  Table layers;
  for (const LayerStatistic& s : layer_statistics())
    if (s.carried_in(Output::hdf5)) layers.columns.emplace_back(s.key_in(Output::hdf5), hdf5_column(s, r));
  file.tables.emplace_back("layers", std::move(layers));
  if (r.timeline) {
    Table items;
    std::vector<int64_t> layer, track, item_flops, item_dram;
    std::vector<double> start, end;
    std::vector<std::string> phase;
    for (const auto& s : r.timeline->slices) {
      layer.push_back(s.layer);
      track.push_back(s.track);
      start.push_back(s.start);
      end.push_back(s.end);
      phase.push_back(s.phase);
      item_flops.push_back(s.flops);
      item_dram.push_back(s.dram_bytes);
    }
    items.columns = {{"layer", layer}, {"track", track}, {"start_s", start},        {"end_s", end},
                     {"phase", phase}, {"flops", item_flops}, {"dram_bytes", item_dram}};
    file.tables.emplace_back("work_items", std::move(items));
    Table tracks;
    tracks.columns = {{"name", r.timeline->tracks}};
    file.tables.emplace_back("tracks", std::move(tracks));
  }
  write_hdf5(path, file);
}

void write_perfetto_trace(const std::string& path, const RunResult& r) {
  using nlohmann::json;
  json events = json::array();
  constexpr int kPid = 1;
  auto us = [](double s) { return s * 1e6; };
  events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", kPid},
                    {"args", {{"name", fmt::format("tilesim: {} on {} ({}, {})", r.model, r.soc, r.engine, r.device)}}}});
  const int layer_track = 0;
  events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", kPid}, {"tid", layer_track}, {"args", {{"name", "layers"}}}});
  if (r.timeline)
    for (size_t t = 0; t < r.timeline->tracks.size(); ++t)
      events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", kPid}, {"tid", static_cast<int>(t) + 1},
                        {"args", {{"name", r.timeline->tracks[t]}}}});
  double at = 0;
  for (const auto& l : r.layers) {
    if (l.latency_s > 0) {
      events.push_back({{"ph", "X"}, {"name", l.name}, {"cat", l.algorithm}, {"pid", kPid}, {"tid", layer_track},
                        {"ts", us(at)}, {"dur", us(l.latency_s)},
                        {"args", statistics_json(Output::perfetto, layer_statistics(), r, l)}});
      events.push_back({{"ph", "C"}, {"name", "power (W)"}, {"pid", kPid}, {"ts", us(at)},
                        {"args", {{"W", l.energy_j / l.latency_s}}}});
    }
    at += l.latency_s;
  }
  if (r.timeline) {
    for (const auto& s : coalesced(*r.timeline))
      events.push_back({{"ph", "X"}, {"name", r.layers[static_cast<size_t>(s.layer)].name}, {"cat", s.phase},
                        {"pid", kPid}, {"tid", s.track + 1}, {"ts", us(s.start)}, {"dur", us(s.end - s.start)},
                        {"args", {{"phase", s.phase}, {"flops", s.flops}, {"dram_bytes", s.dram_bytes}}}});
    for (const auto& c : r.timeline->counters)
      events.push_back({{"ph", "C"}, {"name", c.counter}, {"pid", kPid}, {"ts", us(c.time)}, {"args", {{"value", c.value}}}});
  }
  json other = statistics_json(Output::perfetto, run_conditions(), r);
  other.update(statistics_json(Output::perfetto, run_totals(), r));
  const json trace{{"traceEvents", events}, {"displayTimeUnit", "ns"}, {"otherData", other}};
  write_file_atomically(path, trace.dump());
}

}  // namespace tilesim
