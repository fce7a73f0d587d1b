#pragma once
// A CPU core type (configs/cores/): its ISA, arithmetic throughput per precision, load/store
// width, private caches and energy per operation.
#include <optional>
#include <string>

#include "hwmodels/cache.hpp"
#include "sim/workload/data_type.hpp"

namespace tilesim {

enum class Isa { armv7, armv8_0, armv8_2, armv9, x86_64_avx2, x86_64_avx512 };
const ChoiceTable<Isa>& isa_names();

struct CoreSpec {
  std::string name;
  // The microarchitecture calibration keys this core by: the root preset of its `base:` chain,
  // else its name (a core written out in full), unless the description says otherwise.
  std::string family;
  Isa isa = Isa::armv8_0;              // required: every description states it
  bool out_of_order = true;
  double fp32_flops_per_cycle = 0;     // peak, 2 per FMA lane
  double fp16_flops_per_cycle = 0;     // peak; 0 where the core has no fp16 arithmetic
  double int8_ops_per_cycle = 0;       // peak, 2 per MAC (dot-product instructions where present)
  double store_bytes_per_cycle = 16;   // L1D store bandwidth (loads: l1d.bandwidth)
  int64_t outstanding_misses = 12;     // lines one core keeps in flight at each level (its memory-level parallelism)
  double energy_per_fp32_flop = 0;     // joules
  double energy_per_fp16_flop = 0;
  double energy_per_int8_op = 0;
  CacheSpec l1d;
  std::optional<CacheSpec> l2;         // private L2, where the core has one

  // Peak arithmetic per cycle in a precision (0 where not supported).
  double ops_per_cycle(DataType t) const;
  bool armv8_2_or_later() const { return isa == Isa::armv8_2 || isa == Isa::armv9; }
  double energy_per_op(DataType t) const;

  static const std::vector<Field<CoreSpec>>& fields();
  static const Section& section();
};

}  // namespace tilesim
