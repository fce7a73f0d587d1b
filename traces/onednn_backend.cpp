// The oneDNN side of traces/host_recorder.hpp, built as a module (libtilesim_onednn.so) that the
// program loads only for `tilesim record`: libdnnl and its OpenMP runtime would otherwise add to
// every run's start-up.
//
// The model is built from the zoo and fused with the oneDNN engine profile's rules, so each
// recorded layer is one simulated layer: a convolution with its folded batch norm (as a bias),
// activations (eltwise post-ops) and residual add (a sum post-op); a fully-connected layer; or a
// pooling layer. Each is created as the oneDNN primitive for exactly its shape, with the source,
// weights and destination layouts left to oneDNN ("any"), its operands reordered into those
// layouts and filled before timing, and only execute + wait timed.
#include <oneapi/dnnl/dnnl.hpp>

// The OpenMP runtime oneDNN runs on (libgomp, linked by CMakeLists.txt): declared here, as the
// OpenMP API fixes them, rather than through a compiler's own omp.h (clang's belongs to libomp).
extern "C" {
int omp_get_max_threads(void);
void omp_set_num_threads(int);
int omp_get_num_procs(void);
}

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "traces/host_recorder.hpp"
#include "traces/layer_recording.hpp"

#if DNNL_VERSION_MAJOR != 2
#error "traces/onednn_backend.cpp is written against the oneDNN 2.x API (operation descriptors)"
#endif

namespace tilesim {
namespace {

using dnnl::algorithm;
using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

std::string version_string() {
  const dnnl_version_t* v = dnnl_version();
  return fmt::format("{}.{}.{}", v->major, v->minor, v->patch);
}

memory::dims to_dims(const Shape& s) { return memory::dims(s.begin(), s.end()); }

void fill(memory& m, uint64_t& seed, float scale) {
  fill_random(static_cast<float*>(m.get_data_handle()), m.get_desc().get_size() / sizeof(float), seed, scale);
}

// A memory in the layout `chosen`, holding random values written in the plain layout `plain` and
// reordered (so blocked layouts keep the zero padding oneDNN expects).
memory make_operand(const dnnl::engine& eng, dnnl::stream& s, const memory::desc& plain,
                    const memory::desc& chosen, uint64_t& seed, float scale) {
  memory src(plain, eng);
  fill(src, seed, scale);
  if (chosen == plain) return src;
  memory dst(chosen, eng);
  dnnl::reorder(src, dst).execute(s, src, dst);
  s.wait();
  return dst;
}

tag plain_tag(size_t rank) {
  switch (rank) {
    case 1: return tag::a;
    case 2: return tag::ab;
    case 3: return tag::abc;
    case 4: return tag::abcd;
    case 5: return tag::abcde;
    default: throw std::runtime_error(fmt::format("no plain layout for rank {}", rank));
  }
}

memory::desc plain_desc(const memory::dims& d) { return memory::desc(d, dt::f32, plain_tag(d.size())); }

// One layer ready to run: the primitive and its arguments.
struct Prepared {
  dnnl::primitive primitive;
  std::unordered_map<int, memory> args;
  std::string implementation;
  memory::desc dst_desc;
};

struct Binary {
  int index;  // position in the post-op chain
  memory::desc desc;
};

// The post-ops for the operators fused into `op` (in their execution order). A batch norm is
// folded into the weights and bias and needs none.
dnnl::post_ops fused_post_ops(const Network& net, const Operator& op, std::vector<Binary>& binaries) {
  dnnl::post_ops po;
  size_t next_extra_input = 1;  // fused adds bring their other operand as op.inputs[1...]
  const Shape& out = net.tensor(op.outputs.at(0)).shape;
  for (const FusedOp& f : op.fused) {
    switch (f.type) {
      case OpType::BatchNormalization: break;
      case OpType::Relu: po.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f); break;
      case OpType::Clip: po.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 6.f); break;
      case OpType::Sigmoid: po.append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f); break;
      case OpType::HardSwish: po.append_eltwise(1.f, algorithm::eltwise_hardswish, 0.f, 0.f); break;
      case OpType::Swish: po.append_eltwise(1.f, algorithm::eltwise_swish, 1.f, 0.f); break;
      case OpType::HardSigmoid:  // relu6(x + 3) / 6: oneDNN 2.6 has no hardsigmoid eltwise
        po.append_eltwise(1.f, algorithm::eltwise_linear, 1.f / 6.f, 0.5f);
        po.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 1.f);
        break;
      case OpType::Add: {
        if (next_extra_input >= op.inputs.size())
          throw std::runtime_error(fmt::format("fused Add '{}' has no second operand", f.name));
        const Shape& other = net.tensor(op.inputs[next_extra_input++]).shape;
        if (other == out) {
          po.append_sum(1.f);
        } else {  // a broadcast operand: a binary post-op reading it
          binaries.push_back({po.len(), plain_desc(to_dims(other))});
          po.append_binary(algorithm::binary_add, binaries.back().desc);
        }
        break;
      }
      default:
        throw std::runtime_error(
            fmt::format("fused {} '{}' has no oneDNN post-op", onnx_name(f.type), f.name));
    }
  }
  return po;
}

bool has_sum(const Operator& op, const Network& net) {
  const Shape& out = net.tensor(op.outputs.at(0)).shape;
  for (size_t i = 1; i < op.inputs.size(); ++i)
    if (net.tensor(op.inputs[i]).shape == out) return true;
  return false;
}

// Operands for the binary post-ops, filled once.
void add_binary_args(Prepared& p, const std::vector<Binary>& binaries, const dnnl::engine& eng,
                     dnnl::stream& s, uint64_t& seed) {
  for (const auto& b : binaries)
    p.args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(b.index) | DNNL_ARG_SRC_1] = make_operand(eng, s, b.desc, b.desc, seed, 0.1f);
}

Prepared prepare_conv(const Network& net, const Operator& op, const dnnl::engine& eng, dnnl::stream& s,
                      uint64_t& seed) {
  const auto& a = op.attrs;
  const Shape& in = net.tensor(op.inputs.at(0)).shape;
  const Shape& out = net.tensor(op.outputs.at(0)).shape;
  const Shape& w = net.tensor(op.weights.at(0)).shape;  // OIHW, I = input channels / group
  const int64_t g = a.group;
  memory::dims wdims = g > 1 ? memory::dims{g, w[0] / g, w[1], w[2], w[3]} : to_dims(w);
  const memory::desc src_any(to_dims(in), dt::f32, tag::any), wei_any(wdims, dt::f32, tag::any),
      dst_any(to_dims(out), dt::f32, tag::any), bias_any({w[0]}, dt::f32, tag::any);
  const bool bias = op.weights.size() > 1;  // a bias, or a folded batch norm's shift
  const memory::dims strides{a.strides.at(0), a.strides.at(1)},
      dilates{a.dilations.at(0) - 1, a.dilations.at(1) - 1}, pad_l{a.pads.at(0), a.pads.at(1)},
      pad_r{a.pads.at(2), a.pads.at(3)};
  const auto d = bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                        algorithm::convolution_direct, src_any, wei_any, bias_any,
                                                        dst_any, strides, dilates, pad_l, pad_r)
                      : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                        algorithm::convolution_direct, src_any, wei_any, dst_any,
                                                        strides, dilates, pad_l, pad_r);
  std::vector<Binary> binaries;
  dnnl::primitive_attr attr;
  attr.set_post_ops(fused_post_ops(net, op, binaries));
  const dnnl::convolution_forward::primitive_desc pd(d, attr, eng);

  Prepared p;
  p.primitive = dnnl::convolution_forward(pd);
  p.implementation = pd.impl_info_str();
  p.dst_desc = pd.dst_desc();
  p.args[DNNL_ARG_SRC] = make_operand(eng, s, plain_desc(to_dims(in)), pd.src_desc(), seed, 1.f);
  p.args[DNNL_ARG_WEIGHTS] =
      make_operand(eng, s, memory::desc(wdims, dt::f32, g > 1 ? tag::goihw : tag::oihw), pd.weights_desc(), seed, 0.1f);
  if (bias) p.args[DNNL_ARG_BIAS] = make_operand(eng, s, plain_desc({w[0]}), pd.bias_desc(), seed, 0.1f);
  // With a sum post-op the destination is read too: give it values.
  p.args[DNNL_ARG_DST] = has_sum(op, net) ? make_operand(eng, s, plain_desc(to_dims(out)), pd.dst_desc(), seed, 0.1f)
                                          : memory(pd.dst_desc(), eng);
  add_binary_args(p, binaries, eng, s, seed);
  return p;
}

Prepared prepare_gemm(const Network& net, const Operator& op, const dnnl::engine& eng, dnnl::stream& s,
                      uint64_t& seed) {
  const Shape& in = net.tensor(op.inputs.at(0)).shape;
  const Shape& out = net.tensor(op.outputs.at(0)).shape;
  const Shape& w = net.tensor(op.weights.at(0)).shape;  // [out features, in features]
  const memory::desc src_any(to_dims(in), dt::f32, tag::any), wei_any(to_dims(w), dt::f32, tag::any),
      dst_any(to_dims(out), dt::f32, tag::any), bias_any({w[0]}, dt::f32, tag::any);
  const bool bias = op.weights.size() > 1;
  const auto d = bias ? dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_inference, src_any, wei_any,
                                                          bias_any, dst_any)
                      : dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_inference, src_any, wei_any,
                                                          dst_any);
  std::vector<Binary> binaries;
  dnnl::primitive_attr attr;
  attr.set_post_ops(fused_post_ops(net, op, binaries));
  const dnnl::inner_product_forward::primitive_desc pd(d, attr, eng);

  Prepared p;
  p.primitive = dnnl::inner_product_forward(pd);
  p.implementation = pd.impl_info_str();
  p.dst_desc = pd.dst_desc();
  p.args[DNNL_ARG_SRC] = make_operand(eng, s, plain_desc(to_dims(in)), pd.src_desc(), seed, 1.f);
  p.args[DNNL_ARG_WEIGHTS] = make_operand(eng, s, plain_desc(to_dims(w)), pd.weights_desc(), seed, 0.1f);
  if (bias) p.args[DNNL_ARG_BIAS] = make_operand(eng, s, plain_desc({w[0]}), pd.bias_desc(), seed, 0.1f);
  p.args[DNNL_ARG_DST] = has_sum(op, net) ? make_operand(eng, s, plain_desc(to_dims(out)), pd.dst_desc(), seed, 0.1f)
                                          : memory(pd.dst_desc(), eng);
  add_binary_args(p, binaries, eng, s, seed);
  return p;
}

// The layout oneDNN's convolutions keep an activation of this shape in (nChw16c with AVX-512,
// nChw8c with AVX2, ...): pooling needs a concrete source layout, and this is the one the layer
// before it would have produced in a oneDNN pipeline.
memory::desc activation_layout(const Shape& shape, const dnnl::engine& eng) {
  const memory::dims d = to_dims(shape);
  const int64_t c = shape.at(1);
  const memory::desc any(d, dt::f32, tag::any);
  const dnnl::convolution_forward::desc probe(dnnl::prop_kind::forward_inference, algorithm::convolution_direct,
                                              any, memory::desc({c, c, 1, 1}, dt::f32, tag::any), any, {1, 1},
                                              {0, 0}, {0, 0});
  return dnnl::convolution_forward::primitive_desc(probe, eng).src_desc();
}

Prepared prepare_pool(const Network& net, const Operator& op, const memory::desc& src_layout,
                      const dnnl::engine& eng, dnnl::stream& s, uint64_t& seed) {
  const Shape& in = net.tensor(op.inputs.at(0)).shape;
  const Shape& out = net.tensor(op.outputs.at(0)).shape;
  const auto& a = op.attrs;
  memory::dims kernel, strides, dilation{0, 0}, pad_l{0, 0}, pad_r{0, 0};
  algorithm alg = algorithm::pooling_max;
  if (op.type == OpType::GlobalAveragePool) {  // average over the whole plane
    kernel = {in[2], in[3]};
    strides = {1, 1};
    alg = algorithm::pooling_avg_exclude_padding;
  } else {
    kernel = {a.kernel_shape.at(0), a.kernel_shape.at(1)};
    strides = {a.strides.at(0), a.strides.at(1)};
    dilation = {a.dilations.at(0) - 1, a.dilations.at(1) - 1};
    const auto pads = floor_mode_pads(op, in, out);  // oneDNN sizes the output by floor division
    pad_l = {pads[0], pads[1]};
    pad_r = {pads[2], pads[3]};
    if (op.type == OpType::AveragePool)
      alg = a.count_include_pad ? algorithm::pooling_avg_include_padding : algorithm::pooling_avg_exclude_padding;
  }
  const memory::desc dst_any(to_dims(out), dt::f32, tag::any);
  const dnnl::pooling_v2_forward::desc d(dnnl::prop_kind::forward_inference, alg, src_layout, dst_any, strides,
                                         kernel, dilation, pad_l, pad_r);
  const dnnl::pooling_v2_forward::primitive_desc pd(d, eng);

  Prepared p;
  p.primitive = dnnl::pooling_v2_forward(pd);
  p.implementation = pd.impl_info_str();
  p.dst_desc = pd.dst_desc();
  p.args[DNNL_ARG_SRC] = make_operand(eng, s, plain_desc(to_dims(in)), pd.src_desc(), seed, 1.f);
  p.args[DNNL_ARG_DST] = memory(pd.dst_desc(), eng);
  if (pd.workspace_desc().get_size() > 0) p.args[DNNL_ARG_WORKSPACE] = memory(pd.workspace_desc(), eng);
  return p;
}

// Restores the OpenMP thread count the process had.
struct ThreadCount {
  int saved = omp_get_max_threads();
  explicit ThreadCount(int n) { omp_set_num_threads(n); }
  ~ThreadCount() { omp_set_num_threads(saved); }
};

Trace record(const RecordOptions& o) {
  const Network net = recording_network(o, "onednn");
  const int threads = o.threads > 0 ? o.threads : omp_get_num_procs();
  Trace trace = host_trace_header(o, "onednn", version_string(), threads);

  const ThreadCount thread_count(threads);
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream s(eng);
  uint64_t seed = 0x9e3779b97f4a7c15ULL;
  std::map<TensorId, memory::desc> produced;  // layouts the recorded layers left their outputs in

  std::vector<std::string> unused;  // oneDNN creates every layer the recorder times
  record_layers(net, [&](const Operator& op) {
    Prepared p;
    try {
      if (op.type == OpType::Conv) {
        p = prepare_conv(net, op, eng, s, seed);
      } else if (op.type == OpType::Gemm) {
        p = prepare_gemm(net, op, eng, s, seed);
      } else {
        const TensorId src = op.inputs.at(0);
        const auto it = produced.find(src);
        const memory::desc layout = it != produced.end() && it->second.dims() == to_dims(net.tensor(src).shape)
                                        ? it->second
                                        : activation_layout(net.tensor(src).shape, eng);
        p = prepare_pool(net, op, layout, eng, s, seed);
      }
    } catch (const dnnl::error& e) {
      throw std::runtime_error(fmt::format("{} '{}' ({} -> {}): oneDNN cannot create it: {}", onnx_name(op.type),
                                           op.name, shape_to_string(net.tensor(op.inputs.at(0)).shape),
                                           shape_to_string(net.tensor(op.outputs.at(0)).shape), e.what()));
    }
    produced[op.outputs.at(0)] = p.dst_desc;
    return LayerTiming{p.implementation, time_layer_runs([&] {
                         p.primitive.execute(s, p.args);
                         s.wait();
                       }, o)};
  }, trace, unused);
  return trace;
}

}  // namespace
}  // namespace tilesim

// The entry point the front end looks up with dlsym; errors come back as text, not exceptions.
// oneDNN creates every layer the recorder times, so it leaves none out.
extern "C" bool tilesim_onednn_record(const tilesim::RecordOptions* options, tilesim::Trace* out,
                                      std::vector<std::string>* /*skipped*/, std::string* error) {
  try {
    *out = tilesim::record(*options);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
}
