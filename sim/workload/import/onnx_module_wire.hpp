#pragma once
// Part of libtilesim_onnx.so (onnx_module.cpp): a filter over the protobuf wire format of an ONNX
// ModelProto that runs before protobuf parses it. It copies the message, leaving out the payload
// (raw_data and the typed data fields) of the large tensors the module reads for their shape only,
// so that parsing never holds the weights. Knows no protobuf library: only the wire format.
//
// Walked and filtered: ModelProto.graph (7) -> GraphProto.initializer (5), .sparse_initializer (15),
// .node (1) -> NodeProto.attribute (5) -> AttributeProto.t (5), .tensors (10). Everything else
// (nested subgraphs, functions, training info) is copied as it is.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tilesim::onnx_ir::wire {

// What the filter left out of one TensorProto, so the module's checks on the data a tensor holds
// still see it: the size of raw_data, the number of values of each typed field.
struct Dropped {
  bool raw = false;        // raw_data was present (has_raw_data())
  uint64_t raw_bytes = 0;  // size of its last occurrence (the one protobuf keeps)
  int64_t float_n = 0, int32_n = 0, string_n = 0, int64_n = 0, double_n = 0, uint64_n = 0;
};

// The field number of the unknown varint field the filter adds to a TensorProto it slimmed (for
// initializers and AttributeProto.t): its value indexes Slim::dropped. Any such field already in
// the file is removed from every tensor the filter walks.
constexpr uint32_t kMarkField = 0x1FFFFFF0;

// Tensors with more elements than this lose their payload (onnx_graph.hpp's kMaxConstantValues:
// the module reads the values of tensors up to that size only).
constexpr int64_t kKeepElements = 4096;
constexpr int64_t kMaxElements = int64_t{1} << 36;  // the module's limit: larger tensors are errors

struct Slim {
  std::string bytes;             // the slimmed ModelProto
  std::vector<Dropped> dropped;  // indexed by the kMarkField value of a slimmed tensor
};

// The model file, mapped read-only (MAP_PRIVATE) and unmapped when this goes. Throws
// std::runtime_error "cannot open: <why>" (the module's message) or "cannot read: <why>".
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  // Unmaps the pages wholly before offset from the process (MADV_DONTNEED: a later read maps them
  // again), so that what has been looked at does not stay resident: with the large folios of
  // newer kernels' page caches one read can map megabytes.
  void release(size_t offset);

 private:
  size_t released_ = 0;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Writes the slimmed copy of the ModelProto in [data, data + size) into out. False when the bytes
// are not a well-formed protobuf message (bad varint, length past the end, wire type 6 or 7, an
// unmatched group end, field number 0, nesting past protobuf's limit of 100): what protobuf's own
// parse would refuse. Reads nothing outside [data, data + size) and sizes no allocation by a length
// it has not checked against the bytes left. consumed (if set) is told, as the filter goes, offsets
// before which it will read nothing more.
bool slim_model(const char* data, size_t size, Slim& out, const std::function<void(size_t)>& consumed = {});

}  // namespace tilesim::onnx_ir::wire
