#pragma once
// The plain graph that the ONNX module (libtilesim_onnx.so, onnx_module.cpp) reads out of a model
// file: what the importer needs of it and nothing else (weights are shapes; only small constants
// keep their values). The module owns protobuf and libonnx, so that runs importing no ONNX file
// never load them; this header is all the two sides share.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tilesim::onnx_ir {

// ONNX TensorProto.DataType values the importer tells apart.
enum ElemType : int32_t {
  kUndefined = 0, kFloat = 1, kUint8 = 2, kInt8 = 3, kUint16 = 4, kInt16 = 5, kInt32 = 6, kInt64 = 7,
  kString = 8, kBool = 9, kFloat16 = 10, kDouble = 11, kUint32 = 12, kUint64 = 13, kBfloat16 = 16,
};

// Constants with more elements than this keep their shape only.
constexpr int64_t kMaxConstantValues = 4096;

struct ConstTensor {
  std::string name;
  int32_t elem_type = kFloat;
  std::vector<int64_t> dims;
  bool has_values = false;     // values known (small constants)
  std::vector<double> values;  // row-major, as doubles (integers exact below 2^53)
  bool external = false;       // data lives in an external-data file (checked, not read unless small)
};

struct Attribute {
  enum Kind { kOther, kInt, kFloat, kString, kInts, kFloats, kTensor, kStrings };
  std::string name;
  Kind kind = kOther;
  int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  ConstTensor t;
};

struct Node {
  std::string name, op_type, domain;
  std::vector<std::string> inputs, outputs;  // "" marks an omitted optional input
  std::vector<Attribute> attributes;

  const Attribute* attr(const std::string& n) const {
    for (const auto& a : attributes)
      if (a.name == n) return &a;
    return nullptr;
  }
};

struct ValueInfo {
  std::string name;
  int32_t elem_type = kUndefined;
  bool has_shape = false;
  std::vector<int64_t> dims;  // -1: unknown (symbolic) dimension
};

struct Graph {
  std::string name, producer;
  int64_t opset = 0;                  // of the default (ai.onnx) domain
  std::vector<ValueInfo> inputs;      // graph inputs that are not initializers
  std::vector<ValueInfo> outputs;
  std::vector<ValueInfo> value_info;  // after ONNX shape inference
  std::vector<ConstTensor> initializers;
  std::vector<Node> nodes;
  std::vector<std::string> warnings;
};

struct ReadRequest {
  std::optional<std::vector<int64_t>> input;  // replaces the first graph input's shape before inference
};

// The module's one entry point: false with *error set on anything malformed.
using ReadFn = bool (*)(const char* path, const ReadRequest* request, Graph* out, std::string* error);
constexpr const char* kReadSymbol = "tilesim_onnx_read";
constexpr const char* kModuleFile = "libtilesim_onnx.so";

}  // namespace tilesim::onnx_ir
