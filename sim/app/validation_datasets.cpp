#include "sim/app/validation_datasets.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "traces/import_ncnn.hpp"
#include "traces/import_report.hpp"
#include "traces/import_tflite_profile.hpp"
#include "traces/import_tophub.hpp"

namespace tilesim {
namespace {

std::string need_file(const std::string& root, const std::string& relative) {
  const auto p = std::filesystem::path(root) / relative;
  if (!std::filesystem::is_regular_file(p))
    throw ConfigError(fmt::format("--data {}: no {} (expected a tree laid out as ../shared/validation-data)", root, relative));
  return p.string();
}

void report_skips(const ImportReport& report, std::vector<std::string>& notes) {
  for (const auto& [reason, n] : report.skipped)
    notes.push_back(fmt::format("{}: {} rows left out: {}", report.source, n, reason));
}

}  // namespace

bool SocFilter::keeps(const std::string& soc) const {
  if (std::find(except.begin(), except.end(), soc) != except.end()) return false;
  return only.empty() || std::find(only.begin(), only.end(), soc) != only.end();
}

void SocFilter::check_names(const std::vector<std::string>& present, const std::string& dataset) const {
  for (const auto* names : {&only, &except})
    for (const std::string& n : *names)
      if (std::find(present.begin(), present.end(), n) == present.end()) {
        const std::string hint = nearest(n, present);
        throw ConfigError(fmt::format("{}: the {} dataset has no rows of SoC '{}'{}", names == &only ? "--devices" : "--exclude-devices",
                                      dataset, n, hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
}

std::vector<NetworkMeasurement> ncnn_rows(const std::string& root, const SocFilter& filter,
                                          std::vector<std::string>& notes) {
  ImportReport report;
  const auto models = std::filesystem::path(root) / "ncnn" / "models";
  const auto all = import_ncnn_benchmark(need_file(root, "ncnn/ncnn_benchmark_readme_parsed.csv"),
                                         data_root() + "/configs/validation/ncnn_devices.yaml", &report,
                                         std::filesystem::is_directory(models) ? models.string() : "");
  report_skips(report, notes);
  std::vector<std::string> socs;
  for (const auto& r : all) socs.push_back(r.soc);
  filter.check_names(socs, "ncnn");
  std::vector<NetworkMeasurement> kept;
  size_t other_device = 0;
  for (const auto& r : all) {
    if (!filter.device.empty() && r.device != filter.device) ++other_device;
    else if (filter.keeps(r.soc)) kept.push_back(r);
  }
  if (other_device > 0) notes.push_back(fmt::format("{} rows not measured on the {} left out (--device)", other_device, filter.device));
  if (kept.size() + other_device < all.size())
    notes.push_back(fmt::format("{} rows of SoCs the device filter excludes left out", all.size() - kept.size() - other_device));
  return kept;
}

std::vector<Trace> tophub_traces(const std::string& root, const SocFilter& filter, std::vector<std::string>& notes) {
  std::vector<Trace> out, all = import_tophub(need_file(root, "tvm_tophub/tophub_parsed.csv"));
  std::vector<std::string> socs;
  for (const Trace& t : all) socs.push_back(t.soc);
  filter.check_names(socs, "tophub");
  for (Trace& t : all) {
    if (!filter.keeps(t.soc)) continue;
    if (t.engine != "tvm-arm") {
      notes.push_back(fmt::format("tophub {}: {} rows left out: no profile of engine {}", t.device, t.layers.size(), t.engine));
      continue;
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<ValidationRow> validate_dataset(const std::string& dataset, const std::string& root,
                                            const SocFilter& filter, std::vector<std::string>& notes) {
  if (dataset == "ncnn") return validate_networks(ncnn_rows(root, filter, notes), notes);
  if (dataset == "tophub") {
    std::vector<ValidationRow> rows;
    for (const Trace& t : tophub_traces(root, filter, notes)) {
      auto r = validate_layers(t, LayerValidationOptions{}, notes);
      rows.insert(rows.end(), r.begin(), r.end());
    }
    return rows;
  }
  // tflite-profile: per-operator rows without shapes, matched in order to ProxylessNAS-Mobile.
  const Trace t = import_tflite_profile(
      need_file(root, "proxylessnas_mobile_lut/proxyless_mobile_10_latency_tflite_op_profile.txt"));
  LayerValidationOptions v;
  v.model = "proxylessnas_mobile";
  v.engine = "xnnpack";
  notes.push_back(fmt::format("{}: TFLite of 2019 ran its own NHWC fp32 kernels; simulated with the xnnpack profile, "
                              "the closest available (NHWC, fp32, no Winograd)", t.source));
  auto rows = validate_layers(t, v, notes);
  std::vector<NetworkMeasurement> networks = t.networks;
  for (auto& n : networks) n.engine = "xnnpack";
  auto net_rows = validate_networks(networks, notes);
  rows.insert(rows.end(), net_rows.begin(), net_rows.end());
  return rows;
}

}  // namespace tilesim
