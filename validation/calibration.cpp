#include "validation/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/engine/gpu_simulator.hpp"
#include "validation/layer_network.hpp"
#include "validation/progress.hpp"
#include "validation/validator.hpp"

namespace tilesim {
namespace {

std::string class_of(const std::string& algorithm) {
  if (algorithm.rfind("depthwise", 0) == 0 || algorithm.rfind("dwconv", 0) == 0) return "depthwise_efficiency";
  if (algorithm.find("pool") != std::string::npos || algorithm == "elementwise" || algorithm == "copy" ||
      algorithm == "gemv")
    return "elementwise_efficiency";
  return "gemm_efficiency";
}

double& field(EngineProfile& e, const std::string& key) {
  if (key == "depthwise_efficiency") return e.depthwise_efficiency;
  if (key == "elementwise_efficiency") return e.elementwise_efficiency;
  return e.gemm_efficiency;
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto i = static_cast<size_t>(pos);
  return i + 1 < v.size() ? v[i] + (v[i + 1] - v[i]) * (pos - static_cast<double>(i)) : v[i];
}

}  // namespace

std::vector<EfficiencyFit> fit_efficiencies(const std::vector<Trace>& traces, const std::string& soc_name,
                                            const std::string& engine_name) {
  const EngineProfile base = load_engine(engine_name);
  std::map<std::string, std::vector<double>> per_class;
  for (const Trace& trace : traces) {
    const SocSpec soc = load_soc(soc_name.empty() ? trace.soc : soc_name);
    for (const LayerMeasurement& l : trace.layers) {
      const auto net = layer_network(l);
      const double measured = compared_time_ms(l.time);
      if (!net || !(measured > 0)) continue;
      CpuRunOptions o{static_cast<int>(std::max<int64_t>(1, trace.threads)), trace.cores, trace.precision};
      o.warmup_runs = 1;
      auto simulate_at = [&](const std::string& key, double efficiency) {
        EngineProfile e = base;
        field(e, key) = efficiency;
        double ms = 0;
        for (const auto& layer : simulate_cpu(*net, soc, e, o).layers) ms += layer.latency_s * 1e3;
        return ms;
      };
      std::string key = "gemm_efficiency";
      for (const auto& layer : simulate_cpu(*net, soc, base, o).layers)
        if (layer.algorithm != "view") key = class_of(layer.algorithm);
      // The layer determines an efficiency only if some efficiency in (0.02, 1] reproduces it.
      double lo = 0.02, hi = 1.0;
      if (simulate_at(key, hi) > measured || simulate_at(key, lo) < measured) continue;
      for (int i = 0; i < 30; ++i) {
        const double mid = (lo + hi) / 2;
        (simulate_at(key, mid) > measured ? lo : hi) = mid;
      }
      per_class[key].push_back((lo + hi) / 2);
    }
  }
  std::vector<EfficiencyFit> fits;
  for (const auto& [key, values] : per_class)
    fits.push_back(EfficiencyFit{key, quantile(values, 0.5), quantile(values, 0.25), quantile(values, 0.75),
                                 static_cast<int>(values.size())});
  return fits;
}

std::vector<EfficiencyFit> fit_efficiency_scale(const std::vector<NetworkMeasurement>& all_rows,
                                                const std::string& engine_name) {
  std::vector<const NetworkMeasurement*> rows;
  for (const auto& r : all_rows)
    if (r.engine == engine_name && compared_time_ms(r.time) > 0) rows.push_back(&r);
  if (rows.empty()) return {};
  const EngineProfile base = load_engine(engine_name);
  std::map<std::string, SocSpec> socs;
  for (const auto* r : rows) {
    std::string key = r->soc;
    for (const auto& o : r->soc_overrides) key += "|" + o;
    if (!socs.count(key)) socs.emplace(key, load_soc(r->soc, r->soc_overrides));
  }
  const MeasuredNetworks networks(rows);
  // A calibration fits on every row it was given, or says why it cannot.
  if (!networks.failures().empty()) throw ConfigError(networks.failures().front());
  // Median of log(simulated / measured) at scale k; it falls as k rises (faster kernels).
  auto median_log_ratio = [&](double k) {
    EngineProfile e = base;
    for (double* f : {&e.gemm_efficiency, &e.depthwise_efficiency, &e.elementwise_efficiency}) *f = std::min(1.0, *f * k);
    std::vector<double> logs(rows.size());
    tbb::parallel_for(size_t{0}, rows.size(), [&](size_t i) {
      const NetworkMeasurement& m = *rows[i];
      std::string key = m.soc;
      for (const auto& o : m.soc_overrides) key += "|" + o;
      const Network& net = *networks.of(m);
      double ms = 0;
      if (m.device == "gpu") {
        ms = simulate_gpu(net, socs.at(key), e, GpuRunOptions{m.precision.empty() ? "auto" : m.precision, false, 1})
                 .latency_s * 1e3;
      } else {
        CpuRunOptions o{static_cast<int>(std::max<int64_t>(1, m.threads)), m.cores, m.precision.empty() ? "auto" : m.precision};
        o.warmup_runs = 1;
        ms = simulate_cpu(net, socs.at(key), e, o).latency_s * 1e3;
      }
      logs[i] = std::log(ms / compared_time_ms(m.time));
    });
    return quantile(logs, 0.5);
  };
  double lo = 0.05, hi = 1.0 / std::max({base.gemm_efficiency, base.depthwise_efficiency, base.elementwise_efficiency});
  Progress progress(fmt::format("calibrating {} on {} rows", engine_name, rows.size()), 21);
  const bool capped = median_log_ratio(hi) > 0;
  progress.tick();
  if (capped) lo = hi;  // slower than measured even at full efficiency: the cap binds
  for (int i = 0; i < 20 && lo < hi; ++i, progress.tick()) {
    const double mid = (lo + hi) / 2;
    (median_log_ratio(mid) > 0 ? lo : hi) = mid;
  }
  const double k = (lo + hi) / 2;
  const int n = static_cast<int>(rows.size());
  return {EfficiencyFit{"gemm_efficiency", std::min(1.0, base.gemm_efficiency * k), 0, 0, n},
          EfficiencyFit{"depthwise_efficiency", std::min(1.0, base.depthwise_efficiency * k), 0, 0, n},
          EfficiencyFit{"elementwise_efficiency", std::min(1.0, base.elementwise_efficiency * k), 0, 0, n}};
}

}  // namespace tilesim
