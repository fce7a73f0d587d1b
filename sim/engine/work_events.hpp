#pragma once
// The events of a pool of executors (CPU cores, GPU workgroup slots) running work items whose
// DRAM transfers share the memory's bandwidth.
#include <cstdint>

#include "sim/engine/bandwidth_sharing.hpp"
#include "sim/engine/event_queue.hpp"
#include "sim/engine/timeline.hpp"

namespace tilesim {

struct WorkEvent {
  enum Kind { next_item, transfer_done, item_done } kind;
  int owner;         // the executor
  uint64_t version;  // transfer_done: the re-division it was scheduled by
};

// After transfers started or ended: re-divides the bandwidth, schedules when each active transfer
// now completes, and records the bandwidth in use on the timeline (when there is one).
inline void reschedule_transfers(TransferSet& transfers, EventQueue<WorkEvent>& events, double now,
                                 Timeline* timeline, double origin) {
  double in_use = 0;
  for (const auto& c : transfers.next_completions(now, &in_use))
    events.push(c.time, 2, WorkEvent{WorkEvent::transfer_done, c.owner, c.version});
  if (timeline) timeline->counters.push_back(CounterSample{"DRAM bandwidth (GB/s)", origin + now, in_use / 1e9});
}

}  // namespace tilesim
