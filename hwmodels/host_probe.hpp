#pragma once
// Measures the machine tilesim runs on, so that `host` is a validation target like any phone:
// clock, peak FP32 FLOP/s per core (AVX2 and AVX-512 FMA chains), read bandwidth of each cache
// level and of DRAM with one and all threads, core count and cache geometry (from sysfs).
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace tilesim {

struct ProbedCache {
  int level = 0;
  double size = 0, associativity = 0, line = 64;
  double bandwidth_1t = 0;   // bytes/s one core reads from a buffer half this level's size
  double bandwidth_all = 0;  // bytes/s all cores together, each on its own such buffer
};

struct HostProbe {
  std::string cpu_model;
  int cores = 1;
  double frequency_before = 0, frequency_after = 0;  // Hz, estimated from a dependent add chain
  double fp32_flops_avx2 = 0, fp32_flops_avx512 = 0;  // per core, FLOP/s (0 where unsupported)
  std::vector<ProbedCache> caches;                    // data and unified levels, L1 first
  double dram_bandwidth_1t = 0, dram_bandwidth_all = 0;
  std::time_t when = 0;

  double frequency() const { return (frequency_before + frequency_after) / 2; }
};

HostProbe probe_host();

// The core clock from a chain of dependent adds (one per cycle on any current core); best of
// three. 0 on architectures it has no add chain for.
double estimate_clock_hz();

// The SoC description of the probed host (configs/socs/host.yaml), every value saying it was measured.
std::string host_yaml(const HostProbe& p);

}  // namespace tilesim
