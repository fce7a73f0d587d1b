#pragma once
// Progress of a long loop (validating a dataset, calibrating), shown on a terminal: one line on
// stderr, rewritten at most a few times a second, cleared when done. Silent where stderr is not a
// terminal (scripts, CI, tests), so that outputs stay what they were.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace tilesim {

class Progress {
 public:
  Progress(std::string what, size_t total);
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
  std::atomic<size_t> done_{0};
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace tilesim
