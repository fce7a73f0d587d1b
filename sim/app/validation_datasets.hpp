#pragma once
// The public datasets `tilesim validate --dataset` knows, read from a tree laid out as
// ../shared/validation-data.
#include <string>
#include <vector>

#include "traces/trace.hpp"
#include "validation/validator.hpp"

namespace tilesim {

// Which SoCs a command takes rows of: only `only` when it is not empty, never those in `except`.
struct SocFilter {
  std::vector<std::string> only, except;
  std::string device;  // the ncnn rows: only those measured on this device (cpu | gpu), or "" for all
  bool keeps(const std::string& soc) const;
  // ConfigError naming the flag when a name it lists is none of `present` (the dataset's SoCs).
  void check_names(const std::vector<std::string>& present, const std::string& dataset) const;
};

std::vector<ValidationRow> validate_dataset(const std::string& dataset, const std::string& root,
                                            const SocFilter& filter, std::vector<std::string>& notes);

// The AutoTVM tophub traces (one per device) of the tvm-arm engine the filter keeps.
std::vector<Trace> tophub_traces(const std::string& root, const SocFilter& filter, std::vector<std::string>& notes);

// The ncnn benchmark's whole-network rows the filter keeps (for calibration and validation).
std::vector<NetworkMeasurement> ncnn_rows(const std::string& root, const SocFilter& filter,
                                          std::vector<std::string>& notes);

}  // namespace tilesim
