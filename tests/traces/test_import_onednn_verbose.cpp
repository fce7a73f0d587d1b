// oneDNN verbose-log importer: exec lines as ONNX layers, identical primitives aggregated, skips by reason.
// The log lines are oneDNN 2.6.3's own output (ONEDNN_VERBOSE=1) unless marked otherwise.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <doctest/doctest.h>

#include "tests/test_support.hpp"
#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "traces/import_onednn_verbose.hpp"

namespace fs = std::filesystem;
using namespace tilesim;

namespace {

using test::error_of;

using LogFile = test::TempFile;

const std::string kInfo = R"(onednn_verbose,info,oneDNN v2.6.3 (commit N/A)
onednn_verbose,info,cpu,runtime:OpenMP,nthr:2
onednn_verbose,info,cpu,isa:Intel AVX-512 with Intel DL Boost and bfloat16 support
onednn_verbose,info,gpu,runtime:OpenCL
onednn_verbose,info,prim_template:operation,engine,primitive,implementation,prop_kind,memory_descriptors,attributes,auxiliary,problem_desc,exec_time
)";

const std::string kConv =
    "onednn_verbose,exec,cpu,convolution,brgconv:avx512_core,forward_inference,src_f32::blocked:acdb:f0 "
    "wei_f32::blocked:Acdb64a:f0 bia_f32::blocked:a:f0 dst_f32::blocked:acdb:f0,attr-post-ops:eltwise_relu "
    ",alg:convolution_direct,";

std::string conv(const std::string& desc, const std::string& ms, const std::string& impl = "brgconv:avx512_core") {
  std::string line = kConv + desc + "," + ms + "\n";
  line.replace(line.find("brgconv:avx512_core"), 19, impl);
  return line;
}

}  // namespace

TEST_CASE("onednn_repeated_identical_primitives_are_one_layer_with_min_median_mean_max_and_count") {
  const std::string stem = "mb1_ic3oc64_ih224oh112kh7sh2dh0ph3_iw224ow112kw7sw2dw0pw3";
  const std::string body = "mb1_ic64oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1";
  const LogFile f("aggregate",
                  kInfo +
                      "onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 dst_f32::blocked:acdb:f0,,,1x3x224x224,12.522\n" +
                      conv(stem, "2.21997") + conv(stem, "1.20508") + conv(stem, "1.08105") + conv(body, "1.31104") +
                      conv(body, "1.0249") + conv(stem, "1.1") + conv(body, "1.19409"));
  ImportReport report;
  const Trace t = import_onednn_verbose(f.path, &report);
  REQUIRE(t.layers.size() == 2);
  const LayerMeasurement& l = t.layers[0];
  CHECK(l.name == "convolution:" + stem);
  CHECK(l.op == "Conv");
  CHECK(l.implementation == "brgconv:avx512_core");
  CHECK(l.dtype == "fp32");
  CHECK(l.input == Shape{1, 3, 224, 224});
  CHECK(l.output == Shape{1, 64, 112, 112});
  CHECK(l.kernel_shape == std::vector<int64_t>{7, 7});
  CHECK(l.strides == std::vector<int64_t>{2, 2});
  CHECK(l.pads == std::vector<int64_t>{3, 3, 3, 3});
  CHECK(l.dilations == std::vector<int64_t>{1, 1});
  CHECK(l.group == 1);
  CHECK(l.time.count == 4);
  CHECK(l.time.min_ms == doctest::Approx(1.08105));
  CHECK(l.time.max_ms == doctest::Approx(2.21997));
  CHECK(l.time.median_ms == doctest::Approx((1.1 + 1.20508) / 2));
  CHECK(l.time.mean_ms == doctest::Approx((2.21997 + 1.20508 + 1.08105 + 1.1) / 4));
  CHECK(t.layers[1].time.count == 3);
  CHECK(t.layers[1].time.median_ms == doctest::Approx(1.19409));

  CHECK(t.engine == "onednn");
  CHECK(t.engine_version == "v2.6.3 (commit N/A)");
  CHECK(t.threads == 2);
  CHECK(t.cores == "all");
  CHECK(t.precision == "fp32");
  CHECK(report.rows_imported == 7);
  CHECK(report.skipped_for("reorder") == 1);
  CHECK(report.skipped_for("info line") == 5);
}

TEST_CASE("onednn_group_dilation_and_padding_follow_onnx_conventions") {
  const LogFile f(
      "shapes",
      // depthwise as oneDNN 2.6 prints it (group first), a 2-group conv in the "mb1_g2..." form,
      // dilation 2 (dh1), and a stride-2 conv whose output needs padding only at the bottom/right
      conv("g32mb1_ic32oc32_ih112oh112kh3sh1dh0ph1_iw112ow112kw3sw1dw0pw1", "0.09", "brdgmm_dw:avx512_core") +
          conv("mb1_g2ic64oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1", "0.5") +
          conv("mb1_ic64oc64_ih56oh52kh3sh1dh1ph0_iw56ow52kw3sw1dw1pw0", "0.9") +
          conv("mb1_ic64oc64_ih56oh28kh3sh2dh0ph0_iw56ow28kw3sw2dw0pw0", "0.3") +
          conv("mb1_ic64oc64_ih56oh28kh3sh2dh0ph1_iw56ow28kw3sw2dw0pw1", "0.25"));
  const Trace t = import_onednn_verbose(f.path);
  REQUIRE(t.layers.size() == 5);
  CHECK(t.layers[0].group == 32);
  CHECK(t.layers[0].output == Shape{1, 32, 112, 112});
  CHECK(t.layers[0].implementation == "brdgmm_dw:avx512_core");
  CHECK(t.layers[1].group == 2);
  CHECK(t.layers[2].dilations == std::vector<int64_t>{2, 2});  // oneDNN's dh1 = one hole
  CHECK(t.layers[2].pads == std::vector<int64_t>{0, 0, 0, 0});
  // (56 + 0 + 1 - 3) / 2 + 1 = 28: the printed ph0 with one row of bottom padding (TensorFlow SAME)
  CHECK(t.layers[3].pads == std::vector<int64_t>{0, 0, 1, 1});
  // ph1: symmetric padding gives the printed 28, so bottom/right = top/left (PyTorch padding=1)
  CHECK(t.layers[4].pads == std::vector<int64_t>{1, 1, 1, 1});
}

TEST_CASE("onednn_inner_product_is_gemm_and_pooling_is_max_average_or_global") {
  const LogFile f(
      "ip_pool",
      "onednn_verbose,exec,cpu,inner_product,brgemm:avx512_core,forward_inference,src_f32::blocked:ab:f0 "
      "wei_f32:p:blocked:AB16b64a:f0 bia_f32::blocked:a:f0 dst_f32::blocked:ab:f0,,,mb1ic2048oc1000,1.25293\n"
      "onednn_verbose,exec,cpu,inner_product,x64:gemm:jit,forward_inference,src_f32::blocked:abcd:f0 "
      "wei_f32::blocked:abcd:f0 bia_undef::undef::f0 dst_f32::blocked:ab:f0,,,mb1ic512ih7iw7oc4096,58.416\n"
      "onednn_verbose,exec,cpu,pooling_v2,jit:avx512_core,forward_inference,src_f32::blocked:aBcd16b:f0 "
      "dst_f32::blocked:aBcd16b:f0 ws_undef::undef::f0,,alg:pooling_max,mb1ic64_ih112oh56kh3sh2dh0ph1_iw112ow56kw3sw2dw0pw1,0.619141\n"
      "onednn_verbose,exec,cpu,pooling_v2,jit:avx512_core,forward_inference,src_f32::blocked:aBcd16b:f0 "
      "dst_f32::blocked:aBcd16b:f0 ws_undef::undef::f0,,alg:pooling_avg_exclude_padding,mb1ic2048_ih7oh1kh7sh1dh0ph0_iw7ow1kw7sw1dw0pw0,0.0222168\n"
      // oneDNN 1.x: the dnnl_verbose prefix and a pooling problem without dilation
      "dnnl_verbose,exec,cpu,pooling,simple_nchw:any,forward_inference,src_f32::blocked:abcd:f0 "
      "dst_f32::blocked:abcd:f0 ws_undef::undef::f0,,alg:pooling_avg_include_padding,mb1ic64_ih56oh56kh3sh1ph1_iw56ow56kw3sw1pw1,4.87402\n"
      "onednn_verbose,exec,cpu,eltwise,jit:avx512_core,forward_inference,data_f32::blocked:abcd:f0 "
      "diff_undef::undef::f0,,alg:eltwise_relu alpha:0 beta:0,1x64x56x56,0.0170898\n");
  ImportReport report;
  const Trace t = import_onednn_verbose(f.path, &report);
  REQUIRE(t.layers.size() == 5);
  CHECK(t.layers[0].op == "Gemm");
  CHECK(t.layers[0].input == Shape{1, 2048});
  CHECK(t.layers[0].output == Shape{1, 1000});
  CHECK(t.layers[0].kernel_shape.empty());
  CHECK(t.layers[1].input == Shape{1, 512 * 7 * 7});  // a 4-D source is flattened, as ONNX's Flatten + Gemm
  CHECK(t.layers[1].output == Shape{1, 4096});
  CHECK(t.layers[2].op == "MaxPool");
  CHECK(t.layers[2].name == "pooling:mb1ic64_ih112oh56kh3sh2dh0ph1_iw112ow56kw3sw2dw0pw1");
  CHECK(t.layers[2].output == Shape{1, 64, 56, 56});
  CHECK(t.layers[2].pads == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(t.layers[3].op == "GlobalAveragePool");
  CHECK(t.layers[3].output == Shape{1, 2048, 1, 1});
  CHECK(t.layers[4].op == "AveragePool");
  CHECK(t.layers[4].dilations == std::vector<int64_t>{1, 1});
  CHECK(t.threads == 0);  // no nthr in this log: unknown
  CHECK(report.skipped_for("eltwise primitive (not imported)") == 1);
}

TEST_CASE("onednn_same_problem_as_another_primitive_gets_a_numbered_name_and_newer_line_forms_are_read") {
  const std::string desc = "mb1_ic64oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1";
  const LogFile f("forms", conv(desc, "1.0") + conv(desc, "0.8", "jit:avx512_core") +
                               "onednn_verbose,create:cache_miss,cpu,convolution,jit:avx2,forward_inference,src_f32::blocked:"
                               "acdb:f0,,alg:convolution_direct," + desc + ",0.9\n" +
                               // oneDNN 3.x: timestamp and "primitive" fields, "src:f32" descriptors
                               "onednn_verbose,1700000000000.25,primitive,exec,cpu,convolution,brg_conv_fwd:avx512_core,"
                               "forward_inference,src:f32::blocked:acdb::f0 wei:f32:a:blocked:Acdb64a::f0 dst:f32::blocked:acdb::f0,"
                               "attr-post-ops:eltwise_relu,alg:convolution_winograd,mb1_ic32oc32_ih28oh28kh3sh1dh0ph1_iw28ow28kw3sw1dw0pw1,0.4\n" +
                               "onednn_verbose,exec,cpu,convolution,gemm:jit,backward_data,src_f32::blocked:acdb:f0,,alg:convolution_direct," +
                               desc + ",2.0\n");
  ImportReport report;
  const Trace t = import_onednn_verbose(f.path, &report);
  REQUIRE(t.layers.size() == 3);
  CHECK(t.layers[0].name == "convolution:" + desc);
  CHECK(t.layers[1].name == "convolution:" + desc + "#2");
  CHECK(t.layers[1].implementation == "jit:avx512_core");
  CHECK(t.layers[2].implementation == "brg_conv_fwd:avx512_core+winograd");
  CHECK(t.layers[2].dtype == "fp32");
  CHECK(t.layers[2].output == Shape{1, 32, 28, 28});
  CHECK(report.skipped_for("create line (primitive creation, not execution)") == 1);
  CHECK(report.skipped_for("backward pass") == 1);
}

TEST_CASE("onednn_bad_input_is_a_config_error_naming_file_and_line") {
  auto error_for = [](const std::string& tag, const std::string& text) {
    const LogFile f(tag, text);
    const std::string e = error_of([&] { import_onednn_verbose(f.path); });
    CHECK(e.find(f.path) != std::string::npos);
    return e;
  };
  const std::string good = conv("mb1_ic64oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1", "1.0");
  CHECK(error_for("time", kInfo + good + conv("mb1_ic64oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1", "slow"))
            .find(":7: time 'slow'") != std::string::npos);
  CHECK(error_for("nooc", good + conv("mb1_ic64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1", "1.0")).find(":2: problem descriptor") !=
        std::string::npos);
  CHECK(error_for("garbage", conv("mb1_ic64oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1?", "1.0")).find(":1: problem descriptor") !=
        std::string::npos);
  CHECK(error_for("groups", conv("g3mb1_ic64oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1", "1.0")).find(":1:") !=
        std::string::npos);
  CHECK(error_for("huge", conv("mb1_ic64oc64_ih9223372036854775807oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1", "1.0"))
            .find(":1: problem descriptor 'mb1_ic64oc64_ih9223372036854775807") != std::string::npos);
  CHECK(error_for("overflow", good +
                                  conv("mb1_ic1048577oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1", "1.0"))
            .find(":2: problem descriptor 'mb1_ic1048577oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1': ic1048577 is out of any plausible range") != std::string::npos);
  CHECK(error_for("short", "onednn_verbose,exec,cpu,convolution,1.0\n").find(":1: an exec line") != std::string::npos);
  CHECK(error_for("empty", "hello\n").find("no convolution, inner product or pooling") != std::string::npos);
  CHECK(error_for("reorders",
                  "onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 dst_f32::blocked:acdb:f0,,,1x3x224x224,1.5\n")
            .find("1 x reorder") != std::string::npos);
  CHECK(error_of([] { import_onednn_verbose("/nonexistent/verbose.log"); }).find("/nonexistent/verbose.log") != std::string::npos);
}
