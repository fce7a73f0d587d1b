#include "kernels/winograd.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/conv_gemm.hpp"

namespace tilesim {

WinogradCost winograd_cost(int64_t m, int64_t out_h, int64_t out_w, int64_t batch, int64_t in_channels,
                           int64_t out_channels) {
  WinogradCost w;
  w.alpha = m + 2;
  w.tiles = ceil_div(out_h, m) * ceil_div(out_w, m) * batch;
  const int64_t a = w.alpha;
  w.input_transform_flops = w.tiles * in_channels * 2 * a * a * a;
  w.gemm_flops = 2 * a * a * w.tiles * in_channels * out_channels;
  w.output_transform_flops = w.tiles * out_channels * m * a * (a + m);
  return w;
}

void winograd_plan(const LoweringContext& c, KernelPlan& plan, int64_t m, int64_t epilogue_flops) {
  const TensorId input = c.op.inputs[0], output = c.op.outputs[0];
  const Shape& out = c.net.tensor(output).shape;
  const int64_t cin = c.channels(input), cout = out[1];
  const WinogradCost w = winograd_cost(m, out[2], out[3], out[0], cin, cout);
  const int64_t a2 = w.alpha * w.alpha;
  const TensorId transformed_in = workspace_id(c.id, 0), transformed_out = workspace_id(c.id, 1);
  plan.workspace_bytes = a2 * w.tiles * (cin + cout) * c.elem;
  plan.packed_weight_bytes = a2 * cin * cout * c.elem;

  // 1. Input transform, parallel over input channel packs: each reads its channels' whole plane.
  Phase& in = add_phase(c, plan, "input_transform", KernelClass::elementwise);
  for (int64_t c0 = 0; c0 < cin; c0 += c.pack) {
    const int64_t c1 = std::min(cin, c0 + c.pack);
    WorkItem item;
    item.flops = share(w.input_transform_flops, c0, c1, cin);
    item.accesses.push_back(c.region(input, c0, c1, 0, c.pixels(input), false));
    item.accesses.push_back(c.workspace_region(transformed_in, cin, c0, c1, 0, w.tiles * a2, true));
    in.items.push_back(std::move(item));
  }
  in.launched_tiles = static_cast<int64_t>(in.items.size());

  // 2. alpha^2 GEMMs of [cout x cin] x [cin x tiles], tiled like any GEMM of that shape; ncnn runs
  //    the output transform inside the same loop, other engines in a third one.
  Phase& gemm = add_phase(c, plan, "gemm", KernelClass::winograd);
  const GemmShape g{cout, w.tiles, cin, c.op.weights.at(0), 0, GemmB{transformed_in, 0, cin, true, cin},
                    transformed_out, 0, cout, a2, a2};
  if (c.engine.winograd_output_in_gemm) {
    const GemmEpilogue fused{w.output_transform_flops + epilogue_flops, output, c.pixels(output)};
    plan.tile_shape = gemm_tiles(c, gemm, g, &fused);
    plan.workspace_bytes = a2 * w.tiles * cin * c.elem;
  } else {
    plan.tile_shape = gemm_tiles(c, gemm, g);
    // 3. Output transform, parallel over output channel packs, with the epilogue.
    Phase& outp = add_phase(c, plan, "output_transform", KernelClass::elementwise);
    for (int64_t c0 = 0; c0 < cout; c0 += c.pack) {
      const int64_t c1 = std::min(cout, c0 + c.pack);
      WorkItem item;
      item.flops = share(w.output_transform_flops + epilogue_flops, c0, c1, cout);
      item.accesses.push_back(c.workspace_region(transformed_out, cout, c0, c1, 0, w.tiles * a2, false));
      item.accesses.push_back(c.region(output, c0, c1, 0, c.pixels(output), true));
      outp.items.push_back(std::move(item));
    }
    outp.launched_tiles = static_cast<int64_t>(outp.items.size());
  }
  plan.tile_shape += fmt::format(" F({},3) {} tiles", m, w.tiles);
}

}  // namespace tilesim
