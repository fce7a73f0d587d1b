#pragma once
// The area proxy of an SoC (configs/area.yaml): silicon area of its cores, caches and GPU from
// public die analyses, for ranking design points in a sweep. Not a floorplan: a core counts its
// family's area, a cache its size at the SRAM density of its cores' process, a GPU its measured
// area scaled by its shader-core count.
#include <map>
#include <string>
#include <vector>

#include "hwmodels/soc.hpp"

namespace tilesim {

struct AreaModel {
  struct Part {
    double area = 0;       // m2
    std::string process;   // a key of sram_area_per_byte
  };
  std::map<std::string, double> sram_area_per_byte;  // m2 per byte of cache as built, by process
  std::map<std::string, Part> cores;                 // by core family, with L1, without private L2
  std::map<std::string, Part> gpu_cores;             // by GPU preset: area per shader core

  // configs/area.yaml under data_root(), checked and loaded once.
  static const AreaModel& builtin();
  // Throws ConfigError naming the file, line and key.
  static AreaModel load(const std::string& path);
};

struct SocArea {
  double cores = 0, caches = 0, gpu = 0;  // m2
  std::vector<std::string> unknown;       // parts with no area in the model ("core family 'x'")
  double total() const { return cores + caches + gpu; }
};

SocArea soc_area(const SocSpec& soc, const AreaModel& model = AreaModel::builtin());

}  // namespace tilesim
