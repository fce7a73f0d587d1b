// Lowering for GPU targets: each kernel is one or more dispatches; a dispatch is a grid of
// workgroups, each `local_size` invocations over a run of output pixels (pixels_per_invocation
// each) of one block of `channels_per_invocation` channels (ncnn's Vulkan shaders: gx, gy over pixels, gz over channel
// packs; TFLite's OpenCL kernels: slices of 4 channels in PHWC4).
#include <algorithm>

#include <fmt/format.h>

#include "kernels/lowering.hpp"
#include "kernels/lowering_context.hpp"
#include "kernels/winograd.hpp"
#include "sim/workload/op_cost.hpp"

namespace tilesim {
namespace {

struct GpuGrid {
  int64_t channels;        // of the tensor the dispatch writes
  int64_t pixels;
  int64_t channels_per_group;
  int64_t pixels_per_group;
};

// What one workgroup reads besides its weights: channels [c0, c1) of `tensor`, for the pixels
// that correspond (proportionally) to its output pixels.
struct GpuInput {
  TensorId tensor;
  int64_t total_channels, pixels, c0, c1;
  bool all_channels;       // every workgroup reads all channels (convolutions) or its own block
};

// Writes channels [out_c0, out_c0 + grid.channels) of `out` (of `out_channels` in all; -1: the grid's).
Phase& dispatch(const LoweringContext& c, KernelPlan& plan, const std::string& name, KernelClass kernel_class,
                const GpuGrid& grid, int64_t flops, const std::vector<GpuInput>& inputs, TensorId weights,
                int64_t weight_bytes_per_channel, TensorId out, int64_t out_c0 = 0, int64_t out_channels = -1) {
  Phase& p = add_phase(c, plan, name, kernel_class);
  p.local_size = static_cast<int64_t>(c.engine.gpu_local_size);
  p.registers_per_invocation = static_cast<int64_t>(c.engine.gpu_registers_per_invocation);
  const int64_t blocks = ceil_div(grid.channels, grid.channels_per_group);
  const int64_t runs = ceil_div(grid.pixels, grid.pixels_per_group);
  const int64_t groups = blocks * runs;
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t c0 = b * grid.channels_per_group, c1 = std::min(grid.channels, c0 + grid.channels_per_group);
    for (int64_t r = 0; r < runs; ++r) {
      const int64_t p0 = r * grid.pixels_per_group, p1 = std::min(grid.pixels, p0 + grid.pixels_per_group);
      WorkItem w;
      w.flops = share(flops, b * runs + r, b * runs + r + 1, groups);
      if (weights != -1) w.accesses.push_back(c.weights(weights, b, (c1 - c0) * weight_bytes_per_channel));
      for (const GpuInput& in : inputs) {
        const int64_t ip0 = p0 * in.pixels / grid.pixels, ip1 = std::max(ip0 + 1, p1 * in.pixels / grid.pixels);
        const int64_t i0 = in.all_channels ? in.c0 : std::min(in.c1, in.c0 + c0);
        const int64_t i1 = in.all_channels ? in.c1 : std::min(in.c1, in.c0 + c1);
        if (i1 > i0) w.accesses.push_back(c.workspace_region(in.tensor, in.total_channels, i0, i1, ip0, ip1, false));
      }
      w.accesses.push_back(c.workspace_region(out, out_channels < 0 ? grid.channels : out_channels, out_c0 + c0,
                                              out_c0 + c1, p0, p1, true));
      p.items.push_back(std::move(w));
    }
  }
  p.launched_tiles = groups;
  return p;
}

}  // namespace

KernelPlan lower_layer_gpu(const Network& net, OpId id, const EngineProfile& engine, const GpuTarget& target) {
  require_target(engine, EngineTarget::gpu);
  const Operator& op = net.op(id);
  const OpCost cost = op_cost(net, id);
  KernelPlan plan;
  plan.precision = target.precision;
  const LoweringContext c{net, id, op, engine, target.precision, bytes_per_element(target.precision),
                          engine.pack(target.precision), 1, 0};
  plan.layout = engine.layout == ActivationLayout::nhwc ? "PHWC4" : fmt::format("NC{}HW{}", c.pack, c.pack);
  if (writes_nothing(net, op)) return plan;  // an empty output: no kernel runs
  const auto per_invocation = static_cast<int64_t>(engine.gpu_channels_per_invocation);
  // Pixels one workgroup covers: its invocations, each computing a few neighbouring pixels.
  const auto local = static_cast<int64_t>(engine.gpu_local_size * engine.gpu_pixels_per_invocation);
  if (is_view(op.type)) {
    plan.algorithm = "view";
    return plan;
  }
  const TensorId out = op.outputs.at(0);
  const GpuGrid grid{c.channels(out), c.pixels(out), per_invocation, local};
  auto input = [&](TensorId t, bool all) {
    return GpuInput{t, c.channels(t), c.pixels(t), 0, c.channels(t), all};
  };
  if (op.type == OpType::Conv) {
    const ConvShape shape = conv_shape(net, id, target.precision);
    const ConvAlgorithm algorithm = engine.conv_rule(shape).algorithm;
    const int64_t K = shape.in_channels / shape.groups * shape.kernel_h * shape.kernel_w;
    const TensorId w = op.weights.at(0);
    if (is_gpu_algorithm(algorithm) && winograd_output_tile(algorithm) > 0 && shape.kernel_h == 3 &&
        shape.kernel_w == 3 && shape.stride == 1 && shape.dilation == 1 && shape.groups == 1) {
      const int64_t m = winograd_output_tile(algorithm);
      const Shape& o = net.tensor(out).shape;
      const WinogradCost wc = winograd_cost(m, o[2], o[3], o[0], shape.in_channels, shape.out_channels);
      const int64_t a2 = wc.alpha * wc.alpha;
      const TensorId tin = workspace_id(id, 0), tout = workspace_id(id, 1);
      plan.algorithm = name_of(algorithm);
      plan.workspace_bytes = a2 * wc.tiles * (shape.in_channels + shape.out_channels) * c.elem;
      plan.packed_weight_bytes = a2 * shape.in_channels * shape.out_channels * c.elem;
      dispatch(c, plan, "input_transform", KernelClass::elementwise, GpuGrid{shape.in_channels, wc.tiles * a2, per_invocation, local},
               wc.input_transform_flops, {input(op.inputs[0], false)}, -1, 0, tin);
      dispatch(c, plan, "gemm", KernelClass::winograd, GpuGrid{shape.out_channels, wc.tiles * a2, per_invocation, local}, wc.gemm_flops,
               {GpuInput{tin, shape.in_channels, wc.tiles * a2, 0, shape.in_channels, true}}, w,
               shape.in_channels * a2 * c.elem, tout);
      dispatch(c, plan, "output_transform", KernelClass::elementwise, grid, wc.output_transform_flops + cost.flops - 2 * cost.macs,
               {GpuInput{tout, shape.out_channels, wc.tiles * a2, 0, shape.out_channels, false}}, -1, 0, out);
    } else {
      plan.algorithm = is_gpu_algorithm(algorithm) && winograd_output_tile(algorithm) == 0 ? name_of(algorithm) : "gpu_direct";
      if (shape.depthwise()) plan.algorithm = "gpu_depthwise";
      const bool depthwise = plan.algorithm == "gpu_depthwise";
      dispatch(c, plan, plan.algorithm, depthwise ? KernelClass::depthwise : KernelClass::gemm, grid,
               cost.flops, {input(op.inputs[0], !depthwise)}, w,
               (depthwise ? shape.kernel_h * shape.kernel_w : K) * c.elem, out);
    }
  } else if (op.type == OpType::ConvTranspose) {
    plan.algorithm = "gpu_deconv";
    const int64_t K = std::max<int64_t>(1, cost.macs / std::max<int64_t>(1, grid.channels * grid.pixels));
    dispatch(c, plan, plan.algorithm, KernelClass::gemm, grid, cost.flops, {input(op.inputs[0], true)},
             op.weights.at(0), K * c.elem, out);
  } else if (op.type == OpType::Gemm || op.type == OpType::MatMul) {
    plan.algorithm = "gpu_gemm";
    const int64_t K = net.tensor(op.inputs[0]).shape.back();
    dispatch(c, plan, "gemm", KernelClass::gemm, grid, cost.flops, {input(op.inputs[0], true)},
             op.type == OpType::Gemm ? op.weights.at(0) : -1, K * c.elem, out);
  } else {
    plan.algorithm = op.type == OpType::MaxPool || op.type == OpType::AveragePool || op.type == OpType::GlobalAveragePool
                         ? "gpu_pool"
                         : op.type == OpType::Concat || op.type == OpType::Split || op.type == OpType::Slice ||
                                   op.type == OpType::ChannelShuffle || op.type == OpType::Transpose ||
                                   op.type == OpType::Pad || op.type == OpType::Gather || op.type == OpType::Cast
                               ? "gpu_copy"
                               : op.type == OpType::Unmodelled ? "gpu_stand_in"
                               : "gpu_elementwise";
    // A flat tensor (one pixel: a flattened feature map, a detector's box list) spreads a
    // workgroup's invocations over its channels, as the shaders spread them over its width.
    auto grid_of = [&](TensorId t) {
      const int64_t pixels = c.pixels(t);
      return GpuGrid{c.channels(t), pixels,
                     pixels == 1 ? per_invocation * static_cast<int64_t>(engine.gpu_local_size) : per_invocation, local};
    };
    const auto n_out = static_cast<int64_t>(op.outputs.size());
    if (op.type == OpType::Concat && op.attrs.axis == 1 && op.weights.empty()) {
      // ncnn's Vulkan concat: one dispatch per input, each copying into its channels of the output
      // (a constant operand, a ViT's class token, has no place among the inputs: the generic path).
      int64_t offset = 0;
      const auto n_in = static_cast<int64_t>(op.inputs.size());
      for (int64_t i = 0; i < n_in; ++i) {
        const TensorId t = op.inputs[static_cast<size_t>(i)];
        dispatch(c, plan, plan.algorithm, KernelClass::elementwise, grid_of(t), share(cost.flops, i, i + 1, n_in), {input(t, false)}, -1, 0,
                 out, offset, c.channels(out));
        offset += c.channels(t);
      }
    } else if ((op.type == OpType::Split || op.type == OpType::Slice) && op.attrs.axis == 1 && op.attrs.step == 1) {
      // Each output reads only its own channels of the input.
      const TensorId in = op.inputs.at(0);
      int64_t offset = op.type == OpType::Slice ? op.attrs.split.at(0) : 0;
      for (int64_t o = 0; o < n_out; ++o) {
        const TensorId t = op.outputs[static_cast<size_t>(o)];
        dispatch(c, plan, plan.algorithm, KernelClass::elementwise, grid_of(t), share(cost.flops, o, o + 1, n_out),
                 {GpuInput{in, c.channels(in), c.pixels(in), offset, offset + c.channels(t), false}}, -1, 0, t);
        offset += c.channels(t);
      }
    } else {
      std::vector<GpuInput> inputs;
      for (TensorId t : op.inputs) inputs.push_back(input(t, c.channels(t) != grid.channels));
      // Multi-output operators write each output in its own dispatch.
      for (int64_t o = 0; o < n_out; ++o)
        dispatch(c, plan, plan.algorithm, KernelClass::elementwise, grid_of(op.outputs[static_cast<size_t>(o)]), share(cost.flops, o, o + 1, n_out),
                 inputs, -1, 0, op.outputs[static_cast<size_t>(o)]);
    }
  }
  const Phase& main = plan.phases.back();
  plan.tile_shape = fmt::format("WG{}x{}px{}ch", main.local_size, engine.gpu_pixels_per_invocation, per_invocation);
  return plan;
}

}  // namespace tilesim
