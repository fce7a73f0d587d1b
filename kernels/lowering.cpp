#include "kernels/lowering.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/workload/op_cost.hpp"

namespace tilesim {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

std::string layout_name(int64_t pack) { return pack == 1 ? "NCHW" : fmt::format("NC{}HW{}", pack, pack); }

struct Ctx {
  const Network& net;
  const Operator& op;
  const EngineProfile& engine;
  const CpuTarget& target;
  int64_t elem;  // bytes per element in the compute precision's storage
  int64_t pack;  // channels per element pack
};

DataAccess region_access(const Ctx& c, TensorId t, int64_t c0, int64_t c1, int64_t p0, int64_t p1, bool write) {
  return DataAccess{t, 0, (c1 - c0) * (p1 - p0) * c.elem, write, Region{c0, c1, p0, p1}};
}

// The operand B of a GEMM: `tensor`'s channels [c0, c1), read for output columns [n0, n1) of
// `columns` (an output column maps to the input pixels in the same proportion).
struct GemmInput {
  TensorId tensor;
  int64_t c0, c1;
  int64_t columns;
};

// Packed GEMM C[M,N] = A[M,K] x B[K,N]: A is the weights, B the (im2col'd) activations. Tiles
// follow ncnn's get_optimal_tile_mnk idea: MR-multiple rows of A, NR-multiple columns of B sized
// so that a K x TILE_N panel of B fits half the blocking cache; threads split M tiles, and N
// tiles too when M alone cannot feed every thread. Output rows land at channel `out_c0` onwards.
void gemm_tiles(const Ctx& c, KernelPlan& plan, int64_t M, int64_t N, int64_t K, TensorId weights,
                int64_t weight_block0, const GemmInput& b, TensorId out, int64_t out_c0) {
  const auto mr = static_cast<int64_t>(c.engine.gemm_mr), nr = static_cast<int64_t>(c.engine.gemm_nr);
  const int64_t threads = std::max(1, c.target.threads);
  const int64_t panel_budget = static_cast<int64_t>(c.target.cache_bytes / 2);
  int64_t tile_n = std::max(nr, panel_budget / std::max<int64_t>(1, K * c.elem) / nr * nr);
  tile_n = std::min(tile_n, round_up(N, nr));
  const int64_t tile_m = std::min(round_up(M, mr), std::max(mr, round_up(ceil_div(M, threads), mr)));
  const int64_t nn_m = ceil_div(M, tile_m);
  int64_t nn_n = ceil_div(N, tile_n);
  if (nn_m * nn_n < threads && N > nr) {  // too few tiles for the pool: cut N finer
    tile_n = std::max(nr, round_up(ceil_div(N, ceil_div(threads, nn_m)), nr));
    nn_n = ceil_div(N, tile_n);
  }
  plan.tile_shape = fmt::format("M{}xN{}xK{}", tile_m, tile_n, K);
  const int64_t in_pixels = geometry_of(c.net.tensor(b.tensor)).pixels;
  for (int64_t m = 0; m < nn_m; ++m) {
    const int64_t rows = std::min(tile_m, M - m * tile_m);
    for (int64_t n = 0; n < nn_n; ++n) {
      const int64_t n0 = n * tile_n, n1 = std::min(N, n0 + tile_n);
      WorkItem w;
      w.flops = 2 * rows * (n1 - n0) * K;
      w.accesses.push_back({weights, weight_block0 + m, rows * K * c.elem, false});
      const int64_t p0 = n0 * in_pixels / b.columns, p1 = std::max(p0 + 1, n1 * in_pixels / b.columns);
      w.accesses.push_back(region_access(c, b.tensor, b.c0, b.c1, p0, p1, false));
      w.accesses.push_back(region_access(c, out, out_c0 + m * tile_m, out_c0 + m * tile_m + rows, n0, n1, true));
      plan.items.push_back(std::move(w));
    }
  }
}

// Input channels [first, last) that output channels [c0, c1) of output `o` read from input `i`.
std::pair<int64_t, int64_t> input_channels(const Ctx& c, size_t i, size_t o, int64_t c0, int64_t c1) {
  const Operator& op = c.op;
  const int64_t in_channels = geometry_of(c.net.tensor(op.inputs[i])).channels;
  if (op.attrs.axis == 1 && op.type == OpType::Concat) {
    int64_t offset = 0;
    for (size_t j = 0; j < i; ++j) offset += geometry_of(c.net.tensor(op.inputs[j])).channels;
    return {std::clamp(c0 - offset, int64_t{0}, in_channels), std::clamp(c1 - offset, int64_t{0}, in_channels)};
  }
  if (op.attrs.axis == 1 && (op.type == OpType::Split || op.type == OpType::Slice)) {
    int64_t offset = op.type == OpType::Slice ? op.attrs.split.at(0) : 0;
    for (size_t j = 0; op.type == OpType::Split && j < o; ++j) offset += op.attrs.split.at(j);
    return {offset + c0, offset + c1};
  }
  const int64_t out_channels = geometry_of(c.net.tensor(op.outputs[o])).channels;
  if (in_channels >= out_channels) return {c0, c1};
  return {0, in_channels};  // broadcast operand (a squeeze-excite scale): read whole by every tile
}

// One tile per element pack of output channels (how ncnn parallelises depthwise, pooling and
// elementwise layers: `omp parallel for` over channels / elempack), for each output in turn.
void channel_pack_tiles(const Ctx& c, KernelPlan& plan, int64_t flops_total, bool reads_weights) {
  int64_t total_channels = 0;
  for (TensorId o : c.op.outputs) total_channels += geometry_of(c.net.tensor(o)).channels;
  const auto out0 = geometry_of(c.net.tensor(c.op.outputs.at(0)));
  plan.tile_shape = fmt::format("C{}xP{}", c.pack, out0.pixels);
  int64_t block = 0;
  for (size_t o = 0; o < c.op.outputs.size(); ++o) {
    const auto og = geometry_of(c.net.tensor(c.op.outputs[o]));
    for (int64_t c0 = 0; c0 < og.channels; c0 += c.pack, ++block) {
      const int64_t c1 = std::min(og.channels, c0 + c.pack);
      WorkItem w;
      w.flops = flops_total * (c1 - c0) / total_channels;
      for (size_t i = 0; i < c.op.inputs.size(); ++i) {
        const auto [i0, i1] = input_channels(c, i, o, c0, c1);
        if (i1 > i0)
          w.accesses.push_back(region_access(c, c.op.inputs[i], i0, i1, 0,
                                             geometry_of(c.net.tensor(c.op.inputs[i])).pixels, false));
      }
      if (reads_weights)
        for (TensorId wt : c.op.weights) {
          const Tensor& t = c.net.tensor(wt);
          w.accesses.push_back({wt, block, t.elements() * (c1 - c0) / std::max<int64_t>(1, t.shape[0]) * c.elem, false});
        }
      w.accesses.push_back(region_access(c, c.op.outputs[o], c0, c1, 0, og.pixels, true));
      plan.items.push_back(std::move(w));
    }
  }
}

void lower_conv(const Ctx& c, KernelPlan& plan, const OpCost& cost) {
  const auto& a = c.op.attrs;
  const Shape& in = c.net.tensor(c.op.inputs[0]).shape;
  const Shape& out = c.net.tensor(c.op.outputs[0]).shape;
  const int64_t cin = in[1], cout = out[1], group = a.group;
  const int64_t kh = a.kernel_shape[0], kw = a.kernel_shape[1];
  const int64_t N = out[0] * out[2] * out[3];
  const TensorId weights = c.op.weights.at(0);
  if (group == cin && group == cout && group > 1) {
    plan.algorithm = fmt::format("depthwise_direct_{}x{}s{}", kh, kw, a.strides[0]);
    plan.efficiency = c.engine.depthwise_efficiency;
    channel_pack_tiles(c, plan, cost.flops, true);
    return;
  }
  const bool pointwise = kh == 1 && kw == 1 && a.strides[0] == 1 && a.strides[1] == 1 &&
                         a.pads == std::vector<int64_t>{0, 0, 0, 0};
  const int64_t K = cin / group * kh * kw, M = cout / group;
  plan.efficiency = c.engine.gemm_efficiency;
  if (pointwise) {
    plan.algorithm = group == 1 ? "gemm_1x1" : "group_gemm_1x1";
  } else {
    plan.algorithm = group == 1 ? "im2col_gemm" : "group_im2col_gemm";
    plan.workspace_bytes = K * group * N * c.elem;  // the im2col matrix of B
  }
  // Groups run one after another, each a GEMM; tiles of all groups share the pool.
  const int64_t tiles_m_per_group = ceil_div(M, static_cast<int64_t>(c.engine.gemm_mr));
  for (int64_t g = 0; g < group; ++g)
    gemm_tiles(c, plan, M, N, K, weights, g * tiles_m_per_group,
               GemmInput{c.op.inputs[0], g * (cin / group), (g + 1) * (cin / group), N}, c.op.outputs[0], g * M);
  // Epilogue arithmetic (bias, fused activations) spread over the tiles.
  const int64_t epilogue = cost.flops - plan.total_flops();
  const auto tiles = static_cast<int64_t>(plan.items.size());
  for (auto& w : plan.items) w.flops += epilogue / tiles;
  plan.items.front().flops += epilogue % tiles;
}

}  // namespace

CpuTarget cpu_target(const ClusterSpec& cluster, DataType precision, int threads) {
  const CoreSpec& core = cluster.core;
  const double cache = core.l2 ? core.l2->size : cluster.l2 ? cluster.l2->size : core.l1d.size;
  return CpuTarget{&core, precision, threads, cache};
}

KernelPlan lower_layer(const Network& net, OpId id, const EngineProfile& engine, const CpuTarget& target) {
  const Operator& op = net.op(id);
  const OpCost cost = op_cost(net, id);
  KernelPlan plan;
  plan.precision = target.precision;
  const int64_t pack = static_cast<int64_t>(target.precision == DataType::fp16 ? engine.pack_fp16 : engine.pack_fp32);
  const Ctx c{net, op, engine, target, bytes_per_element(target.precision), pack};
  plan.layout = layout_name(pack);
  plan.efficiency = engine.elementwise_efficiency;
  switch (op.type) {
    case OpType::Conv:
      lower_conv(c, plan, cost);
      break;
    case OpType::Gemm: {
      const Shape& in = net.tensor(op.inputs[0]).shape;
      const int64_t M = op.attrs.units, K = in[1], batch = in[0];
      plan.algorithm = batch == 1 ? "gemv" : "gemm";
      plan.layout = "NC";
      plan.efficiency = batch == 1 ? engine.elementwise_efficiency : engine.gemm_efficiency;
      gemm_tiles(c, plan, M, batch, K, op.weights.at(0), 0, GemmInput{op.inputs[0], 0, K, batch}, op.outputs[0], 0);
      break;
    }
    case OpType::MatMul: {
      const Shape& a = net.tensor(op.inputs[0]).shape;
      const Shape& out = net.tensor(op.outputs[0]).shape;
      const int64_t M = a[a.size() - 2], K = a.back(), Nn = out.back();
      const int64_t batches = net.tensor(op.outputs[0]).elements() / (M * Nn);
      plan.algorithm = "gemm";
      plan.efficiency = engine.gemm_efficiency;
      // Both operands are activations; batches run as one GEMM of batches x N columns.
      gemm_tiles(c, plan, M, Nn * batches, K, op.inputs[0], 0,
                 GemmInput{op.inputs[1], 0, geometry_of(net.tensor(op.inputs[1])).channels, Nn * batches},
                 op.outputs[0], 0);
      break;
    }
    case OpType::MaxPool:
    case OpType::AveragePool:
      plan.algorithm = fmt::format("{}_{}x{}s{}", op.type == OpType::MaxPool ? "maxpool" : "avgpool",
                                   op.attrs.kernel_shape[0], op.attrs.kernel_shape[1], op.attrs.strides[0]);
      channel_pack_tiles(c, plan, cost.flops, false);
      break;
    case OpType::GlobalAveragePool:
      plan.algorithm = "global_avgpool";
      channel_pack_tiles(c, plan, cost.flops, false);
      break;
    case OpType::Concat: case OpType::Split: case OpType::Slice: case OpType::ChannelShuffle:
    case OpType::Transpose: case OpType::Pad: case OpType::Resize:
      plan.algorithm = op.type == OpType::Resize ? "resize_bilinear" : "copy";
      channel_pack_tiles(c, plan, cost.flops, false);
      break;
    default:
      if (is_view(op.type)) {
        plan.algorithm = "view";  // no kernel: the engine relabels the same memory
        break;
      }
      plan.algorithm = "elementwise";
      channel_pack_tiles(c, plan, cost.flops, true);
  }
  return plan;
}

}  // namespace tilesim
