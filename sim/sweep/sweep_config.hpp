#pragma once
// A sweep description (configs/sweeps/*.yaml, docs/sweep-format.md): what every point starts
// from, the parameters that vary (dotted keys of the SoC description, or the run's own keys:
// model, soc, engine, device, cores, threads, precision), how points are drawn from them (a grid,
// a random sample, a Latin hypercube), and constraints between keys that exclude points.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tilesim {

enum class Sampling { grid, random, latin_hypercube };

// A value range of a numeric parameter, written with a unit ("1600MT/s").
struct ParameterRange {
  double min = 0, max = 0;  // in the unit of `suffix` (the one `min` was written in)
  std::string suffix;       // values are written back as number + suffix
  bool log = false;         // sampled and stepped evenly in log space
  bool integral = false;    // a count: values rounded to whole numbers
  int64_t steps = 0;        // grid: values from min to max inclusive
};

struct SweepParameter {
  std::string key;
  int line = 0;                        // 1-based, in the config file
  std::vector<std::string> values;     // a list of values, or
  std::optional<ParameterRange> range; // a range
  bool is_run_key() const;             // model, soc, engine, device, cores, threads, precision
};

struct Constraint {
  std::string text;                    // as written: "cpu.clusters.little.frequency <= cpu.clusters.big.frequency"
  std::string lhs, op, rhs;
  int line = 0;
};

struct SweepConfig {
  std::string file;         // where it was read from
  std::string text;         // the file as read: stored with the results
  std::string hash;         // of `text`: --resume continues only the same sweep
  std::string description;
  std::map<std::string, std::string> base;  // run keys (soc, model, engine, device, cores, threads,
                                            // precision, warmup, input) every point starts from
  std::vector<std::string> base_sets;       // SoC overrides every point starts from ("KEY=VALUE")
  Sampling sampling = Sampling::grid;
  int64_t samples = 0;      // random, latin-hypercube
  uint64_t seed = 1;        // random, latin-hypercube
  std::vector<SweepParameter> parameters;
  std::vector<Constraint> constraints;

  // The value a point has for a run key: its parameter's, else the base's, else "".
  std::string run_value(const std::vector<std::string>& point, const std::string& key) const;
};

// The largest sweep a config may describe: ten million points (about a day on two cores).
constexpr int64_t kMaxSweepPoints = 10'000'000;

// Reads and checks a sweep config: every key known, every value valid for the SoCs it applies to,
// each error naming the file, line and key (ConfigError).
SweepConfig load_sweep_config(const std::string& path);

const char* sampling_name(Sampling s);

}  // namespace tilesim
