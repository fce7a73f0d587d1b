#pragma once
// An inference engine's choices (configs/engines/): what it fuses, which precision it computes
// in on which core, how its kernels tile and how it splits work over threads.
#include <string>
#include <vector>

#include "hwmodels/core.hpp"
#include "hwmodels/section.hpp"
#include "sim/workload/fusion.hpp"

namespace tilesim {

struct EngineProfile {
  std::string name;
  std::string description;
  std::string precision_armv82;       // what "auto" computes in on ARMv8.2+ cores: fp16 or fp32
  std::string partition;              // static (OpenMP schedule(static)) or dynamic
  double barrier_overhead = 0;        // seconds per layer: the barrier that ends a parallel region
  double wakeup_overhead = 0;         // seconds per layer to wake the worker threads
  double gemm_mr = 8, gemm_nr = 12;   // register micro-kernel: MR rows of A x NR columns of B
  double gemm_efficiency = 0.8;       // fraction of peak the packed-GEMM inner loop reaches
  double depthwise_efficiency = 0.5;  // direct depthwise loops: fewer MACs per load
  double elementwise_efficiency = 0.5;
  double pack_fp32 = 4, pack_fp16 = 8;  // channels interleaved per element pack (NC4HW4, NC8HW8)
  bool fuse_conv_batchnorm = true, fuse_conv_activation = true, fuse_add_activation = false,
       fuse_conv_add = false;

  FusionRules fusion() const;
  // The precision "auto" resolves to on this core.
  DataType auto_precision(const CoreSpec& core) const;

  static const std::vector<Field<EngineProfile>>& fields();
  static const Section& section();
};

std::vector<std::string> builtin_engines();
// A built-in engine name or a path to a profile.
EngineProfile load_engine(const std::string& name_or_path);

}  // namespace tilesim
