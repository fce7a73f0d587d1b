#include "sim/engine/bandwidth_sharing.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace tilesim {

Flow& Flow::through(int limit) {
  if (limit_count == kMaxLimits) throw std::logic_error("Flow::through: more shared limits than Flow::kMaxLimits");
  limits[static_cast<size_t>(limit_count++)] = limit;
  return *this;
}

void solve_max_min(std::vector<Flow*>& flows, const std::vector<double>& limits) {
  MaxMinScratch scratch;
  solve_max_min(flows, limits, scratch);
}

void solve_max_min(std::vector<Flow*>& flows, const std::vector<double>& limits, MaxMinScratch& scratch) {
  constexpr double kNone = std::numeric_limits<double>::infinity();
  auto& [frozen, left, crossing] = scratch;
  frozen.assign(flows.size(), 0);
  for (Flow* f : flows) {
    // A limit index past the list is a caller's bug, not a user's input.
    for (int k = 0; k < f->limit_count; ++k)
      if (f->limits[static_cast<size_t>(k)] < 0 || static_cast<size_t>(f->limits[static_cast<size_t>(k)]) >= limits.size())
        throw std::logic_error("solve_max_min: a flow passes through a limit that is not in the list");
    f->rate = 0;
  }
  left.resize(limits.size());
  for (size_t l = 0; l < limits.size(); ++l) left[l] = limits[l] > 0 ? limits[l] : kNone;
  size_t unfrozen = flows.size();
  crossing.resize(limits.size());
  while (unfrozen > 0) {
    // The smallest equal increment any limit allows.
    std::fill(crossing.begin(), crossing.end(), 0);
    for (size_t i = 0; i < flows.size(); ++i)
      if (!frozen[i])
        for (int k = 0; k < flows[i]->limit_count; ++k) ++crossing[static_cast<size_t>(flows[i]->limits[static_cast<size_t>(k)])];
    double step = kNone;
    for (size_t l = 0; l < limits.size(); ++l)
      if (crossing[l] > 0) step = std::min(step, left[l] / crossing[l]);
    for (size_t i = 0; i < flows.size(); ++i)
      if (!frozen[i] && flows[i]->cap > 0) step = std::min(step, flows[i]->cap - flows[i]->rate);
    if (step == kNone) throw std::logic_error("solve_max_min: a flow with no limit at all would take infinite bandwidth");
    step = std::max(step, 0.0);
    for (size_t i = 0; i < flows.size(); ++i)
      if (!frozen[i]) {
        flows[i]->rate += step;
        for (int k = 0; k < flows[i]->limit_count; ++k) left[static_cast<size_t>(flows[i]->limits[static_cast<size_t>(k)])] -= step;
      }
    // Freeze every flow a binding limit holds.
    constexpr double kEps = 1e-9;
    for (size_t i = 0; i < flows.size(); ++i) {
      if (frozen[i]) continue;
      bool bound = flows[i]->cap > 0 && flows[i]->rate >= flows[i]->cap * (1 - kEps);
      for (int k = 0; k < flows[i]->limit_count && !bound; ++k) {
        const auto l = static_cast<size_t>(flows[i]->limits[static_cast<size_t>(k)]);
        bound = limits[l] > 0 && left[l] <= kEps * limits[l];
      }
      if (bound) {
        frozen[i] = true;
        --unfrozen;
      }
    }
  }
}

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

const std::vector<TransferSet::Completion>& TransferSet::next_completions(double now, double* in_use) {
  advance(now);
  active_.clear();
  for (Transfer& t : transfers_)
    if (t.active) active_.push_back(&t.flow);
  solve_max_min(active_, limits_, scratch_);
  std::vector<Completion>& out = completions_;
  out.clear();
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
