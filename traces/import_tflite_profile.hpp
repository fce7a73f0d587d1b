#pragma once
// Importer for the text output of TensorFlow Lite's `benchmark_model` with op profiling, as
// committed in mit-han-lab/proxylessnas (logs/proxyless_mobile_10_latency.txt, 2019-05-08;
// shared/validation-data/proxylessnas_mobile_lut/proxyless_mobile_10_latency_tflite_op_profile.txt).
//
// Layers: one row per operator of the "Run Order" table, in run order. name = "<index>:<NODE_TYPE>"
// (index 0-based in run order); implementation = the TFLite node type; op in ONNX names:
//   CONV_2D -> Conv (group 1), DEPTHWISE_CONV_2D -> Conv with group 0 (depthwise: the group is the
//   channel count, which the profile does not give), ADD -> Add, MUL -> Mul, MAX_POOL_2D -> MaxPool,
//   AVERAGE_POOL_2D / MEAN -> GlobalAveragePool when they pool for the classifier (every later row
//   is a classifier op: CONV_2D, FULLY_CONNECTED, RESHAPE, SQUEEZE, SOFTMAX) and AveragePool /
//   ReduceMean otherwise, FULLY_CONNECTED -> Gemm, and a CONV_2D after such a global pool -> Gemm
//   (a 1x1 convolution of a 1x1 map is the classifier, e.g. MNasNet/Logits/Conv2d_1c_1x1),
//   RESHAPE -> Reshape, SOFTMAX -> Softmax, CONCATENATION -> Concat, PAD -> Pad, others by name.
// Time: mean_ms = the row's "avg ms" (the average over the profiled runs; the profile's "first" is
// not kept), count = the runs (header "Num runs"); min, median and max are not in the table: 0
// (unknown). Where a DEPTHWISE_CONV_2D's TensorFlow name holds "ks_<k>-st_<s>" (MNasNet block
// names), kernel_shape {k, k} and strides {s, s} are filled in.
//
// Shapes are NOT in the profile: input and output stay empty. Validation therefore matches these
// rows to the simulated layers of the model (proxylessnas_mobile) by run order among layers of the
// same op kind: the i-th Conv row is the i-th simulated Conv (depthwise ones included), the i-th
// Add row the i-th simulated Add, and so on. For ProxylessNAS-Mobile this lines up exactly: 61 Conv
// (first conv, 19 expand 1x1, 20 depthwise, 20 project 1x1, feature mix), 13 Add, 1
// GlobalAveragePool, 1 Gemm (classifier), 1 Reshape (the simulated graph's Flatten sits before the
// Gemm, TFLite's RESHAPE after it).
//
// Networks: the whole-network time ("Timings (microseconds): count= first= curr= min= max= avg="
// of the profiled runs, else the "count=..." line after "Running benchmark for N iterations") becomes
// one NetworkMeasurement: min, mean, max, count; no median (0).
//
// Trace attributes: device "unknown phone (<benchmark binary name>)"; soc `soc` (default
// snapdragon821: an ASSUMPTION, as the ProxylessNAS paper reports its mobile latency on a Google
// Pixel 1, Snapdragon 821, while the log names no phone and its binary,
// benchmark_model_lg_verbose_64, hints at an LG build); engine "tflite-2019" (TFLite's own
// optimized CPU kernels of early 2019, before XNNPACK became its CPU delegate, so neither "xnnpack"
// nor a newer TFLite profile); threads = "Num threads" of the header (1), cores big, precision fp32
// (float input), input 1x3x224x224 from "Input shapes" (NHWC in the log, NCHW here).
//
// Malformed input (no Run Order table, a row that does not parse, a node count that disagrees with
// "Number of nodes executed") throws ConfigError naming the file and line.
#include <string>

#include "traces/trace.hpp"

namespace tilesim {

Trace import_tflite_profile(const std::string& txt_path, const std::string& model = "proxylessnas_mobile",
                            const std::string& soc = "snapdragon821");

}  // namespace tilesim
