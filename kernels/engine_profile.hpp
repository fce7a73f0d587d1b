#pragma once
// An inference engine's choices (configs/engines/): its target, the layout it keeps activations
// in, which algorithm it runs for which convolution shape, how its kernels tile, which precision
// it computes in, what it fuses, and how it splits work over threads or GPU workgroups.
#include <string>
#include <vector>

#include "hwmodels/core.hpp"
#include "hwmodels/section.hpp"
#include "kernels/conv_rule.hpp"
#include "kernels/engine_calibration.hpp"
#include "sim/workload/fusion.hpp"

namespace tilesim {

enum class EngineTarget { cpu, gpu };
const ChoiceTable<EngineTarget>& engine_target_names();

// The activation layout, which also picks the GEMM tiling family: nchw_packed (NC4HW4/NC8HW8;
// ncnn's get_optimal_tile_mnk, threads over row tiles), nhwc (XNNPACK's MR x NC tiles, 2-D over
// pthreadpool), nchw_blocked (nChw16c; oneDNN's channel-block x pixel-run chunks).
enum class ActivationLayout { nchw_packed, nhwc, nchw_blocked };

// How a parallel loop's tiles are split over threads: static (OpenMP schedule(static) chunks),
// tile2d (pthreadpool's 2-D tiles) or dynamic (each free thread takes the next tile).
enum class Partition { static_chunks, tile2d, dynamic };

struct EngineProfile {
  std::string name;
  std::string description;
  EngineTarget target = EngineTarget::cpu;            // required: every profile states it
  ActivationLayout layout = ActivationLayout::nchw_packed;  // required
  DataType precision_armv82 = DataType::fp32;  // CPU: what "auto" computes in on ARMv8.2+ cores
  DataType gpu_precision = DataType::fp16;     // GPU: what "auto" computes in
  Partition partition = Partition::static_chunks;
  double tiles_per_thread = 1;        // tile2d: engines cut N finer until each thread has this many tiles
  double barrier_overhead = 0;        // seconds: the barrier ending each parallel loop, at two threads
  double wakeup_overhead = 0;         // seconds to wake the worker threads for a layer, at two threads
  double layer_overhead = 0;          // seconds a layer costs besides its loops (dispatch, output allocation)
  int64_t gemm_mr = 8, gemm_nr = 8;   // fp32 register micro-kernel: MR rows x NR columns of C
  int64_t gemm_mr_fp16 = 0, gemm_nr_fp16 = 0;  // fp16 micro-kernel (0 = as fp32)
  bool im2col_workspace = true;       // B is packed (im2col) before the GEMM (false: indirect GEMM reads the input)
  bool winograd_output_in_gemm = false;  // the output transform runs inside the GEMM loop (ncnn)
  bool skip_padded_taps = false;      // direct convolutions skip kernel taps that fall in the padding (oneDNN)
  double gemm_efficiency = 0;         // fraction of peak the GEMM inner loop reaches (required)
  double depthwise_efficiency = 0;    // direct depthwise loops: fewer MACs per load (required)
  double elementwise_efficiency = 0;  // required
  int64_t pack_fp32 = 4, pack_fp16 = 8;  // channels interleaved per element pack
  int64_t gpu_local_size = 64;        // invocations per workgroup
  int64_t gpu_channels_per_invocation = 4;  // output channels one invocation computes
  int64_t gpu_pixels_per_invocation = 1;    // output pixels one invocation computes
  int64_t gpu_registers_per_invocation = 32;
  bool gpu_host_copies = false;       // timings include host<->device upload and download
  bool fuse_conv_batchnorm = true, fuse_conv_activation = true, fuse_add_activation = false,
       fuse_conv_add = false;
  std::vector<ConvRule> conv_rules;   // first match wins
  std::string calibration_name = "none";  // configs/calibration/<name>.yaml
  EngineCalibration calibration;      // what calibration fitted (none: the assumptions above hold)

  FusionRules fusion() const;
  // The fraction of peak a kernel class reaches in a precision on core types calibration did not
  // see: the pooled fitted value, else the profile's assumption for the class.
  double efficiency(KernelClass k, DataType t) const;
  // What this engine reaches on a core of `family`: its own fitted values where calibration saw
  // that family, else as efficiency() and the profile's overheads.
  struct OnCore {
    CalibratedValues values;  // every efficiency and overhead filled in
    double efficiency(KernelClass k, DataType t) const { return values.at(k, t); }
  };
  OnCore on_core(const std::string& family) const;
  // The precision "auto" resolves to on this core.
  DataType auto_precision(const CoreSpec& core) const;
  // The rule chosen for a convolution shape (the last rule should match everything).
  const ConvRule& conv_rule(const ConvShape& shape) const;
  int64_t mr(DataType t) const;
  int64_t nr(DataType t) const;
  int64_t pack(DataType t) const;

  static const std::vector<Field<EngineProfile>>& fields();
  static const Section& section();
};

// A per-layer fixed cost stated at two threads, at `threads`: none for one thread (nothing to wake
// or wait for), growing with log2(threads) as tree barriers and wake-up fan-outs do.
double at_threads(double at_two_threads, int threads);

// `prior` with `fit` as its calibration; `engine` with none (its assumptions alone).
EngineProfile with_calibration(const EngineProfile& prior, const EngineCalibration& fit);
EngineProfile uncalibrated(const EngineProfile& engine);

std::vector<std::string> builtin_engines();
// A built-in engine name or a path to a profile.
EngineProfile load_engine(const std::string& name_or_path);

}  // namespace tilesim
