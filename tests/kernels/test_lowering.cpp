// A plan's tiles account for exactly the layer's work: arithmetic adds up (an algorithm's own
// arithmetic, such as Winograd's transforms, counted explicitly), every output element is written
// exactly once, every weight is read, and tile counts are what the engine launches.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "kernels/conv_gemm.hpp"
#include "kernels/lowering.hpp"
#include "kernels/winograd.hpp"
#include "sim/workload/import/ncnn_param.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/op_cost.hpp"
#include "sim/workload/zoo/zoo.hpp"

using namespace tilesim;

namespace {

const SocSpec& sd855() {
  static const SocSpec soc = load_soc("snapdragon855");
  return soc;
}

CpuTarget big(DataType t = DataType::fp16, int threads = 4) { return cpu_target(*sd855().cluster("big"), t, threads); }
GpuTarget gpu() { return GpuTarget{&*sd855().gpu, DataType::fp16}; }

// Arithmetic the plan must carry: the layer's, or for Winograd its transforms and reduced GEMM.
int64_t expected_flops(const Network& net, OpId id, const KernelPlan& plan) {
  const OpCost cost = op_cost(net, id);
  const auto wino = plan.algorithm.find("winograd_f");
  if (plan.algorithm == "direct" && load_engine("onednn").skip_padded_taps) return -1;  // checked on its own
  if (wino == std::string::npos) return cost.flops;
  const int64_t m = plan.algorithm[wino + 10] - '0';
  const Shape& out = net.tensor(net.op(id).outputs[0]).shape;
  const WinogradCost w = winograd_cost(m, out[2], out[3], out[0], net.tensor(net.op(id).inputs[0]).shape[1], out[1]);
  return w.input_transform_flops + w.gemm_flops + w.output_transform_flops + cost.flops - 2 * cost.macs;
}

void check_plan_covers_layer(const Network& net, OpId id, const KernelPlan& plan) {
  const Operator& op = net.op(id);
  INFO(op.name << " (" << plan.algorithm << ")");
  if (expected_flops(net, id, plan) >= 0) CHECK(plan.total_flops() == expected_flops(net, id, plan));
  CHECK(plan.tiles() > 0);
  // Phases respect their dependencies: a workspace is read only after an earlier phase wrote it,
  // and every phase has work.
  std::set<TensorId> written_workspaces;
  for (const Phase& p : plan.phases) {
    CHECK(!p.items.empty());
    for (const WorkItem& w : p.items)
      for (const DataAccess& a : w.accesses)
        if (a.tensor < -1 && !a.write) CHECK(written_workspaces.count(a.tensor) == 1);
    for (const WorkItem& w : p.items)
      for (const DataAccess& a : w.accesses)
        if (a.tensor < -1 && a.write) written_workspaces.insert(a.tensor);
  }
  // Every output element is written exactly once.
  for (TensorId t : op.outputs) {
    const ActivationGeometry g = geometry_of(net.tensor(t));
    std::vector<uint8_t> written(static_cast<size_t>(g.channels * g.pixels), 0);
    for (const Phase& p : plan.phases)
      for (const WorkItem& w : p.items)
        for (const DataAccess& a : w.accesses)
          if (a.write && a.tensor == t)
            for (int64_t ch = a.region.c0; ch < a.region.c1; ++ch)
              for (int64_t px = a.region.p0; px < a.region.p1; ++px) ++written[static_cast<size_t>(ch * g.pixels + px)];
    CHECK(std::all_of(written.begin(), written.end(), [](uint8_t n) { return n == 1; }));
  }
  // Every weight is read: the distinct blocks of the main weight tensor cover it.
  if ((op.type == OpType::Conv || op.type == OpType::Gemm) && !op.weights.empty()) {
    std::map<int64_t, int64_t> blocks;
    for (const Phase& p : plan.phases)
      for (const WorkItem& w : p.items)
        for (const DataAccess& a : w.accesses)
          if (a.tensor == op.weights[0]) blocks[a.block] = std::max(blocks[a.block], a.bytes);
    int64_t read = 0;
    for (const auto& [b, bytes] : blocks) read += bytes;
    CHECK(read >= net.tensor(op.weights[0]).elements() * bytes_per_element(plan.precision));
  }
}

void check_model(const char* model, const char* engine_name, bool on_gpu) {
  const EngineProfile engine = load_engine(engine_name);
  const ModelEntry* m = find_model(model);
  const Network net = fuse(m->build(m->default_input), engine.fusion());
  for (OpId id : net.topological_order()) {
    const KernelPlan plan = on_gpu ? lower_layer_gpu(net, id, engine, gpu()) : lower_layer(net, id, engine, big());
    if (plan.algorithm == "view") continue;
    check_plan_covers_layer(net, id, plan);
  }
}

Network single_conv(int64_t cin, int64_t hw, const ConvSpec& spec) {
  NetworkBuilder b("t");
  b.conv(b.input({1, cin, hw, hw}), spec, "conv");
  return std::move(b).finish();
}

}  // namespace

TEST_CASE("ncnn_cpu_plans_cover_the_work_of_resnet50_mobilenet_v2_shufflenet_v2_and_vgg16") {
  for (const char* model : {"resnet50", "mobilenet_v2", "shufflenet_v2_x1_0", "vgg16"}) check_model(model, "ncnn", false);
}

TEST_CASE("xnnpack_cpu_plans_cover_the_work_of_resnet50_mobilenet_v2_shufflenet_v2_and_vgg16") {
  for (const char* model : {"resnet50", "mobilenet_v2", "shufflenet_v2_x1_0", "vgg16"})
    check_model(model, "xnnpack", false);
}

TEST_CASE("gpu_plans_cover_the_work_of_resnet50_mobilenet_v2_shufflenet_v2_and_vgg16") {
  for (const char* engine : {"ncnn-vulkan", "tflite-gpu"})
    for (const char* model : {"resnet50", "mobilenet_v2", "shufflenet_v2_x1_0", "vgg16"}) check_model(model, engine, true);
}

TEST_CASE("engines_pick_different_algorithms_where_the_real_engines_differ") {
  const Network c3 = single_conv(64, 56, ConvSpec::square(64, 3));
  CHECK(lower_layer(c3, 0, load_engine("ncnn"), big()).algorithm == "winograd_f63");
  CHECK(lower_layer(c3, 0, load_engine("xnnpack"), big(DataType::fp32)).algorithm == "igemm");
  CHECK(lower_layer_gpu(c3, 0, load_engine("ncnn-vulkan"), gpu()).algorithm == "gpu_winograd_f43");
  const Network dw = single_conv(96, 28, ConvSpec::square(96, 3, 1, 96));
  CHECK(lower_layer(dw, 0, load_engine("ncnn"), big()).algorithm == "depthwise_direct_3x3s1");
  CHECK(lower_layer(dw, 0, load_engine("xnnpack"), big(DataType::fp32)).algorithm == "dwconv_3x3s1");
  const Network pw = single_conv(32, 56, ConvSpec::square(64, 1));
  CHECK(lower_layer(pw, 0, load_engine("ncnn"), big()).algorithm == "gemm_1x1");
  CHECK(lower_layer(pw, 0, load_engine("ncnn"), big()).layout == "NC8HW8");
  CHECK(lower_layer(pw, 0, load_engine("xnnpack"), big(DataType::fp32)).layout == "NHWC");
  const Network narrow = single_conv(8, 56, ConvSpec::square(8, 3));  // too few channels for Winograd
  CHECK(lower_layer(narrow, 0, load_engine("ncnn"), big()).algorithm == "im2col_gemm");
}

TEST_CASE("ncnn_winograd_transforms_input_then_runs_gemm_with_the_output_transform_inside") {
  const Network c3 = single_conv(64, 56, ConvSpec::square(64, 3));
  const KernelPlan plan = lower_layer(c3, 0, load_engine("ncnn"), big());
  REQUIRE(plan.phases.size() == 2);
  CHECK(plan.phases[0].name == "input_transform");
  CHECK(plan.phases[1].name == "gemm");
  const int64_t direct = 2 * op_cost(c3, 0).macs;
  const WinogradCost w = winograd_cost(6, 56, 56, 1, 64, 64);
  // F(6,3): 64 multiplies per 6x6 tile instead of 324, on ceil(56/6)^2 = 100 tiles.
  CHECK(w.tiles == 100);
  CHECK(w.gemm_flops == 2 * 64 * 100 * 64 * 64);
  CHECK(w.gemm_flops < direct / 4);
  CHECK(plan.phases[1].flops() == w.gemm_flops + w.output_transform_flops + op_cost(c3, 0).flops - direct);
  CHECK(plan.packed_weight_bytes == 64 * 64 * 64 * 2);  // transformed 8x8 kernels, fp16
  CHECK(plan.workspace_bytes == 64 * 100 * 64 * 2);     // transformed input tiles
}

TEST_CASE("gpu_winograd_is_three_dispatches") {
  const Network c3 = single_conv(64, 56, ConvSpec::square(64, 3));
  const KernelPlan plan = lower_layer_gpu(c3, 0, load_engine("ncnn-vulkan"), gpu());
  REQUIRE(plan.phases.size() == 3);
  CHECK(plan.phases[0].name == "input_transform");
  CHECK(plan.phases[1].name == "gemm");
  CHECK(plan.phases[2].name == "output_transform");
}

TEST_CASE("im2col_packs_before_the_gemm_reads_the_workspace") {
  const Network c5 = single_conv(16, 32, ConvSpec::square(32, 5));
  const KernelPlan plan = lower_layer(c5, 0, load_engine("ncnn"), big());
  REQUIRE(plan.phases.size() == 2);
  CHECK(plan.phases[0].name == "im2col");
  CHECK(plan.workspace_bytes == 16 * 25 * 32 * 32 * 2);
  const TensorId ws = workspace_id(0);
  bool gemm_reads_workspace = false;
  for (const auto& a : plan.phases[1].items.front().accesses) gemm_reads_workspace |= a.tensor == ws && !a.write;
  CHECK(gemm_reads_workspace);
  CHECK(lower_layer(c5, 0, load_engine("xnnpack"), big(DataType::fp32)).phases.size() == 1);  // IGEMM: no copy
}

TEST_CASE("tile_counts_match_what_the_engines_launch") {
  // ncnn depthwise: one tile per element pack of channels.
  const Network dw = single_conv(96, 28, ConvSpec::square(96, 3, 1, 96));
  CHECK(lower_layer(dw, 0, load_engine("ncnn"), big(DataType::fp16)).tiles() == 12);  // NC8HW8
  CHECK(lower_layer(dw, 0, load_engine("ncnn"), big(DataType::fp32)).tiles() == 24);  // NC4HW4
  // XNNPACK depthwise: one tile per output row.
  CHECK(lower_layer(dw, 0, load_engine("xnnpack"), big(DataType::fp32)).tiles() == 28);
  // XNNPACK 1x1 GEMM, 56x56 pixels, 64 -> 64 channels, 4 threads: MR=6 pixel rows; nc shrinks in
  // NR=8 steps until each thread has ~5 tiles: max_nc = ceil(64*523/20) >= 64, so nc = 64.
  const Network pw = single_conv(64, 56, ConvSpec::square(64, 1));
  CHECK(lower_layer(pw, 0, load_engine("xnnpack"), big(DataType::fp32)).tiles() == 523);
  // ncnn 1x1 GEMM with 16 output channels on 4 threads: get_optimal_tile_mnk gives TILE_M = 8, and
  // only row tiles are parallel, so two threads do all the GEMM work.
  const Network narrow = single_conv(16, 56, ConvSpec::square(16, 1));
  const KernelPlan p = lower_layer(narrow, 0, load_engine("ncnn"), big(DataType::fp16, 4));
  REQUIRE(p.phases.size() == 2);
  CHECK(p.phases[0].name == "pack");
  CHECK(p.phases[1].launched_tiles == 2);
  // ncnn's worked example (docs/engine-facts.md 1b): 64->128, 3x3 at 28x28, 4 threads, 256 KiB L2:
  // TILE_M = 32 (four row tiles), TILE_N = 80.
  const Network example = single_conv(64, 28, ConvSpec::square(128, 5));  // 5x5: im2col, K = 64*25
  const GemmTiling t = choose_gemm_tiling(
      LoweringContext{example, 0, example.op(0), load_engine("ncnn"), DataType::fp32, 4, 4, 4, 256 * 1024}, 128, 784, 576);
  CHECK(t.tile_m == 32);
  CHECK(t.tile_n == 80);
  CHECK(t.tile_k == 576);
  // ncnn Vulkan 1x1: workgroups of 8x8 invocations, each 4 pixels of one pack4 of channels.
  CHECK(lower_layer_gpu(pw, 0, load_engine("ncnn-vulkan"), gpu()).tiles() == (64 / 4) * ((56 * 56 + 255) / 256));
}

TEST_CASE("gpu_dispatches_carry_workgroup_resources") {
  const Network pw = single_conv(64, 56, ConvSpec::square(64, 1));
  const KernelPlan plan = lower_layer_gpu(pw, 0, load_engine("ncnn-vulkan"), gpu());
  REQUIRE(plan.phases.size() == 1);
  CHECK(plan.phases[0].local_size == 64);
  CHECK(plan.phases[0].registers_per_invocation > 0);
  CHECK_THROWS_AS(lower_layer(pw, 0, load_engine("ncnn-vulkan"), big()), ConfigError);
  CHECK_THROWS_AS(lower_layer_gpu(pw, 0, load_engine("ncnn"), gpu()), ConfigError);
}

TEST_CASE("a_direct_kernel_that_skips_padded_taps_computes_only_taps_inside_the_input") {
  // 3x3, pad 1 on a 7x7 map: per axis 5 rows see 3 taps and 2 rows see 2: (19/21)^2 of the MACs.
  const Network c3 = single_conv(64, 7, ConvSpec::square(64, 3));
  CHECK(valid_tap_fraction(c3, 0) == doctest::Approx((19.0 / 21) * (19.0 / 21)));
  const KernelPlan plan = lower_layer(c3, 0, load_engine("onednn"), big(DataType::fp32));
  CHECK(plan.algorithm == "direct");
  CHECK(plan.total_flops() == doctest::Approx(2.0 * op_cost(c3, 0).macs * valid_tap_fraction(c3, 0)).epsilon(1e-4));
  const Network pw = single_conv(64, 7, ConvSpec::square(64, 1));
  CHECK(valid_tap_fraction(pw, 0) == 1.0);
}

TEST_CASE("plans_of_imported_detector_and_transformer_graphs_cover_their_work_on_cpu_and_gpu") {
  const std::string dir = TILESIM_SOURCE_DIR "/../shared/validation-data/ncnn/models/";
  if (!std::filesystem::is_directory(dir)) {
    MESSAGE(dir << " not present: skipped");
    return;
  }
  // Deconvolution, PriorBox and DetectionOutput, Yolo outputs, attention, int8 layers, 1-D concats.
  for (const char* file : {"squeezenet_ssd", "mobilenet_ssd_int8", "yolov4-tiny", "nanodet_m", "vision_transformer",
                           "FastestDet", "blazeface", "mobilenetv2_yolov3"}) {
    INFO(file);
    for (const char* engine_name : {"ncnn", "ncnn-vulkan"}) {
      const EngineProfile engine = load_engine(engine_name);
      const Network net = fuse(import_ncnn_param(dir + file + ".param"), engine.fusion());
      for (OpId id : net.topological_order()) {
        const bool on_gpu = engine.target == EngineTarget::gpu;
        const KernelPlan plan = on_gpu ? lower_layer_gpu(net, id, engine, gpu()) : lower_layer(net, id, engine, big());
        if (plan.algorithm == "view") continue;
        check_plan_covers_layer(net, id, plan);
      }
    }
  }
}

TEST_CASE("gpu_concat_and_split_read_each_input_channel_once_not_once_per_workgroup") {
  NetworkBuilder b("t");
  const TensorId x = b.input({1, 64, 10, 10});
  const TensorId y = b.input({1, 32, 10, 10}, "y");
  const TensorId cat = b.concat({x, y}, "cat");
  b.split(cat, {48, 48}, "split");
  const Network net = std::move(b).finish();
  const EngineProfile engine = load_engine("ncnn-vulkan");
  for (OpId id : {OpId{0}, OpId{1}}) {
    const KernelPlan plan = lower_layer_gpu(net, id, engine, gpu());
    check_plan_covers_layer(net, id, plan);
    int64_t read = 0, inputs = 0;
    for (TensorId t : net.op(id).inputs) inputs += net.tensor(t).elements() * 2;  // fp16
    for (const Phase& p : plan.phases)
      for (const WorkItem& w : p.items)
        for (const DataAccess& a : w.accesses)
          if (!a.write) read += a.bytes;
    CHECK(read == inputs);
  }
  CHECK(lower_layer_gpu(net, 0, engine, gpu()).phases.size() == 2);  // one dispatch per input, as ncnn records them
}
