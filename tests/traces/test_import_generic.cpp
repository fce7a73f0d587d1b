#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <doctest/doctest.h>

#include "tests/test_support.hpp"
#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "traces/import_generic_csv.hpp"

namespace fs = std::filesystem;
using namespace tilesim;

namespace {

using test::error_of;

using TempCsv = test::TempFile;

const char* kNetHeader = "model,soc,device,engine,threads,cores,precision,input,min_ms,median_ms,mean_ms,max_ms,count";
const char* kLayerHeader =
    "name,op,input,output,kernel_h,kernel_w,stride_h,stride_w,pad_top,pad_left,pad_bottom,pad_right,dilation_h,"
    "dilation_w,group,dtype,min_ms,median_ms,mean_ms,max_ms,count";

}  // namespace

TEST_CASE("generic_csv_network_header_gives_network_rows_empty_statistics_unknown_and_comments_set_attributes") {
  const TempCsv csv("net", std::string("# device: OnePlus 7T\n# soc: snapdragon855\n# a free-text note\n") +
                               kNetHeader +
                               ",soc_overrides,source\n"
                               "mobilenet,snapdragon855,cpu,ncnn,4,big,fp16,1x3x224x224,10,11,11.5,14,50,"
                               "\"cpu.clusters.prime.frequency=2.96GHz;gpu.frequency=675MHz\",\n"
                               "squeezenet1_1,rk3588,gpu,ncnn-vulkan,1,all,auto,1x3x227x227,5,,,,,,my phone run 3\n");
  const Trace t = import_generic_csv(csv.path);
  CHECK(t.device == "OnePlus 7T");
  CHECK(t.soc == "snapdragon855");
  CHECK(t.source == csv.path);
  REQUIRE(t.networks.size() == 2);
  const auto& a = t.networks[0];
  CHECK(a.model == "mobilenet");
  CHECK(a.soc_overrides == std::vector<std::string>{"cpu.clusters.prime.frequency=2.96GHz", "gpu.frequency=675MHz"});
  CHECK(a.threads == 4);
  CHECK(a.cores == "big");
  CHECK(a.precision == "fp16");
  CHECK(a.input == Shape{1, 3, 224, 224});
  CHECK(a.time.min_ms == 10);
  CHECK(a.time.median_ms == 11);
  CHECK(a.time.mean_ms == 11.5);
  CHECK(a.time.max_ms == 14);
  CHECK(a.time.count == 50);
  CHECK(std::isnan(a.energy_mj));
  CHECK(a.source == fs::path(csv.path).filename().string() + ":5");  // line 5 of the file
  const auto& b = t.networks[1];
  CHECK(b.device == "gpu");
  CHECK(b.time.min_ms == 5);
  CHECK(b.time.median_ms == 0);
  CHECK(b.time.count == 0);
  CHECK(b.source == "my phone run 3");
  CHECK(t.layers.empty());
}

TEST_CASE("generic_csv_layer_header_gives_layer_rows_in_any_column_order_with_defaults_for_empty_attributes") {
  std::string header = kLayerHeader;
  header = "op," + header.replace(header.find(",op,"), 4, ",");  // op moved to the front
  const TempCsv csv("layers", header +
                                  ",implementation\n"
                                  "Conv,conv1,1x3x224x224,1x32x112x112,3,3,2,2,0,0,1,1,1,1,1,fp32,0.5,0.6,0.61,0.9,100,"
                                  "\"gemm:neon, packed\"\n"
                                  "Relu,relu1,1x32x112x112,1x32x112x112,,,,,,,,,,,,,0.1,,,,,\n");
  const Trace t = import_generic_csv(csv.path);
  REQUIRE(t.layers.size() == 2);
  const auto& c = t.layers[0];
  CHECK(c.op == "Conv");
  CHECK(c.name == "conv1");
  CHECK(c.input == Shape{1, 3, 224, 224});
  CHECK(c.output == Shape{1, 32, 112, 112});
  CHECK(c.kernel_shape == std::vector<int64_t>{3, 3});
  CHECK(c.strides == std::vector<int64_t>{2, 2});
  CHECK(c.pads == std::vector<int64_t>{0, 0, 1, 1});  // t, l, b, r
  CHECK(c.implementation == "gemm:neon, packed");
  CHECK(c.time.count == 100);
  const auto& r = t.layers[1];
  CHECK(r.kernel_shape == std::vector<int64_t>{0, 0});
  CHECK(r.strides == std::vector<int64_t>{1, 1});
  CHECK(r.dilations == std::vector<int64_t>{1, 1});
  CHECK(r.group == 1);
  CHECK(r.dtype == "fp32");
  CHECK(r.time.min_ms == 0.1);
  CHECK(t.networks.empty());
}

TEST_CASE("generic_csv_bad_input_is_a_config_error_naming_file_line_and_column") {
  const auto err = [](const std::string& tag, const std::string& text) {
    const TempCsv csv(tag, text);
    return std::make_pair(csv.path, error_of([&] { import_generic_csv(csv.path); }));
  };
  const std::string net = std::string(kNetHeader) + "\n";
  const std::string good = "mobilenet,snapdragon855,cpu,ncnn,4,big,fp32,1x3x224x224,10,11,11.5,14,50\n";

  CHECK(error_of([] { import_generic_csv("/nonexistent/x.csv"); }).starts_with("/nonexistent/x.csv"));

  auto [p1, e1] = err("neither", "a,b\n1,2\n");
  CHECK(e1.starts_with(p1 + ":1:"));
  CHECK(e1.find("neither network rows") != std::string::npos);

  auto [p2, e2] = err("missing", "model,soc,device\nmobilenet,rk3588,cpu\n");
  CHECK(e2.starts_with(p2 + ":1:"));
  CHECK(e2.find("missing column 'engine'") != std::string::npos);

  auto [p3, e3] = err("unknown", std::string(kNetHeader) + ",thread\n" + good.substr(0, good.size() - 1) + ",4\n");
  CHECK(e3.find("unknown column 'thread'") != std::string::npos);

  auto [p4, e4] =
      err("number", net + good + "mobilenet,snapdragon855,cpu,ncnn,4,big,fp32,1x3x224x224,ten,11,11.5,14,50\n");
  CHECK(e4.starts_with(p4 + ":3: column 'min_ms'"));

  auto [p5, e5] = err("soc", net + "mobilenet,snapdragon856,cpu,ncnn,4,big,fp32,1x3x224x224,10,11,11.5,14,50\n");
  CHECK(e5.starts_with(p5 + ":2: column 'soc'"));
  CHECK(e5.find("snapdragon855") != std::string::npos);

  auto [p6, e6] = err("cores", net + "mobilenet,snapdragon855,cpu,ncnn,4,middle,fp32,1x3x224x224,10,11,11.5,14,50\n");
  CHECK(e6.starts_with(p6 + ":2: column 'cores'"));

  auto [p7, e7] = err("shape", net + "mobilenet,snapdragon855,cpu,ncnn,4,big,fp32,224x224,10,11,11.5,14,50\n");
  CHECK(e7.starts_with(p7 + ":2: column 'input'"));

  auto [p8, e8] = err("order", net + "mobilenet,snapdragon855,cpu,ncnn,4,big,fp32,1x3x224x224,10,9,11.5,14,50\n");
  CHECK(e8.starts_with(p8 + ":2: column 'median_ms'"));

  auto [p9, e9] = err("notime", net + "mobilenet,snapdragon855,cpu,ncnn,4,big,fp32,1x3x224x224,,,,,\n");
  CHECK(e9.starts_with(p9 + ":2:"));

  auto [p10, e10] = err("engine", net + "mobilenet,snapdragon855,cpu,ncn,4,big,fp32,1x3x224x224,10,11,11.5,14,50\n");
  CHECK(e10.starts_with(p10 + ":2: column 'engine'"));

  auto [p11, e11] = err("override", std::string(kNetHeader) + ",soc_overrides\n" +
                                        "mobilenet,rk3588,cpu,ncnn,4,big,fp32,1x3x224x224,10,11,11.5,14,50,"
                                        "cpu.clusters.prime.frequency=3GHz\n");
  CHECK(e11.starts_with(p11 + ":2: column 'soc_overrides'"));

  auto [p12, e12] =
      err("stride", std::string(kLayerHeader) + "\nc,Conv,1x3x8x8,1x3x8x8,3,3,0,1,1,1,1,1,1,1,1,fp32,1,1,1,1,1\n");
  CHECK(e12.starts_with(p12 + ":2: column 'stride_h'"));

  auto [p13, e13] = err("attr", std::string("# thread: 4\n") + net + good);
  CHECK(e13.starts_with(p13 + ":1: thread"));

  auto [p14, e14] = err("quote", net + "\"mobilenet,snapdragon855,cpu,ncnn,4,big,fp32,1x3x224x224,10,11,11.5,14,50\n");
  CHECK(e14.starts_with(p14 + ":2:"));
}

TEST_CASE("generic_csv_examples_of_the_trace_format_doc_import") {
  const TempCsv nets("doc_nets",
                     "# device: OnePlus 7T\n# soc: snapdragon855\n# engine: ncnn\n# threads: 4\n# cores: big\n"
                     "model,soc,device,engine,threads,cores,precision,input,min_ms,median_ms,mean_ms,max_ms,count\n"
                     "mobilenet,snapdragon855,cpu,ncnn,4,big,auto,1x3x224x224,10.2,10.9,11.0,14.1,50\n"
                     "squeezenet1_1,rk3588,gpu,ncnn-vulkan,1,all,auto,1x3x227x227,5.1,,,,\n");
  const Trace a = import_generic_csv(nets.path);
  CHECK(a.networks.size() == 2);
  CHECK(a.engine == "ncnn");
  CHECK(a.threads == 4);
  const TempCsv layers("doc_layers",
                       "name,op,input,output,kernel_h,kernel_w,stride_h,stride_w,pad_top,pad_left,pad_bottom,pad_right,"
                       "dilation_h,dilation_w,group,dtype,min_ms,median_ms,mean_ms,max_ms,count\n"
                       "conv1,Conv,1x3x224x224,1x32x112x112,3,3,2,2,0,0,1,1,1,1,1,fp32,0.50,0.61,0.62,0.90,100\n");
  CHECK(import_generic_csv(layers.path).layers.size() == 1);
}
