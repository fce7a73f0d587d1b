#include "kernels/conv_gemm.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tilesim {
namespace {

// Above this many tiles per thread, consecutive pixel tiles (same weights) are simulated as one
// work item: the work and data are the same, and the pool's balance at this grain is unaffected.
constexpr int64_t kMaxItemsPerThread = 32;

int64_t rup(int64_t a, int64_t b) { return round_up(a, b); }

// ncnn's convolution_im2col_gemm_get_optimal_tile_mnk (aarch64 branch), in elements.
GemmTiling ncnn_tiling(const LoweringContext& c, int64_t M, int64_t N, int64_t K) {
  const int64_t l2 = static_cast<int64_t>(c.cache_bytes) / 4;  // ncnn sizes tiles in floats
  const int64_t nT = std::max(1, c.threads);
  int64_t tile_k = std::max<int64_t>(8, ((l2 - 32) / 12) / 8 * 8);
  const int64_t nn_k = ceil_div(K, tile_k);
  tile_k = std::min(tile_k, rup(ceil_div(K, nn_k), 8));
  int64_t nn_m = (M + 31) / 32;
  int64_t tile_m = std::max<int64_t>(8, rup(ceil_div(M, nn_m), 8));
  tile_m *= nT;
  nn_m = ceil_div(M, tile_m);
  tile_m = std::min(tile_m, rup(ceil_div(M, nn_m), 8));
  if (nT > 1) tile_m = std::min(tile_m, rup(std::max<int64_t>(1, tile_m / nT), 8));
  const int64_t tile = tile_k >= K ? (l2 - tile_m * tile_k) / tile_k : (l2 - tile_m * tile_k) / (tile_m + tile_k);
  int64_t tile_n = std::max<int64_t>(4, tile / 4 * 4);
  const int64_t nn_n = ceil_div(N, tile_n);
  tile_n = std::max<int64_t>(4, std::min(tile_n, rup(ceil_div(N, nn_n), 4)));
  return {tile_m, tile_n, tile_k, GemmTiling::Parallel::rows,
          fmt::format("M{}xN{}xK{}", tile_m, tile_n, std::min(tile_k, K))};
}

// XNNPACK: MR output pixels x NC output channels; NC shrinks (in NR steps) until every thread
// has about tiles_per_thread tiles (convolution-nhwc.c: target_tiles_per_thread).
GemmTiling xnnpack_tiling(const LoweringContext& c, int64_t M, int64_t N, int64_t K) {
  const int64_t mr = c.engine.mr(c.precision), nr = c.engine.nr(c.precision);
  const int64_t threads = std::max(1, c.threads);
  int64_t nc = rup(M, nr);
  if (threads > 1) {
    const int64_t max_nc = ceil_div(M * ceil_div(N, mr), threads * static_cast<int64_t>(c.engine.tiles_per_thread));
    if (max_nc < nc) nc = std::max(nr, rup(max_nc, nr));
  }
  return {nc, mr, K, GemmTiling::Parallel::pixels_by_channels, fmt::format("MR{}xNC{}xK{}", mr, nc, K)};
}

// oneDNN-style blocked kernels: one register block of output channels x a run of output pixels,
// split over threads as balance211 splits (oc blocks x output rows) into contiguous chunks.
GemmTiling blocked_tiling(const LoweringContext& c, int64_t M, int64_t N, int64_t K) {
  (void)M;
  (void)N;
  const int64_t mr = c.engine.mr(c.precision), nr = c.engine.nr(c.precision);
  return {mr, nr, K, GemmTiling::Parallel::channels_by_pixels, fmt::format("OC{}xOW{}xK{}", mr, nr, K)};
}

}  // namespace

GemmTiling choose_gemm_tiling(const LoweringContext& c, int64_t M, int64_t N, int64_t K) {
  // A degenerate GEMM (an empty input channel set) is tiled as the smallest real one.
  M = std::max<int64_t>(M, 1), N = std::max<int64_t>(N, 1), K = std::max<int64_t>(K, 1);
  if (c.engine.layout == ActivationLayout::nhwc) return xnnpack_tiling(c, M, N, K);
  if (c.engine.layout == ActivationLayout::nchw_blocked) return blocked_tiling(c, M, N, K);
  return ncnn_tiling(c, M, N, K);
}

std::string gemm_tiles(const LoweringContext& c, Phase& phase, const GemmShape& g, const GemmEpilogue* epilogue) {
  const GemmTiling t = choose_gemm_tiling(c, g.M, g.N, g.K);
  const int64_t channel_tiles = ceil_div(g.M, t.tile_m), pixel_tiles = ceil_div(g.N, t.tile_n);

  auto b_access = [&](int64_t p0, int64_t p1) {
    if (g.b.workspace)
      return c.workspace_region(g.b.tensor, g.b.workspace_rows, g.b.c0, g.b.c1, p0 * g.pixel_stride,
                                p1 * g.pixel_stride, false);
    const int64_t in_pixels = c.pixels(g.b.tensor);
    const int64_t ip0 = p0 * in_pixels / g.N, ip1 = std::max(ip0 + 1, p1 * in_pixels / g.N);
    return c.region(g.b.tensor, g.b.c0, g.b.c1, ip0, ip1, false);
  };
  // One work item: output channels of row tile `ct` x pixel tiles [pt0, pt1), visiting the pixel
  // tiles in order so the cache sees each B panel and C block as the kernel touches them.
  auto item = [&](int64_t ct, int64_t pt0, int64_t pt1) {
    const int64_t oc0 = ct * t.tile_m, oc1 = std::min(g.M, oc0 + t.tile_m);
    WorkItem w;
    w.accesses.push_back(c.weights(g.weights, g.weight_block0 + ct, (oc1 - oc0) * g.K * g.batch * c.elem));
    for (int64_t pt = pt0; pt < pt1; ++pt) {
      const int64_t p0 = pt * t.tile_n, p1 = std::min(g.N, p0 + t.tile_n);
      w.flops += 2 * (oc1 - oc0) * (p1 - p0) * g.K * g.batch;
      w.accesses.push_back(b_access(p0, p1));
      if (epilogue) {  // ncnn's Winograd: the output transform runs inside the GEMM loop
        w.flops += share(epilogue->flops, oc0 * g.N + (oc1 - oc0) * p0, oc0 * g.N + (oc1 - oc0) * p1, g.M * g.N);
        w.accesses.push_back(c.region(epilogue->output, g.out_c0 + oc0, g.out_c0 + oc1, p0 * epilogue->pixels / g.N,
                                      p1 * epilogue->pixels / g.N, true));
      } else {
        w.accesses.push_back(c.workspace_region(g.out, g.out_channels, g.out_c0 + oc0, g.out_c0 + oc1,
                                                p0 * g.pixel_stride, p1 * g.pixel_stride, true));
      }
    }
    phase.items.push_back(std::move(w));
  };

  if (t.parallel == GemmTiling::Parallel::rows) {
    // ncnn: `omp parallel for` over row tiles only; each thread walks all pixel tiles.
    for (int64_t ct = 0; ct < channel_tiles; ++ct) item(ct, 0, pixel_tiles);
    phase.launched_tiles += channel_tiles;
    return t.shape;
  }
  // 2-D tiles. Very many: consecutive pixel tiles are simulated together.
  const int64_t launched = channel_tiles * pixel_tiles;
  const int64_t limit = kMaxItemsPerThread * std::max(1, c.threads);
  const int64_t group = launched > limit ? std::min(pixel_tiles, ceil_div(launched, limit)) : 1;
  const int64_t pixel_groups = ceil_div(pixel_tiles, group);
  auto run = [&](int64_t ct, int64_t pg) { item(ct, pg * group, std::min(pixel_tiles, (pg + 1) * group)); };
  if (t.parallel == GemmTiling::Parallel::pixels_by_channels) {
    for (int64_t pg = 0; pg < pixel_groups; ++pg)
      for (int64_t ct = 0; ct < channel_tiles; ++ct) run(ct, pg);
  } else {
    for (int64_t ct = 0; ct < channel_tiles; ++ct)
      for (int64_t pg = 0; pg < pixel_groups; ++pg) run(ct, pg);
  }
  phase.launched_tiles += launched;
  return t.shape;
}

void pack_b_tiles(const LoweringContext& c, Phase& phase, const GemmShape& g, TensorId input, int64_t in_c0,
                  int64_t in_c1, int64_t flops) {
  const GemmTiling t = choose_gemm_tiling(c, g.M, g.N, g.K);
  const int64_t tile_k = std::min(t.tile_k, g.K), k_tiles = ceil_div(g.K, tile_k), n_tiles = ceil_div(g.N, t.tile_n);
  const int64_t taps = g.K / std::max<int64_t>(1, in_c1 - in_c0);  // kernel taps per input channel
  const int64_t in_pixels = c.pixels(input);
  for (int64_t n = 0; n < n_tiles; ++n)
    for (int64_t k = 0; k < k_tiles; ++k) {
      const int64_t p0 = n * t.tile_n, p1 = std::min(g.N, p0 + t.tile_n);
      const int64_t k0 = k * tile_k, k1 = std::min(g.K, k0 + tile_k);
      WorkItem w;
      w.flops = share(flops, n * k_tiles + k, n * k_tiles + k + 1, n_tiles * k_tiles);
      const int64_t ip0 = p0 * in_pixels / g.N, ip1 = std::max(ip0 + 1, p1 * in_pixels / g.N);
      w.accesses.push_back(c.region(input, in_c0 + k0 / taps, in_c0 + ceil_div(k1, taps), ip0, ip1, false));
      w.accesses.push_back(c.workspace_region(g.b.tensor, g.b.workspace_rows, g.b.c0 + k0, g.b.c0 + k1,
                                              p0 * g.pixel_stride, p1 * g.pixel_stride, true));
      phase.items.push_back(std::move(w));
    }
  phase.launched_tiles += n_tiles * k_tiles;
}

}  // namespace tilesim
