#include "sim/engine/bandwidth_sharing.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace tilesim {

void solve_max_min(std::vector<Flow*>& flows, double total_capacity, const std::vector<double>& group_caps) {
  constexpr double kNone = std::numeric_limits<double>::infinity();
  std::vector<bool> frozen(flows.size(), false);
  for (Flow* f : flows) {
    // A group without a cap entry would index past group_caps: a caller's bug, not a user's input.
    if (f->group < 0 || static_cast<size_t>(f->group) >= group_caps.size())
      throw std::logic_error("solve_max_min: a flow's group has no entry in group_caps");
    f->rate = 0;
  }
  double total_left = total_capacity;
  std::vector<double> group_left(group_caps.size());
  for (size_t g = 0; g < group_caps.size(); ++g) group_left[g] = group_caps[g] > 0 ? group_caps[g] : kNone;
  size_t unfrozen = flows.size();
  while (unfrozen > 0) {
    // The smallest equal increment any limit allows.
    std::vector<int> per_group(group_caps.size(), 0);
    for (size_t i = 0; i < flows.size(); ++i)
      if (!frozen[i]) ++per_group[static_cast<size_t>(flows[i]->group)];
    double step = total_left / static_cast<double>(unfrozen);
    for (size_t g = 0; g < group_caps.size(); ++g)
      if (per_group[g] > 0) step = std::min(step, group_left[g] / per_group[g]);
    for (size_t i = 0; i < flows.size(); ++i)
      if (!frozen[i] && flows[i]->cap > 0) step = std::min(step, flows[i]->cap - flows[i]->rate);
    step = std::max(step, 0.0);
    for (size_t i = 0; i < flows.size(); ++i)
      if (!frozen[i]) {
        flows[i]->rate += step;
        group_left[static_cast<size_t>(flows[i]->group)] -= step;
        total_left -= step;
      }
    // Freeze every flow a binding limit holds.
    constexpr double kEps = 1e-9;
    const bool total_bound = total_left <= kEps * total_capacity;
    for (size_t i = 0; i < flows.size(); ++i) {
      if (frozen[i]) continue;
      const auto g = static_cast<size_t>(flows[i]->group);
      const bool own = flows[i]->cap > 0 && flows[i]->rate >= flows[i]->cap * (1 - kEps);
      const bool group = group_caps[g] > 0 && group_left[g] <= kEps * group_caps[g];
      if (total_bound || own || group) {
        frozen[i] = true;
        --unfrozen;
      }
    }
  }
}

}  // namespace tilesim

namespace tilesim {

void TransferSet::advance(double now) {
  const double dt = now - last_;
  for (Transfer& t : transfers_)
    if (t.active) t.remaining = std::max(0.0, t.remaining - t.flow.rate * dt);
  last_ = now;
}

void TransferSet::start(int owner, double bytes, Flow flow, double now) {
  advance(now);
  Transfer& t = transfers_[static_cast<size_t>(owner)];
  t.flow = flow;
  t.remaining = bytes;
  t.active = true;
}

bool TransferSet::complete(int owner, uint64_t version, double now) {
  Transfer& t = transfers_[static_cast<size_t>(owner)];
  if (!t.active || t.version != version) return false;
  advance(now);
  t.active = false;
  t.remaining = 0;
  return true;
}

std::vector<TransferSet::Completion> TransferSet::next_completions(double now, double* in_use) {
  advance(now);
  std::vector<Flow*> flows;
  for (Transfer& t : transfers_)
    if (t.active) flows.push_back(&t.flow);
  solve_max_min(flows, capacity_, group_caps_);
  std::vector<Completion> out;
  double total = 0;
  for (size_t i = 0; i < transfers_.size(); ++i) {
    Transfer& t = transfers_[i];
    if (!t.active) continue;
    total += t.flow.rate;
    out.push_back(Completion{static_cast<int>(i), now + t.remaining / t.flow.rate, ++t.version});
  }
  if (in_use) *in_use = total;
  return out;
}

}  // namespace tilesim
