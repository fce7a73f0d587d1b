#include "traces/child_reader.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define TILESIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TILESIM_ASAN 1
#endif
#endif
#ifdef TILESIM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace tilesim {
namespace {

// The child's answer: a status byte (0 = the file, 1 = an error message), then the payload, each
// string and vector preceded by its length.
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
  e.bytes.push_back('\0');
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

void write_all(int fd, const std::string& bytes) {
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void run_child(int fd, const std::string& path, const std::function<bool(Hdf5File&, std::string&)>& read,
                            const ChildLimits& limits) {
  // The child's crash is the failure it exists to contain: it dies by the signal, which the parent
  // reports, and no handler of the parent's (a fuzzer's, a sanitizer's death callback) acts on it.
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(s, SIG_DFL);
#ifdef TILESIM_ASAN  // a sanitizer's report on the library's memory errors ends the child alone
  __sanitizer_set_death_callback(nullptr);
#else  // AddressSanitizer reserves terabytes of address space for its shadow
  const rlimit as{static_cast<rlim_t>(limits.address_space_bytes), static_cast<rlim_t>(limits.address_space_bytes)};
  ::setrlimit(RLIMIT_AS, &as);
#endif
  std::string out;
  try {
    Hdf5File f;
    std::string error;
    if (read(f, error)) {
      out = encode(f);
    } else {
      out = std::string(1, '\1') + error;
    }
  } catch (const std::exception& e) {
    out = std::string(1, '\1') + fmt::format("{}: {}", path, e.what());
  }
  write_all(fd, out);
  ::_exit(0);  // no atexit handlers, no static destructors: the parent owns those
}

}  // namespace

Hdf5File read_in_child(const std::string& path, const std::function<bool(Hdf5File&, std::string&)>& read,
                       const ChildLimits& limits) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], path, read, limits);
  }
  ::close(fds[1]);
  std::string bytes;
  bool overran = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits.seconds);
  for (char buf[65536];;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fds[0], POLLIN, 0};
    const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      overran = true;
      ::kill(pid, SIGKILL);
      break;
    }
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (overran)
    throw ConfigError(fmt::format("{}: reading it did not finish in {} s: the file is malformed", path, limits.seconds));
  if (WIFSIGNALED(status))
    throw ConfigError(fmt::format("{}: the HDF5 library crashed reading it (signal {}, {}): the file is malformed", path,
                                  WTERMSIG(status), strsignal(WTERMSIG(status))));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || bytes.empty())
    throw ConfigError(fmt::format("{}: reading it failed (the reader exited with status {})", path,
                                  WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  if (bytes[0] != '\0') throw ConfigError(bytes.substr(1));
  try {
    return decode(bytes.substr(1));
  } catch (const std::exception& e) {
    throw ConfigError(fmt::format("{}: the reader's answer was malformed ({})", path, e.what()));
  }
}

}  // namespace tilesim
