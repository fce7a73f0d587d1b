#include "hwmodels/gpu.hpp"

namespace tilesim {

double GpuSpec::peak_flops(DataType t) const {
  const double per_clock = t == DataType::fp32 ? fp32_flops_per_clock : fp16_flops_per_clock;
  return per_clock * static_cast<double>(shader_cores) * frequency;
}

const ChoiceTable<GpuArchitecture>& gpu_architecture_names() {
  using A = GpuArchitecture;
  static const ChoiceTable<A> t{{"adreno", A::adreno},         {"mali-midgard", A::mali_midgard},
                                {"mali-bifrost", A::mali_bifrost}, {"mali-valhall", A::mali_valhall},
                                {"videocore", A::videocore},   {"nvidia", A::nvidia},
                                {"powervr", A::powervr},       {"intel", A::intel}};
  return t;
}

const std::vector<Field<GpuSpec>>& GpuSpec::fields() {
  using G = GpuSpec;
  static const std::vector<Field<G>> f{
      choice_field<G>({.key = "architecture", .meaning = "GPU family"}, &G::architecture, gpu_architecture_names()),
      {{.key = "shader_cores", .meaning = "shader cores (SPs, Mali cores, SMs, QPUs)", .min = 1, .max = 256,
        .integral = true},
       &G::shader_cores},
      {{.key = "fp32_flops_per_clock", .meaning = "peak FP32 FLOPs per clock per shader core", .min = 1, .max = 4096},
       &G::fp32_flops_per_clock},
      {{.key = "fp16_flops_per_clock", .meaning = "peak FP16 FLOPs per clock per shader core", .min = 1, .max = 8192},
       &G::fp16_flops_per_clock},
      {{.key = "frequency", .unit = Unit::hertz, .meaning = "GPU clock", .min = 5e7, .max = 4e9}, &G::frequency},
      {{.key = "wave_size", .meaning = "threads per wave/warp", .min = 1, .max = 128, .integral = true}, &G::wave_size},
      {{.key = "max_waves_per_core", .meaning = "resident waves per shader core", .min = 1, .max = 256, .integral = true},
       &G::max_waves_per_core},
      {{.key = "registers_per_core", .meaning = "32-bit registers per shader core", .min = 256, .max = 1e7,
        .integral = true},
       &G::registers_per_core},
      {{.key = "local_memory", .unit = Unit::bytes, .meaning = "workgroup-shared memory per shader core", .max = 1e7},
       &G::local_memory},
      {{.key = "launch_overhead", .unit = Unit::seconds, .meaning = "cost of one kernel dispatch", .max = 1e-2},
       &G::launch_overhead},
      {{.key = "submit_overhead", .unit = Unit::seconds, .meaning = "cost of one command submission and wait",
        .max = 1e-2},
       &G::submit_overhead},
      {{.key = "unified_memory", .meaning = "shares DRAM with the CPU; false (memory of its own) is not modelled",
        .default_value = 1, .max = 1, .is_flag = true},
       &G::unified_memory},
      {{.key = "max_dram_bandwidth", .unit = Unit::bandwidth,
        .meaning = "DRAM bandwidth the GPU's port passes (0 = no limit)", .default_value = 0, .max = 1e12,
        .min_nonzero = 1e8},
       &G::max_dram_bandwidth},
      {{.key = "energy_per_fp32_flop", .unit = Unit::joules, .meaning = "dynamic energy per FP32 FLOP", .max = 1e-9},
       &G::energy_per_fp32_flop},
      {{.key = "energy_per_fp16_flop", .unit = Unit::joules, .meaning = "dynamic energy per FP16 FLOP", .max = 1e-9},
       &G::energy_per_fp16_flop},
      {{.key = "static_power", .unit = Unit::watts, .meaning = "leakage while powered", .default_value = 0, .max = 50},
       &G::static_power},
  };
  return f;
}

const Section& GpuSpec::section() {
  static const Section s{.name = "gpu", .meaning = "a GPU", .params = [] {
                           auto p = declarations(fields());
                           p.push_back({.key = "family",
                                        .meaning = "the GPU preset a description derives from, whose measured area the "
                                                   "area proxy scales (default: the root preset of its base chain, else "
                                                   "its name)",
                                        .default_text = "its root preset", .is_text = true});
                           return p;
                         }(),
                         .children = {{"l1", &CacheSpec::section()}, {"l2", &CacheSpec::section()}},
                         .preset_dir = "gpus"};
  return s;
}

}  // namespace tilesim
