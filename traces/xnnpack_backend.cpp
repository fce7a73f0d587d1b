// The XNNPACK side of traces/host_recorder.hpp, built as a module (libtilesim_xnnpack.so) that
// the program loads only for `tilesim record --engine xnnpack`.
//
// The model is built from the zoo and fused with the XNNPACK engine profile's rules, so each
// recorded layer is one simulated layer: a convolution (depthwise and grouped too) with its folded
// batch norm (as a bias) and a ReLU or ReLU6 as the output clamp XNNPACK's micro-kernels apply; a
// fully-connected layer; or a max, average or global average pooling layer. Each is created as the
// XNNPACK fp32 NHWC operator for exactly its shape, set up on filled buffers, and only
// xnn_run_operator on a pthreadpool of the requested threads is timed. Written against the 2022
// API Debian ships (libxnnpack-dev 0.0~git20220216).
#include <xnnpack.h>
#include <pthreadpool.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "traces/host_recorder.hpp"
#include "traces/layer_recording.hpp"

#ifndef TILESIM_XNNPACK_VERSION
#define TILESIM_XNNPACK_VERSION "unknown"
#endif

namespace tilesim {
namespace {

void check(xnn_status status, const char* call) {
  if (status == xnn_status_success) return;
  if (status == xnn_status_invalid_parameter || status == xnn_status_unsupported_parameter)
    throw UnsupportedLayer(fmt::format("{} rejects its shape (status {})", call, static_cast<int>(status)));
  throw std::runtime_error(fmt::format("{} failed (status {})", call, static_cast<int>(status)));
}

struct OperatorDeleter {
  void operator()(xnn_operator* op) const { xnn_delete_operator(op); }
};
struct ThreadpoolDeleter {
  void operator()(pthreadpool* pool) const { pthreadpool_destroy(pool); }
};

// A filled buffer with the XNN_EXTRA_BYTES XNNPACK's kernels may read past the end.
std::vector<float> filled(size_t n, uint64_t& seed, float scale) {
  std::vector<float> v(n + XNN_EXTRA_BYTES / sizeof(float), 0.f);
  fill_random(v.data(), n, seed, scale);
  return v;
}

size_t elements(const Shape& s) {
  size_t n = 1;
  for (int64_t d : s) n *= static_cast<size_t>(d);
  return n;
}

// One layer ready to run: the set-up operator and the buffers it reads and writes. Weights are
// packed by XNNPACK when the operator is created and need not be kept.
struct Prepared {
  std::unique_ptr<xnn_operator, OperatorDeleter> op;
  std::vector<float> input, output;
  std::string implementation;
};

struct Clamp {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};

// The output clamp for the activations fused into `op`: ReLU and ReLU6 are what XNNPACK's
// minmax epilogue computes; a batch norm is folded into the weights; any other fused operator is
// not part of XNNPACK's kernel and is left out of the timing.
Clamp fused_clamp(const Operator& op) {
  Clamp c;
  for (const FusedOp& f : op.fused) {
    if (f.type == OpType::Relu) {
      c.min = std::max(c.min, 0.f);
    } else if (f.type == OpType::Clip) {
      c.min = std::max(c.min, 0.f);
      c.max = std::min(c.max, 6.f);
    }
  }
  return c;
}

uint32_t u32(int64_t v) { return static_cast<uint32_t>(v); }

// convolution-nhwc.c's choice of path, named as the engine profile's conv_rules name it.
std::string conv_path(const Operator& op, int64_t group_input_channels) {
  const auto& a = op.attrs;
  if (a.group > 1 && group_input_channels == 1) return "dwconv";
  const bool one_by_one = a.kernel_shape.at(0) == 1 && a.kernel_shape.at(1) == 1;
  const bool unit = a.strides.at(0) == 1 && a.strides.at(1) == 1;
  bool unpadded = true;
  for (int64_t p : a.pads) unpadded = unpadded && p == 0;
  return one_by_one && unit && unpadded ? "gemm" : "igemm";
}

Prepared prepare_conv(const Network& net, const Operator& op, pthreadpool* pool, uint64_t& seed) {
  const auto& a = op.attrs;
  const Shape& in = net.tensor(op.inputs.at(0)).shape;    // NCHW
  const Shape& out = net.tensor(op.outputs.at(0)).shape;
  const Shape& w = net.tensor(op.weights.at(0)).shape;    // OIHW, I = input channels / group
  const int64_t g = a.group;
  const std::vector<float> kernel = filled(elements(w), seed, 0.1f);
  const std::vector<float> bias = filled(static_cast<size_t>(w[0]), seed, 0.1f);
  const Clamp c = fused_clamp(op);
  xnn_operator_t raw = nullptr;
  check(xnn_create_convolution2d_nhwc_f32(
            u32(a.pads.at(0)), u32(a.pads.at(3)), u32(a.pads.at(2)), u32(a.pads.at(1)), u32(w[2]), u32(w[3]),
            u32(a.strides.at(0)), u32(a.strides.at(1)), u32(a.dilations.at(0)), u32(a.dilations.at(1)), u32(g),
            static_cast<size_t>(w[1]), static_cast<size_t>(w[0] / g), static_cast<size_t>(in[1]),
            static_cast<size_t>(out[1]), kernel.data(), op.weights.size() > 1 ? bias.data() : nullptr, c.min,
            c.max, 0, &raw),
        "xnn_create_convolution2d_nhwc_f32");
  Prepared p;
  p.op.reset(raw);
  p.input = filled(elements(in), seed, 1.f);
  p.output.assign(elements(out), 0.f);
  check(xnn_setup_convolution2d_nhwc_f32(raw, static_cast<size_t>(in[0]), static_cast<size_t>(in[2]),
                                         static_cast<size_t>(in[3]), p.input.data(), p.output.data(), pool),
        "xnn_setup_convolution2d_nhwc_f32");
  p.implementation = "convolution_nhwc_f32:" + conv_path(op, w[1]);
  return p;
}

Prepared prepare_fully_connected(const Network& net, const Operator& op, pthreadpool* pool, uint64_t& seed) {
  const Shape& in = net.tensor(op.inputs.at(0)).shape;
  const Shape& out = net.tensor(op.outputs.at(0)).shape;
  const Shape& w = net.tensor(op.weights.at(0)).shape;  // [out features, in features], XNNPACK's own order
  const size_t in_features = static_cast<size_t>(w[1]), out_features = static_cast<size_t>(w[0]);
  const std::vector<float> kernel = filled(elements(w), seed, 0.1f);
  const std::vector<float> bias = filled(out_features, seed, 0.1f);
  const Clamp c = fused_clamp(op);
  xnn_operator_t raw = nullptr;
  check(xnn_create_fully_connected_nc_f32(in_features, out_features, in_features, out_features, kernel.data(),
                                          op.weights.size() > 1 ? bias.data() : nullptr, c.min, c.max, 0, &raw),
        "xnn_create_fully_connected_nc_f32");
  Prepared p;
  p.op.reset(raw);
  p.input = filled(elements(in), seed, 1.f);
  p.output.assign(elements(out), 0.f);
  check(xnn_setup_fully_connected_nc_f32(raw, elements(in) / in_features, p.input.data(), p.output.data(), pool),
        "xnn_setup_fully_connected_nc_f32");
  p.implementation = "fully_connected_nc_f32:gemm";
  return p;
}

Prepared prepare_pool(const Network& net, const Operator& op, pthreadpool* pool, uint64_t& seed) {
  const Shape& in = net.tensor(op.inputs.at(0)).shape;
  const Shape& out = net.tensor(op.outputs.at(0)).shape;
  const size_t batch = static_cast<size_t>(in[0]), channels = static_cast<size_t>(in[1]);
  const float lowest = -std::numeric_limits<float>::infinity(), highest = std::numeric_limits<float>::infinity();
  Prepared p;
  p.input = filled(elements(in), seed, 1.f);
  p.output.assign(elements(out), 0.f);
  xnn_operator_t raw = nullptr;
  if (op.type == OpType::GlobalAveragePool) {  // NWC with W = the whole plane
    check(xnn_create_global_average_pooling_nwc_f32(channels, channels, channels, lowest, highest, 0, &raw),
          "xnn_create_global_average_pooling_nwc_f32");
    p.op.reset(raw);
    check(xnn_setup_global_average_pooling_nwc_f32(raw, batch, static_cast<size_t>(in[2] * in[3]), p.input.data(),
                                                   p.output.data(), pool),
          "xnn_setup_global_average_pooling_nwc_f32");
    p.implementation = "global_average_pooling_nwc_f32";
    return p;
  }
  const auto& a = op.attrs;
  const auto pads = floor_mode_pads(op, in, out);  // XNNPACK sizes the output by floor division
  if (op.type == OpType::MaxPool) {
    check(xnn_create_max_pooling2d_nhwc_f32(u32(pads[0]), u32(pads[3]), u32(pads[2]), u32(pads[1]),
                                            u32(a.kernel_shape.at(0)), u32(a.kernel_shape.at(1)),
                                            u32(a.strides.at(0)), u32(a.strides.at(1)), u32(a.dilations.at(0)),
                                            u32(a.dilations.at(1)), channels, channels, channels, lowest, highest,
                                            0, &raw),
          "xnn_create_max_pooling2d_nhwc_f32");
    p.op.reset(raw);
    check(xnn_setup_max_pooling2d_nhwc_f32(raw, batch, static_cast<size_t>(in[2]), static_cast<size_t>(in[3]),
                                           p.input.data(), p.output.data(), pool),
          "xnn_setup_max_pooling2d_nhwc_f32");
    p.implementation = "max_pooling2d_nhwc_f32";
    return p;
  }
  if (a.dilations.at(0) != 1 || a.dilations.at(1) != 1)
    throw UnsupportedLayer("XNNPACK's average pooling has no dilation");
  check(xnn_create_average_pooling2d_nhwc_f32(u32(pads[0]), u32(pads[3]), u32(pads[2]), u32(pads[1]),
                                              u32(a.kernel_shape.at(0)), u32(a.kernel_shape.at(1)),
                                              u32(a.strides.at(0)), u32(a.strides.at(1)), channels, channels,
                                              channels, lowest, highest, 0, &raw),
        "xnn_create_average_pooling2d_nhwc_f32");
  p.op.reset(raw);
  check(xnn_setup_average_pooling2d_nhwc_f32(raw, batch, static_cast<size_t>(in[2]), static_cast<size_t>(in[3]),
                                             p.input.data(), p.output.data(), pool),
        "xnn_setup_average_pooling2d_nhwc_f32");
  p.implementation = "average_pooling2d_nhwc_f32";
  return p;
}

Prepared prepare(const Network& net, const Operator& op, pthreadpool* pool, uint64_t& seed) {
  if (op.type == OpType::Conv) return prepare_conv(net, op, pool, seed);
  if (op.type == OpType::Gemm) return prepare_fully_connected(net, op, pool, seed);
  return prepare_pool(net, op, pool, seed);
}

Trace record(const RecordOptions& o, std::vector<std::string>& skipped) {
  check(xnn_initialize(nullptr), "xnn_initialize");
  const Network net = recording_network(o, "xnnpack");
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  Trace trace = host_trace_header(o, "xnnpack", TILESIM_XNNPACK_VERSION, threads);

  const std::unique_ptr<pthreadpool, ThreadpoolDeleter> pool(pthreadpool_create(static_cast<size_t>(threads)));
  if (!pool) throw std::runtime_error(fmt::format("pthreadpool_create({}) failed", threads));
  uint64_t seed = 0x9e3779b97f4a7c15ULL;

  record_layers(net, [&](const Operator& op) {
    Prepared p = prepare(net, op, pool.get(), seed);
    return LayerTiming{p.implementation, time_layer_runs([&] {
                         check(xnn_run_operator(p.op.get(), pool.get()), "xnn_run_operator");
                       }, o)};
  }, trace, skipped);
  return trace;
}

}  // namespace
}  // namespace tilesim

// The entry point the front end looks up with dlsym; errors come back as text, not exceptions.
extern "C" bool tilesim_xnnpack_record(const tilesim::RecordOptions* options, tilesim::Trace* out,
                                       std::vector<std::string>* skipped, std::string* error) {
  try {
    *out = tilesim::record(*options, *skipped);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
}
