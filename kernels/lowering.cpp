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

// Packed GEMM C[M,N] = A[M,K] x B[K,N]: A is the weights (or the first operand), B the
// (im2col'd) activations. Tiles follow ncnn's get_optimal_tile_mnk idea: MR-multiple rows of A,
// NR-multiple columns of B sized so that a K x TILE_N panel of B fits half the blocking cache;
// threads split M tiles, and N tiles too when M alone cannot feed every thread.
void gemm_tiles(const Ctx& c, KernelPlan& plan, int64_t M, int64_t N, int64_t K, int64_t batch_flops_scale,
                TensorId a_tensor, TensorId b_tensor, TensorId out) {
  const auto mr = static_cast<int64_t>(c.engine.gemm_mr), nr = static_cast<int64_t>(c.engine.gemm_nr);
  const int64_t threads = std::max(1, c.target.threads);
  const int64_t panel_budget = static_cast<int64_t>(c.target.cache_bytes / 2);
  int64_t tile_n = std::max(nr, panel_budget / std::max<int64_t>(1, K * c.elem) / nr * nr);
  tile_n = std::min(tile_n, round_up(N, nr));
  int64_t tile_m = std::min(round_up(M, mr), std::max(mr, round_up(ceil_div(M, threads), mr)));
  const int64_t nn_m = ceil_div(M, tile_m);
  int64_t nn_n = ceil_div(N, tile_n);
  if (nn_m * nn_n < threads && N > nr) {  // too few tiles for the pool: cut N finer
    tile_n = std::max(nr, round_up(ceil_div(N, ceil_div(threads, nn_m)), nr));
    nn_n = ceil_div(N, tile_n);
  }
  plan.tile_shape = fmt::format("M{}xN{}xK{}", tile_m, tile_n, K);
  for (int64_t m = 0; m < nn_m; ++m) {
    const int64_t rows = std::min(tile_m, M - m * tile_m);
    for (int64_t n = 0; n < nn_n; ++n) {
      const int64_t cols = std::min(tile_n, N - n * tile_n);
      WorkItem w;
      w.flops = 2 * rows * cols * K * batch_flops_scale;
      w.accesses.push_back({a_tensor, m, rows * K * c.elem, false});
      w.accesses.push_back({b_tensor, n, K * cols * c.elem, false});
      w.accesses.push_back({out, m * nn_n + n, rows * cols * c.elem, true});
      plan.items.push_back(std::move(w));
    }
  }
}

// One tile per element pack of channels (how ncnn parallelises depthwise, pooling and
// elementwise layers: `omp parallel for` over channels / elempack).
void channel_pack_tiles(const Ctx& c, KernelPlan& plan, int64_t flops_total, bool reads_weights) {
  const Tensor& out = c.net.tensor(c.op.outputs.at(0));
  const int64_t channels = out.shape.size() >= 2 ? out.shape[1] : 1;
  const int64_t packs = ceil_div(channels, c.pack);
  const int64_t out_per_channel = out.elements() / std::max<int64_t>(1, channels);
  plan.tile_shape = fmt::format("C{}x{}", c.pack, out_per_channel);
  for (int64_t p = 0; p < packs; ++p) {
    const int64_t ch = std::min(c.pack, channels - p * c.pack);
    WorkItem w;
    w.flops = flops_total * ch / channels;
    for (TensorId in : c.op.inputs) {
      const Tensor& t = c.net.tensor(in);
      const int64_t in_channels = t.shape.size() >= 2 ? t.shape[1] : 1;
      // Broadcast operands (squeeze-excite scales) are read whole by every tile.
      const int64_t share = in_channels >= channels ? ch : in_channels;
      w.accesses.push_back({in, in_channels >= channels ? p : 0,
                            t.elements() / std::max<int64_t>(1, in_channels) * share * c.elem, false});
    }
    if (reads_weights)
      for (TensorId wt : c.op.weights) {
        const Tensor& t = c.net.tensor(wt);
        w.accesses.push_back({wt, p, t.elements() * ch / std::max<int64_t>(1, t.shape[0]) * c.elem, false});
      }
    for (TensorId o : c.op.outputs) {
      const Tensor& t = c.net.tensor(o);
      const int64_t oc = t.shape.size() >= 2 ? t.shape[1] : 1;
      w.accesses.push_back({o, p, t.elements() / std::max<int64_t>(1, oc) * std::min(ch, oc) * c.elem, true});
    }
    plan.items.push_back(std::move(w));
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
  const size_t before = plan.items.size();
  for (int64_t g = 0; g < group; ++g) {
    KernelPlan sub;
    gemm_tiles(c, sub, M, N, K, 1, weights, c.op.inputs[0], c.op.outputs[0]);
    for (auto& w : sub.items) {
      for (auto& acc : w.accesses) acc.block = acc.block * group + g;  // distinct blocks per group
      plan.items.push_back(std::move(w));
    }
    plan.tile_shape = sub.tile_shape;
  }
  // Epilogue arithmetic (bias, fused activations) spread over the tiles.
  const int64_t gemm_flops = plan.total_flops();
  const auto tiles = static_cast<int64_t>(plan.items.size() - before);
  for (size_t i = before; i < plan.items.size(); ++i) plan.items[i].flops += (cost.flops - gemm_flops) / tiles;
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
      gemm_tiles(c, plan, M, batch, K, 1, op.weights.at(0), op.inputs[0], op.outputs[0]);
      break;
    }
    case OpType::MatMul: {
      const Shape& a = net.tensor(op.inputs[0]).shape;
      const Shape& out = net.tensor(op.outputs[0]).shape;
      const int64_t M = a[a.size() - 2], K = a.back(), Nn = out.back();
      const int64_t batches = net.tensor(op.outputs[0]).elements() / (M * Nn);
      plan.algorithm = "gemm";
      plan.efficiency = engine.gemm_efficiency;
      gemm_tiles(c, plan, M, Nn, K, batches, op.inputs[0], op.inputs[1], op.outputs[0]);
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
