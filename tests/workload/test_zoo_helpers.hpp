#pragma once
// Shared checks of zoo models against torchvision's published figures.
#include <doctest/doctest.h>

#include "sim/workload/fusion.hpp"
#include "sim/workload/op_cost.hpp"
#include "sim/workload/zoo/zoo.hpp"

namespace tilesim::test {

inline NetworkTotals zoo_totals(const std::string& model) {
  const ModelEntry* m = find_model(model);
  REQUIRE_MESSAGE(m != nullptr, "model not in the zoo: " << model);
  return network_totals(m->build(m->default_input));
}

// MACs within 1% and params within 2% of the published figures (GMACs, millions of params).
inline void check_published(const std::string& model, double gmacs, double mparams) {
  const NetworkTotals t = zoo_totals(model);
  INFO(model << ": " << t.macs / 1e9 << " GMACs, " << t.params / 1e6 << " M params");
  CHECK(t.macs / 1e9 == doctest::Approx(gmacs).epsilon(0.01));
  CHECK(t.params / 1e6 == doctest::Approx(mparams).epsilon(0.02));
}

}  // namespace tilesim::test
