#include "sim/analysis/speedup_attribution.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace tilesim {
namespace {

const char* group_label(const std::string& g) {
  if (g == "gemm") return "GEMM (1x1, im2col, fully connected)";
  if (g == "winograd") return "Winograd convolutions";
  if (g == "depthwise") return "depthwise convolutions";
  if (g == "gemv") return "matrix-vector (GEMV)";
  if (g == "direct") return "other convolutions";
  return "layers without MACs";
}

const char* factor_label(const std::string& f) {
  if (f == "compute") return "compute (the class's fraction of peak)";
  if (f == "memory_stalls") return "memory stalls";
  if (f == "tile_quantisation") return "tile quantisation";
  if (f == "load_imbalance") return "other load imbalance";
  if (f == "overhead") return "dispatch and barriers";
  return "elementwise, pooling, shuffles, concatenation";
}

// Time of one run by (group, factor).
std::map<std::pair<std::string, std::string>, double> parts_of(const RunResult& r) {
  std::map<std::pair<std::string, std::string>, double> parts;
  for (const LayerResult& l : r.layers) {
    if (l.macs == 0) {
      parts[{"no_macs", "no_mac_layers"}] += l.latency_s;
      continue;
    }
    const std::string g = l.kernel_class == "gemm" || l.kernel_class == "winograd" || l.kernel_class == "depthwise" ||
                                  l.kernel_class == "gemv"
                              ? l.kernel_class
                              : "direct";
    // Whole tiles over the slots (threads, or a GPU's resident workgroups): with n equal tiles on
    // t slots the slowest runs ceil(n/t) of them while the mean runs n/t; that much of the wait
    // is quantisation (on a GPU, the last wave's).
    double quantisation = 0;
    if (l.main_tiles > 0 && l.main_slots > 0) {
      const double n = static_cast<double>(l.main_tiles), t = static_cast<double>(l.main_slots);
      const double waste = std::ceil(n / t) * t / n - 1;
      quantisation = std::min(l.imbalance_s, (l.compute_s + l.memory_s) * waste);
    }
    parts[{g, "compute"}] += l.compute_s;
    parts[{g, "memory_stalls"}] += l.memory_s;
    parts[{g, "tile_quantisation"}] += quantisation;
    parts[{g, "load_imbalance"}] += l.imbalance_s - quantisation;
    parts[{g, "overhead"}] += l.overhead_s;
  }
  return parts;
}

}  // namespace

SpeedupAttribution attribute_speedup(RunResult a, RunResult b) {
  SpeedupAttribution s;
  s.a = std::move(a);
  s.b = std::move(b);
  s.flops_ratio = static_cast<double>(s.a.macs) / static_cast<double>(std::max<int64_t>(1, s.b.macs));
  s.latency_ratio = s.a.latency_s / s.b.latency_s;
  s.expected_b_s = s.a.latency_s / s.flops_ratio;
  const auto pa = parts_of(s.a), pb = parts_of(s.b);
  std::map<std::pair<std::string, std::string>, SpeedupFactor> all;
  for (const auto* p : {&pa, &pb})
    for (const auto& [key, t] : *p) all[key] = SpeedupFactor{key.first, key.second, 0, 0, 0};
  for (auto& [key, f] : all) {
    f.a_s = pa.count(key) ? pa.at(key) : 0;
    f.b_s = pb.count(key) ? pb.at(key) : 0;
    f.contribution_s = f.b_s - f.a_s / s.flops_ratio;
    if (f.a_s != 0 || f.b_s != 0) s.factors.push_back(f);
  }
  std::stable_sort(s.factors.begin(), s.factors.end(),
                   [](const auto& x, const auto& y) { return std::fabs(x.contribution_s) > std::fabs(y.contribution_s); });
  return s;
}

nlohmann::json speedup_json(const SpeedupAttribution& s) {
  nlohmann::json factors = nlohmann::json::array();
  std::map<std::string, double> by_factor;
  for (const auto& f : s.factors) {
    factors.push_back({{"group", f.group}, {"factor", f.factor}, {"a_ms", f.a_s * 1e3}, {"b_ms", f.b_s * 1e3},
                       {"contribution_ms", f.contribution_s * 1e3}});
    by_factor[f.factor] += f.contribution_s * 1e3;
  }
  nlohmann::json measured = nullptr, measured_ratio = nullptr;
  if (s.measured) {
    measured = {{"a_ms", s.measured->a_ms}, {"b_ms", s.measured->b_ms}, {"source", s.measured->source}};
    measured_ratio = s.measured->a_ms / s.measured->b_ms;
  }
  return {{"models", {s.a.model, s.b.model}},
          {"soc", s.a.soc},
          {"engine", s.a.engine},
          {"device", s.a.device},
          {"threads", s.a.threads},
          {"cores", s.a.cores},
          {"precision", s.a.precision},
          {"macs", {s.a.macs, s.b.macs}},
          {"latency_ms", {s.a.latency_s * 1e3, s.b.latency_s * 1e3}},
          {"flops_ratio", s.flops_ratio},
          {"latency_ratio", s.latency_ratio},
          {"measured_ratio", measured_ratio},
          {"measured", measured},
          {"expected_b_ms", s.expected_b_s * 1e3},
          {"gap_ms", s.gap_s() * 1e3},
          {"factors", factors},
          {"by_factor", by_factor},
          {"notes", s.notes}};
}

void print_speedup(const SpeedupAttribution& s, std::ostream& out) {
  const auto& a = s.a;
  const auto& b = s.b;
  fmt::print(out, "{} against {} on {} ({}, {}, {} threads on {} cores, {})\n\n", a.model, b.model, a.soc, a.engine,
             a.device, a.threads, a.cores, a.precision);
  const size_t w = std::max<size_t>(12, std::max(a.model.size(), b.model.size()));
  fmt::print(out, "  {:<24} {:>{}} {:>{}}  {:>7}\n", "", a.model, w, b.model, w, "A / B");
  fmt::print(out, "  {:<24} {:>{}.1f} {:>{}.1f}  {:>6.2f}x  FLOP ratio\n", "MACs (millions)", a.macs / 1e6, w,
             b.macs / 1e6, w, s.flops_ratio);
  fmt::print(out, "  {:<24} {:>{}.3f} {:>{}.3f}  {:>6.2f}x  simulated\n", "latency (ms)", a.latency_s * 1e3, w,
             b.latency_s * 1e3, w, s.latency_ratio);
  if (s.measured)
    fmt::print(out, "  {:<24} {:>{}.3f} {:>{}.3f}  {:>6.2f}x  measured ({})\n", "measured latency (ms)", s.measured->a_ms,
               w, s.measured->b_ms, w, s.measured->a_ms / s.measured->b_ms, s.measured->source);
  fmt::print(out, "\nAt {}'s time per MAC, {} would take {:.3f} ms; it takes {:.3f} ms ({:+.3f} ms). By layer group and "
                  "factor,\neach {}'s time less {}'s scaled by the FLOP ratio (they add up to {:+.3f} ms):\n",
             a.model, b.model, s.expected_b_s * 1e3, b.latency_s * 1e3, s.gap_s() * 1e3, b.model, a.model, s.gap_s() * 1e3);
  fmt::print(out, "  {:<36} {:<46} {:>9} {:>9} {:>9}\n", "layer group", "factor", "A ms", "B ms", "B - A/r");
  for (const auto& f : s.factors)
    fmt::print(out, "  {:<36} {:<46} {:>9.3f} {:>9.3f} {:>+9.3f}\n", group_label(f.group), factor_label(f.factor),
               f.a_s * 1e3, f.b_s * 1e3, f.contribution_s * 1e3);
  std::map<std::string, double> by_factor;
  for (const auto& f : s.factors) by_factor[f.factor] += f.contribution_s * 1e3;
  fmt::print(out, "\nBy factor:");
  for (const auto& [factor, ms] : by_factor) fmt::print(out, "  {} {:+.3f} ms;", factor, ms);
  fmt::print(out, "\n");
  for (const auto& n : s.notes) fmt::print(out, "note: {}\n", n);
}

}  // namespace tilesim
