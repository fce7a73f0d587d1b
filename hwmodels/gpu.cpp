#include "hwmodels/gpu.hpp"

namespace tilesim {

double GpuSpec::peak_flops(DataType t) const {
  const double per_clock = t == DataType::fp32 ? fp32_flops_per_clock : fp16_flops_per_clock;
  return per_clock * shader_cores * frequency;
}

const std::vector<Field<GpuSpec>>& GpuSpec::fields() {
  using G = GpuSpec;
  static const std::vector<Field<G>> f{
      {{"architecture", Unit::count, "GPU family", std::nullopt, "", 0, 0, false,
        {"adreno", "mali-midgard", "mali-bifrost", "mali-valhall", "videocore", "nvidia", "powervr", "intel"},
        true}, &G::architecture},
      {{"shader_cores", Unit::count, "shader cores (SPs, Mali cores, SMs, QPUs)", std::nullopt, "", 1, 256, true},
       &G::shader_cores},
      {{"fp32_flops_per_clock", Unit::count, "peak FP32 FLOPs per clock per shader core", std::nullopt, "", 1, 4096},
       &G::fp32_flops_per_clock},
      {{"fp16_flops_per_clock", Unit::count, "peak FP16 FLOPs per clock per shader core", std::nullopt, "", 1, 8192},
       &G::fp16_flops_per_clock},
      {{"frequency", Unit::hertz, "GPU clock", std::nullopt, "", 5e7, 4e9}, &G::frequency},
      {{"wave_size", Unit::count, "threads per wave/warp", std::nullopt, "", 1, 128, true}, &G::wave_size},
      {{"max_waves_per_core", Unit::count, "resident waves per shader core", std::nullopt, "", 1, 256, true},
       &G::max_waves_per_core},
      {{"registers_per_core", Unit::count, "32-bit registers per shader core", std::nullopt, "", 256, 1e7, true},
       &G::registers_per_core},
      {{"local_memory", Unit::bytes, "workgroup-shared memory per shader core", std::nullopt, "", 0, 1e7},
       &G::local_memory},
      {{"launch_overhead", Unit::seconds, "cost of one kernel dispatch", std::nullopt, "", 0, 1e-2},
       &G::launch_overhead},
      {{"submit_overhead", Unit::seconds, "cost of one command submission and wait", std::nullopt, "", 0, 1e-2},
       &G::submit_overhead},
      {{"unified_memory", Unit::count, "shares DRAM with the CPU; false (memory of its own) is not modelled", 1.0, "", 0, 1, false, {}, false, true},
       &G::unified_memory},
      {{"max_dram_bandwidth", Unit::bandwidth, "DRAM bandwidth the GPU's port passes (0 = no limit)", 0.0, "", 0, 1e12},
       &G::max_dram_bandwidth},
      {{"energy_per_fp32_flop", Unit::joules, "dynamic energy per FP32 FLOP", std::nullopt, "", 0, 1e-9},
       &G::energy_per_fp32_flop},
      {{"energy_per_fp16_flop", Unit::joules, "dynamic energy per FP16 FLOP", std::nullopt, "", 0, 1e-9},
       &G::energy_per_fp16_flop},
      {{"static_power", Unit::watts, "leakage while powered", 0.0, "", 0, 50}, &G::static_power},
  };
  return f;
}

const Section& GpuSpec::section() {
  static const Section s{"gpu", "a GPU", declarations(fields()),
                         {{"l1", &CacheSpec::section()}, {"l2", &CacheSpec::section()}}, nullptr, "gpus"};
  return s;
}

}  // namespace tilesim
