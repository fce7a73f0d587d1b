#include "sim/sweep/mpi_share.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

namespace tilesim {
namespace {

int variable(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return -1;
  const std::string_view text(v);
  int n = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0 || n > 1000000)
    throw ConfigError(fmt::format("environment: {}={} is not a rank or size", name, text));
  return n;
}

}  // namespace

MpiShare mpi_share_from_environment() {
  // Rank and size variables of the launchers, in pairs.
  static const std::pair<const char*, const char*> launchers[] = {
      {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},  // Open MPI's mpirun
      {"PMI_RANK", "PMI_SIZE"},                          // MPICH's Hydra, Intel MPI
      {"SLURM_PROCID", "SLURM_NTASKS"},                  // srun
  };
  for (const auto& [rank_name, size_name] : launchers) {
    const int rank = variable(rank_name), size = variable(size_name);
    if (rank < 0 && size < 0) continue;
    if (rank < 0 || size < 1 || rank >= size)
      throw ConfigError(fmt::format("environment: {} and {} do not give a rank below a size", rank_name, size_name));
    return MpiShare{rank, size};
  }
  return {};
}

}  // namespace tilesim
