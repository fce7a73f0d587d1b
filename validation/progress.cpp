#include "validation/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace tilesim {

Progress::Progress(std::string what, size_t total, Untty untty)
    : what_(std::move(what)), total_(total), shown_(total > 0 && (::isatty(STDERR_FILENO) == 1 || untty == Untty::lines)),
      lines_(::isatty(STDERR_FILENO) != 1), start_(std::chrono::steady_clock::now()), last_(start_) {}

Progress::~Progress() {
  if (shown_ && !lines_) std::fprintf(stderr, "\r\033[K");
}

void Progress::tick() {
  const size_t done = ++done_;
  if (!shown_) return;
  const auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_, std::try_to_lock);
  const auto every = lines_ ? std::chrono::milliseconds(10000) : std::chrono::milliseconds(200);
  if (!lock || (now - last_ < every && !(done == total_ && !lines_))) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double left = done > 0 ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done) : 0;
  std::fprintf(stderr, "%s%s: %zu/%zu (%.0f%%), %.1f/s, %.0f s, about %.0f s left%s", lines_ ? "" : "\r\033[K",
               what_.c_str(), done, total_, 100.0 * static_cast<double>(done) / static_cast<double>(total_),
               elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0, elapsed, left, lines_ ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace tilesim
