#include "traces/child_reader.hpp"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

namespace tilesim {
namespace {

// The file as bytes, each string and vector preceded by its length.
class Encoder {
 public:
  std::string bytes;
  void u64(uint64_t v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void text(const std::string& s) {
    u64(s.size());
    bytes += s;
  }
  void attribute(const Attribute& a) {
    u64(a.index());
    std::visit([&](const auto& v) { value(v); }, a);
  }
  void column(const Column& c) {
    u64(c.index());
    std::visit([&](const auto& v) {
      u64(v.size());
      for (const auto& x : v) value(x);
    }, c);
  }
  void attributes(const std::map<std::string, Attribute>& m) {
    u64(m.size());
    for (const auto& [k, v] : m) {
      text(k);
      attribute(v);
    }
  }

 private:
  void value(double v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void value(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void value(const std::string& v) { text(v); }
};

class Decoder {
 public:
  explicit Decoder(const std::string& b) : b_(b) {}
  uint64_t u64() {
    uint64_t v;
    take(&v, sizeof v);
    return v;
  }
  std::string text() {
    const uint64_t n = count(1);
    std::string s = b_.substr(at_, n);
    at_ += n;
    return s;
  }
  Attribute attribute() {
    switch (u64()) {
      case 0: return number();
      case 1: return static_cast<int64_t>(u64());
      case 2: return text();
    }
    throw std::runtime_error("bad attribute tag");
  }
  Column column() {
    const uint64_t tag = u64();
    if (tag == 0) return values<double>(8, [&] { return number(); });
    if (tag == 1) return values<int64_t>(8, [&] { return static_cast<int64_t>(u64()); });
    if (tag == 2) return values<std::string>(8, [&] { return text(); });
    throw std::runtime_error("bad column tag");
  }
  std::map<std::string, Attribute> attributes() {
    std::map<std::string, Attribute> m;
    for (uint64_t i = 0, n = count(16); i < n; ++i) {
      std::string k = text();
      m[k] = attribute();
    }
    return m;
  }
  // A count of items at least `least` bytes each: never more than the bytes left could hold.
  uint64_t count(uint64_t least) {
    const uint64_t n = u64();
    if (n > (b_.size() - at_) / least) throw std::runtime_error("truncated");
    return n;
  }
  bool done() const { return at_ == b_.size(); }

 private:
  double number() {
    double v;
    take(&v, sizeof v);
    return v;
  }
  template <class T, class F>
  std::vector<T> values(uint64_t least, F one) {
    std::vector<T> v(count(least));
    for (auto& x : v) x = one();
    return v;
  }
  void take(void* to, size_t n) {
    if (b_.size() - at_ < n) throw std::runtime_error("truncated");
    std::memcpy(to, b_.data() + at_, n);
    at_ += n;
  }
  const std::string& b_;
  size_t at_ = 0;
};

std::string encode(const Hdf5File& f) {
  Encoder e;
  e.attributes(f.attributes);
  e.u64(f.tables.size());
  for (const auto& [name, t] : f.tables) {
    e.text(name);
    e.attributes(t.attributes);
    e.u64(t.columns.size());
    for (const auto& [cname, c] : t.columns) {
      e.text(cname);
      e.column(c);
    }
  }
  return e.bytes;
}

Hdf5File decode(const std::string& bytes) {
  Decoder d(bytes);
  Hdf5File f;
  f.attributes = d.attributes();
  for (uint64_t i = 0, n = d.count(8); i < n; ++i) {
    auto& [name, t] = f.tables.emplace_back();
    name = d.text();
    t.attributes = d.attributes();
    for (uint64_t c = 0, m = d.count(16); c < m; ++c) {
      auto& [cname, col] = t.columns.emplace_back();
      cname = d.text();
      col = d.column();
    }
  }
  if (!d.done()) throw std::runtime_error("trailing bytes");
  return f;
}

}  // namespace

Hdf5File read_in_child(const std::string& path, const std::function<bool(Hdf5File&, std::string&)>& read,
                       const ChildLimits& limits) {
  const std::string bytes = run_in_child(path, "the HDF5 library", [&] {
    Hdf5File f;
    std::string error;
    if (!read(f, error)) throw std::runtime_error(error);
    return encode(f);
  }, limits);
  try {
    return decode(bytes);
  } catch (const std::exception& e) {
    throw ConfigError(fmt::format("{}: the reader's answer was malformed ({})", path, e.what()));
  }
}

}  // namespace tilesim
