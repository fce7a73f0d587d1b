#include "hwmodels/soc.hpp"

namespace tilesim {

const ClusterSpec* SocSpec::cluster(const std::string& n) const {
  for (const auto& c : clusters)
    if (c.name == n) return &c;
  return nullptr;
}

std::vector<const ClusterSpec*> SocSpec::clusters_of(const std::string& kind) const {
  std::vector<const ClusterSpec*> out;
  for (const auto& c : clusters)
    if (kind == "all" || choice_name(cluster_kind_names(), c.kind) == kind) out.push_back(&c);
  return out;
}

const Section& SocSpec::cpu_section() {
  static const Section clusters{"clusters", "clusters by name", {}, {}, &ClusterSpec::section(), ""};
  static const Section s{"cpu", "the CPU complex", {},
                         {{"clusters", &clusters}, {"l3", &CacheSpec::section()}}, nullptr, ""};
  return s;
}

const Section& SocSpec::section() {
  static const Section s{"soc", "a system-on-chip", {},
                         {{"cpu", &cpu_section()}, {"gpu", &GpuSpec::section()}, {"memory", &MemorySpec::section()}}, nullptr, "socs"};
  return s;
}

}  // namespace tilesim
