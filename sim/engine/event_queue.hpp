#pragma once
// Discrete-event queue ordered by (time, priority, insertion sequence), so identical inputs
// replay identically, bit for bit (SST-core's ordering).
#include <cstdint>
#include <queue>
#include <vector>

namespace tilesim {

template <class Payload>
class EventQueue {
 public:
  struct Event {
    double time;
    int priority;    // lower runs first at equal times
    uint64_t sequence;
    Payload payload;
  };

  void push(double time, int priority, Payload p) { heap_.push(Event{time, priority, next_++, std::move(p)}); }
  bool empty() const { return heap_.empty(); }
  Event pop() {
    Event e = heap_.top();
    heap_.pop();
    return e;
  }
  uint64_t pushed() const { return next_; }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      if (a.time != b.time) return a.time > b.time;
      if (a.priority != b.priority) return a.priority > b.priority;
      return a.sequence > b.sequence;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  uint64_t next_ = 0;
};

}  // namespace tilesim
