// The ONNX importer: torchvision exports agree with the zoo, opset forms, folding of shape
// subgraphs, external data, names, unknown operators and hostile files. The .onnx files come from
// scripts/export_onnx.py, run once by the ctest fixture onnx_models (tests/CMakeLists.txt).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/import/onnx_model.hpp"
#include "sim/workload/op_cost.hpp"
#include "sim/workload/zoo/zoo.hpp"

#ifndef TILESIM_ONNX_MODEL_DIR
#define TILESIM_ONNX_MODEL_DIR "build/onnx_models"
#endif

using namespace tilesim;
namespace fs = std::filesystem;

namespace {

const fs::path kDir = TILESIM_ONNX_MODEL_DIR;

// The fixture's file, or "" (with a message) where the exporter could not run.
std::string model_file(const std::string& stem) {
  const fs::path p = kDir / (stem + ".onnx");
  if (fs::exists(p)) return p.string();
  if (fs::exists(kDir / "SKIPPED")) {
    std::ifstream in(kDir / "SKIPPED");
    std::stringstream ss;
    ss << in.rdbuf();
    MESSAGE("ONNX models not exported (" << ss.str() << "): skipped");
  } else {
    MESSAGE(p.string() << " missing (run ctest, whose fixture runs scripts/export_onnx.py): skipped");
  }
  return "";
}

bool within(int64_t a, int64_t b, double rel) {
  return std::abs(double(a) - double(b)) <= rel * double(std::max<int64_t>(b, 1));
}

void check_against_zoo(const std::string& stem, const std::string& zoo_name, const Shape& input) {
  const std::string f = model_file(stem);
  if (f.empty()) return;
  std::vector<std::string> warnings;
  ImportOptions o;
  o.warnings = &warnings;
  const Network net = import_onnx(f, o);
  const NetworkTotals got = network_totals(net);
  const NetworkTotals want = network_totals(find_model(zoo_name)->build(input));
  INFO(stem << ": macs " << got.macs << " vs zoo " << want.macs << ", params " << got.params << " vs " << want.params);
  CHECK(within(got.macs, want.macs, 0.01));
  CHECK(within(got.params, want.params, 0.01));
  for (const auto& w : warnings) MESSAGE(w);
  CHECK(warnings.empty());
}

const Operator* find_op(const Network& net, const std::string& name) {
  for (size_t i = 0; i < net.op_count(); ++i)
    if (net.op(OpId(i)).name == name) return &net.op(OpId(i));
  return nullptr;
}

Shape output_shape(const Network& net, const std::string& op_name, size_t i = 0) {
  const Operator* op = find_op(net, op_name);
  REQUIRE_MESSAGE(op, op_name);
  return net.tensor(op->outputs.at(i)).shape;
}

std::string error_of(const std::string& path, const ImportOptions& o = {}) {
  try {
    import_onnx(path, o);
  } catch (const ConfigError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("not a ConfigError: ") + e.what();
  }
  return "no error";
}

bool mapped(const char* lib) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find(lib) != std::string::npos) return true;
  return false;
}

}  // namespace

// First in the file: in one process running all of these, nothing has imported a file yet.
TEST_CASE("onnx_protobuf_and_libonnx_are_loaded_only_when_an_onnx_file_is_imported") {
  CHECK_FALSE(mapped("libprotobuf"));
  CHECK_FALSE(mapped("libonnx"));
  const std::string f = model_file("names");
  if (f.empty()) return;
  import_onnx(f);
  CHECK(mapped("libtilesim_onnx.so"));
}

TEST_CASE("onnx_torchvision_exports_agree_with_the_zoo_within_one_percent_of_macs_and_params") {
  const Shape in{1, 3, 224, 224};
  for (const char* m : {"resnet50", "mobilenet_v2", "shufflenet_v2_x1_0", "efficientnet_b0", "googlenet"}) {
    SUBCASE(m) { check_against_zoo(m, m, in); }
  }
}

TEST_CASE("onnx_old_opset_exports_agree_with_the_zoo_attribute_forms_and_shape_subgraphs") {
  const Shape in{1, 3, 224, 224};
  SUBCASE("mobilenet_v2 opset 9") { check_against_zoo("mobilenet_v2_opset9", "mobilenet_v2", in); }
  SUBCASE("shufflenet_v2 opset 11") { check_against_zoo("shufflenet_v2_x1_0_opset11", "shufflenet_v2_x1_0", in); }
  SUBCASE("mobilenet_v3_small opset 11 (HardSigmoid)") { check_against_zoo("mobilenet_v3_small_opset11", "mobilenet_v3_small", in); }
  SUBCASE("mobilenet_v3_small opset 17 (HardSwish)") { check_against_zoo("mobilenet_v3_small_opset17", "mobilenet_v3_small", in); }
}

TEST_CASE("onnx_batch_norm_folded_into_convolutions_keeps_the_zoo_macs") {
  const std::string f = model_file("resnet18_folded_bn");
  if (f.empty()) return;
  const Network net = import_onnx(f);
  const auto got = network_totals(net);
  const auto want = network_totals(find_model("resnet18")->build({1, 3, 224, 224}));
  CHECK(within(got.macs, want.macs, 0.01));
  CHECK(within(got.params, want.params, 0.01));  // biases of the folded convolutions replace BN's
}

TEST_CASE("onnx_mobilenet_v2_width_half_at_160_loads_with_plausible_macs") {
  const std::string f = model_file("mobilenet_v2_w0.5_160");
  if (f.empty()) return;
  const Network net = import_onnx(f);
  const auto t = network_totals(net);
  // torchvision's mobilenet_v2 0.5 is ~97 M MACs at 224: (160/224)^2 of it, ~50 M, at 160.
  MESSAGE("mobilenet_v2 0.5 at 160: " << t.macs << " MACs, " << t.params << " params");
  CHECK(t.macs > 40'000'000);
  CHECK(t.macs < 60'000'000);
  CHECK(t.params > 1'800'000);
  CHECK(t.params < 2'100'000);
  CHECK(net.tensor(net.graph_inputs().at(0)).shape == Shape{1, 3, 160, 160});
}

TEST_CASE("onnx_input_shape_option_replaces_the_files_input_shape") {
  const std::string f = model_file("resnet50");
  if (f.empty()) return;
  ImportOptions o;
  o.input = Shape{2, 3, 160, 160};
  const auto got = network_totals(import_onnx(f, o));
  const auto want = network_totals(find_model("resnet50")->build({2, 3, 160, 160}));
  CHECK(within(got.macs, want.macs, 0.01));
}

TEST_CASE("onnx_constants_whose_values_are_not_kept_still_fold_to_the_shapes_their_rules_give") {
  const std::string f = model_file("fold_shapes_without_values");
  if (f.empty()) return;
  const Network net = import_onnx(f);
  REQUIRE(net.op_count() == 1);  // the anchor grid is a constant operand of the one Add
  CHECK(find_op(net, "add_anchors")->type == OpType::Add);
  CHECK(output_shape(net, "add_anchors") == Shape{1, 6000, 4});
  const Operator& add = *find_op(net, "add_anchors");
  REQUIRE(add.weights.size() == 1);
  CHECK(net.tensor(add.weights[0]).shape == Shape{1, 6000, 4});  // tile 2x, reshape, slice 6000, gather 3000 twice
}

TEST_CASE("onnx_shape_subgraphs_fold_into_a_plain_reshape") {
  for (const char* stem : {"fold_flatten_opset9", "fold_arith_opset13"}) {
    const std::string f = model_file(stem);
    if (f.empty()) return;
    CAPTURE(stem);
    const Network net = import_onnx(f);
    for (size_t i = 0; i < net.op_count(); ++i) {
      const auto& op = net.op(OpId(i));
      CHECK_MESSAGE(op.source_type != "Shape", op.name);
      CHECK_MESSAGE(op.source_type != "Gather", op.name);
      CHECK_MESSAGE(op.source_type != "Concat", op.name);
    }
    if (std::string(stem) == "fold_flatten_opset9") {
      REQUIRE(net.op_count() == 4);  // Conv, Relu, Reshape, Gemm
      CHECK(find_op(net, "reshape")->type == OpType::Reshape);
      CHECK(output_shape(net, "reshape") == Shape{1, 256});
      CHECK(output_shape(net, "fc") == Shape{1, 10});
      CHECK(find_op(net, "fc")->type == OpType::Gemm);
    } else {
      // Reshape, Unsqueeze, Squeeze (as Reshapes) and Add with a folded ConstantOfShape operand
      REQUIRE(net.op_count() == 4);
      CHECK(output_shape(net, "reshape") == Shape{1, 144});
      CHECK(output_shape(net, "unsqueeze") == Shape{1, 144, 1});
      CHECK(find_op(net, "add")->weights.size() == 1);
      CHECK(output_shape(net, "add") == Shape{1, 144});
    }
  }
}

TEST_CASE("onnx_opset7_takes_clip_slice_split_pad_and_upsample_parameters_from_attributes") {
  const std::string f = model_file("attrs_opset7");
  if (f.empty()) return;
  const Network net = import_onnx(f);
  const Operator* clip = find_op(net, "clip");
  REQUIRE(clip);
  CHECK(clip->attrs.clip_min == 0.0f);
  CHECK(clip->attrs.clip_max == 6.0f);
  CHECK(output_shape(net, "slice") == Shape{1, 8, 8, 10});  // axis 1 whole, axis 2 [1, 9)
  CHECK(output_shape(net, "split", 0) == Shape{1, 3, 8, 10});
  CHECK(output_shape(net, "split", 1) == Shape{1, 5, 8, 10});
  CHECK(output_shape(net, "pad") == Shape{1, 3, 10, 14});
  CHECK(output_shape(net, "up") == Shape{1, 5, 16, 20});
  CHECK(find_op(net, "up")->attrs.resize_mode == ResizeMode::nearest);
}

TEST_CASE("onnx_opset11_takes_the_same_parameters_from_constant_inputs") {
  const std::string f = model_file("inputs_opset11");
  if (f.empty()) return;
  const Network net = import_onnx(f);
  CHECK(find_op(net, "clip")->attrs.clip_max == 6.0f);
  // Slice of two axes becomes two single-axis Slices; INT64_MAX ends are clamped.
  const Operator* s = find_op(net, "slice");
  REQUIRE(s);
  CHECK(s->attrs.axis == 2);
  CHECK(s->attrs.step == 2);
  CHECK(s->attrs.split == std::vector<int64_t>{1, 9});
  CHECK(output_shape(net, "slice") == Shape{1, 8, 4, 10});
  CHECK(output_shape(net, "pad") == Shape{1, 3, 6, 14});
  CHECK(output_shape(net, "resize") == Shape{1, 5, 8, 20});
  CHECK(find_op(net, "resize")->attrs.resize_mode == ResizeMode::linear);
}

TEST_CASE("onnx_opset18_reads_reduce_axes_and_pad_axes_inputs_and_split_num_outputs") {
  const std::string f = model_file("opset18");
  if (f.empty()) return;
  std::vector<std::string> warnings;
  ImportOptions o;
  o.warnings = &warnings;
  const Network net = import_onnx(f, o);
  CHECK(find_op(net, "split")->attrs.split == std::vector<int64_t>{3, 3, 2});
  CHECK(output_shape(net, "mean") == Shape{1, 3, 1, 1});
  CHECK(find_op(net, "mean")->attrs.axes == std::vector<int64_t>{2, 3});
  CHECK(output_shape(net, "pad") == Shape{1, 3, 8, 8});
  CHECK(output_shape(net, "resize") == Shape{1, 2, 12, 9});
  CHECK(output_shape(net, "sum") == Shape{1, 3});
  for (const auto& w : warnings) MESSAGE(w);
  CHECK(warnings.empty());
}

TEST_CASE("onnx_layer_names_are_node_names_or_the_first_output_when_unnamed") {
  const std::string f = model_file("names");
  if (f.empty()) return;
  const Network net = import_onnx(f);
  REQUIRE(net.op_count() == 2);
  CHECK(net.op(0).name == "first_conv_out");
  CHECK(net.op(0).source_type == "Conv");
  CHECK(net.op(1).name == "named_relu");
  CHECK(net.tensor(net.op(1).outputs[0]).name == "relu_out");
  // Weights are shapes only, named after their initializers.
  CHECK(net.tensor(net.op(0).weights.at(0)).name == "w");
  CHECK(net.tensor(net.op(0).weights.at(0)).shape == Shape{8, 3, 1, 1});
}

TEST_CASE("onnx_external_data_is_checked_for_existence_and_size") {
  const std::string f = model_file("external_data");
  if (f.empty()) return;
  const Network net = import_onnx(f);
  REQUIRE(net.op_count() == 1);
  CHECK(net.tensor(net.op(0).weights.at(0)).shape == Shape{16, 3, 3, 3});
  CHECK(output_shape(net, "conv") == Shape{1, 16, 6, 6});
  for (const char* stem : {"bad_external_missing", "bad_external_short", "bad_external_escape"}) {
    const std::string bad = model_file(stem);
    CAPTURE(stem);
    const std::string e = error_of(bad);
    CHECK(e.find(bad) != std::string::npos);
    CHECK(e.find("external data") != std::string::npos);
  }
}

TEST_CASE("onnx_unknown_operator_is_an_error_naming_node_type_and_file") {
  const std::string f = model_file("unknown_op");
  if (f.empty()) return;
  const std::string e = error_of(f);
  CHECK(e.find(f) != std::string::npos);
  CHECK(e.find("softplus1") != std::string::npos);
  CHECK(e.find("Softplus") != std::string::npos);
}

TEST_CASE("onnx_allow_unknown_makes_unmodelled_stand_ins_shaped_by_onnx_with_one_warning_per_type") {
  const std::string f = model_file("unknown_op");
  if (f.empty()) return;
  std::vector<std::string> warnings;
  ImportOptions o;
  o.allow_unknown = true;
  o.warnings = &warnings;
  const Network net = import_onnx(f, o);
  REQUIRE(net.op_count() == 4);
  CHECK(find_op(net, "softplus1")->type == OpType::Unmodelled);
  CHECK(find_op(net, "softplus2")->type == OpType::Unmodelled);
  CHECK(find_op(net, "softplus2")->source_type == "Softplus");
  CHECK(output_shape(net, "relu") == Shape{1, 8, 4, 4});
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("Softplus") != std::string::npos);
  // Without a shape from ONNX even a stand-in cannot be made.
  const std::string bad = model_file("bad_unknown_no_shape");
  CHECK(error_of(bad, o).find(bad) != std::string::npos);
}

TEST_CASE("onnx_malformed_truncated_or_hostile_files_give_a_config_error_naming_the_file") {
  const fs::path tmp = fs::temp_directory_path() / fs::path("tilesim_onnx_test_" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  auto write = [&](const std::string& name, const std::string& bytes) {
    const auto p = tmp / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  };
  std::vector<std::pair<std::string, std::string>> files{  // path, what the message must say
      {(tmp / "missing.onnx").string(), "no such file"},
      {tmp.string(), "not a regular file"},
      {write("empty.onnx", ""), ""},
      {write("text.onnx", "this is not a protobuf at all\n"), ""},
      {write("random.onnx", std::string("\x0a\xff\xff\xff\xff\x0f\x01\x02", 8)), ""},
      {write("bad_varint.onnx", std::string(64, '\xff')), ""},
  };
  if (const std::string r = model_file("resnet50"); !r.empty()) {
    std::ifstream in(r, std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (double frac : {0.0001, 0.01, 0.5, 0.999})
      files.emplace_back(write("resnet50_cut_" + std::to_string(int(frac * 10000)) + ".onnx",
                               all.substr(0, size_t(double(all.size()) * frac))), "");
  }
  for (const char* stem : {"bad_cycle", "bad_dangling", "bad_negative_dims", "bad_overflow_input", "bad_huge_initializer",
                           "bad_short_raw_data", "bad_negative_initializer", "bad_reshape_overflow", "bad_conv_channels",
                           "bad_unknown_no_shape", "bad_opset", "bad_range", "bad_no_graph"}) {
    const std::string p = model_file(stem);
    if (!p.empty()) files.emplace_back(p, "");
  }
  for (const auto& file : files) {
    const auto& [path, says] = file;
    CAPTURE(file.first);
    const std::string e = error_of(path);
    CAPTURE(e);
    CHECK(e.rfind(path, 0) == 0);
    if (!says.empty()) CHECK(e.find(says) != std::string::npos);
  }
  fs::remove_all(tmp);
}

TEST_CASE("onnx_cycle_and_dangling_input_errors_name_the_node") {
  const std::string cyc = model_file("bad_cycle");
  if (cyc.empty()) return;
  CHECK(error_of(cyc).find("cycle") != std::string::npos);
  const std::string dang = model_file("bad_dangling");
  const std::string e = error_of(dang);
  CHECK(e.find("'add' (Add)") != std::string::npos);
  CHECK(e.find("ghost") != std::string::npos);
}

TEST_CASE("onnx_reshape_transpose_reshape_channel_shuffles_become_channel_shuffle") {
  const std::string f = model_file("shufflenet_v2_x1_0");
  if (f.empty()) return;
  const Network net = import_onnx(f);
  size_t shuffles = 0, transposes = 0;
  for (size_t i = 0; i < net.op_count(); ++i) {
    shuffles += net.op(OpId(i)).type == OpType::ChannelShuffle;
    transposes += net.op(OpId(i)).type == OpType::Transpose;
  }
  CHECK(shuffles == 16);  // one per ShuffleNet v2 block
  CHECK(transposes == 0);
  CHECK(net.graph_outputs().size() == 1);
  CHECK(net.topological_order().size() == net.op_count());
}
