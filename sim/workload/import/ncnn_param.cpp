// ncnn's plain-text network definition (.param) as a workload graph.
//
// The file (ncnn's src/net.cpp, Net::load_param): line 1 the magic 7767517, line 2
// "layer_count blob_count", then a layer a line: type name bottom_count top_count bottoms... tops...
// and k=v parameters (arrays as -233xx=n,v1,...,vn for key xx). ncnn blobs carry no batch: a blob
// of dims 1 (w), 2 (w,h), 3 (w,h,c) or 4 (w,h,d,c) is the NCHW tensor [1,w], [1,h,w], [1,c,h,w]
// or [1,c,d,h,w], so ncnn axis a (outermost first) is our axis a+1.
//
// Layer semantics follow ncnn's src/layer/*.cpp; where a layer has no single tilesim operator it
// becomes a short chain named "<layer>/<part>" (MultiHeadAttention, Gemm on a 3-D blob,
// InnerProduct on a 3-D blob, fused activations), the part carrying the arithmetic keeping the
// ncnn layer's own name where there is one such part.
#include "sim/workload/import/ncnn_param.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/shape_inference.hpp"

namespace tilesim {
namespace {

constexpr int kMagic = 7767517;
constexpr int64_t kMaxFileBytes = int64_t{64} << 20;  // the largest real .param is ~200 KB
constexpr int kMaxParamId = 32;                       // ncnn's NCNN_MAX_PARAM_COUNT
constexpr int64_t kMaxIntParam = int64_t{1} << 31;    // ncnn's parameters are 32-bit ints
constexpr int64_t kMaxWindow = int64_t{1} << 20;      // kernel, stride, dilation, padding
constexpr int64_t kSentinel = -233;                   // ncnn's "not given" / "auto"

// Printable, bounded rendering of a name or token taken from the file (it may be garbage).
std::string quoted(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) ? '?' : c;
  if (s.size() > 80) out += "...";
  return "'" + out + "'";
}

struct Param {
  bool array = false;
  std::vector<double> values;
};

struct LayerLine {
  int line0 = 0;
  std::string type, name;
  std::vector<std::string> bottoms, tops;
  std::map<int, Param> params;
};

bool parse_int(std::string_view s, int64_t& out) {
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e && b != e;
}

bool parse_number(std::string_view s, double& out) {
  if (s.find_first_of(".eE") == std::string_view::npos) {
    int64_t i = 0;
    if (!parse_int(s, i)) return false;
    out = static_cast<double>(i);
    return true;
  }
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e && b != e && std::isfinite(out);
}

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\v' || line[i] == '\f')) ++i;
    size_t j = i;
    while (j < line.size() && !(line[j] == ' ' || line[j] == '\t' || line[j] == '\r' || line[j] == '\v' || line[j] == '\f')) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

class Importer {
 public:
  Importer(const std::string& path, const ImportOptions& options) : path_(path), opt_(options) {}

  Network run() {
    std::vector<LayerLine> layers = read_file();
    check_graph(layers);
    std::string stem = path_;
    if (auto slash = stem.find_last_of('/'); slash != std::string::npos) stem = stem.substr(slash + 1);
    stem_ = stem.size() > 6 && stem.ends_with(".param") ? stem.substr(0, stem.size() - 6) : stem;
    net_ = Network(stem_);
    for (const LayerLine& l : layers) {
      cur_ = &l;
      layer(l);
    }
    cur_ = nullptr;
    return std::move(net_);
  }

 private:
  // ---- errors ----
  [[noreturn]] void fail_at(int line0, const std::string& msg) const {
    throw ConfigError(located(path_, line0, 0, "", msg));
  }
  [[noreturn]] void fail(const std::string& msg) const {
    if (!cur_) throw ConfigError(located(path_, -1, 0, "", msg));
    fail_at(cur_->line0, fmt::format("{} {}: {}", cur_->type, quoted(cur_->name), msg));
  }

  // ---- reading ----
  std::vector<LayerLine> read_file() {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) throw ConfigError(path_ + ": cannot open the ncnn .param file");
    if (!S_ISREG(st.st_mode)) throw ConfigError(path_ + ": not a regular file");
    if (st.st_size > kMaxFileBytes)
      throw ConfigError(fmt::format("{}: {} bytes is far too large for an ncnn .param file", path_, st.st_size));
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw ConfigError(path_ + ": cannot open the ncnn .param file");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.empty()) throw ConfigError(path_ + ": empty file (not an ncnn .param)");

    std::vector<std::pair<int, std::string_view>> lines;  // non-blank lines with their 0-based number
    {
      std::string_view all(text);
      int n = 0;
      size_t pos = 0;
      while (pos <= all.size()) {
        size_t nl = all.find('\n', pos);
        if (nl == std::string_view::npos) nl = all.size();
        std::string_view l = all.substr(pos, nl - pos);
        if (!split_ws(l).empty()) lines.emplace_back(n, l);
        ++n;
        pos = nl + 1;
      }
    }
    if (lines.empty()) throw ConfigError(path_ + ": empty file (not an ncnn .param)");
    {
      auto t = split_ws(lines[0].second);
      int64_t magic = 0;
      if (t.size() != 1 || !parse_int(t[0], magic) || magic != kMagic)
        fail_at(lines[0].first, fmt::format("not an ncnn .param file: the first line must be the magic number {}", kMagic));
    }
    if (lines.size() < 2) fail_at(lines[0].first, "truncated: no \"layer_count blob_count\" line");
    {
      auto t = split_ws(lines[1].second);
      if (t.size() != 2 || !parse_int(t[0], layer_count_) || !parse_int(t[1], blob_count_) || layer_count_ < 1 ||
          blob_count_ < 1)
        fail_at(lines[1].first, "the second line must be two positive numbers \"layer_count blob_count\"");
      counts_line0_ = lines[1].first;
    }
    std::vector<LayerLine> layers;
    const size_t available = lines.size() - 2;
    if (static_cast<int64_t>(available) < layer_count_)
      fail_at(lines.back().first, fmt::format("truncated: the file declares {} layers but has {}", layer_count_, available));
    for (size_t i = 2; i < lines.size(); ++i) {
      if (static_cast<int64_t>(layers.size()) == layer_count_) {
        // ncnn reads layer_count layers and ignores what follows; so does this importer.
        if (opt_.warnings)
          opt_.warnings->push_back(fmt::format("{}:{}: {} line(s) after the {} declared layers ignored (as ncnn does)",
                                               path_, lines[i].first + 1, lines.size() - i, layer_count_));
        break;
      }
      layers.push_back(parse_layer(lines[i].first, lines[i].second));
    }
    return layers;
  }

  LayerLine parse_layer(int line0, std::string_view text) {
    auto t = split_ws(text);
    LayerLine l;
    l.line0 = line0;
    if (t.size() < 4) fail_at(line0, "truncated layer line: needs \"type name bottom_count top_count ...\"");
    l.type = std::string(t[0]);
    l.name = std::string(t[1]);
    int64_t nb = 0, nt = 0;
    if (!parse_int(t[2], nb) || !parse_int(t[3], nt) || nb < 0 || nt < 0)
      fail_at(line0, fmt::format("{} {}: bottom and top counts must be non-negative numbers", l.type, quoted(l.name)));
    const auto rest = static_cast<int64_t>(t.size()) - 4;
    if (nb > rest || nt > rest - nb)
      fail_at(line0, fmt::format("{} {}: declares {} bottoms and {} tops but the line has only {} more fields", l.type,
                                 quoted(l.name), nb, nt, rest));
    size_t k = 4;
    for (int64_t i = 0; i < nb; ++i) l.bottoms.emplace_back(t[k++]);
    for (int64_t i = 0; i < nt; ++i) l.tops.emplace_back(t[k++]);
    for (; k < t.size(); ++k) {
      const std::string_view tok = t[k];
      const size_t eq = tok.find('=');
      int64_t key = 0;
      if (eq == std::string_view::npos || !parse_int(tok.substr(0, eq), key))
        fail_at(line0, fmt::format("{} {}: parameter {} is not key=value", l.type, quoted(l.name), quoted(tok)));
      Param p;
      int id = 0;
      std::string_view value = tok.substr(eq + 1);
      if (key <= -23300) {
        if (key < -23300 - (kMaxParamId - 1))
          fail_at(line0, fmt::format("{} {}: array parameter key {} out of range", l.type, quoted(l.name), key));
        id = static_cast<int>(-key - 23300);
        p.array = true;
        size_t comma = value.find(',');
        int64_t n = 0;
        if (!parse_int(value.substr(0, comma), n) || n < 0)
          fail_at(line0, fmt::format("{} {}: array parameter {} needs a count: {}", l.type, quoted(l.name), key, quoted(tok)));
        std::string_view items = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
        while (!items.empty() || (comma != std::string_view::npos && static_cast<int64_t>(p.values.size()) < n)) {
          const size_t c = items.find(',');
          double v = 0;
          if (!parse_number(items.substr(0, c), v))
            fail_at(line0, fmt::format("{} {}: array parameter {} has a non-numeric value in {}", l.type, quoted(l.name),
                                       key, quoted(tok)));
          p.values.push_back(v);
          if (static_cast<int64_t>(p.values.size()) > n) break;
          if (c == std::string_view::npos) break;
          items = items.substr(c + 1);
        }
        if (static_cast<int64_t>(p.values.size()) != n)
          fail_at(line0, fmt::format("{} {}: array parameter {} says {} values but has {}", l.type, quoted(l.name), key,
                                     n, p.values.size()));
      } else {
        if (key < 0 || key >= kMaxParamId)
          fail_at(line0, fmt::format("{} {}: parameter key {} out of range", l.type, quoted(l.name), key));
        id = static_cast<int>(key);
        double v = 0;
        if (!parse_number(value, v))
          fail_at(line0, fmt::format("{} {}: parameter {} is not a number: {}", l.type, quoted(l.name), key, quoted(tok)));
        p.values.push_back(v);
      }
      l.params[id] = std::move(p);
    }
    return l;
  }

  // Every bottom produced by an earlier layer, every blob produced once, and blob_count blobs.
  void check_graph(const std::vector<LayerLine>& layers) {
    std::unordered_map<std::string, size_t> producer;  // blob -> layer index
    for (size_t i = 0; i < layers.size(); ++i)
      for (const auto& t : layers[i].tops) {
        auto [it, fresh] = producer.emplace(t, i);
        if (!fresh)
          fail_at(layers[i].line0, fmt::format("{} {}: blob {} is already produced by layer {} (line {})", layers[i].type,
                                               quoted(layers[i].name), quoted(t), quoted(layers[it->second].name),
                                               layers[it->second].line0 + 1));
      }
    for (size_t i = 0; i < layers.size(); ++i)
      for (const auto& b : layers[i].bottoms) {
        auto it = producer.find(b);
        if (it == producer.end())
          fail_at(layers[i].line0, fmt::format("{} {}: bottom blob {} is produced by no layer", layers[i].type,
                                               quoted(layers[i].name), quoted(b)));
        if (it->second >= i)
          fail_at(layers[i].line0,
                  fmt::format("{} {}: bottom blob {} is produced by {} (line {}), not by an earlier layer (a cycle)",
                              layers[i].type, quoted(layers[i].name), quoted(b), quoted(layers[it->second].name),
                              layers[it->second].line0 + 1));
      }
    if (static_cast<int64_t>(producer.size()) != blob_count_)
      fail_at(counts_line0_, fmt::format("the file declares {} blobs but its layers produce {}", blob_count_, producer.size()));
  }

  // ---- parameters ----
  const Param* param(int id) const {
    auto it = cur_->params.find(id);
    return it == cur_->params.end() ? nullptr : &it->second;
  }
  bool has(int id) const { return param(id) != nullptr; }
  double getf(int id, double def) const {
    const Param* p = param(id);
    if (!p) return def;
    if (p->array) fail(fmt::format("parameter {} must be a single value", id));
    return p->values[0];
  }
  int64_t geti(int id, int64_t def) const {
    const Param* p = param(id);
    if (!p) return def;
    if (p->array) fail(fmt::format("parameter {} must be a single value", id));
    const double v = p->values[0];
    if (v != std::floor(v) || std::fabs(v) > static_cast<double>(kMaxIntParam))
      fail(fmt::format("parameter {} must be an integer of at most 2^31, not {}", id, v));
    return static_cast<int64_t>(v);
  }
  std::vector<double> geta(int id) const {
    const Param* p = param(id);
    if (!p) return {};
    return p->values;  // a single value reads as a one-element array
  }
  std::vector<int64_t> getai(int id) const {
    std::vector<int64_t> out;
    for (double v : geta(id)) {
      if (v != std::floor(v) || std::fabs(v) > static_cast<double>(kMaxIntParam))
        fail(fmt::format("array parameter {} must hold integers of at most 2^31", id));
      out.push_back(static_cast<int64_t>(v));
    }
    return out;
  }
  int64_t window(int64_t v, const char* what, int64_t min = 1) const {
    if (v < min || v > kMaxWindow) fail(fmt::format("{} {} out of range [{}, {}]", what, v, min, kMaxWindow));
    return v;
  }
  int64_t positive(int64_t v, const char* what) const {
    if (v < 1) fail(fmt::format("{} must be positive, not {}", what, v));
    return v;
  }

  // ---- tensors ----
  TensorId blob(size_t i) const { return blobs_.at(cur_->bottoms.at(i)); }
  const Shape& shape(TensorId t) const { return net_.tensor(t).shape; }
  int64_t dims(TensorId t) const { return static_cast<int64_t>(shape(t).size()) - 1; }  // ncnn's dims
  bool is_const(TensorId t) const { return net_.tensor(t).kind == TensorKind::weight; }
  TensorId activation(size_t i) const {
    TensorId t = blob(i);
    if (is_const(t))
      fail(fmt::format("bottom {} is a MemoryData constant; tilesim models {} only on activations",
                       quoted(cur_->bottoms[i]), cur_->type));
    return t;
  }
  void need(size_t bottoms, size_t tops) const {
    if (cur_->bottoms.size() != bottoms || cur_->tops.size() != tops)
      fail(fmt::format("expects {} bottom(s) and {} top(s), has {} and {}", bottoms, tops, cur_->bottoms.size(),
                       cur_->tops.size()));
  }
  // ncnn axis (negative from the end) of a blob of `d` dims -> our axis.
  int64_t axis(int64_t a, int64_t d) const {
    if (a < -d || a >= d) fail(fmt::format("axis {} out of range for a {}-D blob", a, d));
    return (a < 0 ? a + d : a) + 1;
  }

  TensorId weight(const std::string& name, Shape s, bool learnable = true) {
    if (!checked_elements(s)) fail(fmt::format("weight [{}] has a negative or absurd size", shape_to_string(s, ',')));
    Tensor t{name, std::move(s), DataType::fp32, TensorKind::weight};
    t.learnable = learnable;
    return net_.add_tensor(std::move(t));
  }

  Operator new_op(OpType type, const std::string& name) const {
    Operator op;
    op.type = type;
    op.name = name;
    op.source_type = cur_->type;
    return op;
  }

  // Adds `op`, inferring its outputs (from `shapes_in` when given: constants that take part in the
  // shape rule) and naming them `out_names`.
  std::vector<TensorId> emit(Operator op, const std::vector<std::string>& out_names,
                             const std::vector<Shape>* shapes_in = nullptr) {
    std::vector<Shape> in;
    if (shapes_in) {
      in = *shapes_in;
    } else {
      for (TensorId t : op.inputs) in.push_back(shape(t));
    }
    std::vector<Shape> out;
    try {
      out = infer_output_shapes(op, in);
    } catch (const GraphError& e) {
      fail(e.what());
    }
    if (out.size() != out_names.size())
      fail(fmt::format("produces {} outputs, the layer has {} tops", out.size(), out_names.size()));
    for (size_t i = 0; i < out.size(); ++i)
      op.outputs.push_back(net_.add_tensor(Tensor{out_names[i], out[i], DataType::fp32, TensorKind::activation}));
    auto outs = op.outputs;
    try {
      net_.add_op(std::move(op));
    } catch (const GraphError& e) {
      fail(e.what());
    }
    return outs;
  }
  TensorId emit1(Operator op, const std::string& out_name, const std::vector<Shape>* shapes_in = nullptr) {
    return emit(std::move(op), {out_name}, shapes_in).front();
  }
  void bind(const std::string& blob_name, TensorId t) { blobs_[blob_name] = t; }
  const std::string& top(size_t i = 0) const { return cur_->tops.at(i); }

  TensorId unary(OpType type, TensorId x, const std::string& name, const std::string& out) {
    Operator op = new_op(type, name);
    op.inputs = {x};
    return emit1(std::move(op), out);
  }
  TensorId flatten(TensorId x, int64_t axis_, const std::string& name, const std::string& out) {
    Operator op = new_op(OpType::Flatten, name);
    op.attrs.axis = axis_;
    op.inputs = {x};
    return emit1(std::move(op), out);
  }
  TensorId reshape(TensorId x, const Shape& target, const std::string& name, const std::string& out) {
    Shape probe = target;
    for (auto& d : probe) d = d == -1 ? 1 : d;
    if (!checked_elements(probe)) fail(fmt::format("reshape target [{}] is absurd", shape_to_string(target, ',')));
    Operator op = new_op(OpType::Reshape, name);
    op.attrs.target_shape = target;
    op.inputs = {x};
    return emit1(std::move(op), out);
  }
  TensorId transpose(TensorId x, const std::vector<int64_t>& perm, const std::string& name, const std::string& out) {
    Operator op = new_op(OpType::Transpose, name);
    op.attrs.perm = perm;
    op.inputs = {x};
    return emit1(std::move(op), out);
  }
  // Gemm of the last axis of x (any rank >= 2) with a weight [n, K]: flattened to 2-D and back.
  TensorId linear(TensorId x, int64_t n, bool bias, const std::string& name, const std::string& out,
                  std::optional<DataType> compute = std::nullopt) {
    const Shape xs = shape(x);
    const int64_t k = xs.back();
    TensorId in2 = x;
    const bool reshaped = xs.size() != 2;
    if (reshaped) in2 = flatten(x, static_cast<int64_t>(xs.size()) - 1, name + "/flatten", out + "#2d");
    Operator op = new_op(OpType::Gemm, name);
    op.attrs.units = positive(n, "output features");
    op.compute_type = compute;
    op.inputs = {in2};
    op.weights.push_back(weight(name + ".weight", {n, k}));
    if (bias) op.weights.push_back(weight(name + ".bias", {n}));
    TensorId y = emit1(std::move(op), reshaped ? out + "#gemm" : out);
    if (!reshaped) return y;
    Shape target = xs;
    target.back() = n;
    return reshape(y, target, name + "/reshape", out);
  }

  // ncnn's fused activation (9=activation_type, 10=activation_params) as an operator after `x`.
  TensorId fused_activation(TensorId x, const std::string& out) {
    const int64_t type = geti(9, 0);
    const auto params = geta(10);
    OpType t;
    switch (type) {
      case 1: t = OpType::Relu; break;
      case 2: t = OpType::LeakyRelu; break;
      case 3: t = OpType::Clip; break;
      case 4: t = OpType::Sigmoid; break;
      case 5: t = OpType::Mish; break;
      case 6: t = OpType::HardSwish; break;
      default: fail(fmt::format("unknown activation_type {}", type));
    }
    Operator op = new_op(t, cur_->name + "/" + std::string(onnx_name(t)));
    if (t == OpType::Clip) {
      if (params.size() >= 2) {
        op.attrs.clip_min = static_cast<float>(params[0]);
        op.attrs.clip_max = static_cast<float>(params[1]);
      }
    }
    op.inputs = {x};
    return emit1(std::move(op), out);
  }
  // The top of a layer with a fused activation: the bare output when one follows.
  std::string pre_activation_name() const { return geti(9, 0) != 0 ? top() + "#preact" : top(); }
  void finish_activation(TensorId y) {
    if (geti(9, 0) != 0) y = fused_activation(y, top());
    bind(top(), y);
  }

  // ---- layers ----
  void layer(const LayerLine& l) {
    static const std::unordered_map<std::string, void (Importer::*)()> table = {
        {"Input", &Importer::input},
        {"MemoryData", &Importer::memory_data},
        {"Convolution", &Importer::convolution},
        {"ConvolutionDepthWise", &Importer::convolution},
        {"Deconvolution", &Importer::deconvolution},
        {"DeconvolutionDepthWise", &Importer::deconvolution},
        {"InnerProduct", &Importer::inner_product},
        {"Gemm", &Importer::gemm},
        {"Pooling", &Importer::pooling},
        {"Eltwise", &Importer::eltwise},
        {"BinaryOp", &Importer::binary_op},
        {"Concat", &Importer::concat},
        {"Split", &Importer::split},
        {"Slice", &Importer::slice},
        {"Crop", &Importer::crop},
        {"ShuffleChannel", &Importer::shuffle_channel},
        {"Interp", &Importer::interp},
        {"Reshape", &Importer::reshape_layer},
        {"Permute", &Importer::permute},
        {"Flatten", &Importer::flatten_layer},
        {"Padding", &Importer::padding},
        {"Softmax", &Importer::softmax},
        {"ReLU", &Importer::relu},
        {"Clip", &Importer::clip},
        {"Swish", &Importer::simple},
        {"HardSwish", &Importer::simple},
        {"HardSigmoid", &Importer::simple},
        {"Sigmoid", &Importer::simple},
        {"GELU", &Importer::simple},
        {"TanH", &Importer::simple},
        {"Mish", &Importer::simple},
        {"AbsVal", &Importer::simple},
        {"Dropout", &Importer::simple},
        {"BatchNorm", &Importer::batch_norm},
        {"Scale", &Importer::scale},
        {"LRN", &Importer::lrn},
        {"Reduction", &Importer::reduction},
        {"LayerNorm", &Importer::layer_norm},
        {"MultiHeadAttention", &Importer::multi_head_attention},
        {"Noop", &Importer::noop},
        {"PriorBox", &Importer::prior_box},
        {"DetectionOutput", &Importer::detection_output},
        {"YoloDetectionOutput", &Importer::detection_output},
        {"Yolov3DetectionOutput", &Importer::detection_output},
        {"UnaryOp", &Importer::unary_op},
    };
    auto it = table.find(l.type);
    if (it == table.end()) return unknown("ncnn layer type tilesim has no model of");
    (this->*(it->second))();
  }

  // Output shapes the file states (-23330=4*tops,dims,w,h,c,...), when it states them for every top.
  std::optional<std::vector<Shape>> hinted_shapes() const {
    const auto h = getai(30);
    if (h.empty() || h.size() != 4 * cur_->tops.size()) return std::nullopt;
    std::vector<Shape> out;
    for (size_t i = 0; i < cur_->tops.size(); ++i) {
      const int64_t d = h[4 * i], w = h[4 * i + 1], hh = h[4 * i + 2], c = h[4 * i + 3];
      Shape s;
      if (d == 1) s = {1, w};
      else if (d == 2) s = {1, hh, w};
      else if (d == 3) s = {1, c, hh, w};
      else return std::nullopt;
      if (!checked_elements(s)) return std::nullopt;
      out.push_back(s);
    }
    return out;
  }

  void unknown(const std::string& why) {
    if (!opt_.allow_unknown)
      fail(fmt::format("{} (allow unknown operators to import it as an unmodelled stand-in)", why));
    if (warned_types_.insert(cur_->type).second && opt_.warnings)
      opt_.warnings->push_back(fmt::format("{}:{}: ncnn layer type {} ({}) is not modelled; imported as an unmodelled "
                                           "stand-in (its time is a memory-traffic estimate)",
                                           path_, cur_->line0 + 1, quoted(cur_->type), why));
    Operator op = new_op(OpType::Unmodelled, cur_->name);
    for (size_t i = 0; i < cur_->bottoms.size(); ++i) (is_const(blob(i)) ? op.weights : op.inputs).push_back(blob(i));
    if (auto h = hinted_shapes()) {
      op.attrs.output_shapes = *h;
    } else {
      if (cur_->bottoms.empty()) fail("has no bottoms and no output shape hint (-23330)");
      op.attrs.output_shapes.assign(cur_->tops.size(), shape(blob(0)));
    }
    auto outs = emit(std::move(op), cur_->tops);
    for (size_t i = 0; i < outs.size(); ++i) bind(top(i), outs[i]);
  }

  Shape ncnn_shape(int64_t w, int64_t h, int64_t d, int64_t c, const char* what) const {
    for (int64_t v : {w, h, d, c})
      if (v < 0) fail(fmt::format("{}: negative size {}", what, v));
    Shape s;
    if (w == 0) fail(fmt::format("{}: no size given", what));
    if (h == 0) s = {1, w};
    else if (c == 0) s = {1, h, w};
    else if (d == 0) s = {1, c, h, w};
    else s = {1, c, d, h, w};
    if (!checked_elements(s)) fail(fmt::format("{} [{}] has more than {} elements", what, shape_to_string(s, ','), kMaxTensorElements));
    return s;
  }

  void input() {
    need(0, 1);
    Shape s;
    if (opt_.input && !input_seen_) {
      s = *opt_.input;
      if (s.empty() || !checked_elements(s) || std::any_of(s.begin(), s.end(), [](int64_t d) { return d < 1; }))
        fail(fmt::format("the input shape [{}] given to the importer is not positive and sane", shape_to_string(s, ',')));
    } else if (geti(0, 0) > 0) {
      s = ncnn_shape(geti(0, 0), geti(1, 0), geti(11, 0), geti(2, 0), "input");
    } else if (auto size = benchncnn_size()) {
      s = {1, 3, *size, *size};
    } else {
      fail("the file gives no input size (0=w 1=h 2=c): give the input shape");
    }
    input_seen_ = true;
    bind(top(), net_.add_tensor(Tensor{top(), s, DataType::fp32, TensorKind::input}));
  }
  // benchncnn's input sizes for its models whose .param leaves the size out.
  std::optional<int64_t> benchncnn_size() const {
    static const std::map<std::string, int64_t> sizes = {
        {"squeezenet", 227}, {"squeezenet_int8", 227}, {"alexnet", 227}, {"blazeface", 128},
        {"mobilenet_ssd", 300}, {"mobilenet_ssd_int8", 300}, {"squeezenet_ssd", 300}, {"squeezenet_ssd_int8", 300},
        {"mobilenet_yolo", 416}, {"yolov4-tiny", 416}, {"mobilenetv2_yolov3", 352}, {"yolo-fastestv2", 352},
        {"FastestDet", 352}, {"nanodet_m", 320}, {"yolo-fastest-1.1", 320}, {"vision_transformer", 384},
    };
    auto it = sizes.find(stem_);
    if (it != sizes.end()) return it->second;
    return std::nullopt;  // other benchncnn classifiers are 224, but an unknown file's size is unknown
  }

  void memory_data() {
    need(0, 1);
    Shape s = ncnn_shape(geti(0, 0), geti(1, 0), geti(11, 0), geti(2, 0), "MemoryData");
    bind(top(), weight(top(), s));
  }

  void convolution() {
    need(1, 1);
    const bool depthwise = cur_->type == "ConvolutionDepthWise";
    TensorId x = activation(0);
    if (dims(x) != 3) fail(fmt::format("expects a 3-D (c,h,w) blob, got [{}]", shape_to_string(shape(x), ',')));
    const int64_t n = positive(geti(0, 0), "num_output");
    const int64_t kw = window(geti(1, 0), "kernel_w"), kh = window(geti(11, kw), "kernel_h");
    const int64_t dw = window(geti(2, 1), "dilation_w"), dh = window(geti(12, dw), "dilation_h");
    const int64_t sw = window(geti(3, 1), "stride_w"), sh = window(geti(13, sw), "stride_h");
    const int64_t group = depthwise ? positive(geti(7, 1), "group") : 1;
    const Shape& xs = shape(x);
    const int64_t cin = xs[1], h = xs[2], w = xs[3];
    if (cin % group != 0 || n % group != 0)
      fail(fmt::format("{} input and {} output channels do not divide into {} groups", cin, n, group));
    int64_t pl = geti(4, 0), pr = geti(15, pl), pt = geti(14, pl), pb = geti(16, pt);
    if (pl == -233 || pl == -234 || pt == -233 || pt == -234) {
      const bool upper = (pl == -233 || pt == -233);
      auto same = [&](int64_t in, int64_t k, int64_t s, int64_t d, int64_t& b, int64_t& e) {
        const int64_t out = (in + s - 1) / s;
        const int64_t total = std::max<int64_t>(0, (out - 1) * s + d * (k - 1) + 1 - in);
        b = upper ? total / 2 : total - total / 2;
        e = total - b;
      };
      same(w, kw, sw, dw, pl, pr);
      same(h, kh, sh, dh, pt, pb);
    }
    for (int64_t p : {pl, pr, pt, pb}) window(p, "padding", 0);
    Operator op = new_op(OpType::Conv, cur_->name);
    op.attrs.kernel_shape = {kh, kw};
    op.attrs.strides = {sh, sw};
    op.attrs.dilations = {dh, dw};
    op.attrs.pads = {pt, pl, pb, pr};
    op.attrs.group = group;
    op.attrs.units = n;
    if (geti(8, 0) != 0) op.compute_type = DataType::int8;
    op.inputs = {x};
    const Shape ws{n, cin / group, kh, kw};
    check_weight_size(6, ws);
    op.weights.push_back(weight(cur_->name + ".weight", ws));
    if (geti(5, 0)) op.weights.push_back(weight(cur_->name + ".bias", {n}));
    finish_activation(emit1(std::move(op), pre_activation_name()));
  }
  void check_weight_size(int id, const Shape& ws) const {
    const int64_t declared = geti(id, 0);
    const auto actual = checked_elements(ws);
    if (!actual) fail(fmt::format("weight [{}] is absurdly large", shape_to_string(ws, ',')));
    if (declared != *actual)
      fail(fmt::format("weight_data_size {} does not match the weight shape [{}] ({} values)", declared,
                       shape_to_string(ws, ','), *actual));
  }

  void deconvolution() {
    need(1, 1);
    const bool depthwise = cur_->type == "DeconvolutionDepthWise";
    TensorId x = activation(0);
    if (dims(x) != 3) fail(fmt::format("expects a 3-D (c,h,w) blob, got [{}]", shape_to_string(shape(x), ',')));
    const int64_t n = positive(geti(0, 0), "num_output");
    const int64_t kw = window(geti(1, 0), "kernel_w"), kh = window(geti(11, kw), "kernel_h");
    const int64_t dw = window(geti(2, 1), "dilation_w"), dh = window(geti(12, dw), "dilation_h");
    const int64_t sw = window(geti(3, 1), "stride_w"), sh = window(geti(13, sw), "stride_h");
    const int64_t group = depthwise ? positive(geti(7, 1), "group") : 1;
    const Shape& xs = shape(x);
    const int64_t cin = xs[1], h = xs[2], w = xs[3];
    if (cin % group != 0 || n % group != 0)
      fail(fmt::format("{} input and {} output channels do not divide into {} groups", cin, n, group));
    int64_t pl = geti(4, 0), pr = geti(15, pl), pt = geti(14, pl), pb = geti(16, pt);
    const int64_t opw = window(geti(18, 0), "output_pad_right", 0), oph = window(geti(19, opw), "output_pad_bottom", 0);
    const int64_t outw = geti(20, 0), outh = geti(21, outw);
    // ncnn: the full output (in-1)*s + d*(k-1) + 1 (+ output padding), cut to output_w/h or by the pads.
    auto resolve = [&](int64_t in, int64_t k, int64_t s, int64_t d, int64_t op_, int64_t target, int64_t& b,
                       int64_t& e) {
      const int64_t full = (in - 1) * s + d * (k - 1) + 1 + op_;
      if (target > 0 || b == -233 || b == -234) {
        const int64_t want = target > 0 ? target : in * s;
        const int64_t cut = full - want;
        if (cut < 0) fail(fmt::format("output size {} larger than the full deconvolution output {}", want, full));
        const bool lower = b == -234;
        b = lower ? cut - cut / 2 : cut / 2;
        e = cut - b;
      }
    };
    resolve(w, kw, sw, dw, opw, outw, pl, pr);
    resolve(h, kh, sh, dh, oph, outh, pt, pb);
    for (int64_t p : {pl, pr, pt, pb}) window(p, "padding", 0);
    Operator op = new_op(OpType::ConvTranspose, cur_->name);
    op.attrs.kernel_shape = {kh, kw};
    op.attrs.strides = {sh, sw};
    op.attrs.dilations = {dh, dw};
    op.attrs.pads = {pt, pl, pb, pr};
    op.attrs.output_padding = {oph, opw};
    op.attrs.group = group;
    op.attrs.units = n;
    if (geti(8, 0) != 0) op.compute_type = DataType::int8;
    op.inputs = {x};
    const Shape ws{cin, n / group, kh, kw};
    check_weight_size(6, ws);
    op.weights.push_back(weight(cur_->name + ".weight", ws));
    if (geti(5, 0)) op.weights.push_back(weight(cur_->name + ".bias", {n}));
    finish_activation(emit1(std::move(op), pre_activation_name()));
  }

  void inner_product() {
    need(1, 1);
    TensorId x = activation(0);
    const int64_t n = positive(geti(0, 0), "num_output");
    const int64_t size = geti(2, 0);
    if (size < 1 || size % n != 0) fail(fmt::format("weight_data_size {} is not a multiple of num_output {}", size, n));
    const int64_t k = size / n;
    const Shape xs = shape(x);
    std::optional<DataType> compute;
    if (geti(8, 0) != 0) compute = DataType::int8;
    Operator op = new_op(OpType::Gemm, cur_->name);
    op.attrs.units = n;
    op.compute_type = compute;
    TensorId in2 = x;
    if (dims(x) == 2 && xs.back() == k) {
      // ncnn: a 2-D blob whose rows hold num_input values is a batch of rows.
      finish_activation(linear(x, n, geti(1, 0) != 0, cur_->name, pre_activation_name(), compute));
      return;
    }
    if (xs.size() != 2) in2 = flatten(x, 1, cur_->name + "/flatten", cur_->bottoms[0] + "#flat");
    if (shape(in2).back() != k)
      fail(fmt::format("input [{}] holds {} values a sample, the weights expect {}", shape_to_string(xs, ','),
                       shape(in2).back(), k));
    op.inputs = {in2};
    op.weights.push_back(weight(cur_->name + ".weight", {n, k}));
    if (geti(1, 0)) op.weights.push_back(weight(cur_->name + ".bias", {n}));
    finish_activation(emit1(std::move(op), pre_activation_name()));
  }

  void gemm() {
    const bool ca = geti(4, 0) != 0, cb = geti(5, 0) != 0, cc = geti(6, 0) != 0;
    const bool ta = geti(2, 0) != 0, tb = geti(3, 0) != 0;
    if (cur_->tops.size() != 1) fail("expects 1 top");
    const size_t want = (ca ? 0 : 1) + (cb ? 0 : 1);
    if (cur_->bottoms.size() < want || cur_->bottoms.size() > want + 1)
      fail(fmt::format("expects {} bottom(s), has {}", want, cur_->bottoms.size()));
    const int64_t m_const = geti(7, 0), n_const = geti(8, 0), k_const = geti(9, 0);
    const std::string& name = cur_->name;
    if (ca && cb) fail("both A and B constant: nothing to compute");
    if (!ca && !cb) {
      TensorId a = activation(0), b = activation(1);
      if (ta) a = transpose_last2(a, name + "/transA", cur_->bottoms[0] + "#T");
      if (tb) b = transpose_last2(b, name + "/transB", cur_->bottoms[1] + "#T");
      Operator op = new_op(OpType::MatMul, name);
      op.inputs = {a, b};
      bind(top(), emit1(std::move(op), top()));
      return;
    }
    if (cb) {
      TensorId a = activation(0);
      if (ta) a = transpose_last2(a, name + "/transA", cur_->bottoms[0] + "#T");
      const int64_t k = shape(a).back();
      if (k_const > 0 && k_const != k) fail(fmt::format("constantK {} but A has {} columns", k_const, k));
      bind(top(), linear(a, positive(n_const, "constantN"), cc, name, top()));
      return;
    }
    // Constant A [M, K] times activation B: (B^T A^T)^T.
    TensorId b = activation(0);
    if (!tb) b = transpose_last2(b, name + "/transB", cur_->bottoms[0] + "#T");
    TensorId y = linear(b, positive(m_const, "constantM"), cc, name, top() + "#T");
    bind(top(), transpose_last2(y, name + "/transpose", top()));
  }
  TensorId transpose_last2(TensorId x, const std::string& name, const std::string& out) {
    const auto r = static_cast<int64_t>(shape(x).size());
    if (r < 2) fail("needs a 2-D operand");
    std::vector<int64_t> perm(static_cast<size_t>(r));
    for (int64_t i = 0; i < r; ++i) perm[static_cast<size_t>(i)] = i;
    std::swap(perm[static_cast<size_t>(r - 1)], perm[static_cast<size_t>(r - 2)]);
    return transpose(x, perm, name, out);
  }

  void pooling() {
    need(1, 1);
    TensorId x = activation(0);
    if (dims(x) != 3) fail(fmt::format("expects a 3-D (c,h,w) blob, got [{}]", shape_to_string(shape(x), ',')));
    const int64_t type = geti(0, 0);
    if (type != 0 && type != 1) fail(fmt::format("unknown pooling_type {}", type));
    const OpType pool = type == 0 ? OpType::MaxPool : OpType::AveragePool;
    const Shape xs = shape(x);
    const int64_t h = xs[2], w = xs[3];
    Operator op = new_op(pool, cur_->name);
    op.attrs.count_include_pad = geti(6, 0) != 0;  // avgpool_count_include_pad
    op.inputs = {x};
    if (geti(4, 0) != 0) {  // global: a 1-D blob of channels
      if (pool == OpType::AveragePool) {
        op.type = OpType::GlobalAveragePool;
      } else {
        op.attrs.kernel_shape = {h, w};
        op.attrs.strides = {1, 1};
        op.attrs.pads = {0, 0, 0, 0};
      }
      TensorId y = emit1(std::move(op), top() + "#4d");
      bind(top(), flatten(y, 1, cur_->name + "/flatten", top()));
      return;
    }
    if (geti(7, 0) != 0) {  // adaptive: out_w (8), out_h (18)
      const int64_t ow = positive(geti(8, 0), "adaptive out_w"), oh = positive(geti(18, ow), "adaptive out_h");
      if (ow > w || oh > h) fail("adaptive pooling output larger than its input");
      const int64_t sw_ = w / ow, sh_ = h / oh;
      op.attrs.strides = {sh_, sw_};
      op.attrs.kernel_shape = {h - (oh - 1) * sh_, w - (ow - 1) * sw_};
      op.attrs.pads = {0, 0, 0, 0};
      bind(top(), emit1(std::move(op), top()));
      return;
    }
    const int64_t kw = window(geti(1, 0), "kernel_w"), kh = window(geti(11, kw), "kernel_h");
    const int64_t sw = window(geti(2, 1), "stride_w"), sh = window(geti(12, sw), "stride_h");
    int64_t pl = window(geti(3, 0), "pad_left", 0), pr = window(geti(14, pl), "pad_right", 0);
    int64_t pt = window(geti(13, pl), "pad_top", 0), pb = window(geti(15, pt), "pad_bottom", 0);
    const int64_t mode = geti(5, 0);
    if (mode == 0) {  // full: pad the tail so that the last window fits (ceil)
      if (w + pl + pr < kw || h + pt + pb < kh) fail("pooling window larger than the padded input");
      const int64_t wtail = (w + pl + pr - kw) % sw, htail = (h + pt + pb - kh) % sh;
      if (wtail) pr += sw - wtail;
      if (htail) pb += sh - htail;
    } else if (mode == 2 || mode == 3) {  // SAME_UPPER / SAME_LOWER
      const int64_t wpad = std::max<int64_t>(0, kw + (w - 1) / sw * sw - w);
      const int64_t hpad = std::max<int64_t>(0, kh + (h - 1) / sh * sh - h);
      pl = mode == 2 ? wpad / 2 : wpad - wpad / 2;
      pr = wpad - pl;
      pt = mode == 2 ? hpad / 2 : hpad - hpad / 2;
      pb = hpad - pt;
    } else if (mode != 1) {
      fail(fmt::format("unknown pad_mode {}", mode));
    }
    op.attrs.kernel_shape = {kh, kw};
    op.attrs.strides = {sh, sw};
    op.attrs.pads = {pt, pl, pb, pr};
    op.attrs.ceil_mode = false;
    bind(top(), emit1(std::move(op), top()));
  }

  // Shape of operand `small` as ncnn broadcasts it against `big`: a lower-rank blob whose outer
  // axis matches the other's (a per-channel vector against a feature map) aligns to the outer axes;
  // otherwise it aligns to the inner ones, as numpy does.
  static Shape aligned(const Shape& small, const Shape& big) {
    if (small.size() >= big.size() || small.size() < 2) return small;
    const size_t r = small.size() - 1;
    bool outer = small[1] == big[1] && small[1] != 1;
    for (size_t i = 0; outer && i < r; ++i) outer = small[1 + i] == big[1 + i] || small[1 + i] == 1;
    if (!outer) return small;
    Shape s = small;
    s.resize(big.size(), 1);
    return s;
  }

  // An elementwise operator over the bottoms (activations and MemoryData constants).
  void elementwise(OpType type, const std::vector<TensorId>& operands, const std::string& name, const std::string& out) {
    Shape big;
    for (TensorId t : operands)
      if (shape(t).size() > big.size()) big = shape(t);
    Operator op = new_op(type, name);
    std::vector<Shape> active, constant;  // the shape rule takes the activations first
    for (size_t i = 0; i < operands.size(); ++i) {
      TensorId t = operands[i];
      Shape s = aligned(shape(t), big);
      if (!is_const(t)) {
        if (s != shape(t)) t = reshape(t, s, name + "/expand" + (i ? std::to_string(i) : ""), net_.tensor(t).name + "#expand");
        op.inputs.push_back(t);
        active.push_back(s);
      } else {
        op.weights.push_back(t);
        constant.push_back(s);
      }
    }
    if (active.empty()) fail("all operands are MemoryData constants; tilesim needs an activation");
    std::vector<Shape> shapes = active;
    shapes.insert(shapes.end(), constant.begin(), constant.end());
    bind(out, emit1(std::move(op), out, &shapes));
  }

  void binary_op() {
    if (cur_->tops.size() != 1) fail("expects 1 top");
    const int64_t t = geti(0, 0);
    static const OpType types[] = {OpType::Add, OpType::Sub, OpType::Mul, OpType::Div, OpType::Max,
                                   OpType::Min, OpType::Pow, OpType::Sub, OpType::Div, OpType::Pow};
    if (t < 0 || t > 9) return unknown(fmt::format("BinaryOp op_type {} (atan2 or unknown)", t));
    const bool reverse = t >= 7;
    if (geti(1, 0) != 0) {  // with_scalar
      need(1, 1);
      TensorId x = activation(0);
      TensorId b = weight(cur_->name + ".b", {1}, false);
      elementwise(types[t], {x, b}, cur_->name, top());
      return;
    }
    need(2, 1);
    TensorId a = blob(0), b = blob(1);
    if (reverse) std::swap(a, b);
    elementwise(types[t], {a, b}, cur_->name, top());
  }

  void eltwise() {
    if (cur_->tops.size() != 1 || cur_->bottoms.size() < 2) fail("expects 2 or more bottoms and 1 top");
    const int64_t t = geti(0, 0);  // ncnn's default: product
    OpType type;
    switch (t) {
      case 0: type = OpType::Mul; break;
      case 1: type = OpType::Add; break;
      case 2: type = OpType::Max; break;
      default: fail(fmt::format("unknown Eltwise op_type {}", t));
    }
    std::vector<TensorId> xs;
    for (size_t i = 0; i < cur_->bottoms.size(); ++i) xs.push_back(blob(i));
    // More than two operands: a chain, the last step carrying the layer's name.
    TensorId acc = xs[0];
    for (size_t i = 1; i < xs.size(); ++i) {
      const bool last = i + 1 == xs.size();
      const std::string out = last ? top() : top() + "#" + std::to_string(i);
      elementwise(type, {acc, xs[i]}, last ? cur_->name : cur_->name + "#" + std::to_string(i), out);
      acc = blobs_.at(out);
    }
  }

  void concat() {
    if (cur_->tops.size() != 1 || cur_->bottoms.empty()) fail("expects bottoms and 1 top");
    std::vector<TensorId> xs;
    for (size_t i = 0; i < cur_->bottoms.size(); ++i) xs.push_back(blob(i));
    const int64_t d = dims(xs[0]);
    Operator op = new_op(OpType::Concat, cur_->name);
    op.attrs.axis = axis(geti(0, 0), d);
    std::vector<Shape> shapes;
    for (TensorId t : xs) {
      (is_const(t) ? op.weights : op.inputs).push_back(t);
      shapes.push_back(shape(t));
    }
    if (op.inputs.empty()) fail("all bottoms are MemoryData constants");
    bind(top(), emit1(std::move(op), top(), &shapes));
  }

  void split() {
    if (cur_->bottoms.size() != 1) fail("expects 1 bottom");
    // ncnn's Split hands out references to one blob: no copy, no operator.
    for (const auto& t : cur_->tops) bind(t, blob(0));
  }

  void slice() {
    if (cur_->bottoms.size() != 1 || cur_->tops.empty()) fail("expects 1 bottom and tops");
    TensorId x = activation(0);
    const int64_t ax = axis(geti(1, 0), dims(x));
    const int64_t total = shape(x)[static_cast<size_t>(ax)];
    auto slices = getai(0);
    if (slices.size() != cur_->tops.size())
      fail(fmt::format("{} slices for {} tops", slices.size(), cur_->tops.size()));
    std::vector<int64_t> sizes;
    int64_t used = 0;
    const auto n = static_cast<int64_t>(slices.size());
    for (int64_t i = 0; i < n; ++i) {
      int64_t s = slices[static_cast<size_t>(i)];
      if (s == kSentinel) s = (total - used) / (n - i);
      else if (s == -1 && i == n - 1) s = total - used;
      if (s < 1) fail(fmt::format("slice {} has size {} (axis of {})", i, s, total));
      sizes.push_back(s);
      used += s;
      if (used > total) fail(fmt::format("slices add to more than the axis' {}", total));
    }
    Operator op = new_op(OpType::Split, cur_->name);
    op.attrs.axis = ax;
    op.attrs.split = sizes;
    op.inputs = {x};
    std::vector<Shape> in{shape(x)};
    if (used != total) {
      // ncnn leaves the rest of the axis unused; model it as a Split of the whole and ignore the rest.
      op.attrs.split.push_back(total - used);
      auto outs_names = cur_->tops;
      outs_names.push_back(cur_->name + "#rest");
      auto outs = emit(std::move(op), outs_names);
      for (size_t i = 0; i < cur_->tops.size(); ++i) bind(top(i), outs[i]);
      return;
    }
    auto outs = emit(std::move(op), cur_->tops);
    for (size_t i = 0; i < outs.size(); ++i) bind(top(i), outs[i]);
  }

  void crop() {
    if (cur_->bottoms.empty() || cur_->bottoms.size() > 2 || cur_->tops.size() != 1)
      fail("expects 1 or 2 bottoms and 1 top");
    TensorId x = activation(0);
    const Shape xs = shape(x);
    const int64_t d = dims(x);
    // [begin, end) per our axis.
    std::vector<std::pair<int64_t, int64_t>> range(xs.size());
    for (size_t i = 0; i < xs.size(); ++i) range[i] = {0, xs[i]};
    auto set = [&](int64_t our_axis, int64_t begin, int64_t len) {
      auto& r = range[static_cast<size_t>(our_axis)];
      const int64_t size = xs[static_cast<size_t>(our_axis)];
      if (begin < 0 || len < 1 || begin + len > size)
        fail(fmt::format("crop [{}, {}) outside an axis of {}", begin, begin + len, size));
      r = {begin, begin + len};
    };
    const auto starts = getai(9), ends = getai(10), axes = getai(11);
    if (cur_->bottoms.size() == 2) {  // crop to the reference blob's size at the given offsets
      const Shape& ref = shape(blob(1));
      const int64_t off[3] = {geti(2, 0), geti(1, 0), geti(0, 0)};  // c, h, w offsets
      for (int64_t i = 0; i < d && i < 3; ++i) {
        const int64_t our = static_cast<int64_t>(xs.size()) - 1 - i;  // w, h, c from the inside
        const int64_t ref_axis = static_cast<int64_t>(ref.size()) - 1 - i;
        if (ref_axis < 1) continue;
        set(our, off[2 - i], ref[static_cast<size_t>(ref_axis)]);
      }
    } else if (!starts.empty() && !ends.empty()) {  // numpy-style starts/ends/axes
      if (starts.size() != ends.size() || (!axes.empty() && axes.size() != starts.size()))
        fail("starts, ends and axes differ in length");
      for (size_t i = 0; i < starts.size(); ++i) {
        const int64_t a = axes.empty() ? static_cast<int64_t>(i) : axes[i];
        const int64_t our = axis(a, d);
        const int64_t size = xs[static_cast<size_t>(our)];
        int64_t b = starts[i], e = ends[i];
        if (b == kSentinel) b = 0;
        if (e == kSentinel) e = size;
        b = b >= 0 ? b : size + b;
        e = std::min(size, e > 0 ? e : size + e);
        set(our, b, e - b);
      }
    } else {  // offsets 0..2 (w, h, c) and sizes 3..5, second offsets 6..8 cut from the end
      const int64_t offs[3] = {geti(0, 0), geti(1, 0), geti(2, 0)};
      const int64_t outs[3] = {geti(3, 0), geti(4, 0), geti(5, 0)};
      const int64_t offs2[3] = {geti(6, 0), geti(7, 0), geti(8, 0)};
      for (int64_t i = 0; i < d && i < 3; ++i) {
        const int64_t our = static_cast<int64_t>(xs.size()) - 1 - i;
        const int64_t size = xs[static_cast<size_t>(our)];
        int64_t len = size - offs[i] - offs2[i];
        if (outs[i] > 0) len = std::min(outs[i], len);
        set(our, offs[i], len);
      }
    }
    TensorId y = x;
    std::vector<size_t> cut;
    for (size_t i = 1; i < xs.size(); ++i)
      if (range[i].first != 0 || range[i].second != xs[i]) cut.push_back(i);
    if (cut.empty()) {
      bind(top(), unary(OpType::Identity, x, cur_->name, top()));
      return;
    }
    for (size_t j = 0; j < cut.size(); ++j) {
      const bool last = j + 1 == cut.size();
      Operator op = new_op(OpType::Slice, j == 0 ? cur_->name : cur_->name + "#" + std::to_string(j));
      op.attrs.axis = static_cast<int64_t>(cut[j]);
      op.attrs.split = {range[cut[j]].first, range[cut[j]].second};
      op.inputs = {y};
      y = emit1(std::move(op), last ? top() : top() + "#" + std::to_string(j));
    }
    bind(top(), y);
  }

  void shuffle_channel() {
    need(1, 1);
    TensorId x = activation(0);
    if (dims(x) != 3) fail("expects a 3-D (c,h,w) blob");
    int64_t g = positive(geti(0, 1), "group");
    const int64_t c = shape(x)[1];
    if (c % g != 0) fail(fmt::format("{} channels do not divide into {} groups", c, g));
    if (geti(1, 0) != 0) g = c / g;  // reverse
    Operator op = new_op(OpType::ChannelShuffle, cur_->name);
    op.attrs.group = g;
    op.inputs = {x};
    bind(top(), emit1(std::move(op), top()));
  }

  void interp() {
    if (cur_->bottoms.empty() || cur_->bottoms.size() > 2 || cur_->tops.size() != 1)
      fail("expects 1 or 2 bottoms and 1 top");
    TensorId x = activation(0);
    if (dims(x) != 3) fail("expects a 3-D (c,h,w) blob");
    const Shape xs = shape(x);
    const int64_t type = geti(0, 0);
    ResizeMode mode = ResizeMode::nearest;
    if (type == 2) mode = ResizeMode::linear;  // bilinear
    else if (type == 3) mode = ResizeMode::cubic;
    else if (type != 1 && type != 0) fail(fmt::format("unknown resize_type {}", type));
    int64_t oh = geti(3, 0), ow = geti(4, 0);
    if (cur_->bottoms.size() == 2) {
      const Shape& ref = shape(blob(1));
      if (ref.size() != 4) fail("the reference blob must be 3-D");
      oh = ref[2];
      ow = ref[3];
    } else if (oh == 0 || ow == 0) {
      const double hs = getf(1, 1.0), ws = getf(2, 1.0);
      const double h = static_cast<double>(xs[2]) * hs, w = static_cast<double>(xs[3]) * ws;
      if (!(h >= 1 && h <= kMaxIntParam && w >= 1 && w <= kMaxIntParam))
        fail(fmt::format("scales {} x {} give an absurd output", hs, ws));
      oh = static_cast<int64_t>(h);
      ow = static_cast<int64_t>(w);
    }
    Operator op = new_op(OpType::Resize, cur_->name);
    op.attrs.target_shape = {positive(oh, "output height"), positive(ow, "output width")};
    op.attrs.resize_mode = mode;
    op.inputs = {x};
    bind(top(), emit1(std::move(op), top()));
  }

  void reshape_layer() {
    if (cur_->bottoms.empty() || cur_->tops.size() != 1) fail("expects a bottom and 1 top");
    TensorId x = activation(0);
    const Shape xs = shape(x);
    const int64_t w = geti(0, kSentinel), h = geti(1, kSentinel), c = geti(2, kSentinel), dd = geti(11, kSentinel);
    // ncnn: 0 takes the input's size on that axis, -1 infers, -233 leaves the axis out.
    auto in_dim = [&](int inner_index) -> int64_t {  // 0 = w, 1 = h, 2 = d, 3 = c of the input
      const auto r = static_cast<int64_t>(xs.size()) - 1;
      static const int map3[] = {0, 1, -1, 2};  // for 3-D: c is 2 from the inside
      int idx = inner_index;
      if (r == 3) idx = map3[inner_index];
      if (idx < 0 || idx >= r) fail("0 (keep the input's size) names an axis the input lacks");
      return xs[static_cast<size_t>(r - idx)];
    };
    std::vector<int64_t> ncnn;  // outer to inner
    if (w == kSentinel) fail("no output width (0=)");
    if (h == kSentinel) ncnn = {w};
    else if (c == kSentinel) ncnn = {h, w};
    else if (dd == kSentinel) ncnn = {c, h, w};
    else ncnn = {c, dd, h, w};
    const int inner_of[4][4] = {{0}, {1, 0}, {3, 1, 0}, {3, 2, 1, 0}};
    Shape target{1};
    for (size_t i = 0; i < ncnn.size(); ++i) {
      int64_t v = ncnn[i];
      if (v == 0) v = in_dim(inner_of[ncnn.size() - 1][i]);
      if (v < -1 || v == 0) fail(fmt::format("reshape size {} is neither positive, 0 nor -1", ncnn[i]));
      target.push_back(v);
    }
    bind(top(), reshape(x, target, cur_->name, top()));
  }

  void permute() {
    need(1, 1);
    TensorId x = activation(0);
    const int64_t order = geti(0, 0);
    const int64_t d = dims(x);
    std::vector<int64_t> perm;
    if (d == 1) {
      if (order != 0) fail(fmt::format("order_type {} on a 1-D blob", order));
      perm = {0, 1};
    } else if (d == 2) {
      if (order == 0) perm = {0, 1, 2};
      else if (order == 1) perm = {0, 2, 1};
      else fail(fmt::format("order_type {} on a 2-D blob", order));
    } else if (d == 3) {
      static const std::vector<int64_t> perms[6] = {{0, 1, 2, 3}, {0, 1, 3, 2}, {0, 2, 1, 3},
                                                    {0, 2, 3, 1}, {0, 3, 1, 2}, {0, 3, 2, 1}};
      if (order < 0 || order > 5) fail(fmt::format("order_type {} on a 3-D blob", order));
      perm = perms[order];
    } else {
      fail("Permute of a 4-D blob is not supported");
    }
    bind(top(), transpose(x, perm, cur_->name, top()));
  }

  void flatten_layer() {
    need(1, 1);
    bind(top(), flatten(activation(0), 1, cur_->name, top()));
  }

  void padding() {
    if (cur_->bottoms.empty() || cur_->tops.size() != 1) fail("expects a bottom and 1 top");
    TensorId x = activation(0);
    const int64_t t = window(geti(0, 0), "top", -kMaxWindow), b = window(geti(1, 0), "bottom", -kMaxWindow);
    const int64_t l = window(geti(2, 0), "left", -kMaxWindow), r = window(geti(3, 0), "right", -kMaxWindow);
    const int64_t f = window(geti(7, 0), "front", -kMaxWindow), bh = window(geti(8, 0), "behind", -kMaxWindow);
    const int64_t d = dims(x);
    std::vector<int64_t> pads;
    if (d == 1) pads = {0, l, 0, r};
    else if (d == 2) pads = {0, t, l, 0, b, r};
    else if (d == 3) pads = {0, f, t, l, 0, bh, b, r};
    else fail("Padding of a 4-D blob is not supported");
    Operator op = new_op(OpType::Pad, cur_->name);
    op.attrs.pads = pads;
    op.inputs = {x};
    bind(top(), emit1(std::move(op), top()));
  }

  void softmax() {
    need(1, 1);
    TensorId x = activation(0);
    Operator op = new_op(OpType::Softmax, cur_->name);
    op.attrs.axis = axis(geti(0, 0), dims(x));
    op.inputs = {x};
    bind(top(), emit1(std::move(op), top()));
  }

  void relu() {
    need(1, 1);
    const double slope = getf(0, 0.0);
    bind(top(), unary(slope != 0.0 ? OpType::LeakyRelu : OpType::Relu, activation(0), cur_->name, top()));
  }
  void clip() {
    need(1, 1);
    Operator op = new_op(OpType::Clip, cur_->name);
    op.attrs.clip_min = static_cast<float>(getf(0, -3.4e38));
    op.attrs.clip_max = static_cast<float>(getf(1, 3.4e38));
    op.inputs = {activation(0)};
    bind(top(), emit1(std::move(op), top()));
  }
  void simple() {
    need(1, 1);
    static const std::unordered_map<std::string, OpType> types = {
        {"Swish", OpType::Swish},     {"HardSwish", OpType::HardSwish}, {"HardSigmoid", OpType::HardSigmoid},
        {"Sigmoid", OpType::Sigmoid}, {"GELU", OpType::Gelu},           {"TanH", OpType::Tanh},
        {"Mish", OpType::Mish},       {"AbsVal", OpType::Abs},          {"Dropout", OpType::Dropout},
    };
    bind(top(), unary(types.at(cur_->type), activation(0), cur_->name, top()));
  }
  void unary_op() {
    need(1, 1);
    static const std::map<int64_t, OpType> types = {
        {0, OpType::Abs}, {1, OpType::Neg}, {5, OpType::Sqrt}, {7, OpType::Exp},
        {8, OpType::Log}, {15, OpType::Reciprocal}, {16, OpType::Tanh},
    };
    const int64_t t = geti(0, 0);
    auto it = types.find(t);
    if (it == types.end()) return unknown(fmt::format("UnaryOp op_type {}", t));
    bind(top(), unary(it->second, activation(0), cur_->name, top()));
  }

  // The axis a per-channel parameter of `channels` values applies to (ncnn: c of 3-D, h of 2-D, w of 1-D).
  void check_channels(TensorId x, int64_t channels) const {
    if (shape(x).size() < 2 || shape(x)[1] != channels)
      fail(fmt::format("{} channels, the blob is [{}]", channels, shape_to_string(shape(x), ',')));
  }

  void batch_norm() {
    need(1, 1);
    TensorId x = activation(0);
    const int64_t c = positive(geti(0, 0), "channels");
    check_channels(x, c);
    Operator op = new_op(OpType::BatchNormalization, cur_->name);
    op.inputs = {x};
    op.weights = {weight(cur_->name + ".slope", {c}), weight(cur_->name + ".bias", {c}),
                  weight(cur_->name + ".mean", {c}, false), weight(cur_->name + ".var", {c}, false)};
    bind(top(), emit1(std::move(op), top()));
  }

  void scale() {
    if (cur_->tops.size() != 1 || cur_->bottoms.empty() || cur_->bottoms.size() > 2) fail("expects 1 or 2 bottoms and 1 top");
    TensorId x = activation(0);
    const int64_t size = geti(0, 0);
    if (size == kSentinel || cur_->bottoms.size() == 2) {  // the scale is the second bottom
      if (cur_->bottoms.size() != 2) fail("scale_data_size -233 needs a second bottom");
      elementwise(OpType::Mul, {x, blob(1)}, cur_->name, top());
      return;
    }
    check_channels(x, positive(size, "scale_data_size"));
    Operator op = new_op(OpType::Mul, cur_->name);
    op.inputs = {x};
    op.weights.push_back(weight(cur_->name + ".scale", {size}));
    if (geti(1, 0)) op.weights.push_back(weight(cur_->name + ".bias", {size}));
    bind(top(), emit1(std::move(op), top()));
  }

  void lrn() {
    need(1, 1);
    Operator op = new_op(OpType::LRN, cur_->name);
    op.attrs.size = window(geti(1, 5), "local_size");
    op.inputs = {activation(0)};
    bind(top(), emit1(std::move(op), top()));
  }

  void reduction() {
    need(1, 1);
    TensorId x = activation(0);
    static const OpType types[] = {OpType::ReduceSum,  OpType::ReduceL1,        OpType::ReduceSumSquare,
                                   OpType::ReduceMean, OpType::ReduceMax,       OpType::ReduceMin,
                                   OpType::ReduceProd, OpType::ReduceL1,        OpType::ReduceL2,
                                   OpType::ReduceLogSumExp, OpType::ReduceLogSumExp};
    const int64_t t = geti(0, 0);
    if (t < 0 || t > 10) fail(fmt::format("unknown Reduction operation {}", t));
    const int64_t d = dims(x);
    Operator op = new_op(types[t], cur_->name);
    op.attrs.keepdims = geti(4, 0) != 0;
    const bool all = geti(1, 0) != 0;
    const bool fixbug0 = geti(5, 0) != 0;
    if (!all) {
      const auto axes = getai(3);
      if (axes.empty()) fail("reduces no axes (give 1=1 or -23303 axes)");
      std::set<int64_t> seen;
      for (int64_t a : axes) {
        // Before fixbug0, axes counted the batch of the model ncnn was converted from.
        const int64_t our = fixbug0 ? axis(a, d) : (a < 0 ? axis(a, d) : a);
        if (our < 1 || our > d) fail(fmt::format("axis {} out of range for a {}-D blob", a, d));
        if (!seen.insert(our).second) fail(fmt::format("axis {} given twice", a));
        op.attrs.axes.push_back(our);
      }
    } else {
      for (int64_t a = 1; a <= d; ++a) op.attrs.axes.push_back(a);
    }
    op.inputs = {x};
    const bool scalar = !op.attrs.keepdims && static_cast<int64_t>(op.attrs.axes.size()) == d;
    TensorId y = emit1(std::move(op), scalar ? top() + "#0d" : top());
    if (scalar) y = reshape(y, {1, 1}, cur_->name + "/reshape", top());  // ncnn: a 1-D blob of one value
    bind(top(), y);
  }

  void layer_norm() {
    need(1, 1);
    TensorId x = activation(0);
    const int64_t size = positive(geti(0, 0), "affine_size");
    const Shape& xs = shape(x);
    int64_t prod = 1, ax = static_cast<int64_t>(xs.size());
    while (ax > 1 && prod < size) prod *= xs[static_cast<size_t>(--ax)];
    if (prod != size) fail(fmt::format("affine_size {} is not the size of the inner axes of [{}]", size, shape_to_string(xs, ',')));
    Operator op = new_op(OpType::LayerNormalization, cur_->name);
    op.attrs.axis = ax;
    op.inputs = {x};
    if (geti(2, 1)) op.weights = {weight(cur_->name + ".gamma", {size}), weight(cur_->name + ".beta", {size})};
    bind(top(), emit1(std::move(op), top()));
  }

  // q, k, v projections, per-head q k^T, softmax, attention times v, output projection.
  void multi_head_attention() {
    if (cur_->tops.size() != 1 || cur_->bottoms.empty() || cur_->bottoms.size() > 4)
      fail("expects 1 to 3 bottoms (q, k, v; and an optional mask) and 1 top");
    const int64_t e = positive(geti(0, 0), "embed_dim"), heads = positive(geti(1, 1), "num_head");
    if (e % heads != 0) fail(fmt::format("embed_dim {} does not divide into {} heads", e, heads));
    const int64_t kdim = positive(geti(3, e), "kdim"), vdim = positive(geti(4, e), "vdim");
    const int64_t qsize = geti(2, 0);
    if (qsize != e * e) fail(fmt::format("weight_data_size {} is not embed_dim^2 ({})", qsize, e * e));
    const bool masked = geti(5, 0) != 0;
    const size_t n_inputs = cur_->bottoms.size() - (masked ? 1 : 0);
    if (n_inputs < 1 || n_inputs > 3) fail("needs q, and optionally k and v");
    TensorId q = activation(0);
    TensorId k = n_inputs >= 2 ? activation(1) : q;
    TensorId v = n_inputs == 3 ? activation(2) : k;
    for (TensorId t : {q, k, v})
      if (dims(t) != 2) fail(fmt::format("expects 2-D (seq, embed) blobs, got [{}]", shape_to_string(shape(t), ',')));
    if (shape(q)[2] != e || shape(k)[2] != kdim || shape(v)[2] != vdim)
      fail("input widths do not match embed_dim, kdim and vdim");
    const std::string& n = cur_->name;
    const int64_t hd = e / heads, sq = shape(q)[1], sk = shape(k)[1];
    if (shape(v)[1] != sk) fail("k and v differ in sequence length");
    auto project = [&](TensorId x, const char* part, std::vector<int64_t> perm) {
      TensorId x2 = flatten(x, 2, n + "/" + part + "_flatten", n + "#" + part + "_in");
      Operator op = new_op(OpType::Gemm, n + "/" + part + "_proj");
      op.attrs.units = e;
      op.inputs = {x2};
      op.weights = {weight(op.name + ".weight", {e, shape(x).back()}), weight(op.name + ".bias", {e})};
      TensorId y = emit1(std::move(op), n + "#" + part);
      const int64_t s = shape(y)[0];
      y = reshape(y, {s, heads, hd}, n + "/" + part + "_heads", n + "#" + part + "_heads");
      return transpose(y, perm, n + "/" + part + "_transpose", n + "#" + part + "_t");
    };
    TensorId qh = project(q, "q", {1, 0, 2});  // [H, Sq, d]
    TensorId kh = project(k, "k", {1, 2, 0});  // [H, d, Sk]
    TensorId vh = project(v, "v", {1, 0, 2});  // [H, Sk, d]
    Operator qk = new_op(OpType::MatMul, n + "/qk");
    qk.inputs = {qh, kh};
    TensorId scores = emit1(std::move(qk), n + "#scores");
    Operator sm = new_op(OpType::Softmax, n + "/softmax");
    sm.attrs.axis = 2;
    sm.inputs = {scores};
    TensorId attn = emit1(std::move(sm), n + "#attn");
    Operator av = new_op(OpType::MatMul, n + "/av");
    av.inputs = {attn, vh};
    TensorId ctx = emit1(std::move(av), n + "#ctx");  // [H, Sq, d]
    ctx = transpose(ctx, {1, 0, 2}, n + "/ctx_transpose", n + "#ctx_t");
    ctx = reshape(ctx, {sq, e}, n + "/ctx_merge", n + "#ctx_merged");
    Operator out = new_op(OpType::Gemm, n + "/out_proj");
    out.attrs.units = e;
    out.inputs = {ctx};
    out.weights = {weight(out.name + ".weight", {e, e}), weight(out.name + ".bias", {e})};
    TensorId y = emit1(std::move(out), n + "#out");
    bind(top(), reshape(y, {1, sq, e}, n + "/reshape", top()));
  }

  void noop() {
    // ncnn's Noop passes its bottoms through in place: top i is bottom i.
    if (cur_->tops.size() > cur_->bottoms.size()) fail("has more tops than bottoms");
    for (size_t i = 0; i < cur_->tops.size(); ++i)
      bind(top(i), unary(OpType::Identity, activation(i), i ? cur_->name + "#" + std::to_string(i) : cur_->name, top(i)));
  }

  void prior_box() {
    if (cur_->bottoms.empty() || cur_->bottoms.size() > 2 || cur_->tops.size() != 1)
      fail("expects 1 or 2 bottoms (feature, image) and 1 top");
    TensorId feat = activation(0);
    if (dims(feat) != 3) fail("expects a 3-D feature blob");
    const auto min_sizes = geta(0), max_sizes = geta(1), ratios = geta(2);
    const bool flip = geti(7, 1) != 0;
    const bool mmdet = geti(14, 0) != 0;
    int64_t num_prior = 0;
    if (mmdet) {
      num_prior = static_cast<int64_t>(min_sizes.size() * ratios.size());
    } else {
      const auto nmin = static_cast<int64_t>(min_sizes.size()), nmax = static_cast<int64_t>(max_sizes.size());
      const auto nar = static_cast<int64_t>(ratios.size());
      num_prior = nmin * nar + nmin + nmax;
      if (flip) num_prior += nmin * nar;
    }
    if (num_prior < 1) fail("no prior boxes (min_sizes empty)");
    const int64_t cells = shape(feat)[2] * shape(feat)[3];
    Operator op = new_op(OpType::PriorBox, cur_->name);
    op.attrs.output_shapes = {{1, 2, 4 * num_prior * cells}};  // ncnn: 2 rows (boxes, variances)
    for (size_t i = 0; i < cur_->bottoms.size(); ++i) op.inputs.push_back(activation(i));
    bind(top(), emit1(std::move(op), top()));
  }

  void detection_output() {
    if (cur_->bottoms.empty() || cur_->tops.size() != 1) fail("expects bottoms and 1 top");
    Operator op = new_op(OpType::DetectionOutput, cur_->name);
    for (size_t i = 0; i < cur_->bottoms.size(); ++i) op.inputs.push_back(activation(i));
    if (auto h = hinted_shapes()) {
      op.attrs.output_shapes = *h;
    } else {
      // The number of detections depends on the data: a nominal keep_top_k rows of 6 values.
      const int64_t keep = cur_->type == "DetectionOutput" ? geti(3, 100) : 100;
      op.attrs.output_shapes = {{1, keep > 0 ? std::min<int64_t>(keep, 1 << 20) : 100, 6}};
    }
    bind(top(), emit1(std::move(op), top()));
  }

  const std::string& path_;
  const ImportOptions& opt_;
  Network net_;
  std::string stem_;
  int64_t layer_count_ = 0, blob_count_ = 0;
  int counts_line0_ = 1;
  bool input_seen_ = false;
  std::unordered_map<std::string, TensorId> blobs_;
  const LayerLine* cur_ = nullptr;
  std::set<std::string> warned_types_;
};

}  // namespace

Network import_ncnn_param(const std::string& path, const ImportOptions& options) {
  return Importer(path, options).run();
}

}  // namespace tilesim
