#include "sim/engine/simulation_bound.hpp"

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

namespace tilesim {

double written_elements(const Network& net) {
  double n = 0;
  for (size_t i = 0; i < net.op_count(); ++i)
    for (TensorId t : net.op(static_cast<OpId>(i)).outputs) n += static_cast<double>(checked_elements(net.tensor(t).shape).value_or(0));
  return n;
}

void check_simulation_size(const Network& net, int inferences) {
  const double elements = written_elements(net) * inferences;
  if (elements > kMaxSimulatedElements)
    throw ConfigError(fmt::format("{}: {} inference(s) write {:.3g} elements over the layers, more than the {:.3g} "
                                  "tilesim simulates in one run (about 15 s); give a smaller --input or fewer --warmup runs",
                                  net.name(), inferences, elements, kMaxSimulatedElements));
}

}  // namespace tilesim
