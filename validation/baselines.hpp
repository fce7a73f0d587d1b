#pragma once
// The baselines every validation report shows beside the simulator, on the same rows:
//  - FLOP-proportional: time = k * FLOPs;
//  - roofline: time = k * max(FLOPs / peak FLOP/s, bytes / DRAM bandwidth), with the peak of
//    the cores (or GPU) in use at the precision in use and the SoC's achievable bandwidth.
// Each has one scale k, fitted as the geometric mean of measured/raw over the OTHER devices'
// rows (leave-one-device-out; leave-one-row-out when there is a single device). The simulator
// has no fitted scale at all, so the baselines see more measured data than it does.
#include <string>
#include <vector>

namespace tilesim {

struct BaselineInput {
  std::string group;  // the device (the unit left out when fitting)
  double measured_ms = 0;
  double flops = 0;       // arithmetic of the layer or network
  double bytes = 0;       // weights + inputs + outputs it must move at least once
  double peak_flops = 0;  // FLOP/s of the compute in use
  double bandwidth = 0;   // achievable DRAM bytes/s
};

struct BaselinePredictions {
  std::vector<double> flops_ms, roofline_ms;
};

BaselinePredictions predict_baselines(const std::vector<BaselineInput>& rows);

}  // namespace tilesim
