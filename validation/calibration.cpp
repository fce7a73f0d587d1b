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
#include "validation/network_calibration.hpp"
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
  const EngineProfile base = uncalibrated(load_engine(engine_name));  // the assumptions are what it fits
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

}  // namespace tilesim
