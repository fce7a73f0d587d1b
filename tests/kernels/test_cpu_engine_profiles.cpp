// The Arm Compute Library and TFLite+ruy profiles (configs/engines/armcl.yaml, tflite-ruy.yaml)
// load, and their convolution rules choose what the engines' sources choose
// (docs/engine-facts.md 7 and 8).
#include <doctest/doctest.h>

#include "hwmodels/soc_loader.hpp"
#include "kernels/lowering.hpp"
#include "sim/workload/network_builder.hpp"

using namespace tilesim;

namespace {

CpuTarget big_fp32() {
  static const SocSpec soc = load_soc("snapdragon855");
  return cpu_target(*soc.cluster("big"), DataType::fp32, 4);
}

Network single_conv(int64_t cin, int64_t hw, const ConvSpec& spec) {
  NetworkBuilder b("t");
  b.conv(b.input({1, cin, hw, hw}), spec, "conv");
  return std::move(b).finish();
}

std::string algorithm(const Network& net, const char* engine) {
  return lower_layer(net, 0, load_engine(engine), big_fp32()).algorithm;
}

}  // namespace

TEST_CASE("armcl_runs_a_dense_3x3_stride_1_convolution_as_winograd_f43_and_a_strided_one_as_gemm_conv2d") {
  // CpuConv2d::get_convolution_method: Winograd where CpuWinogradConv2d validates (F(4x4,3x3) for
  // inputs larger than 4x4), else GEMM_CONV2D (arm_gemm over the input in place); < 16 input
  // channels and 1x1 go to GEMM.
  const EngineProfile e = load_engine("armcl");
  CHECK(e.layout == ActivationLayout::nhwc);
  CHECK(e.partition == Partition::static_chunks);
  CHECK(algorithm(single_conv(64, 56, ConvSpec::square(64, 3)), "armcl") == "winograd_f43");
  CHECK(algorithm(single_conv(64, 4, ConvSpec::square(64, 3)), "armcl") == "winograd_f23");
  CHECK(algorithm(single_conv(64, 56, ConvSpec::square(128, 3, 2)), "armcl") == "igemm");
  CHECK(algorithm(single_conv(3, 224, ConvSpec::square(32, 3, 2)), "armcl") == "im2col_gemm");
  CHECK(algorithm(single_conv(32, 56, ConvSpec::square(64, 1)), "armcl") == "gemm_1x1");
}

TEST_CASE("tflite_ruy_runs_a_dense_3x3_stride_1_convolution_as_im2col_gemm_with_no_winograd") {
  // conv.cc / optimized_ops::Conv: im2col unless 1x1 stride 1, then a ruy GEMM (8x8 on arm64).
  const EngineProfile e = load_engine("tflite-ruy");
  CHECK(e.partition == Partition::dynamic);
  CHECK(e.gemm_mr == 8);
  CHECK(e.gemm_nr == 8);
  CHECK(algorithm(single_conv(64, 56, ConvSpec::square(64, 3)), "tflite-ruy") == "im2col_gemm");
  CHECK(algorithm(single_conv(32, 56, ConvSpec::square(64, 1)), "tflite-ruy") == "gemm_1x1");
}
