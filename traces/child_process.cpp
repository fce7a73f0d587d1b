#include "traces/child_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

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

void write_all(int fd, const std::string& bytes) {
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// The answer is a status byte (0: work's bytes follow; 1: an error message follows).
[[noreturn]] void run_child(int fd, const std::function<std::string()>& work, const ChildLimits& limits) {
  // The child's crash is the failure it exists to contain: it dies by the signal, which the parent
  // reports, and no handler of the parent's (a fuzzer's, a sanitizer's death callback) acts on it.
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(s, SIG_DFL);
#ifdef TILESIM_ASAN  // a sanitizer's report on the library's memory errors ends the child, as a crash
  __sanitizer_set_death_callback([] { ::raise(SIGABRT); });
#else  // AddressSanitizer reserves terabytes of address space for its shadow
  const rlimit as{static_cast<rlim_t>(limits.address_space_bytes), static_cast<rlim_t>(limits.address_space_bytes)};
  ::setrlimit(RLIMIT_AS, &as);
#endif
  std::string out;
  try {
    out = std::string(1, '\0') + work();
  } catch (const std::exception& e) {
    out = std::string(1, '\1') + e.what();
  }
  write_all(fd, out);
  ::_exit(0);  // no atexit handlers, no static destructors: the parent owns those
}

std::atomic<int> child_seconds{20};

}  // namespace

int default_child_seconds() { return child_seconds.load(); }
void set_default_child_seconds(int seconds) { child_seconds.store(seconds); }

std::string run_in_child(const std::string& path, const std::string& library, const std::function<std::string()>& work,
                         const ChildLimits& limits) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], work, limits);
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
  const std::string file = path.empty() ? "" : path + ": ";
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (overran)
    throw ConfigError(file + "reading it did not finish in " + std::to_string(limits.seconds) +
                      " s: the file is malformed");
  if (WIFSIGNALED(status))
    throw ConfigError(file + library + " crashed reading it (signal " + std::to_string(WTERMSIG(status)) + ", " +
                      strsignal(WTERMSIG(status)) + "): the file is malformed");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || bytes.empty())
    throw ConfigError(file + "reading it failed (the reader exited with status " +
                      std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  if (bytes[0] != '\0') throw ConfigError(bytes.substr(1));
  return bytes.substr(1);
}

}  // namespace tilesim
