#include "sim/sweep/sweep_config.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/config_tree.hpp"
#include "hwmodels/soc_loader.hpp"
#include "sim/sweep/content_hash.hpp"

namespace tilesim {
namespace {

const std::vector<std::string>& run_keys() {
  static const std::vector<std::string> keys{"model", "soc", "engine", "device", "cores", "threads", "precision"};
  return keys;
}
// Run keys only `base:` may set: every point of a sweep shares them.
const std::vector<std::string>& base_only_keys() {
  static const std::vector<std::string> keys{"warmup", "input", "set"};
  return keys;
}

struct Reader {
  std::string file;

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& message) const {
    throw ConfigError(located(file, at.Mark().line, at.Mark().column, key, message));
  }
  std::string scalar(const YAML::Node& n, const std::string& key) const { return scalar_text(n, NodeOrigin{file, key}); }
  int64_t whole(const YAML::Node& n, const std::string& key, int64_t lo, int64_t hi) const {
    const std::string text = scalar(n, key);
    int64_t v = 0;
    size_t used = 0;
    try {
      v = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size()) fail(n, key, fmt::format("'{}' is not a whole number", text));
    if (v < lo || v > hi) fail(n, key, fmt::format("{} is outside {} .. {}", v, lo, hi));
    return v;
  }
  void only_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) const {
    for (const auto& kv : map) {
      const std::string k = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      const std::string hint = nearest(k, allowed);
      fail(kv.first, join_path(path, k),
           fmt::format("unknown key{}; expected one of {}", hint.empty() ? "" : " (did you mean '" + hint + "'?)",
                       fmt::join(allowed, ", ")));
    }
  }
};

// Checks a run key's value where it can be checked without loading anything.
void check_run_value(const Reader& r, const YAML::Node& at, const std::string& name, const std::string& key,
                     const std::string& value) {
  const auto member = [&](const std::vector<std::string>& choices) {
    if (std::find(choices.begin(), choices.end(), value) == choices.end())
      r.fail(at, key, fmt::format("'{}' is not one of {}", value, fmt::join(choices, ", ")));
  };
  if (name == "device") member({"cpu", "gpu"});
  if (name == "cores") member({"all", "big", "little"});
  if (name == "precision") member({"auto", "fp32", "fp16", "int8"});
  if (name == "threads") r.whole(at, key, 1, 1024);
  if (name == "warmup") r.whole(at, key, 0, 100);
  if (value.empty()) r.fail(at, key, "an empty value");
}

ParameterRange read_range(const Reader& r, const YAML::Node& n, const std::string& key, Sampling sampling,
                          const std::optional<ParamDecl>& decl) {
  r.only_keys(n, key, {"min", "max", "steps", "scale"});
  if (!n["min"] || !n["max"]) r.fail(n, key, "a range needs min and max");
  ParameterRange range;
  const Unit unit = decl ? decl->unit : Unit::count;
  const auto quantity = [&](const YAML::Node& v, const std::string& k) {
    const std::string text = r.scalar(v, k);
    std::string error;
    const auto q = parse_quantity(text, unit, &error);
    if (!q) r.fail(v, k, error);
    return *q;
  };
  const double lo = quantity(n["min"], key + ".min"), hi = quantity(n["max"], key + ".max");
  if (!(lo < hi)) r.fail(n, key, "min must be below max");
  if (decl) {
    check_param(n["min"], *decl, NodeOrigin{r.file, key + ".min"});
    check_param(n["max"], *decl, NodeOrigin{r.file, key + ".max"});
  }
  // Values are written back in the unit min was written in: "2400MT/s" stays readable.
  const std::string min_text = r.scalar(n["min"], key + ".min");
  size_t digits = 0;
  while (digits < min_text.size() && (std::isdigit(static_cast<unsigned char>(min_text[digits])) ||
                                      std::string_view(".+-eE").find(min_text[digits]) != std::string_view::npos))
    ++digits;
  range.suffix = min_text.substr(digits);
  while (!range.suffix.empty() && range.suffix.front() == ' ') range.suffix.erase(0, 1);
  const double scale = parse_quantity("1" + range.suffix, unit).value_or(1);
  range.min = lo / scale;
  range.max = hi / scale;
  range.integral = !decl || decl->integral;
  if (n["scale"]) {
    const std::string s = r.scalar(n["scale"], key + ".scale");
    if (s != "linear" && s != "log") r.fail(n["scale"], key + ".scale", "'" + s + "' is not linear or log");
    range.log = s == "log";
    if (range.log && lo <= 0) r.fail(n["scale"], key + ".scale", "a log scale needs min above 0");
  }
  if (sampling == Sampling::grid) {
    if (!n["steps"]) r.fail(n, key, "a range in a grid needs steps (the values from min to max, both included)");
    range.steps = r.whole(n["steps"], key + ".steps", 2, 10000);
  } else if (n["steps"]) {
    r.fail(n["steps"], key + ".steps", "not used: random and latin-hypercube sampling draw from the whole range");
  }
  return range;
}

// "a <= b": the operator and both sides.
Constraint read_constraint(const Reader& r, const YAML::Node& n, const std::string& key) {
  Constraint c;
  c.text = r.scalar(n, key);
  c.line = n.Mark().line + 1;
  for (const char* op : {"<=", ">=", "==", "!=", "<", ">"}) {
    const auto at = c.text.find(op);
    if (at == std::string::npos) continue;
    const auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(' '));
      s.erase(s.find_last_not_of(' ') + 1);
      return s;
    };
    c.op = op;
    c.lhs = trim(c.text.substr(0, at));
    c.rhs = trim(c.text.substr(at + c.op.size()));
    if (c.lhs.empty() || c.rhs.empty()) break;
    return c;
  }
  r.fail(n, key, fmt::format("'{}' is not KEY OP KEY-or-VALUE with OP one of <=, <, >=, >, ==, !=", c.text));
}

bool starts_like_number(const std::string& s) {
  return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.' || s[0] == '-' || s[0] == '+');
}

}  // namespace

bool SweepParameter::is_run_key() const {
  return std::find(run_keys().begin(), run_keys().end(), key) != run_keys().end();
}

const char* sampling_name(Sampling s) {
  switch (s) {
    case Sampling::grid: return "grid";
    case Sampling::random: return "random";
    case Sampling::latin_hypercube: return "latin-hypercube";
  }
  return "";
}

std::string SweepConfig::run_value(const std::vector<std::string>& point, const std::string& key) const {
  for (size_t i = 0; i < parameters.size(); ++i)
    if (parameters[i].key == key) return point.at(i);
  const auto it = base.find(key);
  return it == base.end() ? "" : it->second;
}

SweepConfig load_sweep_config(const std::string& path) {
  const YAML::Node root = load_yaml_map(path);
  const Reader r{path};
  SweepConfig c;
  c.file = path;
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    c.text = text.str();
  }
  c.hash = content_hash(c.text);
  r.only_keys(root, "", {"description", "source", "base", "sampling", "samples", "seed", "parameters", "constraints"});
  if (root["description"]) c.description = r.scalar(root["description"], "description");

  const std::string sampling = root["sampling"] ? r.scalar(root["sampling"], "sampling") : "grid";
  if (sampling == "grid") c.sampling = Sampling::grid;
  else if (sampling == "random") c.sampling = Sampling::random;
  else if (sampling == "latin-hypercube") c.sampling = Sampling::latin_hypercube;
  else r.fail(root["sampling"], "sampling", fmt::format("'{}' is not grid, random or latin-hypercube", sampling));
  if (c.sampling == Sampling::grid) {
    for (const char* unused : {"samples", "seed"})
      if (root[unused]) r.fail(root[unused], unused, "not used by a grid, which takes every combination");
  } else {
    if (!root["samples"]) r.fail(root, "samples", fmt::format("{} sampling needs samples: N", sampling));
    c.samples = r.whole(root["samples"], "samples", 1, kMaxSweepPoints);
    if (root["seed"]) c.seed = static_cast<uint64_t>(r.whole(root["seed"], "seed", 0, INT64_MAX));
  }

  std::vector<std::string> base_keys = run_keys();
  base_keys.insert(base_keys.end(), base_only_keys().begin(), base_only_keys().end());
  if (const YAML::Node base = root["base"]) {
    if (!base.IsMap()) r.fail(base, "base", "expected a map of run keys");
    r.only_keys(base, "base", base_keys);
    for (const auto& kv : base) {
      const std::string k = kv.first.Scalar(), key = "base." + k;
      if (k == "set") {
        if (!kv.second.IsMap()) r.fail(kv.second, key, "expected a map of dotted SoC keys to values");
        for (const auto& s : kv.second)
          c.base_sets.push_back(s.first.Scalar() + "=" + r.scalar(s.second, key + "." + s.first.Scalar()));
        continue;
      }
      c.base[k] = r.scalar(kv.second, key);
      check_run_value(r, kv.second, k, key, c.base[k]);
    }
  }

  const YAML::Node params = root["parameters"];
  if (!params || !params.IsMap() || params.size() == 0)
    r.fail(params ? params : root, "parameters", "a sweep needs parameters: a map of keys to values or ranges");
  std::vector<std::string> socs;  // the SoCs SoC keys are checked against
  if (const YAML::Node soc_values = params["soc"]; soc_values && soc_values.IsSequence())
    for (const auto& v : soc_values) socs.push_back(r.scalar(v, "parameters.soc"));
  if (socs.empty()) socs.push_back(c.base.count("soc") ? c.base.at("soc") : "snapdragon855");
  std::vector<YAML::Node> trees;
  for (const auto& soc : socs) {
    trees.push_back(resolve_soc_tree(soc));
    for (const auto& s : c.base_sets) apply_override(trees.back(), s);
  }
  for (const auto& kv : params) {
    SweepParameter p;
    p.key = kv.first.Scalar();
    p.line = kv.first.Mark().line + 1;
    const std::string key = "parameters." + p.key;
    if (std::find(base_only_keys().begin(), base_only_keys().end(), p.key) != base_only_keys().end())
      r.fail(kv.first, key, "set in base: every point of a sweep shares it");
    std::optional<ParamDecl> decl;
    if (!p.is_run_key()) {
      try {
        decl = soc_setting(trees.front(), p.key);
      } catch (const ConfigError& e) {
        r.fail(kv.first, key, e.what());
      }
    }
    if (kv.second.IsSequence()) {
      if (kv.second.size() == 0) r.fail(kv.second, key, "an empty list of values");
      std::set<std::string> seen;
      for (const auto& v : kv.second) {
        const std::string value = r.scalar(v, key);
        if (!seen.insert(value).second) r.fail(v, key, fmt::format("'{}' is listed twice", value));
        if (p.is_run_key()) check_run_value(r, v, p.key, key, value);
        for (auto& tree : trees) {
          if (p.is_run_key()) break;
          YAML::Node copy = YAML::Clone(tree);
          try {
            apply_override(copy, p.key + "=" + value);
          } catch (const ConfigError& e) {
            r.fail(v, key, e.what());
          }
        }
        p.values.push_back(value);
      }
    } else if (kv.second.IsMap()) {
      if (p.is_run_key() && p.key != "threads") r.fail(kv.second, key, "a range needs a numeric key; list the values");
      p.range = read_range(r, kv.second, key, c.sampling, decl);
      if (p.key == "threads") {
        if (p.range->min < 1 || p.range->max > 1024) r.fail(kv.second, key, "threads range outside 1 .. 1024");
        p.range->integral = true;
      }
    } else {
      r.fail(kv.second, key, "expected a list of values or a range {min, max, ...}");
    }
    c.parameters.push_back(std::move(p));
  }
  if (c.sampling == Sampling::grid) {
    double points = 1;
    for (const auto& p : c.parameters) points *= p.range ? static_cast<double>(p.range->steps) : static_cast<double>(p.values.size());
    if (points > static_cast<double>(kMaxSweepPoints))
      r.fail(params, "parameters", fmt::format("the grid has {:.3g} points; at most {} are swept", points, kMaxSweepPoints));
  }

  if (const YAML::Node cons = root["constraints"]) {
    if (!cons.IsSequence()) r.fail(cons, "constraints", "expected a list of 'KEY OP KEY-or-VALUE'");
    for (const auto& n : cons) {
      Constraint k = read_constraint(r, n, "constraints");
      int keys = 0;
      for (const std::string* side : {&k.lhs, &k.rhs}) {
        if (starts_like_number(*side)) continue;
        ++keys;
        if (*side == "threads") continue;
        try {
          for (const auto& tree : trees) soc_setting(tree, *side);
        } catch (const ConfigError& e) {
          r.fail(n, "constraints", e.what());
        }
      }
      if (keys == 0) r.fail(n, "constraints", fmt::format("'{}' compares no key", k.text));
      c.constraints.push_back(std::move(k));
    }
  }
  return c;
}

}  // namespace tilesim
