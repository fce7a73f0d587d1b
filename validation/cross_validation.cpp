#include "validation/cross_validation.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "kernels/engine_profile.hpp"
#include "validation/network_calibration.hpp"
#include "validation/progress.hpp"

namespace tilesim {

CrossValidation cross_validate_networks(const std::vector<NetworkMeasurement>& rows, CvSplit split, int outer,
                                        std::vector<std::string>& notes) {
  // Each engine runs on one device (ncnn on CPUs, ncnn-vulkan on GPUs): its rows are one fit's.
  std::map<std::string, std::vector<const NetworkMeasurement*>> by_engine;
  for (const auto& r : rows) by_engine[r.engine].push_back(&r);
  auto fold_of = [split](const NetworkMeasurement& m) { return split == CvSplit::device ? m.soc : m.model; };
  CrossValidation cv;
  for (const auto& [engine_name, engine_rows] : by_engine) {
    const EngineProfile prior = uncalibrated(load_engine(engine_name));
    const auto probed = probe_rows(engine_rows, prior, notes, fmt::format("cross-validating {}: simulating {} rows", engine_name, engine_rows.size()));
    std::set<std::string> folds;
    for (const auto& r : probed) folds.insert(fold_of(*r.measurement));
    Progress progress(fmt::format("cross-validating {}: fitting {} folds", engine_name, folds.size()), folds.size());
    for (const std::string& fold : folds) {
      const Progress::Tick tick{progress};
      std::vector<const CalibrationRow*> train;
      std::vector<NetworkMeasurement> test;
      for (const auto& r : probed)
        (fold_of(*r.measurement) == fold ? (void)test.push_back(*r.measurement) : train.push_back(&r));
      if (train.empty()) {
        notes.push_back(fmt::format("{}: the only fold; nothing left to calibrate on", fold));
        continue;
      }
      EngineProfile at = prior;
      for (int i = 0; i < outer; ++i) {
        std::vector<CalibrationRow> reprobed;
        std::vector<const CalibrationRow*> fit_rows = train;
        if (i > 0) {  // simulate the training rows again at the last fit
          std::vector<const NetworkMeasurement*> ms;
          for (const auto* r : train) ms.push_back(r->measurement);
          std::vector<std::string> ignored;
          reprobed = probe_rows(ms, at, ignored, "");
          fit_rows.clear();
          for (const auto& r : reprobed) fit_rows.push_back(&r);
        }
        at = with_calibration(prior, fit_calibration(fit_rows, at, prior).calibration);
      }
      std::vector<std::string> fold_notes;
      auto predicted = validate_networks(test, fold_notes, &at);
      cv.rows.insert(cv.rows.end(), predicted.begin(), predicted.end());
      ++cv.folds;
    }
  }
  return cv;
}

CrossValidation cross_validate_traces(const std::vector<Trace>& traces, int outer, std::vector<std::string>& notes) {
  CrossValidation cv;
  std::set<std::string> folds;
  for (const Trace& t : traces) folds.insert(t.soc);
  Progress progress(fmt::format("cross-validating on {} devices", folds.size()), folds.size());
  for (const std::string& fold : folds) {
    const Progress::Tick tick{progress};
    std::vector<Trace> train;
    for (const Trace& t : traces)
      if (t.soc != fold) train.push_back(t);
    if (train.empty()) {
      notes.push_back(fmt::format("{}: the only fold; nothing left to calibrate on", fold));
      continue;
    }
    std::vector<std::string> ignored;
    const LayerRuns runs = layer_runs(train, "", ignored);
    std::map<std::string, EngineProfile> fitted;  // one fit per engine the fold's traces ran
    for (const Trace& t : traces) {
      if (t.soc != fold) continue;
      if (!fitted.count(t.engine)) {
        const EngineProfile engine = load_engine(t.engine);
        fitted.emplace(t.engine, with_calibration(uncalibrated(engine),
                                                  calibrate_on_runs(runs.runs, engine, outer, ignored).calibration));
      }
      LayerValidationOptions o;
      o.engine_profile = &fitted.at(t.engine);
      auto rows = validate_layers(t, o, notes);
      cv.rows.insert(cv.rows.end(), rows.begin(), rows.end());
    }
    ++cv.folds;
  }
  return cv;
}

}  // namespace tilesim
