#pragma once
// DRAM bandwidth shared by every transfer active at a moment, as SimGrid's fluid model shares a
// link: max-min fairness under nested limits (each flow's own cap, its cluster's, the memory's),
// re-solved whenever a transfer starts or ends.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tilesim {

struct Flow {
  int group = 0;        // the cluster (or the GPU) the flow comes from
  double cap = 0;       // bytes/s one core or workgroup can sustain on its own (0 = no limit)
  double rate = 0;      // bytes/s, set by solve()
};

// Water-filling: raise every unfrozen flow's rate together until a limit binds, freeze the flows
// it binds, repeat. `group_caps[g]` limits group g's flows together (0 = no limit).
void solve_max_min(std::vector<Flow*>& flows, double total_capacity, const std::vector<double>& group_caps);

}  // namespace tilesim

namespace tilesim {

// The DRAM transfers in flight, one at most per owner (a core, a GPU workgroup slot). Each start
// or end re-divides the bandwidth; the caller schedules each active transfer's completion at the
// time next_completions() reports, and ignores completions whose version has since changed.
class TransferSet {
 public:
  TransferSet(size_t owners, double capacity, std::vector<double> group_caps)
      : transfers_(owners), capacity_(capacity), group_caps_(std::move(group_caps)) {}

  struct Completion {
    int owner;
    double time;
    uint64_t version;
  };

  void start(int owner, double bytes, Flow flow, double now);
  // True when this completion is still current (no re-division moved it); the transfer then ends.
  bool complete(int owner, uint64_t version, double now);
  // Re-divides bandwidth among active transfers; their new completion times, and the total rate.
  std::vector<Completion> next_completions(double now, double* in_use = nullptr);

 private:
  struct Transfer {
    Flow flow;
    double remaining = 0;
    bool active = false;
    uint64_t version = 0;
  };
  void advance(double now);

  std::vector<Transfer> transfers_;
  double capacity_;
  std::vector<double> group_caps_;
  double last_ = 0;
};

}  // namespace tilesim
