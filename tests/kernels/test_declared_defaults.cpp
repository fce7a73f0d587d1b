// Declarations are the one source of a parameter's default: a member initialiser that disagrees
// with its declaration would give code that builds a description directly (tests, probes, sweeps)
// another answer than a file that leaves the key out. Required parameters start empty, so that
// nothing can silently run on a made-up value.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "hwmodels/cache.hpp"
#include "hwmodels/cluster.hpp"
#include "hwmodels/core.hpp"
#include "hwmodels/gpu.hpp"
#include "hwmodels/memory.hpp"
#include "kernels/conv_rule.hpp"
#include "kernels/engine_profile.hpp"

using namespace tilesim;

namespace {

template <class T>
void check_member_defaults(const char* what) {
  const T fresh{};
  for (const Field<T>& f : T::fields()) {
    const ParamDecl& d = f.decl;
    INFO(std::string(what) << "." << d.key);
    if (const auto* m = std::get_if<double T::*>(&f.member)) {
      const double value = fresh.*(*m);
      if (d.default_value) CHECK(value == *d.default_value);
      else CHECK((value == 0 || std::isnan(value)));
    } else if (const auto* s = std::get_if<std::string T::*>(&f.member)) {
      CHECK(fresh.*(*s) == d.default_text);
    } else if (const auto* b = std::get_if<bool T::*>(&f.member)) {
      CHECK(fresh.*(*b) == (d.default_value.value_or(0) != 0));
    }
  }
}

}  // namespace

TEST_CASE("every_member_default_equals_its_declared_default_and_required_members_start_empty") {
  check_member_defaults<CacheSpec>("cache");
  check_member_defaults<CoreSpec>("core");
  check_member_defaults<ClusterSpec>("cluster");
  check_member_defaults<GpuSpec>("gpu");
  check_member_defaults<MemorySpec>("memory");
  check_member_defaults<EngineProfile>("engine");
  check_member_defaults<ConvRule>("conv_rule");
}
