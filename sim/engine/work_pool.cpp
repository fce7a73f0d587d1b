#include "sim/engine/work_pool.hpp"

#include <algorithm>

namespace tilesim {

ItemSource ItemSource::static_chunks(int64_t items, int threads, int slots) {
  ItemSource s;
  s.chunks_.resize(static_cast<size_t>(slots));
  s.cursor_.assign(static_cast<size_t>(slots), 0);
  int64_t next = 0;
  for (int t = 0; t < threads; ++t) {
    const int64_t count = items / threads + (t < items % threads ? 1 : 0);
    for (int64_t i = 0; i < count; ++i) s.chunks_[static_cast<size_t>(t % slots)].push_back(next++);
  }
  return s;
}

ItemSource ItemSource::shared_queue(int64_t items) {
  ItemSource s;
  s.end_ = items;
  return s;
}

int64_t ItemSource::next(int slot) {
  if (chunks_.empty()) return next_ < end_ ? next_++ : -1;
  auto& cursor = cursor_[static_cast<size_t>(slot)];
  const auto& chunk = chunks_[static_cast<size_t>(slot)];
  return cursor < chunk.size() ? chunk[cursor++] : -1;
}

double WorkPool::run_phase(const KernelPlan& plan, const Phase& phase, int slots, ItemSource& source,
                           Executor& executor, const std::vector<double>& limits, double origin, int layer,
                           double start, SlotTally& tally) {
  if (phase.items.empty()) return start;
  plan_ = &plan;
  phase_ = &phase;
  executor_ = &executor;
  origin_ = origin;
  running_.assign(static_cast<size_t>(slots), Running{});
  transfers_ = TransferSet(static_cast<size_t>(slots), limits);
  tally.busy.resize(std::max(tally.busy.size(), static_cast<size_t>(slots)), 0.0);
  tally.compute.resize(tally.busy.size(), 0.0);
  if (tally.split) {
    tally.arithmetic.resize(tally.busy.size(), 0.0);
    tally.memory_bound.resize(tally.busy.size(), 0.0);
  }
  for (int s = 0; s < slots; ++s) events_.push(start, kNextItem, Event{Event::next_item, s, 0});
  double end = start;
  while (!events_.empty()) {
    const auto e = events_.pop();
    const int s = e.payload.slot;
    switch (e.payload.kind) {
      case Event::next_item: {
        end = std::max(end, e.time);
        const int64_t item = source.next(s);
        if (item >= 0) start_item(s, item, e.time);
        break;
      }
      case Event::transfer_done:
        if (!transfers_.complete(s, e.payload.version, e.time)) break;  // superseded by a re-division
        reschedule_transfers(e.time);
        finish_item(s, e.time);
        break;
      case Event::item_done: {
        Running& run = running_[static_cast<size_t>(s)];
        const double took = e.time - run.start;
        const double computing = std::min(run.cost.compute, took);
        tally.busy[static_cast<size_t>(s)] += took;
        tally.compute[static_cast<size_t>(s)] += computing;
        if (tally.split) {
          tally.arithmetic[static_cast<size_t>(s)] += run.cost.arithmetic;
          tally.memory_bound[static_cast<size_t>(s)] += executor.overlapped(s, run.cost.l1, run.memory);
        }
        tally.mean_busy += took / slots;
        tally.mean_compute += computing / slots;
        tally.energy += run.cost.energy;
        tally.dram += run.cost.dram;
        if (timeline_)
          timeline_->slices.push_back(TimelineSlice{executor.track(s), origin + run.start, origin + e.time, layer,
                                                    phase.name, phase.items[static_cast<size_t>(run.item)].flops,
                                                    run.cost.dram});
        run.item = -1;
        events_.push(e.time, kNextItem, Event{Event::next_item, s, 0});
        end = std::max(end, e.time);
        break;
      }
    }
  }
  return end;
}

void WorkPool::start_item(int s, int64_t item, double now) {
  Running& run = running_[static_cast<size_t>(s)];
  run.item = item;
  run.start = now;
  run.cost = executor_->cost(s, *plan_, *phase_, phase_->items[static_cast<size_t>(item)]);
  if (run.cost.dram == 0) {
    finish_item(s, now);
    return;
  }
  transfers_.start(s, static_cast<double>(run.cost.dram), run.cost.flow, now);
  reschedule_transfers(now);
}

// The item's memory time is what its on-chip traffic took plus its DRAM transfer; it ends when
// both that and its arithmetic are done, as far as the slot overlaps them.
void WorkPool::finish_item(int s, double now) {
  Running& run = running_[static_cast<size_t>(s)];
  run.memory = run.cost.on_chip + (now - run.start);
  const double took = executor_->overlapped(s, run.cost.compute, run.memory);
  events_.push(run.start + took, kItemDone, Event{Event::item_done, s, 0});
}

// After transfers started or ended: re-divides the bandwidth, schedules when each active transfer
// now completes, and records the bandwidth in use on the timeline.
void WorkPool::reschedule_transfers(double now) {
  double in_use = 0;
  for (const auto& c : transfers_.next_completions(now, &in_use))
    events_.push(c.time, kTransferDone, Event{Event::transfer_done, c.owner, c.version});
  if (timeline_) timeline_->counters.push_back(CounterSample{"DRAM bandwidth (GB/s)", origin_ + now, in_use / 1e9});
}

void WorkPool::clear_timeline() {
  if (!timeline_) return;
  timeline_->slices.clear();
  timeline_->counters.clear();
}

}  // namespace tilesim
