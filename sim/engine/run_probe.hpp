#pragma once
// What calibration records of a CPU run to predict it at other efficiencies and overheads without
// simulating it again: each phase's time and, per slot, its arithmetic seconds (what an efficiency
// scales), the seconds its items would take with free arithmetic, and its busy seconds.
#include <string>
#include <vector>

#include "kernels/kernel_class.hpp"
#include "sim/workload/data_type.hpp"

namespace tilesim {

struct PhaseSample {
  KernelClass kernel_class = KernelClass::elementwise;
  DataType precision = DataType::fp32;
  double seconds = 0;  // its first item's start to its last item's end (no barrier)
  struct Slot {
    double arithmetic = 0;  // seconds of arithmetic at the efficiency the run used
    double memory = 0;      // seconds the items would take with arithmetic free (L1 and memory)
    double busy = 0;        // seconds the items took
  };
  std::vector<Slot> slots;  // in slot order
};

struct RunProbe {
  int threads = 1;
  std::vector<std::string> slot_family;  // the core family of each slot
  std::vector<PhaseSample> phases;       // of the reported run, in order
  int64_t layers = 0;                    // layers that ran a kernel
  int64_t wakeups = 0, barriers = 0;     // of them, those that woke the threads; loops that ended in a barrier
};

}  // namespace tilesim
