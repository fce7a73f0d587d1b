#pragma once
// Progress of a long loop (validating a dataset, calibrating, sweeping), shown on a terminal: one
// line on stderr with the rate and the time left, rewritten at most a few times a second, cleared
// when done. Where stderr is not a terminal (scripts, CI, tests) it is silent, so that outputs stay
// what they were, or, for loops that run for hours (a sweep's log), a plain line every 10 seconds.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace tilesim {

class Progress {
 public:
  enum class Untty { silent, lines };  // where stderr is not a terminal
  Progress(std::string what, size_t total, Untty untty = Untty::silent);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void tick();  // one more done; safe from parallel tasks

  // Ticks when it goes out of scope: a task counts as done however it ends (a row left out too).
  struct Tick {
    Progress& progress;
    ~Tick() { progress.tick(); }
  };

 private:
  std::string what_;
  size_t total_;
  bool shown_;
  bool lines_;  // plain lines, not one rewritten line
  std::atomic<size_t> done_{0};
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace tilesim
