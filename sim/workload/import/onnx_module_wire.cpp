// The wire-format filter of libtilesim_onnx.so: see onnx_module_wire.hpp.
//
// Where the filter cannot tell what protobuf would make of some bytes it leaves them as they are
// and lets protobuf decide: a packed field whose varints do not fill it exactly, a 10-byte varint
// with bits past 64, a dims entry it cannot decode. It refuses outright only what protobuf refuses
// too (see slim_model).
#include "sim/workload/import/onnx_module_wire.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tilesim::onnx_ir::wire {
namespace {

using u8 = unsigned char;

constexpr int kMaxDepth = 100;                  // protobuf's default recursion limit
constexpr uint64_t kMaxLength = 0x7fffffffULL - 16;  // protobuf refuses lengths this close to 2 GiB

struct Cursor {
  const u8* p;
  const u8* end;
  bool done() const { return p == end; }
};

// A varint of at most max_bytes bytes. clean: it has no bits past 64 (a 10-byte one ends in 0 or 1).
bool read_varint(Cursor& c, uint64_t& v, int max_bytes, bool* clean = nullptr) {
  v = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (c.done()) return false;
    const u8 b = *c.p++;
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      if (clean) *clean = i < 9 || b <= 1;
      return true;
    }
  }
  return false;
}

struct Field {
  uint32_t number = 0;
  int wt = 0;
  const u8* begin = nullptr;  // of the tag
  const u8* body = nullptr;   // of the payload (for wire type 2, after the length)
  const u8* end = nullptr;
  uint64_t value = 0;  // wire type 0
  bool clean = true;   // wire type 0: see read_varint
  size_t length() const { return static_cast<size_t>(end - body); }
};

bool next_field(Cursor& c, Field& f, int depth);

// Skips the fields of a group up to its end tag (a group is only ever an unknown field in ONNX).
bool skip_group(Cursor& c, uint32_t number, int depth) {
  if (depth > kMaxDepth) return false;
  while (!c.done()) {
    Cursor peek = c;
    uint64_t tag = 0;
    if (!read_varint(peek, tag, 5)) return false;
    tag &= UINT32_MAX;
    if ((tag & 7) == 4) {
      c = peek;
      return (tag >> 3) == number;
    }
    Field f;
    if (!next_field(c, f, depth)) return false;
  }
  return false;
}

// The next field at c (not done), checked against the bytes left.
bool next_field(Cursor& c, Field& f, int depth) {
  f.begin = c.p;
  uint64_t tag = 0;
  if (!read_varint(c, tag, 5)) return false;
  tag &= UINT32_MAX;  // as protobuf: a tag is the low 32 bits of a varint of up to 5 bytes
  f.number = static_cast<uint32_t>(tag >> 3);
  f.wt = static_cast<int>(tag & 7);
  if (f.number == 0) return false;
  f.body = c.p;
  f.clean = true;
  switch (f.wt) {
    case 0:
      if (!read_varint(c, f.value, 10, &f.clean)) return false;
      break;
    case 1:
      if (c.end - c.p < 8) return false;
      c.p += 8;
      break;
    case 5:
      if (c.end - c.p < 4) return false;
      c.p += 4;
      break;
    case 2: {
      uint64_t len = 0;
      if (!read_varint(c, len, 5) || len > kMaxLength) return false;
      if (len > static_cast<uint64_t>(c.end - c.p)) return false;
      f.body = c.p;
      c.p += len;
      break;
    }
    case 3:
      if (!skip_group(c, f.number, depth + 1)) return false;
      break;
    default:  // 4: the end of a group not begun; 6, 7: no such wire type
      return false;
  }
  f.end = c.p;
  return true;
}

void put_varint(std::string& out, uint64_t v) {
  char buf[10];
  int n = 0;
  do {
    const auto b = static_cast<unsigned char>(v & 0x7f);
    v >>= 7;
    buf[n++] = static_cast<char>(v ? (b | 0x80) : b);
  } while (v);
  out.append(buf, static_cast<size_t>(n));
}

// The number of varints that exactly fill [p, end), all clean; false when they do not.
bool count_varints(const u8* p, const u8* end, int64_t& n) {
  Cursor c{p, end};
  n = 0;
  while (!c.done()) {
    uint64_t v = 0;
    bool clean = true;
    if (!read_varint(c, v, 10, &clean) || !clean) return false;
    ++n;
  }
  return true;
}

class Filter {
 public:
  Filter(Slim& s, const u8* base, const std::function<void(size_t)>& consumed)
      : s_(s), out_(s.bytes), base_(base), consumed_(consumed) {}

  bool model(Cursor c) {
    while (!c.done()) {
      Field f;
      if (!next_field(c, f, 0)) return false;
      if (f.number == 7 && f.wt == 2) {
        if (!nested(f, [&](Cursor b) { return graph(b, 1); })) return false;
      } else {
        copy(f);
      }
      done(f.end);
    }
    return true;
  }

 private:
  Slim& s_;
  std::string& out_;
  const u8* base_;
  const std::function<void(size_t)>& consumed_;

  void done(const u8* p) {
    if (consumed_) consumed_(static_cast<size_t>(p - base_));
  }

  void copy(const Field& f) { out_.append(reinterpret_cast<const char*>(f.begin), static_cast<size_t>(f.end - f.begin)); }

  // Writes field f (wire type 2) with its payload as body() writes it and the length rewritten.
  template <class Body>
  bool nested(const Field& f, Body body) {
    put_varint(out_, (uint64_t{f.number} << 3) | 2);
    const size_t at = out_.size();
    if (!body(Cursor{f.body, f.end})) return false;
    const size_t len = out_.size() - at;
    if (len > kMaxLength) return false;
    std::string prefix;
    put_varint(prefix, len);
    out_.insert(at, prefix);
    return true;
  }

  bool graph(Cursor c, int depth) {
    while (!c.done()) {
      Field f;
      if (!next_field(c, f, depth)) return false;
      bool ok = true;
      if (f.wt != 2) copy(f);
      else if (f.number == 1) ok = nested(f, [&](Cursor b) { return node(b, depth + 1); });
      else if (f.number == 5) ok = nested(f, [&](Cursor b) { return tensor(b, depth + 1, true, true); });
      else if (f.number == 15) ok = nested(f, [&](Cursor b) { return sparse(b, depth + 1); });
      else copy(f);
      if (!ok) return false;
      done(f.end);
    }
    return true;
  }

  bool node(Cursor c, int depth) {
    while (!c.done()) {
      Field f;
      if (!next_field(c, f, depth)) return false;
      if (f.number == 5 && f.wt == 2) {
        if (!nested(f, [&](Cursor b) { return attribute(b, depth + 1); })) return false;
      } else {
        copy(f);
      }
    }
    return true;
  }

  bool attribute(Cursor c, int depth) {
    // A second t merges into the first when protobuf parses: what such a tensor holds is not one
    // occurrence's, so then no t loses its payload.
    int ts = 0;
    for (Cursor p = c; !p.done();) {
      Field f;
      if (!next_field(p, f, depth)) return false;
      if (f.number == 5 && f.wt == 2) ++ts;
    }
    while (!c.done()) {
      Field f;
      if (!next_field(c, f, depth)) return false;
      bool ok = true;
      if (f.wt == 2 && f.number == 5) ok = nested(f, [&](Cursor b) { return tensor(b, depth + 1, true, ts == 1); });
      else if (f.wt == 2 && f.number == 10) ok = nested(f, [&](Cursor b) { return tensor(b, depth + 1, false, true); });
      else copy(f);
      if (!ok) return false;
    }
    return true;
  }

  // The module reads neither the values nor the indices of a sparse initializer.
  bool sparse(Cursor c, int depth) {
    while (!c.done()) {
      Field f;
      if (!next_field(c, f, depth)) return false;
      if (f.wt == 2 && (f.number == 1 || f.number == 2)) {
        if (!nested(f, [&](Cursor b) { return tensor(b, depth + 1, false, true); })) return false;
      } else {
        copy(f);
      }
    }
    return true;
  }

  // Leaves out of a large tensor the payload field f, counting it into d; false to keep f.
  static bool drop(const Field& f, Dropped& d) {
    int64_t n = 0;
    switch (f.number) {
      case 9:  // raw_data
        if (f.wt != 2) return false;
        d.raw = true;
        d.raw_bytes = f.length();
        return true;
      case 4:  // float_data
        if (f.wt == 5) n = 1;
        else if (f.wt == 2 && f.length() % 4 == 0) n = static_cast<int64_t>(f.length() / 4);
        else return false;
        d.float_n += n;
        return true;
      case 10:  // double_data
        if (f.wt == 1) n = 1;
        else if (f.wt == 2 && f.length() % 8 == 0) n = static_cast<int64_t>(f.length() / 8);
        else return false;
        d.double_n += n;
        return true;
      case 6:  // string_data
        if (f.wt != 2) return false;
        d.string_n += 1;
        return true;
      case 5: case 7: case 11: {  // int32_data, int64_data, uint64_data
        if (f.wt == 0 && f.clean) n = 1;
        else if (f.wt != 2 || !count_varints(f.body, f.end, n)) return false;
        (f.number == 5 ? d.int32_n : f.number == 7 ? d.int64_n : d.uint64_n) += n;
        return true;
      }
      default:
        return false;
    }
  }

  // A TensorProto: the payload goes when the dims make it larger than kKeepElements (or invalid:
  // the module then refuses it before reading any data) and may_drop; record: mark it for the module.
  bool tensor(Cursor c, int depth, bool record, bool may_drop) {
    if (depth > kMaxDepth) return false;
    int64_t n = 1;
    bool invalid = false;
    for (Cursor p = c; !p.done();) {
      Field f;
      if (!next_field(p, f, depth)) return false;
      if (f.number != 1 || !may_drop) continue;
      auto dim = [&](uint64_t v) {
        const auto d = static_cast<int64_t>(v);
        if (invalid) return;
        if (d < 0 || (d != 0 && n > kMaxElements / d)) invalid = true;
        else n *= d;
      };
      if (f.wt == 0) {
        if (f.clean) dim(f.value);
        else may_drop = false;  // not sure what protobuf makes of it
      } else if (f.wt == 2) {
        Cursor q{f.body, f.end};
        while (!q.done()) {
          uint64_t v = 0;
          bool clean = true;
          if (!read_varint(q, v, 10, &clean) || !clean) {
            may_drop = false;
            break;
          }
          dim(v);
        }
      }
    }
    const bool slim = may_drop && (invalid || n > kKeepElements);
    Dropped d;
    bool any = false;
    while (!c.done()) {
      Field f;
      if (!next_field(c, f, depth)) return false;
      if (f.number == kMarkField) continue;  // not ours: would mislead the module
      if (slim && drop(f, d)) {
        any = true;
        continue;
      }
      copy(f);
    }
    if (any && record) {
      put_varint(out_, uint64_t{kMarkField} << 3);
      put_varint(out_, s_.dropped.size());
      s_.dropped.push_back(d);
    }
    return true;
  }
};

}  // namespace

MappedFile::MappedFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < 0) {
    const int e = errno;
    ::close(fd);
    throw std::runtime_error(std::string("cannot read: ") + std::strerror(e));
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int e = errno;
      ::close(fd);
      throw std::runtime_error(std::string("cannot read: ") + std::strerror(e));
    }
    data_ = static_cast<const char*>(p);
  }
  ::close(fd);
}

void MappedFile::release(size_t offset) {
  static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  if (!data_ || offset > size_) return;
  const size_t upto = offset / page * page;
  if (upto < released_ + (size_t{1} << 20)) return;  // in steps of 1 MiB at least
  ::madvise(const_cast<char*>(data_) + released_, upto - released_, MADV_DONTNEED);
  released_ = upto;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

bool slim_model(const char* data, size_t size, Slim& out, const std::function<void(size_t)>& consumed) {
  out = Slim{};
  if (size == 0) return true;
  const auto* p = reinterpret_cast<const u8*>(data);
  Filter filter(out, p, consumed);
  if (!filter.model(Cursor{p, p + size})) {
    out = Slim{};
    return false;
  }
  return true;
}

}  // namespace tilesim::onnx_ir::wire
