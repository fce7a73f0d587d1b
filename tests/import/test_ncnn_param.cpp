// The ncnn .param importer: the benchncnn model files load with ncnn's own shapes, agree with the
// zoo, and malformed or hostile files fail with a located ConfigError.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/workload/import/ncnn_param.hpp"
#include "sim/workload/op_cost.hpp"
#include "sim/workload/zoo/zoo.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using namespace tilesim;
using tilesim::test::error_of;
using tilesim::test::TempFile;

namespace {

const std::string kModels = TILESIM_SOURCE_DIR "/../shared/validation-data/ncnn/models/";

bool have_models() { return fs::is_directory(kModels); }

std::vector<std::string> model_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kModels))
    if (e.path().extension() == ".param") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Split top -> the blob it refers to.
std::map<std::string, std::string>& aliases() {
  static std::map<std::string, std::string> a;
  return a;
}
std::string resolve(std::string blob) {
  for (auto it = aliases().find(blob); it != aliases().end(); it = aliases().find(blob)) blob = it->second;
  return blob;
}

// blob name -> NCHW shape from the file's -23330=4,dims,w,h,c hints (first declared layers only).
std::map<std::string, Shape> shape_hints(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  int layers = std::stoi(line);
  std::map<std::string, Shape> out;
  while (layers-- > 0 && std::getline(in, line)) {
    std::istringstream ss(line);
    std::string type, name;
    int nb = 0, nt = 0;
    ss >> type >> name >> nb >> nt;
    std::string tok;
    std::vector<std::string> bottoms(static_cast<size_t>(nb));
    for (auto& b : bottoms) ss >> b;
    std::vector<std::string> tops(static_cast<size_t>(nt));
    for (auto& t : tops) ss >> t;
    if (type == "Split") {  // Split's tops are its bottom (no copy): record the alias
      for (const auto& t : tops) aliases()[t] = bottoms.front();
    }
    while (ss >> tok) {
      if (tok.rfind("-23330=", 0) != 0) continue;
      std::vector<int64_t> v;
      std::istringstream vs(tok.substr(7));
      std::string item;
      while (std::getline(vs, item, ',')) v.push_back(std::stoll(item));
      for (size_t i = 0; i < tops.size() && 4 * i + 4 < v.size(); ++i) {
        const int64_t d = v[1 + 4 * i], w = v[2 + 4 * i], h = v[3 + 4 * i], c = v[4 + 4 * i];
        if (d == 1) out[tops[i]] = {1, w};
        else if (d == 2) out[tops[i]] = {1, h, w};
        else if (d == 3) out[tops[i]] = {1, c, h, w};
      }
    }
  }
  return out;
}

const Tensor* find_tensor(const Network& net, const std::string& name) {
  for (size_t i = 0; i < net.tensor_count(); ++i)
    if (net.tensor(static_cast<TensorId>(i)).name == name) return &net.tensor(static_cast<TensorId>(i));
  return nullptr;
}

std::string param_file(const std::string& body) { return "7767517\n" + body; }

}  // namespace

TEST_CASE("ncnn: every benchncnn model loads and its shapes equal the file's -23330 hints") {
  if (!have_models()) {
    MESSAGE("skipped: " << kModels << " is absent");
    return;
  }
  const auto files = model_files();
  CHECK(files.size() == 35);
  for (const auto& f : files) {
    CAPTURE(f);
    std::vector<std::string> warnings;
    ImportOptions o;
    o.warnings = &warnings;
    Network net;
    try {
      net = import_ncnn_param(f, o);
    } catch (const std::exception& e) {
      FAIL_CHECK(e.what());
      continue;
    }
    CHECK(net.op_count() > 0);
    CHECK(net.graph_inputs().size() >= 1);
    CHECK_NOTHROW(net.topological_order());
    for (const auto& hint : shape_hints(f)) {
      const auto& [blob, expected] = hint;
      CAPTURE(hint.first);
      const Tensor* t = find_tensor(net, resolve(blob));
      REQUIRE(t != nullptr);
      CHECK(shape_to_string(t->shape) == shape_to_string(expected));
    }
  }
}

TEST_CASE("ncnn: layer names are the file's and layer types are kept as source_type") {
  if (!have_models()) return;
  Network net = import_ncnn_param(kModels + "resnet18.param");
  bool found = false;
  for (size_t i = 0; i < net.op_count(); ++i) {
    const Operator& op = net.op(static_cast<OpId>(i));
    if (op.name == "conv1") {
      found = true;
      CHECK(op.type == OpType::Conv);
      CHECK(op.source_type == "Convolution");
      CHECK(!op.compute_type.has_value());
    }
  }
  CHECK(found);
}

// MACs of the imported operators whose names match `pred`.
template <typename Pred>
int64_t macs_of(const Network& net, Pred pred) {
  int64_t sum = 0;
  for (size_t i = 0; i < net.op_count(); ++i)
    if (pred(net.op(static_cast<OpId>(i)).name)) sum += op_cost(net, static_cast<OpId>(i)).macs;
  return sum;
}

TEST_CASE("ncnn: classifiers agree with the zoo within 3% of MACs, or differ exactly by their known variant") {
  if (!have_models()) return;
  for (auto [file, zoo_name] : {std::pair{"resnet18", "resnet18"}, {"vgg16", "vgg16"}, {"mobilenet", "mobilenet"},
                                {"shufflenet_v2", "shufflenet_v2_x1_0"}, {"resnet50", "resnet50"},
                                {"googlenet", "googlenet"}, {"mobilenet_v2", "mobilenet_v2"}}) {
    const std::string file_name = file;  // clang 14 cannot capture a structured binding
    CAPTURE(file_name);
    const ModelEntry* m = find_model(zoo_name);
    REQUIRE(m != nullptr);
    const Network net = import_ncnn_param(kModels + file + ".param");
    const int64_t ncnn = network_totals(net).macs;
    const int64_t zoo = network_totals(m->build({1, 3, 224, 224})).macs;
    CAPTURE(ncnn);
    CAPTURE(zoo);
    // ncnn's files come from Caffe models, which differ from torchvision's in three places.
    int64_t explained = 0;  // zoo - ncnn
    const std::string f = file;
    if (f == "resnet50") {
      // Caffe strides a stage's first block in its 1x1 reduction, torchvision in the 3x3: the
      // reduction runs at 4x the resolution in torchvision (3 stages).
      explained = 3 * macs_of(net, [](const std::string& n) {
                    return n == "res3a_branch2a" || n == "res4a_branch2a" || n == "res5a_branch2a";
                  });
    } else if (f == "googlenet") {
      // BVLC GoogLeNet's "5x5" branches are 5x5; torchvision's are 3x3.
      explained = -macs_of(net, [](const std::string& n) { return n.size() > 4 && n.ends_with("/5x5"); }) * 16 / 25;
    } else if (f == "mobilenet_v2") {
      // Caffe's MobileNetV2 keeps a 1x1 expansion (32 -> 32 at 112x112) in its first block.
      explained = -int64_t{112} * 112 * 32 * 32;
    }
    CHECK(std::abs(static_cast<double>(ncnn + explained) / static_cast<double>(zoo) - 1.0) < 0.03);
    if (explained != 0) CHECK(ncnn + explained == zoo);
  }
}

TEST_CASE("ncnn: the input option overrides the file's input size") {
  if (!have_models()) return;
  ImportOptions o;
  o.input = Shape{1, 3, 448, 448};
  Network net = import_ncnn_param(kModels + "mobilenet.param", o);  // global pooling: any size works
  const auto ins = net.graph_inputs();
  REQUIRE(ins.size() == 1);
  CHECK(net.tensor(ins[0]).shape == Shape{1, 3, 448, 448});
  const auto base = network_totals(import_ncnn_param(kModels + "mobilenet.param"));
  const auto big = network_totals(net);
  CHECK(static_cast<double>(big.macs) / static_cast<double>(base.macs) == doctest::Approx(4.0).epsilon(0.02));
}

TEST_CASE("ncnn: int8 files compute their convolutions in int8") {
  if (!have_models()) return;
  for (const char* f : {"resnet18_int8", "mobilenet_int8", "vgg16_int8", "squeezenet_int8"}) {
    CAPTURE(f);
    Network net = import_ncnn_param(kModels + f + ".param");
    int int8 = 0, fp = 0;
    for (size_t i = 0; i < net.op_count(); ++i) {
      const Operator& op = net.op(static_cast<OpId>(i));
      if (op.type != OpType::Conv) continue;
      (op.compute_type == DataType::int8 ? int8 : fp)++;
    }
    CHECK(int8 > 0);
    CHECK(int8 >= fp);  // ncnn2int8 leaves at most the first layers in fp32
  }
  Network fp32 = import_ncnn_param(kModels + "resnet18.param");
  for (size_t i = 0; i < fp32.op_count(); ++i) CHECK(!fp32.op(static_cast<OpId>(i)).compute_type.has_value());
}

TEST_CASE("ncnn: Split aliases its tops; fused activations become their own operator") {
  TempFile f("split.param", param_file("4 5\n"
                                       "Input in 0 1 data 0=8 1=8 2=3\n"
                                       "Split sp 1 2 data a b\n"
                                       "Convolution c1 1 1 a y 0=4 1=3 4=1 5=1 6=108 9=3 -23310=2,0.0,6.0\n"
                                       "Eltwise add 2 1 y b z 0=1\n"));
  // Eltwise of [1,4,8,8] and [1,3,8,8] cannot broadcast: a located error.
  const std::string e = error_of([&] { import_ncnn_param(f.str()); });
  CHECK(e.find(f.str() + ":6:") != std::string::npos);

  TempFile g("split_ok.param", param_file("4 5\n"
                                          "Input in 0 1 data 0=8 1=8 2=4\n"
                                          "Split sp 1 2 data a b\n"
                                          "Convolution c1 1 1 a y 0=4 1=3 4=1 5=1 6=144 9=3 -23310=2,0.0,6.0\n"
                                          "Eltwise add 2 1 y b z 0=1\n"));
  Network net = import_ncnn_param(g.str());
  REQUIRE(net.op_count() == 3);  // conv, clip, add: no Split operator
  CHECK(net.op(0).type == OpType::Conv);
  CHECK(net.op(1).type == OpType::Clip);
  CHECK(net.op(1).attrs.clip_max == 6.0f);
  CHECK(net.op(2).type == OpType::Add);
  CHECK(net.op(2).inputs[1] == net.graph_inputs()[0]);
}

TEST_CASE("ncnn: global pooling gives a 1-D blob, InnerProduct flattens a 3-D input") {
  TempFile f("gp.param", param_file("4 4\n"
                                    "Input in 0 1 data 0=7 1=7 2=16\n"
                                    "Pooling gap 1 1 data p 0=1 4=1\n"
                                    "InnerProduct fc 1 1 p q 0=10 1=1 2=160\n"
                                    "InnerProduct fc2 1 1 data r 0=5 2=3920\n"));
  Network net = import_ncnn_param(f.str());
  CHECK(find_tensor(net, "p")->shape == Shape{1, 16});
  CHECK(find_tensor(net, "q")->shape == Shape{1, 10});
  CHECK(find_tensor(net, "r")->shape == Shape{1, 5});
  CHECK(network_totals(net).macs == 160 + 3920);
}

TEST_CASE("ncnn: Pooling full mode rounds up as ncnn does; SAME and valid modes") {
  TempFile f("pool.param", param_file("4 4\n"
                                      "Input in 0 1 data 0=112 1=112 2=8\n"
                                      "Pooling full 1 1 data a 0=0 1=3 2=2\n"
                                      "Pooling valid 1 1 data b 0=0 1=3 2=2 5=1\n"
                                      "Pooling same 1 1 data c 0=1 1=3 2=2 5=2\n"));
  Network net = import_ncnn_param(f.str());
  CHECK(find_tensor(net, "a")->shape == Shape{1, 8, 56, 56});  // ceil((112-3)/2)+1
  CHECK(find_tensor(net, "b")->shape == Shape{1, 8, 55, 55});
  CHECK(find_tensor(net, "c")->shape == Shape{1, 8, 56, 56});
}

TEST_CASE("ncnn: Deconvolution output size and MACs") {
  TempFile f("deconv.param", param_file("3 3\n"
                                        "Input in 0 1 data 0=13 1=13 2=8\n"
                                        "Deconvolution up 1 1 data a 0=4 1=4 3=2 4=1 6=512\n"
                                        "DeconvolutionDepthWise dw 1 1 a b 0=4 1=3 3=1 4=1 6=36 7=4\n"));
  Network net = import_ncnn_param(f.str());
  CHECK(find_tensor(net, "a")->shape == Shape{1, 4, 26, 26});
  CHECK(find_tensor(net, "b")->shape == Shape{1, 4, 26, 26});
  CHECK(net.op(0).type == OpType::ConvTranspose);
  CHECK(network_totals(net).macs == 13 * 13 * 8 * 4 * 16 + 26 * 26 * 4 * 9);
}

TEST_CASE("ncnn: MultiHeadAttention decomposes into projections and per-head matmuls") {
  TempFile f("mha.param", param_file("3 5\n"
                                     "Input in 0 1 x 0=64 1=10\n"
                                     "Split sp 1 3 x a b c\n"
                                     "MultiHeadAttention mha 3 1 a b c y 0=64 1=4 2=4096\n"));
  Network net = import_ncnn_param(f.str());
  CHECK(find_tensor(net, "y")->shape == Shape{1, 10, 64});
  const int64_t proj = 10 * 64 * 64;
  CHECK(network_totals(net).macs == 4 * proj + 2 * 10 * 10 * 64);
}

TEST_CASE("ncnn: BinaryOp broadcasts a per-channel vector over a feature map") {
  TempFile f("bin.param", param_file("5 6\n"
                                     "Input in 0 1 x 0=6 1=6 2=8\n"
                                     "MemoryData md 0 1 m 0=8\n"
                                     "Split sp 1 2 x x1 x2\n"
                                     "BinaryOp mul 2 1 x1 m y 0=2\n"
                                     "BinaryOp addc 1 1 y z 0=0 1=1 2=1.5e+00\n"));
  Network net = import_ncnn_param(f.str());
  CHECK(find_tensor(net, "y")->shape == Shape{1, 8, 6, 6});
  CHECK(find_tensor(net, "z")->shape == Shape{1, 8, 6, 6});
  CHECK(net.op(0).weights.size() == 1);
}

TEST_CASE("ncnn: unknown layer types fail, or become Unmodelled with allow_unknown") {
  TempFile f("unknown.param", param_file("3 3\n"
                                         "Input in 0 1 x 0=6 1=6 2=8\n"
                                         "FancyOp weird 1 1 x y -23330=4,3,3,3,8\n"
                                         "FancyOp weird2 1 1 y z\n"));
  const std::string e = error_of([&] { import_ncnn_param(f.str()); });
  CHECK(e.find(f.str() + ":4:") != std::string::npos);
  CHECK(e.find("FancyOp") != std::string::npos);
  CHECK(e.find("weird") != std::string::npos);

  std::vector<std::string> warnings;
  ImportOptions o;
  o.allow_unknown = true;
  o.warnings = &warnings;
  Network net = import_ncnn_param(f.str(), o);
  REQUIRE(net.op_count() == 2);
  CHECK(net.op(0).type == OpType::Unmodelled);
  CHECK(net.op(0).source_type == "FancyOp");
  CHECK(find_tensor(net, "y")->shape == Shape{1, 8, 3, 3});  // from the hint
  CHECK(find_tensor(net, "z")->shape == Shape{1, 8, 3, 3});  // the input's shape
  CHECK(warnings.size() == 1);  // one per type
}

TEST_CASE("ncnn: malformed and hostile files give a ConfigError naming the file and line") {
  struct Case {
    const char* what;
    std::string text;
    int line;  // 0: no line number expected
  };
  const std::string in = "Input in 0 1 x 0=8 1=8 2=3\n";
  const std::vector<Case> cases = {
      {"empty file", "", 0},
      {"bad magic", "7767518\n1 1\n" + in, 1},
      {"binary garbage", std::string("\x7f" "ELF\x01\x02\x00\xff\xfe", 9), 1},
      {"no counts line", "7767517\n", 1},
      {"non-numeric counts", "7767517\nx y\n" + in, 2},
      {"too few layers", "7767517\n3 1\n" + in, 3},
      {"huge layer count", "7767517\n2147483648 1\n" + in, 3},
      {"wrong blob count", "7767517\n1 7\n" + in, 2},
      {"truncated layer line", "7767517\n2 2\n" + in + "ReLU r 1\n", 4},
      {"bottom count beyond the line", "7767517\n2 2\n" + in + "ReLU r 1000000 1 x y\n", 4},
      {"huge bottom count", "7767517\n2 2\n" + in + "ReLU r 99999999999999999999 1 x y\n", 4},
      {"unproduced blob", "7767517\n2 2\n" + in + "ReLU r 1 1 nobody y\n", 4},
      {"blob produced twice", "7767517\n2 1\n" + in + "ReLU r 1 1 x x\n", 4},
      {"self cycle", "7767517\n2 2\n" + in + "ReLU r 1 1 y y\n", 4},
      {"cycle through a later layer", "7767517\n3 3\n" + in + "ReLU r 1 1 z y\nReLU s 1 1 y z\n", 4},
      {"non-numeric parameter", "7767517\n2 2\n" + in + "Convolution c 1 1 x y 0=abc 1=3 6=81\n", 4},
      {"parameter without =", "7767517\n2 2\n" + in + "Convolution c 1 1 x y 0 1=3\n", 4},
      {"parameter key out of range", "7767517\n2 2\n" + in + "ReLU r 1 1 x y 99=1\n", 4},
      {"huge array count", "7767517\n2 3\n" + in + "Slice s 1 2 x a b -23300=2147483647,1,2\n", 4},
      {"array count beyond its values", "7767517\n2 3\n" + in + "Slice s 1 2 x a b -23300=3,1,2\n", 4},
      {"non-numeric array value", "7767517\n2 3\n" + in + "Slice s 1 2 x a b -23300=2,1,q\n", 4},
      {"weight_data_size mismatch", "7767517\n2 2\n" + in + "Convolution c 1 1 x y 0=4 1=3 6=100\n", 4},
      {"negative kernel", "7767517\n2 2\n" + in + "Convolution c 1 1 x y 0=4 1=-3 6=108\n", 4},
      {"absurd kernel", "7767517\n2 2\n" + in + "Convolution c 1 1 x y 0=4 1=2000000000 6=108\n", 4},
      {"window larger than input", "7767517\n2 2\n" + in + "Convolution c 1 1 x y 0=4 1=9 6=972\n", 4},
      {"negative input size", "7767517\n1 1\nInput in 0 1 x 0=-8 1=8 2=3\n", 3},
      {"overflowing input size", "7767517\n1 1\nInput in 0 1 x 0=2147483647 1=2147483647 2=2147483647\n", 3},
      {"input without a size", "7767517\n1 1\nInput in 0 1 x\n", 3},
      {"absurd reshape", "7767517\n2 2\n" + in + "Reshape r 1 1 x y 0=2147483647 1=2147483647 2=2147483647\n", 4},
      {"absurd interp scale", "7767517\n2 2\n" + in + "Interp i 1 1 x y 0=1 1=1e30 2=1e30\n", 4},
      {"non-finite float", "7767517\n2 2\n" + in + "Interp i 1 1 x y 0=1 1=inf 2=2.0\n", 4},
      {"slices beyond the axis", "7767517\n2 3\n" + in + "Slice s 1 2 x a b -23300=2,2,2 1=0\n", 4},
      {"axis out of range", "7767517\n2 2\n" + in + "Softmax s 1 1 x y 0=7\n", 4},
      {"unknown activation", "7767517\n2 2\n" + in + "Convolution c 1 1 x y 0=4 1=3 4=1 6=108 9=42\n", 4},
      {"unknown layer", "7767517\n2 2\n" + in + "NotALayer n 1 1 x y\n", 4},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    TempFile f("bad.param", c.text);
    const std::string e = error_of([&] { import_ncnn_param(f.str()); });
    CAPTURE(e);
    REQUIRE(!e.empty());
    CHECK(e.find(f.str()) != std::string::npos);
    if (c.line > 0) CHECK(e.find(f.str() + ":" + std::to_string(c.line) + ":") != std::string::npos);
  }
  const std::string missing = error_of([] { import_ncnn_param("/nonexistent/dir/model.param"); });
  CHECK(missing.find("/nonexistent/dir/model.param") != std::string::npos);
}

TEST_CASE("ncnn: lines after the declared layers are ignored, as ncnn ignores them") {
  TempFile f("extra.param", param_file("1 1\nInput in 0 1 x 0=8 1=8 2=3\nReLU r 1 1 x y\n"));
  std::vector<std::string> warnings;
  ImportOptions o;
  o.warnings = &warnings;
  Network net = import_ncnn_param(f.str(), o);
  CHECK(net.op_count() == 0);
  CHECK(warnings.size() == 1);
}
