// A plan's tiles account for exactly the layer's work: arithmetic adds up, every output element
// is written once, every weight is read.
#include <doctest/doctest.h>

#include <map>

#include "hwmodels/soc_loader.hpp"
#include "kernels/lowering.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/op_cost.hpp"
#include "sim/workload/zoo/zoo.hpp"

using namespace tilesim;

namespace {

struct Fixture {
  EngineProfile engine = load_engine("ncnn");
  SocSpec soc = load_soc("snapdragon855");
  CpuTarget target(DataType t = DataType::fp16, int threads = 4) const {
    return cpu_target(*soc.cluster("big"), t, threads);
  }
};

// Bytes written per output tensor and bytes of each distinct weight block read.
void check_plan_covers_layer(const Network& net, OpId id, const KernelPlan& plan, int64_t elem) {
  const Operator& op = net.op(id);
  const OpCost cost = op_cost(net, id);
  INFO(op.name << " (" << plan.algorithm << ")");
  CHECK(plan.total_flops() == doctest::Approx(static_cast<double>(cost.flops)).epsilon(0.001));
  int64_t written = 0;
  std::map<std::pair<TensorId, int64_t>, int64_t> weight_blocks;
  for (const auto& item : plan.items)
    for (const auto& a : item.accesses) {
      if (a.write) written += a.bytes;
      for (TensorId w : op.weights)
        if (a.tensor == w) weight_blocks[{a.tensor, a.block}] = a.bytes;
    }
  int64_t out_bytes = 0;
  for (TensorId t : op.outputs) out_bytes += net.tensor(t).elements() * elem;
  CHECK(written == out_bytes);
  if (!op.weights.empty() && op.type != OpType::Conv && op.type != OpType::Gemm) return;
  if (!op.weights.empty()) {
    int64_t read = 0;
    for (const auto& [k, b] : weight_blocks) read += b;
    // Each distinct block of the main weight tensor, added up, covers the whole tensor.
    CHECK(read >= net.tensor(op.weights[0]).elements() * elem);
  }
}

}  // namespace

TEST_CASE("every_layer_of_the_zoo_lowers_to_tiles_that_cover_its_work") {
  Fixture f;
  for (const char* model : {"resnet50", "mobilenet_v2", "shufflenet_v2_x1_0", "vgg16", "googlenet"}) {
    const ModelEntry* m = find_model(model);
    const Network net = fuse(m->build(m->default_input), f.engine.fusion());
    for (OpId id : net.topological_order()) {
      const KernelPlan plan = lower_layer(net, id, f.engine, f.target());
      if (plan.algorithm == "view") continue;
      check_plan_covers_layer(net, id, plan, 2);
    }
  }
}

TEST_CASE("engine_picks_the_algorithm_by_shape") {
  Fixture f;
  NetworkBuilder b("t");
  TensorId x = b.input({1, 32, 56, 56});
  b.conv(x, ConvSpec::square(64, 1), "pw");
  b.conv(x, ConvSpec::square(32, 3, 1, 32), "dw");
  b.conv(x, ConvSpec::square(64, 3), "c3");
  const Network net = std::move(b).finish();
  CHECK(lower_layer(net, 0, f.engine, f.target()).algorithm == "gemm_1x1");
  CHECK(lower_layer(net, 1, f.engine, f.target()).algorithm == "depthwise_direct_3x3s1");
  const KernelPlan c3 = lower_layer(net, 2, f.engine, f.target());
  CHECK(c3.algorithm == "im2col_gemm");
  CHECK(c3.workspace_bytes == 32 * 9 * 56 * 56 * 2);  // fp16 im2col matrix
}

TEST_CASE("depthwise_tiles_are_one_per_channel_pack") {
  Fixture f;
  NetworkBuilder b("t");
  TensorId x = b.input({1, 96, 28, 28});
  b.conv(x, ConvSpec::square(96, 3, 1, 96), "dw");
  const Network net = std::move(b).finish();
  CHECK(lower_layer(net, 0, f.engine, f.target(DataType::fp16)).items.size() == 12);  // NC8HW8
  CHECK(lower_layer(net, 0, f.engine, f.target(DataType::fp32)).items.size() == 24);  // NC4HW4
}

TEST_CASE("gemm_tiles_give_every_thread_work_when_the_shape_allows") {
  Fixture f;
  NetworkBuilder b("t");
  TensorId x = b.input({1, 16, 56, 56});
  b.conv(x, ConvSpec::square(16, 1), "narrow");  // M = 16: two MR=8 row tiles, so N is split too
  const Network net = std::move(b).finish();
  const KernelPlan plan = lower_layer(net, 0, f.engine, f.target(DataType::fp16, 4));
  CHECK(plan.items.size() >= 4);
  CHECK(plan.items.size() % 2 == 0);
}
