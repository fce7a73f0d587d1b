#pragma once
// DRAM bandwidth shared by every transfer active at a moment, as SimGrid's fluid model shares a
// link: max-min fairness under nested limits (each flow's own cap, its cluster's, the memory's),
// re-solved whenever a transfer starts or ends.
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
