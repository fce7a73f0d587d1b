#include "kernels/conv_gemm.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tilesim {
namespace {

// Above this many tiles per thread, consecutive row tiles are simulated as one work item: the
// work and data are the same, and the pool's balance at this granularity is unaffected.
constexpr int64_t kMaxItemsPerThread = 32;

struct Tiling {
  int64_t tile_channels, tile_pixels;  // output channels x output pixels per tile
  bool pixel_major;                    // iteration order: pixel tiles outer (XNNPACK) or channel tiles outer (ncnn)
  std::string shape;
};

Tiling choose_tiling(const LoweringContext& c, const GemmShape& g) {
  const int64_t mr = c.engine.mr(c.precision), nr = c.engine.nr(c.precision);
  const int64_t threads = std::max(1, c.threads);
  Tiling t;
  if (c.nhwc()) {
    // XNNPACK: MR output pixels x NC output channels; NC shrinks (in NR steps) until every thread
    // has about tiles_per_thread tiles (convolution-nhwc.c: target_tiles_per_thread).
    const int64_t pixel_tiles = ceil_div(g.N, mr);
    int64_t nc = round_up(g.M, nr);
    if (threads > 1) {
      const int64_t max_nc = ceil_div(g.M * pixel_tiles, threads * static_cast<int64_t>(c.engine.tiles_per_thread));
      if (max_nc < nc) nc = std::max(nr, round_up(max_nc, nr));
    }
    t = {nc, mr, true, fmt::format("MR{}xNC{}xK{}", mr, nc, g.K)};
    return t;
  }
  // ncnn: MR-multiple rows of output channels; NR-multiple columns of pixels sized so that a
  // K x TILE_N panel of B fits half the blocking cache (get_optimal_tile_mnk).
  const int64_t panel_budget = static_cast<int64_t>(c.cache_bytes / 2);
  int64_t tile_n = std::max(nr, panel_budget / std::max<int64_t>(1, g.K * g.batch * c.elem) / nr * nr);
  tile_n = std::min(tile_n, round_up(g.N, nr));
  const int64_t tile_m = std::min(round_up(g.M, mr), std::max(mr, round_up(ceil_div(g.M, threads), mr)));
  const int64_t nn_m = ceil_div(g.M, tile_m);
  if (nn_m * ceil_div(g.N, tile_n) < threads && g.N > nr)  // too few tiles for the pool: cut N finer
    tile_n = std::max(nr, round_up(ceil_div(g.N, ceil_div(threads, nn_m)), nr));
  return {tile_m, tile_n, false, fmt::format("M{}xN{}xK{}", tile_m, tile_n, g.K)};
}

}  // namespace

std::string gemm_tiles(const LoweringContext& c, Phase& phase, const GemmShape& g) {
  const Tiling t = choose_tiling(c, g);
  const int64_t channel_tiles = ceil_div(g.M, t.tile_channels), pixel_tiles = ceil_div(g.N, t.tile_pixels);
  const int64_t launched = channel_tiles * pixel_tiles;
  // Very many tiles: consecutive pixel tiles (same weights) are simulated as one work item.
  const int64_t limit = kMaxItemsPerThread * std::max(1, c.threads);
  const int64_t group = launched > limit ? std::min(pixel_tiles, ceil_div(launched, limit)) : 1;
  const int64_t pixel_groups = ceil_div(pixel_tiles, group);

  auto item = [&](int64_t ct, int64_t pg) {
    const int64_t oc0 = ct * t.tile_channels, oc1 = std::min(g.M, oc0 + t.tile_channels);
    const int64_t p0 = pg * group * t.tile_pixels, p1 = std::min(g.N, (pg + 1) * group * t.tile_pixels);
    WorkItem w;
    w.flops = 2 * (oc1 - oc0) * (p1 - p0) * g.K * g.batch;
    w.accesses.push_back(c.weights(g.weights, g.weight_block0 + ct, (oc1 - oc0) * g.K * g.batch * c.elem));
    if (g.b.workspace) {
      w.accesses.push_back(c.workspace_region(g.b.tensor, g.b.workspace_rows, g.b.c0, g.b.c1, p0 * g.pixel_stride,
                                              p1 * g.pixel_stride, false));
    } else {
      const int64_t in_pixels = c.pixels(g.b.tensor);
      const int64_t ip0 = p0 * in_pixels / g.N, ip1 = std::max(ip0 + 1, p1 * in_pixels / g.N);
      w.accesses.push_back(c.region(g.b.tensor, g.b.c0, g.b.c1, ip0, ip1, false));
    }
    w.accesses.push_back(c.workspace_region(g.out, g.out_channels, g.out_c0 + oc0, g.out_c0 + oc1,
                                            p0 * g.pixel_stride, p1 * g.pixel_stride, true));
    phase.items.push_back(std::move(w));
  };
  if (t.pixel_major) {
    for (int64_t pg = 0; pg < pixel_groups; ++pg)
      for (int64_t ct = 0; ct < channel_tiles; ++ct) item(ct, pg);
  } else {
    for (int64_t ct = 0; ct < channel_tiles; ++ct)
      for (int64_t pg = 0; pg < pixel_groups; ++pg) item(ct, pg);
  }
  phase.launched_tiles += launched;
  return t.shape;
}

void im2col_tiles(const LoweringContext& c, Phase& phase, const GemmShape& g, TensorId input, int64_t in_c0,
                  int64_t in_c1, TensorId workspace) {
  const Tiling t = choose_tiling(c, g);
  const int64_t in_pixels = c.pixels(input);
  for (int64_t p0 = 0; p0 < g.N; p0 += t.tile_pixels) {
    const int64_t p1 = std::min(g.N, p0 + t.tile_pixels);
    WorkItem w;
    const int64_t ip0 = p0 * in_pixels / g.N, ip1 = std::max(ip0 + 1, p1 * in_pixels / g.N);
    w.accesses.push_back(c.region(input, in_c0, in_c1, ip0, ip1, false));
    w.accesses.push_back(c.workspace_region(workspace, g.b.workspace_rows, g.b.c0, g.b.c1, p0, p1, true));
    phase.items.push_back(std::move(w));
  }
  phase.launched_tiles += static_cast<int64_t>(phase.items.size());
}

}  // namespace tilesim
