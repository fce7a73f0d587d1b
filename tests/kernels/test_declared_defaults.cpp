// Declarations are the one source of a parameter's default: a member initialiser that disagrees
// with its declaration would give code that builds a description directly (tests, probes, sweeps)
// another answer than a file that leaves the key out. Required parameters start empty, so that
// nothing can silently run on a made-up value.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <type_traits>
#include <variant>

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
    std::visit(
        [&](const auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, double T::*>) {
            CHECK_FALSE(d.integral);  // a whole number bound to a double could hold a fraction
            if (d.default_value) CHECK(fresh.*m == *d.default_value);
            else CHECK((fresh.*m == 0 || std::isnan(fresh.*m)));
          } else if constexpr (std::is_same_v<M, int64_t T::*>) {
            CHECK(d.integral);  // whole numbers, and only they, are bound to integers
            CHECK(fresh.*m == static_cast<int64_t>(d.default_value.value_or(0)));
          } else if constexpr (std::is_same_v<M, bool T::*>) {
            CHECK(fresh.*m == (d.default_value.value_or(0) != 0));
          } else if constexpr (std::is_same_v<M, std::string T::*>) {
            CHECK(fresh.*m == d.default_text);
          } else if (!d.default_text.empty()) {  // a choice; a required one has no empty value to start at
            REQUIRE(m.index(fresh) < d.choices.size());
            CHECK(d.choices[m.index(fresh)] == d.default_text);
          }
        },
        f.member);
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
