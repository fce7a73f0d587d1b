#pragma once
// DRAM bandwidth shared by every transfer active at a moment, as SimGrid's fluid model shares a
// link (lmm): max-min fairness under a list of limits each flow passes through (its client's own
// cap, its cluster's or GPU's port, the memory's total), re-solved whenever a transfer starts or
// ends.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tilesim {

struct Flow {
  static constexpr int kMaxLimits = 4;
  double cap = 0;                        // bytes/s the client (a core, a workgroup) sustains alone (0 = no limit)
  std::array<int, kMaxLimits> limits{};  // indices of the shared limits it passes through
  int limit_count = 0;
  double rate = 0;                       // bytes/s, set by solve_max_min()

  // Adds a shared limit this flow passes through; throws std::logic_error beyond kMaxLimits.
  Flow& through(int limit);
};

// Water-filling: raise every unfrozen flow's rate together until a limit binds, freeze the flows
// it binds, repeat. `limits[i]` is shared limit i's capacity in bytes/s (0 = no limit).
void solve_max_min(std::vector<Flow*>& flows, const std::vector<double>& limits);
// The same with the solver's working lists kept by the caller, which solves again and again.
struct MaxMinScratch {
  std::vector<char> frozen;
  std::vector<double> left;
  std::vector<int> crossing;
};
void solve_max_min(std::vector<Flow*>& flows, const std::vector<double>& limits, MaxMinScratch& scratch);

// The DRAM transfers in flight, one at most per owner (a core, a GPU workgroup slot). Each start
// or end re-divides the bandwidth; the caller schedules each active transfer's completion at the
// time next_completions() reports, and ignores completions whose version has since changed.
class TransferSet {
 public:
  TransferSet(size_t owners, std::vector<double> limits) : transfers_(owners), limits_(std::move(limits)) {}

  struct Completion {
    int owner;
    double time;
    uint64_t version;
  };

  void start(int owner, double bytes, Flow flow, double now);
  // True when this completion is still current (no re-division moved it); the transfer then ends.
  bool complete(int owner, uint64_t version, double now);
  // Re-divides bandwidth among active transfers; their new completion times (valid until the next
  // call: the list is reused, as this runs on every transfer's start and end), and the total rate.
  const std::vector<Completion>& next_completions(double now, double* in_use = nullptr);

 private:
  struct Transfer {
    Flow flow;
    double remaining = 0;
    bool active = false;
    uint64_t version = 0;
  };
  void advance(double now);

  std::vector<Transfer> transfers_;
  std::vector<double> limits_;
  double last_ = 0;
  // Reused by next_completions, which runs on every transfer's start and end.
  std::vector<Flow*> active_;
  std::vector<Completion> completions_;
  MaxMinScratch scratch_;
};

}  // namespace tilesim
