#pragma once
// A sweep's share when several processes run it (`mpirun -n N tilesim sweep ...`): each rank takes
// the points whose index % N == rank and writes its own part of the results. The rank and the size
// are those the MPI launcher gives every process it starts (Open MPI, MPICH/Hydra, Slurm);
// the ranks share nothing while they run, so no MPI call is needed.
namespace tilesim {

struct MpiShare {
  int rank = 0, ranks = 1;
};

// Throws ConfigError where the launcher's variables are malformed or inconsistent.
MpiShare mpi_share_from_environment();

}  // namespace tilesim
