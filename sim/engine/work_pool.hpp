#pragma once
// The one simulation loop of tilesim: a pool of slots (CPU cores, GPU workgroup slots) drains a
// phase's work items. Each item costs arithmetic, on-chip memory time and a DRAM transfer; the
// transfers in flight share DRAM under max-min fairness; events run in (time, priority, order).
// What differs between a CPU and a GPU is behind two small interfaces: the Executor (what an item
// costs on a slot, how the slot overlaps compute and memory) and the ItemSource (which item a free
// slot takes next: static chunks, dynamic tiles, waves).
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/kernel_plan.hpp"
#include "sim/engine/bandwidth_sharing.hpp"
#include "sim/engine/event_queue.hpp"
#include "sim/engine/timeline.hpp"

namespace tilesim {

// What one work item costs on the slot that runs it.
struct ItemCost {
  double compute = 0;  // seconds of arithmetic (or of L1 traffic, where that is longer)
  double arithmetic = 0;  // CPU: of which arithmetic alone (what a kernel's efficiency scales)
  double l1 = 0;          // CPU: of which L1 traffic alone
  double on_chip = 0;  // seconds at the cache levels past the L1, plus exposed DRAM latency
  double energy = 0;   // joules
  int64_t dram = 0;    // bytes to and from DRAM
  Flow flow;           // the limits its DRAM transfer passes through
};

class Executor {
 public:
  virtual ~Executor() = default;
  virtual ItemCost cost(int slot, const KernelPlan& plan, const Phase& phase, const WorkItem& item) = 0;
  // Seconds an item takes on `slot` from its arithmetic and memory seconds, as the slot overlaps them.
  virtual double overlapped(int slot, double compute, double memory) const = 0;
  virtual int track(int slot) const { return slot; }  // its timeline track
};

// Which item a slot that falls free takes next.
class ItemSource {
 public:
  // OpenMP schedule(static): `threads` contiguous chunks, thread t on slot t mod slots (threads
  // beyond the slots time-share them).
  static ItemSource static_chunks(int64_t items, int threads, int slots);
  // One queue every free slot takes from in order (pthreadpool's work stealing; GPU waves).
  static ItemSource shared_queue(int64_t items);

  int64_t next(int slot);  // -1: nothing left for this slot

 private:
  std::vector<std::vector<int64_t>> chunks_;  // static: each slot's items, in order
  std::vector<size_t> cursor_;
  int64_t next_ = 0, end_ = 0;                // shared queue
};

// What a layer's slots did, summed over its phases as items end (the layer's time split).
struct SlotTally {
  std::vector<double> busy, compute;      // seconds per slot
  // Only where `split` is set (calibration's probe): the busy time's two sides.
  bool split = false;
  std::vector<double> arithmetic;         // seconds per slot (ItemCost::arithmetic)
  std::vector<double> memory_bound;       // seconds per slot its items would take with free arithmetic
  double mean_busy = 0, mean_compute = 0;  // seconds per slot, averaged over each phase's slots
  double energy = 0;                      // joules
  int64_t dram = 0;                       // bytes
};

class WorkPool {
 public:
  explicit WorkPool(bool record_timeline) {
    if (record_timeline) timeline_ = std::make_shared<Timeline>();
  }

  // Runs one phase of `plan` over `slots` slots from `start` on a clock that starts at `origin`
  // of the run (the layer's, or the dispatch's, start); returns when its last item ends. DRAM
  // limits: `limits[i]` is shared limit i's capacity in bytes/s (0 = none), as ItemCost::flow names them.
  double run_phase(const KernelPlan& plan, const Phase& phase, int slots, ItemSource& source, Executor& executor,
                   const std::vector<double>& limits, double origin, int layer, double start, SlotTally& tally);

  // After a warm-up: what it drew is not part of the run.
  void clear_timeline();
  std::shared_ptr<Timeline> timeline() const { return timeline_; }
  uint64_t events() const { return events_.pushed(); }

 private:
  struct Event {
    enum Kind { next_item, transfer_done, item_done } kind;
    int slot;
    uint64_t version;  // transfer_done: the re-division it was scheduled by
  };
  // At equal times: free slots pick up work first, then items end, then transfers complete.
  enum Priority { kNextItem = 0, kItemDone = 1, kTransferDone = 2 };

  struct Running {
    int64_t item = -1;
    double start = 0;
    double memory = 0;  // its on-chip and DRAM seconds, once the transfer is done
    ItemCost cost;
  };

  void start_item(int slot, int64_t item, double now);
  void finish_item(int slot, double now);  // its DRAM transfer (if any) is done
  void reschedule_transfers(double now);

  EventQueue<Event> events_;
  std::shared_ptr<Timeline> timeline_;
  // The phase being run.
  std::vector<Running> running_;
  TransferSet transfers_{0, {}};
  const KernelPlan* plan_ = nullptr;
  const Phase* phase_ = nullptr;
  Executor* executor_ = nullptr;
  double origin_ = 0;
};

}  // namespace tilesim
