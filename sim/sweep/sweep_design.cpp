#include "sim/sweep/sweep_design.hpp"

#include <cmath>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"

namespace tilesim {
namespace {

// Uniform in [0, 1) from 53 random bits: the same numbers on every platform (std's distributions
// are not specified bit for bit).
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// The value at `u` in [0, 1] of a parameter: a list value, or a point of the range.
std::string value_at(const SweepParameter& p, double u) {
  if (!p.range) {
    const size_t k = p.values.size();
    return p.values[std::min(k - 1, static_cast<size_t>(u * static_cast<double>(k)))];
  }
  const ParameterRange& r = *p.range;
  double v = r.log ? std::exp(std::log(r.min) + u * (std::log(r.max) - std::log(r.min))) : r.min + u * (r.max - r.min);
  v = std::clamp(v, r.min, r.max);
  if (r.integral) return fmt::format("{}{}", static_cast<int64_t>(std::llround(v)), r.suffix);
  return fmt::format("{:.4g}{}", v, r.suffix);  // four digits: a design's resolution, and readable
}

size_t levels(const SweepParameter& p) { return p.range ? static_cast<size_t>(p.range->steps) : p.values.size(); }

std::vector<PointValues> grid(const SweepConfig& c) {
  size_t total = 1;
  for (const auto& p : c.parameters) total *= levels(p);
  std::vector<PointValues> points(total);
  for (size_t i = 0; i < total; ++i) {
    size_t rest = i;
    points[i].resize(c.parameters.size());
    for (size_t j = c.parameters.size(); j-- > 0;) {  // the first parameter varies slowest
      const SweepParameter& p = c.parameters[j];
      const size_t k = rest % levels(p);
      rest /= levels(p);
      points[i][j] = p.range ? value_at(p, static_cast<double>(k) / static_cast<double>(p.range->steps - 1))
                             : p.values[k];
    }
  }
  return points;
}

std::vector<PointValues> sample(const SweepConfig& c) {
  std::mt19937_64 rng(c.seed);
  const size_t n = static_cast<size_t>(c.samples);
  std::vector<PointValues> points(n, PointValues(c.parameters.size()));
  if (c.sampling == Sampling::random) {
    for (auto& point : points)
      for (size_t j = 0; j < c.parameters.size(); ++j) point[j] = value_at(c.parameters[j], uniform01(rng));
    return points;
  }
  for (size_t j = 0; j < c.parameters.size(); ++j) {  // Latin hypercube: strata in a random order
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    for (size_t i = n; i-- > 1;) std::swap(order[i], order[static_cast<size_t>(uniform01(rng) * static_cast<double>(i + 1))]);
    for (size_t i = 0; i < n; ++i)
      points[i][j] = value_at(c.parameters[j], (static_cast<double>(order[i]) + uniform01(rng)) / static_cast<double>(n));
  }
  return points;
}

bool is_number(const std::string& s) {
  return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.' || s[0] == '-' || s[0] == '+');
}

}  // namespace

SweepSocs::SweepSocs(const SweepConfig& config) : config_(config) {
  std::vector<std::string> socs;
  for (const auto& p : config.parameters)
    if (p.key == "soc") socs = p.values;
  if (socs.empty()) socs.push_back(config.run_value({}, "soc").empty() ? "snapdragon855" : config.run_value({}, "soc"));
  for (const auto& soc : socs) {
    YAML::Node tree = resolve_soc_tree(soc);
    for (const auto& s : config.base_sets) apply_override(tree, s);
    base_.emplace(soc, tree);
  }
}

YAML::Node SweepSocs::tree(const PointValues& point) const {
  std::string soc = config_.run_value(point, "soc");
  if (soc.empty()) soc = base_.begin()->first;
  YAML::Node tree;
  {
    std::lock_guard lock(mu_);
    tree = YAML::Clone(base_.at(soc));
  }
  for (size_t i = 0; i < config_.parameters.size(); ++i)
    if (!config_.parameters[i].is_run_key()) apply_override(tree, config_.parameters[i].key + "=" + point[i]);
  return tree;
}

double SweepSocs::value(const PointValues& point, const std::string& key) const {
  std::string soc = config_.run_value(point, "soc");
  if (soc.empty()) soc = base_.begin()->first;
  const YAML::Node& base = base_.at(soc);
  for (size_t i = 0; i < config_.parameters.size(); ++i) {
    if (config_.parameters[i].key != key) continue;
    if (key == "threads") return std::stod(point[i]);
    return parse_quantity(point[i], soc_setting(base, key).unit).value();
  }
  if (key == "threads") {
    const std::string t = config_.run_value(point, "threads");
    if (t.empty()) throw ConfigError(fmt::format("{}: a constraint compares threads, which is neither a parameter "
                                                 "nor set in base", config_.file));
    return std::stod(t);
  }
  return soc_setting_value(base, key);
}

bool SweepSocs::admits(const PointValues& point, const Constraint& c) const {
  const auto side = [&](const std::string& text, const std::string& other) {
    if (!is_number(text)) return value(point, text);
    const Unit unit = other == "threads" ? Unit::count : soc_setting(base_.begin()->second, other).unit;
    std::string error;
    const auto q = parse_quantity(text, unit, &error);
    if (!q) throw ConfigError(located(config_.file, c.line - 1, -1, "constraints", fmt::format("{}: {}", c.text, error)));
    return *q;
  };
  const double a = side(c.lhs, c.rhs), b = side(c.rhs, c.lhs);
  if (c.op == "<=") return a <= b;
  if (c.op == "<") return a < b;
  if (c.op == ">=") return a >= b;
  if (c.op == ">") return a > b;
  if (c.op == "==") return a == b;
  return a != b;
}

SweepDesign design_sweep(const SweepConfig& config, const SweepSocs& socs) {
  std::vector<PointValues> drawn = config.sampling == Sampling::grid ? grid(config) : sample(config);
  SweepDesign d;
  d.drawn = static_cast<int64_t>(drawn.size());
  for (auto& point : drawn) {
    bool ok = true;
    for (const auto& c : config.constraints) ok = ok && socs.admits(point, c);
    if (ok) d.points.push_back(std::move(point));
  }
  return d;
}

}  // namespace tilesim
