#include "sim/app/run_outputs.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/app/atomic_file.hpp"
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

}  // namespace

void write_run_hdf5(const std::string& path, const RunResult& r) {
  Hdf5File file;
  file.attributes = {{"model", r.model}, {"soc", r.soc}, {"engine", r.engine}, {"device", r.device},
                     {"cores", r.cores}, {"precision", r.precision}, {"threads", int64_t{r.threads}},
                     {"latency_s", r.latency_s}, {"energy_j", r.energy_j}, {"static_energy_j", r.static_energy_j},
                     {"peak_memory_bytes", r.peak_memory_bytes}, {"macs", r.macs}, {"params", r.params},
                     {"source", std::string("tilesim run")}};
  Table layers;
  std::vector<std::string> name, op, algorithm, bound;
  std::vector<double> latency, energy, compute, memory, imbalance, overhead, gflops;
  std::vector<int64_t> macs, flops, tiles, dram, approximate;
  for (const auto& l : r.layers) {
    name.push_back(l.name);
    approximate.push_back(l.approximate);
    op.push_back(l.op);
    algorithm.push_back(l.algorithm);
    bound.push_back(l.bound);
    latency.push_back(l.latency_s);
    energy.push_back(l.energy_j);
    compute.push_back(l.compute_s);
    memory.push_back(l.memory_s);
    imbalance.push_back(l.imbalance_s);
    overhead.push_back(l.overhead_s);
    gflops.push_back(l.gflops());
    macs.push_back(l.macs);
    flops.push_back(l.flops);
    tiles.push_back(l.tiles);
    dram.push_back(l.dram_bytes);
  }
  layers.columns = {{"name", name},           {"op", op},           {"algorithm", algorithm},
                    {"latency_s", latency},   {"energy_j", energy}, {"compute_s", compute},
                    {"memory_s", memory},     {"imbalance_s", imbalance}, {"overhead_s", overhead},
                    {"gflops", gflops},       {"macs", macs},       {"flops", flops},
                    {"tiles", tiles},         {"dram_bytes", dram}, {"bound", bound},
                    {"approximate", approximate}};
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
                        {"args", {{"op", l.op}, {"bound", l.bound}, {"macs", l.macs}, {"energy_mj", l.energy_j * 1e3},
                                  {"approximate", l.approximate}}}});
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
  const json trace{{"traceEvents", events}, {"displayTimeUnit", "ns"},
                   {"otherData", {{"model", r.model}, {"soc", r.soc}, {"engine", r.engine},
                                  {"latency_ms", r.latency_s * 1e3}}}};
  write_file_atomically(path, trace.dump());
}

}  // namespace tilesim
