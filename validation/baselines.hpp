#pragma once
// The baselines every validation report shows beside the simulator, on the same rows:
//  - FLOP-proportional: time = k * FLOPs / peak FLOP/s of the compute in use;
//  - roofline: time = k * max(FLOPs / peak FLOP/s, bytes / DRAM bandwidth), with the peak of
//    the cores (or GPU) in use at the precision in use and the SoC's achievable bandwidth;
//  - oracle FLOP: the FLOP-proportional form with k fitted on the other rows of the row's own run
//    (its device under the same engine, threads, cores and precision): what a user who has
//    measured that device so, but not this network or layer, would predict.
// The first two fit k on the OTHER devices' rows (leave-one-device-out; leave-one-row-out when
// there is a single device). Each k minimises the reported error itself (MAPE: the weighted
// median of measured/raw), so that no baseline is flattered or handicapped by its fit. The
// simulator has no fitted scale at all, so the baselines see more measured data than it does.
#include <string>
#include <vector>

namespace tilesim {

struct BaselineInput {
  std::string group;  // the device (the unit left out when fitting)
  std::string run;    // the conditions of its run on that device (the oracle's unit)
  double measured_ms = 0;
  double flops = 0;       // arithmetic of the layer or network
  double bytes = 0;       // weights + inputs + outputs it must move at least once
  double peak_flops = 0;  // FLOP/s of the compute in use
  double bandwidth = 0;   // achievable DRAM bytes/s
};

struct BaselinePredictions {
  std::vector<double> flops_ms, roofline_ms;
  std::vector<double> oracle_flops_ms;  // 0 where the run has no other row to fit on
};

BaselinePredictions predict_baselines(const std::vector<BaselineInput>& rows);

// The k minimising the mean of |k * raw_i - measured_i| / measured_i over the rows `use` selects:
// the median of measured/raw weighted by raw/measured. 0 when no row is usable.
double mape_optimal_scale(const std::vector<double>& measured, const std::vector<double>& raw,
                          const std::vector<bool>& use);

}  // namespace tilesim
