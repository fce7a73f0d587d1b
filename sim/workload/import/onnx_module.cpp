// libtilesim_onnx.so: reads an ONNX model file with protobuf, runs ONNX's shape inference and hands
// back the plain graph of onnx_graph.hpp. A module loaded on first use (see onnx_model.cpp), so
// that protobuf and libonnx (whose operator schemas register themselves at load) cost no run that
// imports no ONNX file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/unknown_field_set.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "sim/workload/import/onnx_graph.hpp"
#include "sim/workload/import/onnx_module_wire.hpp"
#include "traces/child_process.hpp"

namespace tilesim::onnx_ir {
namespace {

class ReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr int64_t kMaxElements = int64_t{1} << 36;  // as tensor.hpp's kMaxTensorElements
constexpr int64_t kMaxSmallBytes = 64 * 1024;

int64_t element_size(int32_t t) {
  switch (t) {
    case kFloat: case kInt32: case kUint32: return 4;
    case kUint8: case kInt8: case kBool: return 1;
    case kUint16: case kInt16: case kFloat16: case kBfloat16: return 2;
    case kInt64: case kDouble: case kUint64: return 8;
    case 14: return 8;   // complex64
    case 15: return 16;  // complex128
    default: return 0;   // strings, undefined
  }
}

double half_to_double(uint16_t h) {
  const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  const double sign = (h & 0x8000) ? -1.0 : 1.0;
  if (e == 0) return sign * std::ldexp(m, -24);
  if (e == 31) return m ? std::numeric_limits<double>::quiet_NaN() : sign * std::numeric_limits<double>::infinity();
  return sign * std::ldexp(1024 + m, e - 25);
}

double decode(const char* p, int32_t t) {
  auto get = [p](auto v) {
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  switch (t) {
    case kFloat: return get(float{});
    case kDouble: return get(double{});
    case kInt64: return static_cast<double>(get(int64_t{}));
    case kUint64: return static_cast<double>(get(uint64_t{}));
    case kInt32: return get(int32_t{});
    case kUint32: return get(uint32_t{});
    case kInt16: return get(int16_t{});
    case kUint16: return get(uint16_t{});
    case kInt8: return get(int8_t{});
    case kUint8: case kBool: return get(uint8_t{});
    case kFloat16: return half_to_double(get(uint16_t{}));
    case kBfloat16: {
      const uint32_t bits = uint32_t{get(uint16_t{})} << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    default: return 0;
  }
}

struct Context {
  std::filesystem::path dir;  // of the model file: external data is relative to it
  const wire::Slim* slim = nullptr;
};

// What the wire filter left out of t (none when it left nothing out).
const wire::Dropped* dropped_of(const onnx::TensorProto& t, const Context& ctx) {
  if (!ctx.slim) return nullptr;
  const auto& unknown = t.GetReflection()->GetUnknownFields(t);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const auto& f = unknown.field(i);
    if (f.number() == static_cast<int>(wire::kMarkField) && f.type() == google::protobuf::UnknownField::TYPE_VARINT &&
        f.varint() < ctx.slim->dropped.size())
      return &ctx.slim->dropped[static_cast<size_t>(f.varint())];
  }
  return nullptr;
}

// Checks a tensor's declared size against the data it holds; keeps the values of small ones.
ConstTensor convert_tensor(const onnx::TensorProto& t, const Context& ctx, const std::string& what) {
  ConstTensor c;
  c.name = t.name();
  c.elem_type = t.data_type();
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0) throw ReadError(what + " has a negative dimension " + std::to_string(d));
    if (d != 0 && n > kMaxElements / d)
      throw ReadError(what + " declares more than 2^36 elements");
    n *= d;
    c.dims.push_back(d);
  }
  const int64_t esize = element_size(c.elem_type);
  if (c.elem_type == kUndefined) throw ReadError(what + " has no data type");
  const bool small = n <= kMaxConstantValues;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    c.external = true;
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& kv : t.external_data()) {
      try {
        if (kv.key() == "location") location = kv.value();
        else if (kv.key() == "offset") offset = std::stoll(kv.value());
        else if (kv.key() == "length") length = std::stoll(kv.value());
      } catch (const std::exception&) {
        throw ReadError(what + ": external data " + kv.key() + " '" + kv.value() + "' is not a number");
      }
    }
    if (location.empty()) throw ReadError(what + ": external data names no file");
    const std::filesystem::path rel(location);
    if (rel.is_absolute()) throw ReadError(what + ": external data file '" + location + "' is an absolute path");
    for (const auto& part : rel)
      if (part == "..") throw ReadError(what + ": external data file '" + location + "' lies outside the model's folder");
    if (offset < 0) throw ReadError(what + ": external data offset is negative");
    if (esize == 0) throw ReadError(what + ": external data of a type without fixed size");
    const int64_t expected = n * esize;
    if (length < 0) length = expected;
    if (length != expected)
      throw ReadError(what + ": external data length " + std::to_string(length) + " differs from the " +
                      std::to_string(expected) + " bytes its shape needs");
    const auto file = ctx.dir / rel;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      throw ReadError(what + ": external data file '" + file.string() + "' does not exist");
    const auto size = static_cast<int64_t>(std::filesystem::file_size(file, ec));
    if (ec || offset > size || length > size - offset)
      throw ReadError(what + ": external data (offset " + std::to_string(offset) + ", " + std::to_string(length) +
                      " bytes) runs past the end of '" + file.string() + "' (" + std::to_string(size) + " bytes)");
    if (small && length <= kMaxSmallBytes) {
      std::ifstream in(file, std::ios::binary);
      std::string bytes(static_cast<size_t>(length), '\0');
      in.seekg(offset);
      if (!in.read(bytes.data(), length)) throw ReadError(what + ": cannot read external data from '" + file.string() + "'");
      for (int64_t i = 0; i < n; ++i) c.values.push_back(decode(bytes.data() + i * esize, c.elem_type));
      c.has_values = true;
    }
    return c;
  }
  // The wire filter leaves the data of large tensors out: what it left out counts as held.
  static const wire::Dropped none;
  const wire::Dropped* dropped = dropped_of(t, ctx);
  const wire::Dropped& d = dropped ? *dropped : none;
  if (t.has_raw_data() || d.raw) {
    if (esize == 0) throw ReadError(what + ": raw data of a type without fixed size");
    const uint64_t raw_size = d.raw ? d.raw_bytes : t.raw_data().size();
    if (raw_size != static_cast<uint64_t>(n * esize))
      throw ReadError(what + " holds " + std::to_string(raw_size) + " bytes of data, its shape needs " +
                      std::to_string(n * esize));
    if (small && !d.raw) {
      c.values.reserve(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) c.values.push_back(decode(t.raw_data().data() + i * esize, c.elem_type));
      c.has_values = true;
    }
    return c;
  }
  // Typed fields. Complex numbers take two entries each.
  const int64_t per = (c.elem_type == 14 || c.elem_type == 15) ? 2 : 1;
  int64_t held = 0;
  std::vector<double> vals;
  auto take = [&](const auto& field, int64_t left_out) {
    held = field.size() + left_out;
    if (small && left_out == 0 && held == n * per)
      for (auto v : field) vals.push_back(static_cast<double>(v));
  };
  switch (c.elem_type) {
    case kFloat: case 14: take(t.float_data(), d.float_n); break;
    case kDouble: case 15: take(t.double_data(), d.double_n); break;
    case kInt64: take(t.int64_data(), d.int64_n); break;
    case kUint32: case kUint64: take(t.uint64_data(), d.uint64_n); break;
    case kString: held = t.string_data_size() + d.string_n; break;
    case kFloat16: case kBfloat16:
      held = t.int32_data_size() + d.int32_n;
      if (small && d.int32_n == 0 && held == n)
        for (int32_t v : t.int32_data()) {
          const auto bits = static_cast<uint16_t>(v);
          char b[2];
          std::memcpy(b, &bits, 2);
          vals.push_back(decode(b, c.elem_type));
        }
      break;
    default: take(t.int32_data(), d.int32_n); break;
  }
  if (held != n * per)
    throw ReadError(what + " holds " + std::to_string(held) + " values, its shape needs " + std::to_string(n * per));
  if (small && !dropped && c.elem_type != kString && per == 1) {
    c.values = std::move(vals);
    c.has_values = true;
  }
  return c;
}

ValueInfo convert_value(const onnx::ValueInfoProto& v) {
  ValueInfo out;
  out.name = v.name();
  if (!v.type().has_tensor_type()) return out;
  const auto& tt = v.type().tensor_type();
  out.elem_type = tt.elem_type();
  if (!tt.has_shape()) return out;
  out.has_shape = true;
  for (const auto& d : tt.shape().dim()) out.dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1);
  return out;
}

Attribute convert_attribute(const onnx::AttributeProto& a, const Context& ctx, const std::string& what) {
  Attribute out;
  out.name = a.name();
  switch (a.type()) {
    case onnx::AttributeProto::INT: out.kind = Attribute::kInt; out.i = a.i(); break;
    case onnx::AttributeProto::FLOAT: out.kind = Attribute::kFloat; out.f = a.f(); break;
    case onnx::AttributeProto::STRING: out.kind = Attribute::kString; out.s = a.s(); break;
    case onnx::AttributeProto::INTS:
      out.kind = Attribute::kInts;
      out.ints.assign(a.ints().begin(), a.ints().end());
      break;
    case onnx::AttributeProto::FLOATS:
      out.kind = Attribute::kFloats;
      out.floats.assign(a.floats().begin(), a.floats().end());
      break;
    case onnx::AttributeProto::STRINGS: out.kind = Attribute::kStrings; break;
    case onnx::AttributeProto::TENSOR:
      out.kind = Attribute::kTensor;
      out.t = convert_tensor(a.t(), ctx, what + " attribute " + a.name());
      break;
    default: {
      // Files from before attribute types were recorded: infer the kind from what is set.
      if (a.type() == onnx::AttributeProto::UNDEFINED) {
        if (a.has_i()) { out.kind = Attribute::kInt; out.i = a.i(); }
        else if (a.has_f()) { out.kind = Attribute::kFloat; out.f = a.f(); }
        else if (a.has_s()) { out.kind = Attribute::kString; out.s = a.s(); }
        else if (a.ints_size()) { out.kind = Attribute::kInts; out.ints.assign(a.ints().begin(), a.ints().end()); }
        else if (a.floats_size()) { out.kind = Attribute::kFloats; out.floats.assign(a.floats().begin(), a.floats().end()); }
        else if (a.has_t()) { out.kind = Attribute::kTensor; out.t = convert_tensor(a.t(), ctx, what + " attribute " + a.name()); }
      }
      break;
    }
  }
  return out;
}

void read(const std::string& path, const ReadRequest& request, Graph& g) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw ReadError("no such file");
  if (!std::filesystem::is_regular_file(path, ec)) throw ReadError("not a regular file");
  // Weights are shapes only: the wire filter leaves the data of large tensors out of what protobuf
  // parses (onnx_module_wire.hpp), so that it is never held.
  wire::Slim slim;
  bool parsed = false;
  {
    wire::MappedFile file(path);
    parsed = wire::slim_model(file.data(), file.size(), slim, [&file](size_t done) { file.release(done); });
  }
  onnx::ModelProto model;
  parsed = parsed && slim.bytes.size() <= static_cast<size_t>(std::numeric_limits<int>::max()) &&
           model.ParseFromArray(slim.bytes.data(), static_cast<int>(slim.bytes.size()));
  std::string().swap(slim.bytes);
  if (!parsed) throw ReadError("not an ONNX model (the protobuf does not parse: not protobuf, or truncated)");
  if (!model.has_graph()) throw ReadError("not an ONNX model (it holds no graph)");
  bool have_opset = false;
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      g.opset = o.version();
      have_opset = true;
    }
  if (!have_opset) throw ReadError("not an ONNX model (no opset of the default domain; truncated?)");
  if (g.opset < 7 || g.opset > 18)
    throw ReadError("opset " + std::to_string(g.opset) + " is not supported (opsets 7 to 18 are)");
  g.producer = model.producer_name();
  Context ctx;
  ctx.dir = std::filesystem::path(path).parent_path();
  ctx.slim = &slim;
  auto* graph = model.mutable_graph();
  g.name = graph->name();

  std::unordered_set<std::string> init_names;
  for (auto& t : *graph->mutable_initializer()) {
    if (t.name().empty()) throw ReadError("an initializer has no name");
    g.initializers.push_back(convert_tensor(t, ctx, "initializer '" + t.name() + "'"));
    init_names.insert(t.name());
    // Weights are shapes only: drop big data now (shape inference reads small constants only).
    if (!g.initializers.back().has_values) std::string().swap(*t.mutable_raw_data());
  }
  for (const auto& s : graph->sparse_initializer()) {
    ConstTensor c;
    c.name = s.values().name();
    c.elem_type = s.values().data_type();
    for (int64_t d : s.dims()) {
      if (d < 0) throw ReadError("sparse initializer '" + c.name + "' has a negative dimension");
      c.dims.push_back(d);
    }
    init_names.insert(c.name);
    g.initializers.push_back(std::move(c));
  }

  // The graph input: the caller's shape, and symbolic dimensions made 1.
  bool first = true;
  bool changed = false;
  for (auto& in : *graph->mutable_input()) {
    if (init_names.count(in.name())) continue;
    auto* tt = in.mutable_type()->mutable_tensor_type();
    if (first && request.input) {
      auto* shape = tt->mutable_shape();
      shape->clear_dim();
      for (int64_t d : *request.input) shape->add_dim()->set_dim_value(d);
      changed = true;
    } else if (tt->has_shape()) {
      for (auto& d : *tt->mutable_shape()->mutable_dim()) {
        if (d.has_dim_value() && d.dim_value() < 0)
          throw ReadError("input '" + in.name() + "' has a negative dimension " + std::to_string(d.dim_value()));
        if (!d.has_dim_value()) {
          g.warnings.push_back("input '" + in.name() + "': symbolic dimension '" + d.dim_param() + "' taken as 1");
          d.set_dim_value(1);
          changed = true;
        }
      }
    }
    first = false;
  }
  if (changed) {  // shapes the file states for the old input no longer hold
    graph->clear_value_info();
    for (auto& out : *graph->mutable_output()) out.mutable_type()->mutable_tensor_type()->clear_shape();
  }

  for (const auto& node : graph->node()) {
    Node n;
    n.name = node.name();
    n.op_type = node.op_type();
    n.domain = node.domain() == "ai.onnx" ? "" : node.domain();
    n.inputs.assign(node.input().begin(), node.input().end());
    n.outputs.assign(node.output().begin(), node.output().end());
    const std::string what = "node '" + (n.name.empty() ? (n.outputs.empty() ? std::string() : n.outputs[0]) : n.name) +
                             "' (" + n.op_type + ")";
    for (const auto& a : node.attribute()) n.attributes.push_back(convert_attribute(a, ctx, what));
    g.nodes.push_back(std::move(n));
  }

  // libonnx's shape inference divides by zero on some crafted files: it runs in a child process,
  // which sends back the shapes it inferred (value_info and outputs) and any reason it stopped.
  const std::string inferred = run_in_child("", "ONNX's shape inference", [&] {  // the caller names the file
    std::string stopped;
    try {
      onnx::ShapeInferenceOptions options(false, 0, true);
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
    } catch (const std::exception& e) {
      stopped = e.what();
    }
    onnx::GraphProto shapes;
    *shapes.mutable_value_info() = graph->value_info();
    *shapes.mutable_output() = graph->output();
    std::string bytes;
    shapes.SerializeToString(&bytes);
    return std::to_string(stopped.size()) + ":" + stopped + bytes;
  });
  const size_t colon = inferred.find(':');
  const size_t stopped_size = std::stoul(inferred.substr(0, colon));
  if (stopped_size) g.warnings.push_back("ONNX shape inference stopped: " + inferred.substr(colon + 1, stopped_size));
  onnx::GraphProto shapes;
  if (!shapes.ParseFromString(inferred.substr(colon + 1 + stopped_size)))
    throw ReadError("the shapes ONNX's shape inference sent back do not parse");
  graph->mutable_value_info()->Swap(shapes.mutable_value_info());
  graph->mutable_output()->Swap(shapes.mutable_output());
  for (const auto& in : graph->input())
    if (!init_names.count(in.name())) g.inputs.push_back(convert_value(in));
  for (const auto& out : graph->output()) g.outputs.push_back(convert_value(out));
  for (const auto& v : graph->value_info()) g.value_info.push_back(convert_value(v));
}

}  // namespace
}  // namespace tilesim::onnx_ir

extern "C" __attribute__((visibility("default"))) bool tilesim_onnx_read(const char* path,
                                                                         const tilesim::onnx_ir::ReadRequest* request,
                                                                         tilesim::onnx_ir::Graph* out,
                                                                         std::string* error) {
  try {
    google::protobuf::SetLogHandler(nullptr);
    *out = tilesim::onnx_ir::Graph{};
    tilesim::onnx_ir::read(path, *request, *out);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
  } catch (...) {
    *error = "unexpected failure reading the file";
  }
  return false;
}
