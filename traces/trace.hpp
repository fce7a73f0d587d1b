#pragma once
// Measured data in one format (docs/trace-format.md): where and how it was measured, a row per
// measured layer with enough shape to match a simulated layer, and optional whole-network rows.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/workload/tensor.hpp"

namespace tilesim {

struct TimeStats {
  double min_ms = 0, median_ms = 0, mean_ms = 0, max_ms = 0;
  int64_t count = 0;  // repetitions behind the statistics (0 = unknown)
};

struct LayerMeasurement {
  std::string name;            // the layer's name where the source gives one
  std::string op;              // ONNX name: Conv, Gemm, MaxPool, AveragePool, GlobalAveragePool, ...
  Shape input, output;         // NCHW
  std::vector<int64_t> kernel_shape, strides, pads, dilations;  // ONNX conventions (pads: t, l, b, r)
  int64_t group = 1;
  std::string dtype = "fp32";
  std::string implementation;  // the engine's kernel, e.g. "brgconv:avx512_core"
  TimeStats time;
};

struct NetworkMeasurement {
  std::string model;      // a built-in model name, or the measured model's name where model_file is set
  std::string model_file; // the .param or .onnx file of the graph measured; "" = the built-in model
  std::string soc;        // a built-in SoC name
  std::vector<std::string> soc_overrides;  // "dotted.key=VALUE" as --set takes them (device's own clocks)
  std::string device;     // cpu | gpu
  std::string engine;     // engine profile name
  int64_t threads = 0;
  std::string cores;      // all | big | little
  std::string precision;  // auto | fp32 | fp16 | int8
  Shape input;
  TimeStats time;
  double energy_mj = std::numeric_limits<double>::quiet_NaN();
  double peak_memory_mib = std::numeric_limits<double>::quiet_NaN();
  std::string source;     // where this row came from (file and line)
};

struct Trace {
  // What was measured, on what, how.
  std::string device;          // e.g. "OnePlus 7T", "host"
  std::string soc;             // built-in SoC name
  std::string engine;          // engine profile name
  std::string engine_version;
  std::string precision = "fp32";
  int64_t threads = 1;
  std::string cores = "big";
  double clock_before_hz = 0, clock_after_hz = 0;  // 0 = unknown
  std::string recorded_at;
  std::string source;          // the original file or command
  std::vector<LayerMeasurement> layers;
  std::vector<NetworkMeasurement> networks;
};

void write_trace(const std::string& path, const Trace& trace);
// A trace in either form: the HDF5 file, or (named *.csv) the generic CSV. Throws ConfigError
// naming the file and dataset (HDF5) or line and column (CSV) on anything malformed.
Trace read_trace(const std::string& path);
bool is_csv_trace(const std::string& path);

}  // namespace tilesim
