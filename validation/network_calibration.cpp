#include "validation/network_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include <Eigen/Dense>
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/engine/gpu_simulator.hpp"
#include "sim/workload/fusion.hpp"
#include "validation/layer_network.hpp"
#include "validation/progress.hpp"
#include "validation/validator.hpp"

namespace tilesim {
namespace {

// No kernel class of a tuned engine runs below this fraction of peak (pooling and elementwise loops
// issue about one arithmetic operation per load, a few percent of an FMA peak).
constexpr double kMinEfficiency = 0.03;
constexpr double kBoundWeight = 300;  // residual per unit of log outside (kMinEfficiency, 1]
// The scatter of a row about the model (log units) that the prior is weighed against: rows are
// residuals over it, prior terms over their own spreads.
constexpr double kRowScatter = 0.2;
constexpr int kMaxExponent = 64;     // a power mean this sharp is the max of its terms

int cell(KernelClass k, DataType t) { return static_cast<int>(k) * kPrecisions + precision_index(t); }
constexpr int kCells = kKernelClasses * kPrecisions;

// (a^q + m^q)^(1/q), scaled to stay finite.
double power_mean(double a, double m, double q) {
  const double top = std::max(a, m);
  if (top <= 0) return 0;
  if (q >= kMaxExponent || a <= 0 || m <= 0) return top;  // the max (and its derivative: 1 or 0)
  return top * std::pow(std::pow(a / top, q) + std::pow(m / top, q), 1 / q);
}

// The exponent q in [1, kMaxExponent] at which power_mean(a, m, q) = busy.
double exponent_for(double a, double m, double busy) {
  if (a <= 0 || m <= 0 || busy <= std::max(a, m) * (1 + 1e-12)) return kMaxExponent;
  if (busy >= a + m) return 1;
  double lo = 1, hi = kMaxExponent;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    (power_mean(a, m, mid) > busy ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// A row as the fit sees it: its slots' terms and which parameters they depend on.
struct Term {
  int family;        // index into the fit's families
  int cell;          // kernel class x precision
  double log_used;   // log of the efficiency the probe ran at
  double arithmetic, memory, exponent, extra;
};
struct PhaseTerms {
  double seconds, reference;  // the phase's time and its slowest slot's predicted busy time, at the probe
  std::vector<Term> slots;
};
struct RowModel {
  double weight, log_measured;
  int threads;
  double layers, wakeups, barriers;
  std::vector<int> families;  // of its slots, each once
  std::vector<PhaseTerms> phases;
};

// Parameters: pooled log-efficiency per cell, pooled log barrier, wake-up and layer cost, then per
// family the same as deviations from the pooled values.
struct Layout {
  int families = 0;
  static constexpr int kPerSet = kCells + 3;
  int size() const { return kPerSet * (1 + families); }
  static int pooled(int c) { return c; }
  static int barrier(int set) { return set * kPerSet + kCells; }
  static int wakeup(int set) { return set * kPerSet + kCells + 1; }
  static int layer(int set) { return set * kPerSet + kCells + 2; }
  static int family(int f, int c) { return (1 + f) * kPerSet + c; }
};

class Model {
 public:
  Model(const std::vector<const CalibrationRow*>& rows, const EngineProfile& at) {
    std::map<std::string, int> rows_of_group;
    for (const auto* r : rows) ++rows_of_group[r->group];
    const double per_group = static_cast<double>(rows.size()) / static_cast<double>(rows_of_group.size());
    for (const auto* r : rows) {
      RowModel m;
      m.weight = std::sqrt(per_group / rows_of_group[r->group]) / kRowScatter;
      m.log_measured = std::log(r->measured_s);
      m.threads = r->probe.threads;
      m.layers = static_cast<double>(r->probe.layers);
      m.wakeups = static_cast<double>(r->probe.wakeups);
      m.barriers = static_cast<double>(r->probe.barriers);
      std::vector<int> slot_family;
      std::vector<EngineProfile::OnCore> on;
      for (const auto& f : r->probe.slot_family) {
        slot_family.push_back(family_index(f));
        on.push_back(at.on_core(f));
        if (std::find(m.families.begin(), m.families.end(), slot_family.back()) == m.families.end())
          m.families.push_back(slot_family.back());
      }
      for (const PhaseSample& p : r->probe.phases) {
        PhaseTerms pt{p.seconds, 0, {}};
        for (size_t s = 0; s < p.slots.size() && s < slot_family.size(); ++s) {
          const auto& sl = p.slots[s];
          if (sl.busy <= 0) continue;
          Term t{slot_family[s], cell(p.kernel_class, p.precision),
                 std::log(on[s].efficiency(p.kernel_class, p.precision)), sl.arithmetic, sl.memory, 0, 0};
          t.extra = std::max(0.0, sl.busy - (sl.arithmetic + sl.memory));
          t.exponent = exponent_for(sl.arithmetic, sl.memory, sl.busy - t.extra);
          pt.reference = std::max(pt.reference, power_mean(t.arithmetic, t.memory, t.exponent) + t.extra);
          pt.slots.push_back(t);
        }
        if (pt.seconds > 0) m.phases.push_back(std::move(pt));
      }
      rows_.push_back(std::move(m));
    }
    layout_.families = static_cast<int>(families_.size());
  }

  const Layout& layout() const { return layout_; }
  const std::vector<std::string>& families() const { return families_; }
  const std::vector<RowModel>& rows() const { return rows_; }

  // log seconds of a row at parameters x, and its gradient (sparse: index, value) when asked.
  double log_seconds(const RowModel& m, const Eigen::VectorXd& x, std::vector<std::pair<int, double>>* grad) const {
    double total = 0;
    std::map<int, double> g;
    for (const PhaseTerms& p : m.phases) {
      double top = -1, dtop = 0;
      int top_f = 0, top_c = 0;
      for (const Term& t : p.slots) {
        const double log_new = x[Layout::pooled(t.cell)] + x[Layout::family(t.family, t.cell)];
        const double k = std::exp(t.log_used - log_new);
        const double u = k * t.arithmetic;
        const double s = power_mean(u, t.memory, t.exponent);
        const double busy = s + t.extra;
        if (busy > top) {
          top = busy;
          const double share = t.exponent >= kMaxExponent ? (u >= s ? 1.0 : 0.0) : std::pow(u / s, t.exponent - 1);
          dtop = s > 0 ? -u * share : 0;  // d busy / d log efficiency
          top_f = t.family;
          top_c = t.cell;
        }
      }
      if (p.reference <= 0 || top < 0) {
        total += p.seconds;
        continue;
      }
      const double scale = p.seconds / p.reference;
      total += top * scale;
      if (grad) {
        g[Layout::pooled(top_c)] += dtop * scale;
        g[Layout::family(top_f, top_c)] += dtop * scale;
      }
    }
    // Fixed costs: the slowest family's cost per layer, wake-up per layer that woke the threads,
    // and barrier per loop that ended in one.
    struct Fixed {
      int (*index)(int);
      double count;
      bool per_thread;
    };
    for (const Fixed& fixed : {Fixed{Layout::layer, m.layers, false}, Fixed{Layout::wakeup, m.wakeups, true},
                               Fixed{Layout::barrier, m.barriers, true}}) {
      double cost = 0;
      int slowest = -1;
      for (int f : m.families) {
        const double at_two = std::exp(x[fixed.index(0)] + x[fixed.index(1 + f)]);
        const double c = fixed.per_thread ? at_threads(at_two, m.threads) : at_two;
        if (c > cost) cost = c, slowest = f;
      }
      total += fixed.count * cost;
      if (grad && slowest >= 0) {
        g[fixed.index(0)] += fixed.count * cost;
        g[fixed.index(1 + slowest)] += fixed.count * cost;
      }
    }
    if (grad) {
      grad->clear();
      for (const auto& [i, v] : g) grad->emplace_back(i, v / total);
    }
    return std::log(total);
  }

 private:
  int family_index(const std::string& f) {
    const auto it = std::find(families_.begin(), families_.end(), f);
    if (it != families_.end()) return static_cast<int>(it - families_.begin());
    families_.push_back(f);
    return static_cast<int>(families_.size()) - 1;
  }

  std::vector<std::string> families_;
  std::vector<RowModel> rows_;
  Layout layout_;
};

// The residuals of the fit: rows, then the prior, then the bounds; each with its sparse gradient.
struct Residuals {
  std::vector<double> r;
  std::vector<std::vector<std::pair<int, double>>> j;
  double cost() const {
    double c = 0;
    for (double v : r) c += v * v;
    return c;
  }
};

class Problem {
 public:
  Problem(const Model& model, const EngineProfile& prior, const CalibrationSpread& spread)
      : model_(model), spread_(spread), prior_(Eigen::VectorXd::Zero(model.layout().size())) {
    for (const auto& [name, k] : kernel_class_names())
      for (DataType t : kAllPrecisions) prior_[Layout::pooled(cell(k, t))] = std::log(prior.efficiency(k, t));
    prior_[Layout::barrier(0)] = std::log(std::max(prior.barrier_overhead, 1e-7));
    prior_[Layout::wakeup(0)] = std::log(std::max(prior.wakeup_overhead, 1e-7));
    prior_[Layout::layer(0)] = std::log(std::max(prior.layer_overhead, 1e-7));
    // Which (family, cell) the rows use: only those are bounded.
    used_.assign(static_cast<size_t>(model.layout().families * kCells), 0);
    for (const RowModel& m : model.rows())
      for (const PhaseTerms& p : m.phases)
        for (const Term& t : p.slots) used_[static_cast<size_t>(t.family * kCells + t.cell)] = 1;
  }

  const Eigen::VectorXd& start() const { return prior_; }

  Residuals evaluate(const Eigen::VectorXd& x, bool with_jacobian) const {
    Residuals out;
    const auto& rows = model_.rows();
    out.r.resize(rows.size());
    if (with_jacobian) out.j.resize(rows.size());
    tbb::parallel_for(size_t{0}, rows.size(), [&](size_t i) {
      const RowModel& m = rows[i];
      std::vector<std::pair<int, double>> g;
      out.r[i] = m.weight * (model_.log_seconds(m, x, with_jacobian ? &g : nullptr) - m.log_measured);
      if (with_jacobian) {
        for (auto& [k, v] : g) v *= m.weight;
        out.j[i] = std::move(g);
      }
    });
    auto add = [&](double value, std::vector<std::pair<int, double>> grad) {
      out.r.push_back(value);
      if (with_jacobian) out.j.push_back(std::move(grad));
    };
    const int families = model_.layout().families;
    for (int c = 0; c < kCells; ++c) add((x[c] - prior_[c]) / spread_.prior_pooled, {{c, 1 / spread_.prior_pooled}});
    for (int i : {Layout::barrier(0), Layout::wakeup(0), Layout::layer(0)})
      add((x[i] - prior_[i]) / spread_.prior_overhead, {{i, 1 / spread_.prior_overhead}});
    for (int f = 0; f < families; ++f) {
      for (int c = 0; c < kCells; ++c) {
        const int i = Layout::family(f, c);
        add(x[i] / spread_.prior_family, {{i, 1 / spread_.prior_family}});
        if (!used_[static_cast<size_t>(f * kCells + c)]) continue;
        const double e = x[c] + x[i];  // log efficiency: inside (kMinEfficiency, 1]
        if (e > 0) add(kBoundWeight * e, {{c, kBoundWeight}, {i, kBoundWeight}});
        if (e < std::log(kMinEfficiency))
          add(kBoundWeight * (std::log(kMinEfficiency) - e), {{c, -kBoundWeight}, {i, -kBoundWeight}});
      }
      for (int i : {Layout::barrier(1 + f), Layout::wakeup(1 + f), Layout::layer(1 + f)})
        add(x[i] / spread_.prior_family_overhead, {{i, 1 / spread_.prior_family_overhead}});
    }
    return out;
  }

 private:
  const Model& model_;
  CalibrationSpread spread_;
  Eigen::VectorXd prior_;
  std::vector<uint8_t> used_;
};

// Levenberg-Marquardt with the Marquardt scaling; returns the steps taken.
int minimise(const Problem& problem, Eigen::VectorXd& x) {
  const auto n = x.size();
  double lambda = 1e-3;
  Residuals res = problem.evaluate(x, true);
  double cost = res.cost();
  int steps = 0;
  for (; steps < 60; ++steps) {
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(n, n);
    Eigen::VectorXd g = Eigen::VectorXd::Zero(n);
    for (size_t i = 0; i < res.r.size(); ++i)
      for (const auto& [a, va] : res.j[i]) {
        g[a] += va * res.r[i];
        for (const auto& [b, vb] : res.j[i]) h(a, b) += va * vb;
      }
    bool improved = false;
    for (int tries = 0; tries < 12 && !improved; ++tries) {
      Eigen::MatrixXd damped = h;
      for (Eigen::Index i = 0; i < n; ++i) damped(i, i) += lambda * std::max(h(i, i), 1e-9);
      const Eigen::VectorXd step = damped.ldlt().solve(-g);
      const Eigen::VectorXd trial = x + step;
      Residuals tr = problem.evaluate(trial, true);
      if (tr.cost() < cost) {
        improved = true;
        const double gain = cost - tr.cost();
        x = trial;
        res = std::move(tr);
        cost = res.cost();
        lambda = std::max(lambda / 3, 1e-9);
        if (gain < 1e-7 * std::max(cost, 1e-30)) return steps + 1;
      } else {
        lambda *= 4;
      }
    }
    if (!improved) break;
  }
  return steps;
}

// The fitted values, as the calibration file carries them: pooled for every cell the rows use,
// and per family for the cells its rows use.
EngineCalibration to_calibration(const Model& model, const Eigen::VectorXd& x) {
  EngineCalibration c;
  std::vector<std::vector<uint8_t>> used(static_cast<size_t>(model.layout().families), std::vector<uint8_t>(kCells, 0));
  std::vector<uint8_t> pooled(kCells, 0);
  for (const RowModel& m : model.rows())
    for (const PhaseTerms& p : m.phases)
      for (const Term& t : p.slots)
        if (t.arithmetic > 0) used[static_cast<size_t>(t.family)][static_cast<size_t>(t.cell)] = pooled[static_cast<size_t>(t.cell)] = 1;
  auto efficiency = [](double log_e) { return std::clamp(std::exp(log_e), kMinEfficiency, 1.0); };
  // Rows of one family are no pool: other families keep the profile's assumptions.
  const bool pool = model.layout().families > 1;
  // Wake-up and barrier cost nothing at one thread (and a GPU run has one submitting thread): rows
  // that all ran on one say nothing of them, and nothing is written.
  const bool threaded = std::any_of(model.rows().begin(), model.rows().end(), [](const RowModel& m) { return m.threads > 1; });
  if (pool) {
    for (const auto& [name, k] : kernel_class_names())
      for (DataType t : kAllPrecisions)
        if (pooled[static_cast<size_t>(cell(k, t))]) c.pooled.at(k, t) = efficiency(x[cell(k, t)]);
    if (threaded) {
      c.pooled.barrier_overhead = std::exp(x[Layout::barrier(0)]);
      c.pooled.wakeup_overhead = std::exp(x[Layout::wakeup(0)]);
    }
    c.pooled.layer_overhead = std::exp(x[Layout::layer(0)]);
  }
  // A family's value within 1 % of the pooled one is left to it (a family without a value takes
  // the pooled one): the file keeps what the rows told apart.
  auto own = [pool](double deviation) { return !pool || std::abs(deviation) >= 0.01; };
  for (int f = 0; f < model.layout().families; ++f) {
    CalibratedValues v;
    for (const auto& [name, k] : kernel_class_names())
      for (DataType t : kAllPrecisions)
        if (used[static_cast<size_t>(f)][static_cast<size_t>(cell(k, t))] && own(x[Layout::family(f, cell(k, t))]))
          v.at(k, t) = efficiency(x[cell(k, t)] + x[Layout::family(f, cell(k, t))]);
    for (auto [index, member] : {std::pair{&Layout::barrier, &CalibratedValues::barrier_overhead},
                                 std::pair{&Layout::wakeup, &CalibratedValues::wakeup_overhead},
                                 std::pair{&Layout::layer, &CalibratedValues::layer_overhead}})
      if (own(x[index(1 + f)]) && (threaded || index == &Layout::layer)) v.*member = std::exp(x[index(0)] + x[index(1 + f)]);
    c.cores[model.families()[static_cast<size_t>(f)]] = v;
  }
  return c;
}

}  // namespace

std::vector<CalibrationRow> probe_runs(const std::vector<MeasuredRun>& runs, const EngineProfile& engine,
                                       std::vector<std::string>& notes, const std::string& progress_label) {
  std::vector<CalibrationRow> out(runs.size());
  std::vector<uint8_t> ok(runs.size(), 0);
  std::mutex mu;
  Progress progress(progress_label, runs.size());
  tbb::parallel_for(size_t{0}, runs.size(), [&](size_t i) {
    const Progress::Tick tick{progress};
    const MeasuredRun& run = runs[i];
    try {
      CalibrationRow& row = out[i];
      RunResult r;
      if (run.device == "gpu") {
        r = simulate_gpu(*run.network, *run.soc, engine, GpuRunOptions{run.precision, false, 1, &row.probe});
      } else {
        CpuRunOptions o{run.threads, run.cores, run.precision};
        o.warmup_runs = 1;
        o.probe = &row.probe;
        r = simulate_cpu(*run.network, *run.soc, engine, o);
      }
      if (run.measurement) check_plausible(*run.measurement, fuse(*run.network, engine.fusion()), *run.soc, r);
      row.measurement = run.measurement;
      row.group = run.group;
      row.measured_s = run.measured_s;
      row.simulated_s = r.latency_s;
      ok[i] = 1;
    } catch (const ConfigError& e) {
      std::lock_guard lock(mu);
      notes.push_back(fmt::format("{}: left out: {}", run.source, e.what()));
    }
  });
  std::vector<CalibrationRow> kept;
  for (size_t i = 0; i < out.size(); ++i)
    if (ok[i]) kept.push_back(std::move(out[i]));
  return kept;
}

std::vector<CalibrationRow> probe_rows(const std::vector<const NetworkMeasurement*>& rows, const EngineProfile& engine,
                                       std::vector<std::string>& notes, const std::string& progress_label) {
  const std::string device = engine.target == EngineTarget::gpu ? "gpu" : "cpu";
  std::vector<const NetworkMeasurement*> on_device;
  for (const auto* r : rows)
    if (r->device == device && r->engine == engine.name && compared_time_ms(r->time) > 0) on_device.push_back(r);
  const MeasuredSocs socs(on_device);
  const MeasuredNetworks networks(on_device);
  for (const auto& f : networks.failures()) notes.push_back(f + "; its rows left out");
  std::vector<MeasuredRun> runs;
  for (const auto* m : on_device) {
    const Network* net = networks.of(*m);
    if (!net) continue;
    runs.push_back(MeasuredRun{net, &socs.of(*m), static_cast<int>(std::max<int64_t>(1, m->threads)), m->cores,
                               m->precision.empty() ? "auto" : m->precision, device, compared_time_ms(m->time) / 1e3,
                               device == "gpu" ? m->soc + " gpu" : m->soc, m->source, m});
  }
  return probe_runs(runs, engine, notes, progress_label);
}

LayerRuns layer_runs(const std::vector<Trace>& traces, const std::string& soc, std::vector<std::string>& notes) {
  LayerRuns out;
  for (const Trace& t : traces) {
    const std::string soc_name = soc.empty() ? t.soc : soc;
    if (!out.socs.count(soc_name)) out.socs.emplace(soc_name, load_soc(soc_name));
    int skipped = 0;
    for (const LayerMeasurement& l : t.layers) {
      const double measured_ms = compared_time_ms(l.time);
      std::optional<Network> net = measured_ms > 0 ? layer_network(l) : std::nullopt;
      if (!net) {
        ++skipped;
        continue;
      }
      out.networks.push_back(std::move(*net));
      out.runs.push_back(MeasuredRun{&out.networks.back(), &out.socs.at(soc_name),
                                     static_cast<int>(std::max<int64_t>(1, t.threads)), t.cores, t.precision, "cpu",
                                     measured_ms / 1e3, out.socs.at(soc_name).name, t.source + ": " + l.name, nullptr});
    }
    if (skipped > 0) notes.push_back(fmt::format("{}: {} rows not simulated alone left out", t.source, skipped));
  }
  return out;
}

double predicted_seconds(const CalibrationRow& row, const EngineProfile& at, const EngineProfile& engine) {
  const Model model({&row}, at);
  // Set 0 holds the pooled values (a family no calibration names takes them); set 1 + f, family f's
  // own as deviations from them.
  Eigen::VectorXd x = Eigen::VectorXd::Zero(model.layout().size());
  auto fill = [&](int set, const CalibratedValues& v) {
    const auto logged = [&](double value, int index) { return std::log(std::max(value, 1e-12)) - (set ? x[index] : 0); };
    for (const auto& [name, k] : kernel_class_names())
      for (DataType t : kAllPrecisions) x[set * Layout::kPerSet + cell(k, t)] = logged(v.at(k, t), cell(k, t));
    x[Layout::barrier(set)] = logged(v.barrier_overhead, Layout::barrier(0));
    x[Layout::wakeup(set)] = logged(v.wakeup_overhead, Layout::wakeup(0));
    x[Layout::layer(set)] = logged(v.layer_overhead, Layout::layer(0));
  };
  fill(0, engine.on_core("").values);
  for (int f = 0; f < model.layout().families; ++f)
    fill(1 + f, engine.on_core(model.families()[static_cast<size_t>(f)]).values);
  return std::exp(model.log_seconds(model.rows().front(), x, nullptr));
}

CalibrationResult fit_calibration(const std::vector<const CalibrationRow*>& rows, const EngineProfile& at,
                                  const EngineProfile& prior, const CalibrationSpread& spread) {
  if (rows.empty()) throw ConfigError("calibrate: no row to fit on");
  const Model model(rows, at);
  const Problem problem(model, prior, spread);
  Eigen::VectorXd x = problem.start();
  CalibrationResult result;
  result.iterations = minimise(problem, x);
  double sum = 0;
  for (const RowModel& m : model.rows()) sum += std::pow(model.log_seconds(m, x, nullptr) - m.log_measured, 2);
  result.log_rmse = std::sqrt(sum / static_cast<double>(model.rows().size()));
  result.rows = static_cast<int>(model.rows().size());
  result.calibration = to_calibration(model, x);
  return result;
}

namespace {

// Fits `outer` times, each on `probe(at)`: the rows simulated at the last fit.
template <class Probe>
CalibrationResult calibrate(const EngineProfile& engine, int outer, std::vector<std::string>& notes, Probe probe) {
  const EngineProfile prior = uncalibrated(engine);
  EngineProfile at = prior;
  CalibrationResult result;
  for (int i = 0; i < outer; ++i) {
    std::vector<std::string> round_notes;
    const auto probed = probe(at, round_notes, fmt::format("calibrating {} (fit {} of {})", engine.name, i + 1, outer));
    if (i == 0) notes.insert(notes.end(), round_notes.begin(), round_notes.end());
    std::vector<const CalibrationRow*> ptrs;
    for (const auto& r : probed) ptrs.push_back(&r);
    result = fit_calibration(ptrs, at, prior);
    at = with_calibration(prior, result.calibration);
  }
  return result;
}

}  // namespace

CalibrationResult calibrate_on_runs(const std::vector<MeasuredRun>& runs, const EngineProfile& engine, int outer,
                                    std::vector<std::string>& notes) {
  return calibrate(engine, outer, notes, [&](const EngineProfile& at, std::vector<std::string>& n, const std::string& label) {
    return probe_runs(runs, at, n, label);
  });
}

CalibrationResult calibrate_on_networks(const std::vector<const NetworkMeasurement*>& rows, const EngineProfile& engine,
                                        int outer, std::vector<std::string>& notes) {
  return calibrate(engine, outer, notes, [&](const EngineProfile& at, std::vector<std::string>& n, const std::string& label) {
    return probe_rows(rows, at, n, label);
  });
}

}  // namespace tilesim
