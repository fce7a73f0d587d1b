#pragma once
// A GPU (configs/gpus/): shader cores and their arithmetic, occupancy limits, caches, and the
// overheads of getting work onto it.
#include <optional>
#include <string>

#include "hwmodels/cache.hpp"
#include "sim/workload/data_type.hpp"

namespace tilesim {

// Members hold what the declarations (gpu.cpp) give: required ones start at 0 until a description
// sets them.
enum class GpuArchitecture { adreno, mali_midgard, mali_bifrost, mali_valhall, videocore, nvidia, powervr, intel };
const ChoiceTable<GpuArchitecture>& gpu_architecture_names();

struct GpuSpec {
  std::string name;
  std::string family;                   // the root preset of its base chain, else its name (configs/area.yaml)
  GpuArchitecture architecture = GpuArchitecture::adreno;  // required: every description states it
  // What calibration keys a GPU's fitted values by: its architecture (adreno, mali-bifrost, ...),
  // so a new GPU of a known architecture inherits them.
  std::string calibration_family() const { return choice_name(gpu_architecture_names(), architecture); }
  int64_t shader_cores = 0;             // Adreno SPs, Mali cores, NVIDIA SMs, VideoCore QPUs
  double fp32_flops_per_clock = 0;      // per shader core (2 per FMA lane)
  double fp16_flops_per_clock = 0;      // per shader core
  double frequency = 0;                 // Hz
  int64_t wave_size = 0;                // threads per wave / warp
  int64_t max_waves_per_core = 0;       // resident waves per shader core
  int64_t registers_per_core = 0;       // 32-bit registers per shader core
  double local_memory = 0;              // bytes of workgroup-shared memory per core
  double launch_overhead = 0;           // seconds per kernel dispatch
  double submit_overhead = 0;           // seconds per command-buffer submission
  bool unified_memory = true;           // shares DRAM with the CPU (the only kind modelled)
  double max_dram_bandwidth = 0;        // bytes/s the GPU's port to the interconnect passes (0 = no limit)
  double energy_per_fp32_flop = 0;      // joules
  double energy_per_fp16_flop = 0;
  double static_power = 0;              // W while powered
  CacheSpec l1;                         // per shader core
  std::optional<CacheSpec> l2;          // shared by all shader cores

  double peak_flops(DataType t) const;  // FLOP/s of the whole GPU

  static const std::vector<Field<GpuSpec>>& fields();
  static const Section& section();
};

}  // namespace tilesim
