#pragma once
// Importer for TVM's tophub AutoTVM records (tlc-pack/tophub, tophub/*.log), as flattened into
// one CSV row per JSON record (shared/validation-data/tvm_tophub/tophub_parsed.csv: columns
// source_file, line, target, model, device_key, task, dtype, input_shape (NCHW), weight_shape
// (OIHW), strides, padding (t, l, b, r), dilation, n_costs, mean_cost_ms, min_cost_ms, costs_ms,
// error_no, timestamp_utc, tvm_version).
//
// One trace per device whose tophub `-model=` name is a built-in SoC: arm_cpu targets become
// engine "tvm-arm", cuda targets "tvm-cuda" and mali targets "tvm-mali" (the last two are GPU
// measurements; the trace's device text says so). Each float32 conv2d (NCHW), depthwise conv2d or
// dense record becomes one layer: op Conv or Gemm with ONNX shapes, the output shape computed from
// input, weight, strides, padding and dilation; implementation = the AutoTVM task
// (conv2d_nchw_spatial_pack.arm_cpu, conv2d_nchw_winograd.arm_cpu, ...); time = AutoTVM's measured
// cost: min_ms = min_cost_ms, mean_ms = mean_cost_ms, median and max from costs_ms (count =
// n_costs; with one cost all four are that cost; statistics the record does not give are 0, unknown).
//
// Depthwise: a task named depthwise_* has TVM's weight layout [C, multiplier, kh, kw]; the layer
// gets group = C and C x multiplier output channels. Where a device has several records of one
// workload, TVM applies the fastest (ApplyHistoryBest); the others are skipped.
//
// Threads: tophub does not record them. TVM's runtime default is one worker per core of the
// fastest cluster (src/runtime/thread_pool.cc: ThreadGroup::Configure(kBig, 0, ...);
// threading_backend.cc: big_count_ = cores at the highest cpuinfo_max_freq), so an arm_cpu trace
// gets threads = the cores of the SoC's highest-frequency cluster and cores "big"; its `source`
// says this is an assumption.
//
// Rows left out (other devices, adreno targets that name no SoC, int8/float16 rows, other tasks,
// slower duplicates) are counted by reason in the ImportReport (`report` may be null). Malformed
// input (a missing file or column, a bad shape or number in a row that is imported) throws
// ConfigError naming the file, line and column.
#include <string>
#include <vector>

#include "traces/import_report.hpp"
#include "traces/trace.hpp"

namespace tilesim {

std::vector<Trace> import_tophub(const std::string& csv_path, ImportReport* report = nullptr);

}  // namespace tilesim
