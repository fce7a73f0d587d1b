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
  static const Section clusters{.name = "clusters", .meaning = "clusters by name", .named_items = &ClusterSpec::section()};
  static const Section s{.name = "cpu", .meaning = "the CPU complex",
                         .children = {{"clusters", &clusters}, {"l3", &CacheSpec::section()}}};
  return s;
}

const Section& SocSpec::section() {
  static const Section s{
      .name = "soc", .meaning = "a system-on-chip",
      .children = {{"cpu", &cpu_section()}, {"gpu", &GpuSpec::section()}, {"memory", &MemorySpec::section()}},
      .preset_dir = "socs"};
  return s;
}

}  // namespace tilesim
