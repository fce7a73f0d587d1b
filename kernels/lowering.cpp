#include "kernels/lowering.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "kernels/channel_tiles.hpp"
#include "kernels/conv_gemm.hpp"
#include "kernels/lowering_context.hpp"
#include "kernels/winograd.hpp"
#include "sim/workload/op_cost.hpp"

namespace tilesim {
namespace {

std::string layout_name(const EngineProfile& e, int64_t pack) {
  if (e.layout == ActivationLayout::nhwc) return "NHWC";
  if (e.layout == ActivationLayout::nchw_blocked) return fmt::format("nChw{}c", pack);
  return pack == 1 ? "NCHW" : fmt::format("NC{}HW{}", pack, pack);
}

std::string window_suffix(const OpAttrs& a) {
  return fmt::format("{}x{}s{}", a.kernel_shape[0], a.kernel_shape[1], a.strides[0]);
}

// Spreads arithmetic a kernel does beyond its main loop (bias, fused activations) over a phase.
void add_epilogue(Phase& phase, int64_t flops) {
  const auto n = static_cast<int64_t>(phase.items.size());
  for (int64_t i = 0; i < n; ++i) phase.items[static_cast<size_t>(i)].flops += share(flops, i, i + 1, n);
}

void lower_gemm_conv(const LoweringContext& c, KernelPlan& plan, ConvAlgorithm algorithm, int64_t conv_flops) {
  const auto& a = c.op.attrs;
  const TensorId input = c.op.inputs[0], output = c.op.outputs[0];
  const int64_t cin = c.channels(input), cout = c.channels(output), group = a.group;
  const int64_t M = cout / group, K = cin / group * a.kernel_shape[0] * a.kernel_shape[1];
  const int64_t N = c.pixels(output);
  // ncnn packs B (im2col; a plain copy for 1x1) in its own parallel loop before every GEMM.
  const bool im2col =
      (algorithm == ConvAlgorithm::im2col_gemm || algorithm == ConvAlgorithm::gemm_1x1) && c.engine.im2col_workspace;
  const TensorId workspace = workspace_id(c.id);
  if (im2col) plan.workspace_bytes = K * group * N * c.elem;
  if (algorithm == ConvAlgorithm::igemm)  // XNNPACK's indirection buffer: one pointer per kernel tap per output pixel
    plan.workspace_bytes = a.kernel_shape[0] * a.kernel_shape[1] * N * static_cast<int64_t>(sizeof(void*));
  if (im2col) add_phase(c, plan, algorithm == ConvAlgorithm::gemm_1x1 ? "pack" : "im2col", KernelClass::elementwise);
  add_phase(c, plan, "gemm", KernelClass::gemm);
  // References only once every phase exists: adding a phase may move the others.
  Phase* pack = im2col ? &plan.phases.front() : nullptr;
  Phase& gemm = plan.phases.back();
  for (int64_t g = 0; g < group; ++g) {  // groups run one after another, each a GEMM
    const int64_t in0 = g * (cin / group), in1 = (g + 1) * (cin / group);
    GemmShape shape{M, N, K, c.op.weights.at(0), g * M, GemmB{input, in0, in1}, output, g * M, cout};
    if (im2col) {
      shape.b = GemmB{workspace, g * K, (g + 1) * K, true, K * group};
      pack_b_tiles(c, *pack, shape, input, in0, in1);
    }
    plan.tile_shape = gemm_tiles(c, gemm, shape);
  }
  const int64_t epilogue = conv_flops - gemm.flops();
  if (algorithm == ConvAlgorithm::direct && c.engine.skip_padded_taps) {  // taps in the padding are never computed
    const double valid = valid_tap_fraction(c.net, c.id);
    for (auto& w : gemm.items) w.flops = static_cast<int64_t>(static_cast<double>(w.flops) * valid);
  }
  add_epilogue(gemm, epilogue);
}

}  // namespace

double valid_tap_fraction(const Network& net, OpId id) {
  const Operator& op = net.op(id);
  const Shape& in = net.tensor(op.inputs[0]).shape;
  const Shape& out = net.tensor(op.outputs[0]).shape;
  const auto& a = op.attrs;
  double fraction = 1.0;
  for (int d = 0; d < 2; ++d) {
    int64_t valid = 0;
    for (int64_t o = 0; o < out[2 + d]; ++o)
      for (int64_t k = 0; k < a.kernel_shape[d]; ++k) {
        const int64_t i = o * a.strides[d] - a.pads[d] + k * a.dilations[d];
        valid += i >= 0 && i < in[2 + d];
      }
    fraction *= static_cast<double>(valid) / static_cast<double>(out[2 + d] * a.kernel_shape[d]);
  }
  return fraction;
}

ConvShape conv_shape(const Network& net, OpId id, DataType precision) {
  const Operator& op = net.op(id);
  const auto& a = op.attrs;
  const Shape& out = net.tensor(op.outputs[0]).shape;
  return ConvShape{a.kernel_shape[0], a.kernel_shape[1], a.strides[0], a.dilations[0], a.group,
                   net.tensor(op.inputs[0]).shape[1], out[1], out[2] * out[3], precision};
}

void require_target(const EngineProfile& engine, EngineTarget target) {
  if (engine.target != target) {
    const std::string& runs_on = choice_name(engine_target_names(), engine.target);
    throw ConfigError::about("device", fmt::format("engine '{}' targets the {}, not the {}: run it on the {}", engine.name,
                                                   runs_on, choice_name(engine_target_names(), target), runs_on));
  }
}

CpuTarget cpu_target(const ClusterSpec& cluster, DataType precision, int threads) {
  const CoreSpec& core = cluster.core;
  const double cache = core.l2 ? core.l2->size : cluster.l2 ? cluster.l2->size : core.l1d.size;
  return CpuTarget{&core, precision, threads, cache};
}

KernelPlan lower_layer(const Network& net, OpId id, const EngineProfile& engine, const CpuTarget& target) {
  require_target(engine, EngineTarget::cpu);
  const Operator& op = net.op(id);
  const OpCost cost = op_cost(net, id);
  KernelPlan plan;
  // A layer the model quantised (ncnn's *_int8 convolutions) computes in int8 where the core can.
  const bool int8_layer = op.compute_type == DataType::int8 && target.core->ops_per_cycle(DataType::int8) > 0;
  plan.precision = int8_layer ? DataType::int8 : target.precision;
  const LoweringContext c{net, id, op, engine, plan.precision, bytes_per_element(plan.precision),
                          engine.pack(plan.precision), target.threads, target.cache_bytes};
  plan.layout = layout_name(engine, c.pack);
  if (writes_nothing(net, op)) return plan;  // an empty output: no kernel runs
  switch (op.type) {
    case OpType::Conv: {
      const ConvShape shape = conv_shape(net, id, target.precision);
      const ConvAlgorithm algorithm = engine.conv_rule(shape).algorithm;
      if (algorithm == ConvAlgorithm::depthwise_direct && shape.depthwise()) {
        plan.algorithm = (c.nhwc() ? "dwconv_" : "depthwise_direct_") + window_suffix(op.attrs);
        Phase& p = add_phase(c, plan, "depthwise", KernelClass::depthwise);
        c.nhwc() ? output_row_tiles(c, p, cost.flops, true) : channel_pack_tiles(c, p, cost.flops, true);
      } else if (const int m = winograd_output_tile(algorithm); m > 0 && !is_gpu_algorithm(algorithm) &&
                 shape.kernel_h == 3 && shape.kernel_w == 3 && shape.stride == 1 && shape.dilation == 1 &&
                 shape.groups == 1) {
        plan.algorithm = name_of(algorithm);
        winograd_plan(c, plan, m, cost.flops - 2 * cost.macs);
      } else if (is_gpu_algorithm(algorithm)) {
        throw ConfigError(fmt::format("engine '{}': CPU rule '{}' names GPU algorithm {}", engine.name,
                                      engine.conv_rule(shape).name, name_of(algorithm)));
      } else {
        // GEMM family; a rule that does not fit the shape (Winograd on a 5x5) falls back to im2col.
        const bool pointwise = shape.kernel_h == 1 && shape.kernel_w == 1 && op.attrs.pads == std::vector<int64_t>{0, 0, 0, 0};
        ConvAlgorithm alg = algorithm;
        if (alg == ConvAlgorithm::depthwise_direct || winograd_output_tile(alg) > 0 ||
            (alg == ConvAlgorithm::gemm_1x1 && !pointwise))
          alg = ConvAlgorithm::im2col_gemm;
        plan.algorithm = shape.groups > 1 ? "group_" + name_of(alg) : name_of(alg);
        lower_gemm_conv(c, plan, alg, cost.flops);
      }
      break;
    }
    case OpType::ConvTranspose: {
      const int64_t cin = c.channels(op.inputs[0]), cout = c.channels(op.outputs[0]), group = op.attrs.group;
      if (group == cin && group == cout) {  // ncnn DeconvolutionDepthWise: a direct loop per channel
        plan.algorithm = "deconv_depthwise_" + window_suffix(op.attrs);
        channel_pack_tiles(c, add_phase(c, plan, "depthwise", KernelClass::depthwise), cost.flops, true);
        break;
      }
      // ncnn Deconvolution: a GEMM of the weights with the input, its columns scattered into the
      // output (col2im); as a GEMM over output pixels, K is the taps that land on each.
      const int64_t M = cout / group, N = c.pixels(op.outputs[0]);
      const int64_t K = std::max<int64_t>(1, cost.macs / std::max<int64_t>(1, group * M * N));
      plan.algorithm = group > 1 ? "group_deconv_gemm" : "deconv_gemm";
      Phase& gemm = add_phase(c, plan, "gemm", KernelClass::gemm);
      for (int64_t g = 0; g < group; ++g)
        plan.tile_shape = gemm_tiles(c, gemm, GemmShape{M, N, K, op.weights.at(0), g * M,
                                                        GemmB{op.inputs[0], g * (cin / group), (g + 1) * (cin / group)},
                                                        op.outputs[0], g * M, cout});
      add_epilogue(gemm, cost.flops - gemm.flops());
      break;
    }
    case OpType::Gemm: {
      const int64_t K = net.tensor(op.inputs[0]).shape[1], outputs = op.attrs.units, batch = net.tensor(op.inputs[0]).shape[0];
      if (!c.nhwc() && batch == 1) {
        // ncnn InnerProduct: a GEMV, `omp parallel for` over output packs, each reading its weight rows.
        plan.algorithm = "gemv";
        Phase& p = add_phase(c, plan, "gemv", KernelClass::gemv);
        for (int64_t o0 = 0, block = 0; o0 < outputs; o0 += c.pack, ++block) {
          const int64_t o1 = std::min(outputs, o0 + c.pack);
          WorkItem w;
          w.flops = share(cost.flops, o0, o1, outputs);
          w.accesses.push_back(c.weights(op.weights.at(0), block, (o1 - o0) * K * c.elem));
          w.accesses.push_back(c.region(op.inputs[0], 0, K, 0, 1, false));
          w.accesses.push_back(c.region(op.outputs[0], o0, o1, 0, 1, true));
          p.items.push_back(std::move(w));
        }
        p.launched_tiles = static_cast<int64_t>(p.items.size());
        plan.tile_shape = fmt::format("N{}xK{}", c.pack, K);
      } else {
        plan.algorithm = "gemm";
        Phase& p = add_phase(c, plan, "gemm", KernelClass::gemm);
        plan.tile_shape = gemm_tiles(c, p, GemmShape{outputs, batch, K, op.weights.at(0), 0, GemmB{op.inputs[0], 0, K},
                                                     op.outputs[0], 0, outputs});
        add_epilogue(p, cost.flops - 2 * cost.macs);
      }
      plan.layout = "NC";
      break;
    }
    case OpType::MatMul: {
      const Shape& a = net.tensor(op.inputs[0]).shape;
      const Shape& out = net.tensor(op.outputs[0]).shape;
      const int64_t M = a[a.size() - 2], K = a.back(), columns = net.tensor(op.outputs[0]).elements() / M;
      plan.algorithm = "gemm";
      Phase& p = add_phase(c, plan, "gemm", KernelClass::gemm);
      // Both operands are activations; batches run as one GEMM of batches x N columns.
      plan.tile_shape = gemm_tiles(c, p, GemmShape{M, columns, K, op.inputs[0], 0,
                                                   GemmB{op.inputs[1], 0, c.channels(op.inputs[1])}, op.outputs[0], 0,
                                                   c.channels(op.outputs[0])});
      (void)out;
      break;
    }
    case OpType::MaxPool:
    case OpType::AveragePool: {
      plan.algorithm = (op.type == OpType::MaxPool ? "maxpool_" : "avgpool_") + window_suffix(op.attrs);
      Phase& p = add_phase(c, plan, "pool", KernelClass::pooling);
      c.nhwc() ? output_row_tiles(c, p, cost.flops, false) : channel_pack_tiles(c, p, cost.flops, false);
      break;
    }
    case OpType::GlobalAveragePool: {
      plan.algorithm = "global_avgpool";
      Phase& p = add_phase(c, plan, "pool", KernelClass::pooling);
      // XNNPACK's global-average-pooling-nwc parallelises over the batch alone (one image: one
      // tile, run on the calling thread); ncnn and oneDNN over channel blocks.
      if (c.nhwc())
        proportional_tiles(c, p, cost.flops, c.net.tensor(op.inputs[0]).shape[0]);
      else
        channel_pack_tiles(c, p, cost.flops, false);
      break;
    }
    case OpType::Concat: case OpType::Split: case OpType::Slice: case OpType::ChannelShuffle:
    case OpType::Transpose: case OpType::Pad: case OpType::Resize: case OpType::Cast:
      plan.algorithm = op.type != OpType::Resize ? "copy"
                       : op.attrs.resize_mode == ResizeMode::nearest ? "resize_nearest"
                       : op.attrs.resize_mode == ResizeMode::linear  ? "resize_bilinear"
                                                                    : "resize_bicubic";
      channel_pack_tiles(c, add_phase(c, plan, plan.algorithm, KernelClass::elementwise), cost.flops, false);
      break;
    case OpType::Gather:
      plan.algorithm = "gather";
      proportional_tiles(c, add_phase(c, plan, "gather", KernelClass::elementwise), cost.flops, c.threads);
      break;
    case OpType::PriorBox: case OpType::DetectionOutput:
      // ncnn runs its post-processing layers on one thread.
      plan.algorithm = op.type == OpType::PriorBox ? "prior_box" : "detection_output";
      proportional_tiles(c, add_phase(c, plan, plan.algorithm, KernelClass::elementwise), cost.flops, 1);
      break;
    case OpType::Unmodelled:
      // No model of what it computes: its inputs read and outputs written at the bandwidth all
      // threads achieve, and nothing else (marked approximate wherever it is reported).
      plan.algorithm = "stand_in";
      proportional_tiles(c, add_phase(c, plan, "stand_in", KernelClass::elementwise), 0, c.threads);
      break;
    default:
      if (is_reduction(op.type)) {
        plan.algorithm = "reduce";
        proportional_tiles(c, add_phase(c, plan, "reduce", KernelClass::elementwise), cost.flops, c.threads);
        break;
      }
      if (is_view(op.type)) {
        plan.algorithm = "view";  // no kernel: the engine relabels the same memory
        break;
      }
      plan.algorithm = "elementwise";
      channel_pack_tiles(c, add_phase(c, plan, "elementwise", KernelClass::elementwise), cost.flops, true);
  }
  if (plan.tile_shape.empty() && !plan.phases.empty())
    plan.tile_shape = fmt::format("C{}xP{}", c.pack, c.pixels(op.outputs[0]));
  return plan;
}

}  // namespace tilesim
