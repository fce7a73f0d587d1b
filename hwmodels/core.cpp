#include "hwmodels/core.hpp"

namespace tilesim {

double CoreSpec::ops_per_cycle(DataType t) const {
  switch (t) {
    case DataType::fp32: return fp32_flops_per_cycle;
    case DataType::fp16: return fp16_flops_per_cycle;
    case DataType::int8: return int8_ops_per_cycle;
  }
  return 0;
}

double CoreSpec::energy_per_op(DataType t) const {
  switch (t) {
    case DataType::fp32: return energy_per_fp32_flop;
    case DataType::fp16: return energy_per_fp16_flop;
    case DataType::int8: return energy_per_int8_op;
  }
  return 0;
}

const ChoiceTable<Isa>& isa_names() {
  static const ChoiceTable<Isa> t{{"armv7", Isa::armv7},   {"armv8.0", Isa::armv8_0},         {"armv8.2", Isa::armv8_2},
                                  {"armv9", Isa::armv9},   {"x86-64-avx2", Isa::x86_64_avx2}, {"x86-64-avx512", Isa::x86_64_avx512}};
  return t;
}

const std::vector<Field<CoreSpec>>& CoreSpec::fields() {
  using C = CoreSpec;
  static const std::vector<Field<C>> f{
      choice_field<C>({.key = "isa", .meaning = "instruction set level"}, &C::isa, isa_names()),
      {{.key = "out_of_order", .meaning = "out-of-order (true) or in-order (false) pipeline", .default_value = 1,
        .max = 1, .is_flag = true},
       &C::out_of_order},
      {{.key = "fp32_flops_per_cycle", .meaning = "peak FP32 FLOPs per cycle (2 per FMA lane)", .min = 1, .max = 256},
       &C::fp32_flops_per_cycle},
      {{.key = "fp16_flops_per_cycle", .meaning = "peak FP16 FLOPs per cycle; 0 = no fp16 arithmetic",
        .default_value = 0, .max = 512},
       &C::fp16_flops_per_cycle},
      {{.key = "int8_ops_per_cycle", .meaning = "peak INT8 operations per cycle (2 per MAC)", .default_value = 0,
        .max = 2048},
       &C::int8_ops_per_cycle},
      {{.key = "store_bytes_per_cycle", .unit = Unit::bytes,
        .meaning = "L1D store bytes per cycle (the store port; loads: l1d.bandwidth)", .default_value = 16, .min = 4,
        .max = 256},
       &C::store_bytes_per_cycle},
      {{.key = "outstanding_misses",
        .meaning = "lines one core keeps in flight at each level; a level (and DRAM) gives it at most this x line / latency",
        .default_value = 12, .min = 1, .max = 256, .integral = true},
       &C::outstanding_misses},
      {{.key = "energy_per_fp32_flop", .unit = Unit::joules, .meaning = "dynamic energy per FP32 FLOP", .max = 1e-9},
       &C::energy_per_fp32_flop},
      {{.key = "energy_per_fp16_flop", .unit = Unit::joules, .meaning = "dynamic energy per FP16 FLOP",
        .default_value = 0, .max = 1e-9},
       &C::energy_per_fp16_flop},
      {{.key = "energy_per_int8_op", .unit = Unit::joules, .meaning = "dynamic energy per INT8 operation",
        .default_value = 0, .max = 1e-9},
       &C::energy_per_int8_op},
  };
  return f;
}

const Section& CoreSpec::section() {
  static const Section s{
      .name = "core", .meaning = "a CPU core type", .params = [] {
        auto p = declarations(fields());
        p.push_back({.key = "family",
                     .meaning = "the microarchitecture whose calibrated efficiencies the core takes (default: the root "
                                "preset of its base chain, else its name)",
                     .default_text = "its root preset", .is_text = true});
        return p;
      }(),
      .children = {{"l1d", &CacheSpec::section()}, {"l2", &CacheSpec::section()}}, .preset_dir = "cores",
      .not_modelled = {
          {"simd_width", "the core's arithmetic is its peak per precision (fp32_flops_per_cycle: lanes x FMA pipes x 2)"},
          {"fma_pipes", "the core's arithmetic is its peak per precision (fp32_flops_per_cycle: lanes x FMA pipes x 2)"},
          {"load_bytes_per_cycle", "the L1's load bandwidth is l1d.bandwidth"},
      }};
  return s;
}

}  // namespace tilesim
