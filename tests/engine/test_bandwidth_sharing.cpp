// Max-min fair sharing of DRAM bandwidth (solve_max_min) and the transfers in flight that share it
// (TransferSet). Every system below is small and solved by hand in its comment.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

#include "sim/engine/bandwidth_sharing.hpp"

using namespace tilesim;

namespace {

constexpr double kTight = 1e-12;

// The systems below are a memory's total (limit 0) and groups (clusters) with their own caps
// (limit 1 + group): a flow of `group` with its own `cap` passes through both.
struct Client {
  int group = 0;
  double cap = 0;
};
Flow flow(int group, double cap) {
  Flow f;
  f.cap = cap;
  f.through(0).through(1 + group);
  return f;
}
std::vector<double> limits(double total, const std::vector<double>& group_caps) {
  std::vector<double> l{total};
  l.insert(l.end(), group_caps.begin(), group_caps.end());
  return l;
}

// The rates solve_max_min gives `clients` (their incoming rates are garbage, to check it resets them).
std::vector<double> solve(const std::vector<Client>& clients, double total, const std::vector<double>& group_caps) {
  std::vector<Flow> flows;
  for (const Client& c : clients) flows.push_back(flow(c.group, c.cap));
  std::vector<Flow*> ptrs;
  for (Flow& f : flows) {
    f.rate = 123.0;
    ptrs.push_back(&f);
  }
  solve_max_min(ptrs, limits(total, group_caps));
  std::vector<double> rates;
  for (const Flow& f : flows) rates.push_back(f.rate);
  return rates;
}

void check_rates(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(kTight));
  }
}

struct Start {
  int owner;
  double bytes;
  Flow flow;
  double time;
};

// Drives a TransferSet as the simulators do: every start or end re-divides the bandwidth and
// schedules each active transfer's completion; stale completions are offered and must be refused.
// Returns each owner's finish time.
std::map<int, double> run_to_end(TransferSet& ts, std::vector<Start> starts) {
  std::sort(starts.begin(), starts.end(), [](const Start& a, const Start& b) { return a.time < b.time; });
  std::vector<TransferSet::Completion> pending;
  std::map<int, double> finish;
  size_t next = 0;
  while (next < starts.size() || !pending.empty()) {
    auto first = std::min_element(pending.begin(), pending.end(),
                                  [](const auto& a, const auto& b) { return a.time < b.time; });
    if (next < starts.size() && (first == pending.end() || starts[next].time <= first->time)) {
      const Start& s = starts[next++];
      ts.start(s.owner, s.bytes, s.flow, s.time);
      for (const auto& c : ts.next_completions(s.time)) pending.push_back(c);
      continue;
    }
    const TransferSet::Completion c = *first;
    pending.erase(first);
    if (!ts.complete(c.owner, c.version, c.time)) continue;
    finish[c.owner] = c.time;
    for (const auto& n : ts.next_completions(c.time)) pending.push_back(n);
  }
  return finish;
}

}  // namespace

TEST_CASE("max_min_splits_equally_when_only_the_total_binds") {
  // 3 uncapped flows in one uncapped group share 30: 10 each.
  check_rates(solve({{0, 0}, {0, 0}, {0, 0}}, 30, {0}), {10, 10, 10});
  // Across two uncapped groups the split ignores the groups: 4 flows share 100, 25 each.
  check_rates(solve({{0, 0}, {1, 0}, {1, 0}, {1, 0}}, 100, {0, 0}), {25, 25, 25, 25});
  // No flows: nothing to do (and nothing to crash on).
  check_rates(solve({}, 100, {0}), {});
}

TEST_CASE("max_min_gives_a_capped_flow_its_cap_and_the_others_share_the_rest") {
  // Total 30, flow 0 capped at 4 (< fair share 10): it gets 4, the other two (30-4)/2 = 13.
  check_rates(solve({{0, 4}, {0, 0}, {0, 0}}, 30, {0}), {4, 13, 13});
  // A cap above the fair share does not bind: caps 50 and 0 on a total of 30 give 15 and 15.
  check_rates(solve({{0, 50}, {0, 0}}, 30, {0}), {15, 15});
  // Two caps at different levels: total 40, caps 2 and 8, one free flow.
  // Level 2: flow 0 freezes (used 6). Level 2+6 = 8: flow 1 freezes (used 18). Flow 2 takes 40-10 = 30.
  check_rates(solve({{0, 2}, {0, 8}, {0, 0}}, 40, {0}), {2, 8, 30});
}

TEST_CASE("max_min_holds_a_capped_group_below_its_fair_share_and_the_other_group_takes_the_rest") {
  // Total 100, group 0 capped at 20 (its 2 flows' fair share is 50): 10 each; group 1's 2 flows
  // share the remaining 80: 40 each.
  check_rates(solve({{0, 0}, {0, 0}, {1, 0}, {1, 0}}, 100, {20, 0}), {10, 10, 40, 40});
}

TEST_CASE("max_min_applies_a_flow_cap_inside_a_capped_group") {
  // Total 100; group 0 capped at 30 holds A (cap 6), B, C; group 1 (uncapped) holds D, E.
  // Step 1: limits total 100/5 = 20, group 0 30/3 = 10, A's cap 6 -> all at 6, A freezes.
  //   Left: total 100-30 = 70, group 0 30-18 = 12.
  // Step 2: limits total 70/4 = 17.5, group 0 12/2 = 6 -> B, C, D, E at 12; group 0 saturated,
  //   B and C freeze. Left: total 70-24 = 46.
  // Step 3: D, E share 46: +23 each -> 35. Sum 6+12+12+35+35 = 100.
  check_rates(solve({{0, 6}, {0, 0}, {0, 0}, {1, 0}, {1, 0}}, 100, {30, 0}), {6, 12, 12, 35, 35});
}

TEST_CASE("max_min_treats_zero_caps_as_no_limit") {
  // Zero flow caps and a zero group cap: 3 flows share the total of 12 equally, 4 each
  // (a zero cap read as a limit would give 0).
  check_rates(solve({{0, 0}, {0, 0}, {0, 0}}, 12, {0}), {4, 4, 4});
  // A zero-capped group next to a capped one: group 1 capped at 9 with one flow; group 0 free.
  // Fair share 60/2 = 30 > 9, so group 1's flow gets 9 and group 0's flow 51.
  check_rates(solve({{0, 0}, {1, 0}}, 60, {0, 9}), {51, 9});
}

TEST_CASE("max_min_ignores_a_group_cap_larger_than_the_total") {
  // Group cap 500 on a total of 90: the total binds first, 3 flows at 30 each.
  check_rates(solve({{0, 0}, {0, 0}, {0, 0}}, 90, {500}), {30, 30, 30});
  // Group 0 capped at 60 with one flow, group 1 one flow, total 100: fair shares 50 each, under 60.
  check_rates(solve({{0, 0}, {1, 0}}, 100, {60, 0}), {50, 50});
}

TEST_CASE("max_min_rates_are_feasible_and_every_flow_has_a_saturated_bottleneck_where_it_is_max") {
  // Random systems (fixed seed). Feasibility: 0 <= rate <= cap, group sums <= group caps, sum <=
  // total. Max-min optimality: every flow is bottlenecked by a saturated limit (its own cap, its
  // group's, or the total) on which no flow has a higher rate. When a flow has neither its own nor
  // a group cap, only the total can bottleneck it, so the total is used fully.
  std::mt19937 rng(20240611u);
  std::uniform_int_distribution<int> n_flows(1, 8), n_groups(1, 3), coin(0, 2);
  std::uniform_real_distribution<double> total_d(10, 200), gcap_d(1, 120), cap_d(1, 60);
  constexpr double kTol = 1e-7;
  for (int trial = 0; trial < 400; ++trial) {
    CAPTURE(trial);
    const int groups = n_groups(rng);
    const double total = total_d(rng);
    std::vector<double> gcaps(static_cast<size_t>(groups));
    for (double& g : gcaps) g = coin(rng) == 0 ? 0 : gcap_d(rng);
    std::vector<Client> flows(static_cast<size_t>(n_flows(rng)));
    for (Client& f : flows) {
      f.group = std::uniform_int_distribution<int>(0, groups - 1)(rng);
      f.cap = coin(rng) == 0 ? 0 : cap_d(rng);
    }
    const std::vector<double> r = solve(flows, total, gcaps);
    double sum = 0, max_all = 0;
    std::vector<double> gsum(gcaps.size(), 0), gmax(gcaps.size(), 0);
    for (size_t i = 0; i < flows.size(); ++i) {
      const auto g = static_cast<size_t>(flows[i].group);
      CHECK(r[i] >= 0);
      if (flows[i].cap > 0) CHECK(r[i] <= flows[i].cap * (1 + kTol));
      sum += r[i];
      gsum[g] += r[i];
      gmax[g] = std::max(gmax[g], r[i]);
      max_all = std::max(max_all, r[i]);
    }
    CHECK(sum <= total * (1 + kTol));
    for (size_t g = 0; g < gcaps.size(); ++g)
      if (gcaps[g] > 0) CHECK(gsum[g] <= gcaps[g] * (1 + kTol));
    const bool total_saturated = sum >= total * (1 - kTol);
    for (size_t i = 0; i < flows.size(); ++i) {
      CAPTURE(i);
      const auto g = static_cast<size_t>(flows[i].group);
      const bool own = flows[i].cap > 0 && r[i] >= flows[i].cap * (1 - kTol);
      const bool group = gcaps[g] > 0 && gsum[g] >= gcaps[g] * (1 - kTol) && r[i] >= gmax[g] * (1 - kTol);
      const bool all = total_saturated && r[i] >= max_all * (1 - kTol);
      CHECK((own || group || all));
      if (flows[i].cap == 0 && gcaps[g] == 0) CHECK(sum == doctest::Approx(total).epsilon(kTol));
    }
  }
}

TEST_CASE("transfer_alone_finishes_at_bytes_over_its_rate") {
  // 200 bytes at 50 B/s from t = 0: done at 4. The same with a flow cap of 20 B/s, started at
  // t = 3: rate 20, done at 3 + 200/20 = 13.
  TransferSet free_ts(1, limits(50, {0}));
  free_ts.start(0, 200, flow(0, 0), 0);
  double in_use = 0;
  auto c = free_ts.next_completions(0, &in_use);
  REQUIRE(c.size() == 1);
  CHECK(c[0].owner == 0);
  CHECK(c[0].time == doctest::Approx(4).epsilon(kTight));
  CHECK(in_use == doctest::Approx(50).epsilon(kTight));
  CHECK(free_ts.complete(0, c[0].version, c[0].time));
  CHECK(free_ts.next_completions(4, &in_use).empty());
  CHECK(in_use == 0);

  TransferSet capped(1, limits(50, {0}));
  capped.start(0, 200, flow(0, 20), 3);
  c = capped.next_completions(3, &in_use);
  REQUIRE(c.size() == 1);
  CHECK(c[0].time == doctest::Approx(13).epsilon(kTight));
  CHECK(in_use == doctest::Approx(20).epsilon(kTight));
}

TEST_CASE("transfer_started_midway_redivides_bandwidth_and_supersedes_the_scheduled_completion") {
  // Capacity 100 B/s. A: 1000 bytes at t = 0, alone -> scheduled at 10 (version vA1).
  // B: 300 bytes at t = 4. A has 1000 - 400 = 600 left; each now gets 50 B/s:
  //   A -> 4 + 600/50 = 16 (vA2), B -> 4 + 300/50 = 10.
  // At 10 B ends; A has 600 - 6*50 = 300 left and speeds up to 100 B/s -> 10 + 3 = 13 (vA3).
  TransferSet ts(2, limits(100, {0}));
  ts.start(0, 1000, flow(0, 0), 0);
  auto c = ts.next_completions(0);
  REQUIRE(c.size() == 1);
  CHECK(c[0].time == doctest::Approx(10).epsilon(kTight));
  const uint64_t vA1 = c[0].version;

  ts.start(1, 300, flow(0, 0), 4);
  double in_use = 0;
  c = ts.next_completions(4, &in_use);
  REQUIRE(c.size() == 2);
  CHECK(in_use == doctest::Approx(100).epsilon(kTight));
  const auto a2 = c[0].owner == 0 ? c[0] : c[1];
  const auto b = c[0].owner == 1 ? c[0] : c[1];
  REQUIRE(a2.owner == 0);
  REQUIRE(b.owner == 1);
  CHECK(a2.version != vA1);
  CHECK(a2.time == doctest::Approx(16).epsilon(kTight));
  CHECK(b.time == doctest::Approx(10).epsilon(kTight));

  // At 10 both A's stale completion and B's fire: the stale one is refused, B's accepted.
  CHECK_FALSE(ts.complete(0, vA1, 10));
  CHECK(ts.complete(1, b.version, 10));
  CHECK_FALSE(ts.complete(1, b.version, 10));  // already ended
  c = ts.next_completions(10, &in_use);
  REQUIRE(c.size() == 1);
  CHECK(c[0].owner == 0);
  CHECK(c[0].time == doctest::Approx(13).epsilon(kTight));
  CHECK(in_use == doctest::Approx(100).epsilon(kTight));
  CHECK_FALSE(ts.complete(0, a2.version, 16));  // superseded by the speed-up
  CHECK(ts.complete(0, c[0].version, 13));
}

TEST_CASE("transfer_sets_driven_to_the_end_match_hand_times_and_more_bandwidth_never_finishes_later") {
  // The midway system above, driven by the event loop: A at 13, B at 10.
  TransferSet ts(2, limits(100, {0}));
  auto f = run_to_end(ts, {{0, 1000, flow(0, 0), 0}, {1, 300, flow(0, 0), 4}});
  CHECK(f.at(0) == doctest::Approx(13).epsilon(kTight));
  CHECK(f.at(1) == doctest::Approx(10).epsilon(kTight));

  // Three transfers, two clusters (cluster 0 capped at 60), one flow cap; the finish times of
  // every transfer must not grow as the memory's bandwidth grows.
  const std::vector<Start> starts = {{0, 900, flow(0, 0), 0},
                                     {1, 400, flow(0, 35), 1.5},
                                     {2, 700, flow(1, 0), 3}};
  std::map<int, double> prev;
  for (double capacity : {20.0, 40.0, 55.0, 80.0, 100.0, 150.0, 400.0}) {
    CAPTURE(capacity);
    TransferSet set(3, limits(capacity, {60, 0}));
    const auto fin = run_to_end(set, starts);
    REQUIRE(fin.size() == 3);
    for (const auto& finish : fin) {
      const auto& [owner, t] = finish;
      CAPTURE(finish.first);
      if (prev.count(owner)) CHECK(t <= prev[owner] * (1 + 1e-12));
    }
    prev = fin;
  }
}

TEST_CASE("max_min_refuses_a_flow_through_a_limit_not_in_the_list") {
  Flow f = flow(2, 0);  // limit 3: only 0..2 exist
  std::vector<Flow*> flows{&f};
  CHECK_THROWS_AS(solve_max_min(flows, limits(10, {0.0, 0.0})), std::logic_error);
  // A flow with no limit at all would take infinite bandwidth.
  Flow unbounded;
  std::vector<Flow*> alone{&unbounded};
  CHECK_THROWS_AS(solve_max_min(alone, {}), std::logic_error);
  CHECK_THROWS_AS(Flow().through(0).through(0).through(0).through(0).through(0), std::logic_error);
}

TEST_CASE("max_min_nests_a_client_cap_a_port_and_a_device_limit_under_the_total") {
  // Limits: 0 memory 100, 1 CPU cluster port 30, 2 GPU port 50. Flows: two cores through the
  // cluster port (core 0 capped at 10 on its own), three GPU workgroups through the GPU port, and
  // one DMA flow through the memory alone.
  // Step 1: memory 100/6 = 16.7, port 30/2 = 15, GPU 50/3 = 16.7, core 0's cap 10 -> all at 10;
  //   core 0 freezes. Left: memory 40, port 10, GPU 20.
  // Step 2: memory 40/5 = 8, port 10/1 = 10, GPU 20/3 = 6.67 -> +6.67: the GPU port saturates and
  //   its workgroups freeze at 16.67. Left: memory 6.67, port 3.33.
  // Step 3: core 1 and the DMA flow: memory 6.67/2 = 3.33, port 3.33 -> +3.33: both limits
  //   saturate; core 1 and DMA end at 20. Sum 10 + 20 + 50 + 20 = 100.
  auto through = [](double cap, std::initializer_list<int> ls) {
    Flow f;
    f.cap = cap;
    for (int l : ls) f.through(l);
    return f;
  };
  std::vector<Flow> flows{through(10, {0, 1}), through(0, {0, 1}), through(0, {0, 2}),
                          through(0, {0, 2}),  through(0, {0, 2}), through(0, {0})};
  std::vector<Flow*> ptrs;
  for (Flow& f : flows) ptrs.push_back(&f);
  solve_max_min(ptrs, {100, 30, 50});
  const double gpu = 50.0 / 3;
  std::vector<double> rates;
  for (const Flow& f : flows) rates.push_back(f.rate);
  check_rates(rates, {10, 20, gpu, gpu, gpu, 20});
}
