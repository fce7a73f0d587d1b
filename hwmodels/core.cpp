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

const std::vector<Field<CoreSpec>>& CoreSpec::fields() {
  using C = CoreSpec;
  static const std::vector<Field<C>> f{
      {{"isa", Unit::count, "instruction set level", std::nullopt, "", 0, 0, false,
        {"armv7", "armv8.0", "armv8.2", "armv9", "x86-64-avx2", "x86-64-avx512"}, true}, &C::isa},
      {{"out_of_order", Unit::count, "out-of-order (true) or in-order (false) pipeline", 1.0, "", 0, 1, false, {},
        false, true}, &C::out_of_order},
      {{"fp32_flops_per_cycle", Unit::count, "peak FP32 FLOPs per cycle (2 per FMA lane)", std::nullopt, "", 1, 256},
       &C::fp32_flops_per_cycle},
      {{"fp16_flops_per_cycle", Unit::count, "peak FP16 FLOPs per cycle; 0 = no fp16 arithmetic", 0.0, "", 0, 512},
       &C::fp16_flops_per_cycle},
      {{"int8_ops_per_cycle", Unit::count, "peak INT8 operations per cycle (2 per MAC)", 0.0, "", 0, 2048},
       &C::int8_ops_per_cycle},
      {{"store_bytes_per_cycle", Unit::bytes, "L1D store bytes per cycle (the store port; loads: l1d.bandwidth)", 16.0,
        "", 4, 256}, &C::store_bytes_per_cycle},
      {{"outstanding_misses", Unit::count, "lines one core keeps in flight at each level; a level (and DRAM) gives it at most this x line / latency",
        12.0, "", 1, 256, true}, &C::outstanding_misses},
      {{"energy_per_fp32_flop", Unit::joules, "dynamic energy per FP32 FLOP", std::nullopt, "", 0, 1e-9},
       &C::energy_per_fp32_flop},
      {{"energy_per_fp16_flop", Unit::joules, "dynamic energy per FP16 FLOP", 0.0, "", 0, 1e-9},
       &C::energy_per_fp16_flop},
      {{"energy_per_int8_op", Unit::joules, "dynamic energy per INT8 operation", 0.0, "", 0, 1e-9},
       &C::energy_per_int8_op},
  };
  return f;
}

const Section& CoreSpec::section() {
  static const Section s = [] {
    Section c{"core", "a CPU core type", declarations(fields()),
              {{"l1d", &CacheSpec::section()}, {"l2", &CacheSpec::section()}}, nullptr, "cores"};
    c.not_modelled = {
        {"simd_width", "the core's arithmetic is its peak per precision (fp32_flops_per_cycle: lanes x FMA pipes x 2)"},
        {"fma_pipes", "the core's arithmetic is its peak per precision (fp32_flops_per_cycle: lanes x FMA pipes x 2)"},
        {"load_bytes_per_cycle", "the L1's load bandwidth is l1d.bandwidth"},
    };
    return c;
  }();
  return s;
}

}  // namespace tilesim
