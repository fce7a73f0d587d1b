// A sweep config, as `tilesim sweep --config FILE` reads it, and the points it draws (where they
// are few enough to draw at fuzzing speed).
#include "sim/sweep/sweep_design.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tilesim::fuzz::input_file(data, size, "sweep.yaml");
  tilesim::fuzz::accept_bad_input([&] {
    const tilesim::SweepConfig c = tilesim::load_sweep_config(path);
    double points = c.sampling == tilesim::Sampling::grid ? 1 : static_cast<double>(c.samples);
    if (c.sampling == tilesim::Sampling::grid)
      for (const auto& p : c.parameters) points *= p.range ? static_cast<double>(p.range->steps) : static_cast<double>(p.values.size());
    if (points > 2000) return;
    const tilesim::SweepSocs socs(c);
    tilesim::design_sweep(c, socs);
  });
  return 0;
}
