#include "sim/app/cli.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>
#include <tbb/global_control.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/host_probe.hpp"
#include "hwmodels/soc_loader.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/app/atomic_file.hpp"
#include "sim/workload/import/input_shape.hpp"
#include "sim/workload/import/model_loader.hpp"
#include "sim/app/reports.hpp"
#include "sim/app/run_outputs.hpp"
#include "sim/app/validation_datasets.hpp"
#include "traces/host_recorder.hpp"
#include "traces/import_ncnn.hpp"
#include "validation/cross_validation.hpp"
#include "validation/network_calibration.hpp"
#include "traces/trace.hpp"
#include "sim/app/text_table.hpp"
#include "sim/engine/run_request.hpp"
#include "sim/analysis/speedup_attribution.hpp"
#include "sim/report/html_report.hpp"
#include "sim/sweep/mpi_share.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_summary.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/zoo/zoo.hpp"

namespace tilesim {
namespace {

constexpr int kBadInput = 2;
constexpr int kInternalError = 3;

// Default simulation target (CONTRACT.md: `tilesim run` with no arguments).
const char* const kDefaultModel = "mobilenet_v2";
const char* const kDefaultSoc = "snapdragon855";

struct Options {
  std::string format = "table";
  std::string model, soc, engine;  // empty: not given (each command has its own default)
  std::string device = "cpu", cores = "big", precision = "auto", out_file, trace_file;
  std::optional<std::string> input;  // --input: unset means the model's own input
  std::optional<int> threads;
  int warmup = 1;
  std::vector<std::string> sets;
  bool kernels = false;
  bool allow_unknown = false;
  std::string soc_name;
  std::string trace_in, trace_out, dataset, data_dir;
  std::vector<std::string> traces_in;
  SocFilter devices;
  std::string cv;  // validate: device | network (leave one out)
  int fits = 1;    // calibration fits, each after simulating the rows at the last
  int jobs = 0;    // validate, calibrate, sweep: threads tilesim itself simulates on (0 = every core)
  std::vector<std::string> compare_models;  // compare: A and B
  std::string sweep_config;
  std::string report_validation, report_sweep, report_compare;
  bool resume = false;
  int64_t batch = 256;
};

// --model, --soc and --engine: empty means not given, so an empty value is refused.
const CLI::Validator kName([](std::string& s) { return s.empty() ? std::string("expected a name or a path, not nothing") : std::string(); },
                           "NAME");

// Output files: refused when the command line is read if they cannot be written.
const CLI::Validator kOutputFile([](std::string& s) { return output_path_problem(s); }, "FILE");

std::string model_or_default(const Options& o) { return o.model.empty() ? kDefaultModel : o.model; }
std::string soc_or_default(const Options& o) { return o.soc.empty() ? kDefaultSoc : o.soc; }

// Without --engine, each device runs its default engine (ncnn on the CPU, its Vulkan backend on the GPU).
EngineProfile engine_of(const Options& o) {
  return load_engine(o.engine.empty() ? default_engine(o.device) : o.engine);
}

void add_format(CLI::App* cmd, Options& o, std::vector<std::string> formats) {
  cmd->add_option("--format", o.format, "output format")->check(CLI::IsMember(std::move(formats)));
}

std::optional<Shape> input_of(const Options& o) {
  if (!o.input) return std::nullopt;
  return parse_input_shape(*o.input);
}

// The --model network; what --allow-unknown stood in for is said on the error stream.
Network model_of(const Options& o, std::ostream& err) {
  std::vector<std::string> warnings;
  Network net = load_model(model_or_default(o), input_of(o), ImportOptions{std::nullopt, o.allow_unknown, &warnings});
  for (const auto& w : warnings) fmt::print(err, "tilesim: warning: {}\n", w);
  return net;
}

void add_model_options(CLI::App* cmd, Options& o, bool required) {
  auto* model = cmd->add_option("--model", o.model, "built-in model name, or an .onnx or ncnn .param file")->check(kName);
  if (required) model->required();
  cmd->add_option("--input", o.input, "input shape, e.g. 1x3x224x224");
  cmd->add_flag("--allow-unknown", o.allow_unknown,
                "simulate operators tilesim does not model as memory-bound stand-ins (marked approximate)");
}

// What a simulated run is run on and how, as `run` and `compare` take it.
void add_run_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--soc", o.soc, "built-in SoC name or YAML file")->check(kName);
  cmd->add_option("--engine", o.engine, "engine profile")->check(kName);
  cmd->add_option("--device", o.device, "cpu or gpu")->check(CLI::IsMember({"cpu", "gpu"}));
  cmd->add_option("--threads", o.threads, "worker threads")->check(CLI::Range(1, 1024));
  cmd->add_option("--cores", o.cores, "cluster the threads are bound to")->check(CLI::IsMember({"all", "big", "little"}));
  cmd->add_option("--precision", o.precision, "arithmetic precision")
      ->check(CLI::IsMember({"auto", "fp32", "fp16", "int8"}));
  cmd->add_option("--set", o.sets, "override one SoC value: dotted.key=VALUE");
}

int cmd_models(const Options& o, std::ostream& out) {
  if (o.format == "json") {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& m : model_zoo()) names.push_back(m.name);
    out << names.dump() << '\n';
    return 0;
  }
  TextTable t({"model", "input", "description"});
  for (const auto& m : model_zoo()) t.add({m.name, shape_to_string(m.default_input), m.description});
  t.print(out);
  return 0;
}

int cmd_socs(const Options& o, std::ostream& out) {
  const auto names = builtin_socs();
  if (o.format == "json") {
    out << nlohmann::json(names).dump() << '\n';
    return 0;
  }
  TextTable t({"soc", "description"});
  for (const auto& n : names) {
    if (n == "host" && !host_is_probed()) {  // listed, as `run --soc host` takes it once probed
      t.add({n, "this machine, once described by `tilesim probe-host` (scripts/setup.sh runs it)"});
      continue;
    }
    const YAML::Node tree = resolve_soc_tree(n);
    t.add({n, tree["description"].as<std::string>("")});
  }
  t.print(out);
  return 0;
}

int cmd_soc_show(const Options& o, std::ostream& out) {
  YAML::Node tree = resolve_soc_tree(o.soc_name);
  for (const auto& s : o.sets) apply_override(tree, s);
  parse_soc(tree, o.soc_name);  // the description must be complete, not only well-formed
  if (o.format == "json") out << soc_json(tree).dump(2) << '\n';
  else print_soc_yaml(tree, out);
  return 0;
}

int cmd_info(const Options& o, std::ostream& out, std::ostream& err) {
  const Network net = model_of(o, err);
  std::optional<EngineProfile> engine;
  std::optional<SocSpec> soc;
  std::optional<KernelContext> kernels;
  FusionRules rules;  // without an engine: batch-norm and activations folded, as exported graphs show them
  if (o.kernels) {
    engine = engine_of(o);
    soc = load_soc(soc_or_default(o), o.sets);
    rules = engine->fusion();
    kernels = KernelContext{&*engine, &*soc, o.threads.value_or(default_threads(*soc, "big")), o.device == "gpu"};
  } else if (!o.engine.empty()) {
    rules = load_engine(o.engine).fusion();
  }
  const Network fused = fuse(net, rules);
  const Shape input = net.tensor(net.graph_inputs().front()).shape;
  const nlohmann::json info = info_json(fused, input, kernels);
  if (o.format == "json") out << info.dump() << '\n';
  else print_info_table(info, o.kernels, out);
  return 0;
}

// The run `run` and `compare` simulate, as their options ask for it.
RunRequest run_request_of(const Options& o) {
  RunRequest run;
  run.device = o.device;
  run.cores = o.cores;
  run.precision = o.precision;
  run.threads = o.threads;
  run.warmup = o.warmup;
  return run;
}

int cmd_run(const Options& o, std::ostream& out, std::ostream& err) {
  const Network net = model_of(o, err);
  const SocSpec soc = load_soc(soc_or_default(o), o.sets);
  RunRequest run = run_request_of(o);
  run.record_timeline = !o.out_file.empty() || !o.trace_file.empty();
  const EngineProfile engine = engine_of(o);
  const RunResult result = simulate_run(net, soc, engine, run);
  if (!o.out_file.empty()) write_run_hdf5(o.out_file, result);
  if (!o.trace_file.empty()) write_perfetto_trace(o.trace_file, result);
  if (o.format == "json") out << run_json(result).dump(2) << '\n';
  else if (o.format == "csv") print_run_csv(result, out);
  else print_run_table(result, out);
  return 0;
}

int print_validation(const ValidationReport& report, const Options& o, std::ostream& out) {
  if (o.format == "json") out << validation_json(report).dump(2) << '\n';
  else print_validation_table(report, out);
  return 0;
}

// Rows of devices an engine's shipped calibration was fitted on are not held out: said, not hidden.
void note_in_sample(const std::vector<ValidationRow>& rows, std::vector<std::string>& notes) {
  const auto builtin = builtin_engines();
  std::map<std::string, std::vector<std::string>> fitted_on;  // by engine
  std::map<std::string, int> in_sample;
  for (const auto& row : rows) {
    const std::string engine = row.detail.substr(0, row.detail.find(' '));
    if (std::find(builtin.begin(), builtin.end(), engine) == builtin.end()) continue;
    if (!fitted_on.count(engine)) fitted_on[engine] = load_engine(engine).calibration.fitted_on;
    // The group is the SoC, or the SoC and what distinguishes the device ("bcm2837 (arm_cpu)").
    const std::string soc = row.group.substr(0, row.group.find(' '));
    const auto& fitted = fitted_on[engine];
    if (std::find(fitted.begin(), fitted.end(), soc) != fitted.end()) ++in_sample[engine];
  }
  for (const auto& [engine, n] : in_sample)
    notes.push_back(fmt::format("in-sample: {} rows were measured on devices whose rows calibrated {} "
                                "(configs/calibration/{}.yaml); --cv device holds each device out",
                                n, engine, engine));
}

int cmd_validate(const Options& o, std::ostream& out) {
  std::vector<std::string> notes;
  std::vector<ValidationRow> rows;
  if (!o.trace_in.empty()) {
    const Trace trace = read_trace(o.trace_in);
    LayerValidationOptions v;
    v.soc = o.soc;
    v.engine = o.engine;
    v.soc_overrides = o.sets;
    v.model = o.model;
    v.allow_unknown = o.allow_unknown;
    if (!trace.layers.empty()) {  // network rows name their own SoC and engine
      if (trace.soc.empty() && v.soc.empty()) throw ConfigError(fmt::format("{}: names no SoC; give --soc", o.trace_in));
      if (trace.engine.empty() && v.engine.empty())
        throw ConfigError(fmt::format("{}: names no engine; give --engine", o.trace_in));
      rows = validate_layers(trace, v, notes);
    }
    if (!trace.networks.empty()) {
      auto net_rows = validate_networks(trace.networks, notes);
      rows.insert(rows.end(), net_rows.begin(), net_rows.end());
    }
  } else if (!o.cv.empty()) {
    CrossValidation cv;
    if (o.dataset == "tophub") {
      if (o.cv != "device") throw ConfigError("validate --cv: tophub's rows are layers of many networks; --cv device");
      cv = cross_validate_traces(tophub_traces(o.data_dir, o.devices, notes), o.fits, notes);
    } else if (o.dataset == "ncnn") {
      cv = cross_validate_networks(ncnn_rows(o.data_dir, o.devices, notes),
                                   o.cv == "device" ? CvSplit::device : CvSplit::network, o.fits, notes);
    } else {
      throw ConfigError("validate --cv: give --dataset ncnn or tophub");
    }
    notes.push_back(fmt::format("leave one {} out: each of {} folds predicted by a calibration fitted ({} fit{}) on the "
                                "other folds' rows alone, from the profiles' assumptions",
                                o.cv, cv.folds, o.fits, o.fits > 1 ? "s" : ""));
    rows = std::move(cv.rows);
  } else {
    rows = validate_dataset(o.dataset, o.data_dir, o.devices, notes);
    note_in_sample(rows, notes);
  }
  if (rows.empty()) throw ConfigError("validate: no measured row could be matched to a simulation");
  return print_validation(summarize(std::move(rows), std::move(notes)), o, out);
}

// A trace from its CSV (or HDF5) form into the HDF5 form, checked as validate checks it.
int cmd_trace_convert(const Options& o, std::ostream& out) {
  if (is_csv_trace(o.trace_out))
    throw ConfigError(fmt::format("{}: trace convert writes the HDF5 form; name the output *.h5", o.trace_out));
  const Trace trace = read_trace(o.trace_in);
  write_trace(o.trace_out, trace);
  out << fmt::format("{}: {} layer rows, {} network rows from {}\n", o.trace_out, trace.layers.size(),
                     trace.networks.size(), o.trace_in);
  return 0;
}

int cmd_record(const Options& o, std::ostream& out, std::ostream& err) {
  RecordOptions r;
  r.model = o.model;
  r.input = input_of(o);
  std::optional<Network> file_model;  // a user's model file, imported here; built-in models in the recorder
  if (is_model_file(o.model)) {
    file_model = model_of(o, err);
    r.network = &*file_model;
  }
  r.threads = o.threads.value_or(1);
  if (!o.engine.empty()) r.engine = o.engine;  // the recorder's own default: oneDNN
  std::vector<std::string> skipped;
  const Trace trace = record_host_trace(r, &skipped);
  for (const auto& s : skipped) err << "note: not recorded: " << s << "\n";
  write_trace(o.out_file, trace);
  double total = 0;
  for (const auto& l : trace.layers) total += l.time.median_ms;
  out << fmt::format("{}: {} layers of {} on the host with {} {} ({} threads); sum of medians {:.3f} ms; clock {:.2f} GHz "
                     "before, {:.2f} GHz after\n",
                     o.out_file, trace.layers.size(), o.model, trace.engine, trace.engine_version, r.threads, total,
                     trace.clock_before_hz / 1e9, trace.clock_after_hz / 1e9);
  return 0;
}

// Prints (or writes, with --out) a calibration file that says what fitted it.
void emit_calibration(CalibrationResult fit, const std::string& engine, const std::set<std::string>& devices,
                      const std::string& command, const std::string& data, const Options& o, std::ostream& out) {
  const std::time_t now = std::time(nullptr);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  fit.calibration.fitted_on.assign(devices.begin(), devices.end());
  fit.calibration.source = fmt::format(
      "{} on {} ({} fit{}): {} {} rows of {} on {} devices (fitted_on); log-RMSE of simulated/measured over those "
      "rows {:.3f} at the fit (in-sample)",
      command, date, o.fits, o.fits > 1 ? "s" : "", fit.rows,
      load_engine(engine).target == EngineTarget::gpu ? "GPU" : "CPU", data, devices.size(), fit.log_rmse);
  YAML::Emitter yaml;
  fit.calibration.write(yaml);
  const std::string text = fmt::format("# {} calibration written by `{}`.\n{}\n", engine, command, yaml.c_str());
  if (o.out_file.empty()) {
    out << text;
    return;
  }
  write_file_atomically(o.out_file, text);
  out << fmt::format("{}: {} calibrated on {} rows of {} devices ({} core families); log-RMSE {:.3f}\n", o.out_file,
                     engine, fit.rows, devices.size(), fit.calibration.cores.size(), fit.log_rmse);
}

// Calibrates each engine of the whole-network `rows` measured on --device (the CPU unless it says the GPU).
void calibrate_networks(const std::vector<NetworkMeasurement>& measured, const std::string& command,
                        const std::string& data, const Options& o, std::vector<std::string>& notes, std::ostream& out) {
  const std::string device = o.devices.device.empty() ? "cpu" : o.devices.device;  // --device
  std::map<std::string, std::vector<const NetworkMeasurement*>> by_engine;
  for (const auto& r : measured)
    if (r.device == device) by_engine[r.engine].push_back(&r);
  if (by_engine.empty()) throw ConfigError(fmt::format("calibrate: no whole-network {} row to fit on", device));
  if (by_engine.size() > 1 && !o.out_file.empty())
    throw ConfigError("calibrate --out: these rows ran with more than one engine; calibrate one at a time");
  for (const auto& [engine_name, rows] : by_engine) {
    std::set<std::string> devices;
    for (const auto* r : rows) devices.insert(r->soc);
    emit_calibration(calibrate_on_networks(rows, load_engine(engine_name), o.fits, notes), engine_name, devices, command,
                     data, o, out);
  }
}

// Calibrates `engine` on layer rows (network_calibration.hpp) and emits its file.
void calibrate_layers(const LayerRuns& runs, const std::string& engine, const std::string& command,
                      const std::string& data, const Options& o, std::vector<std::string>& notes, std::ostream& out) {
  std::set<std::string> devices;
  for (const auto& r : runs.runs) devices.insert(r.group);
  emit_calibration(calibrate_on_runs(runs.runs, load_engine(engine), o.fits, notes), engine, devices, command, data, o,
                   out);
}

int cmd_calibrate(const Options& o, std::ostream& out) {
  std::vector<std::string> notes;
  if (!o.dataset.empty()) {
    if (o.data_dir.empty()) throw ConfigError("calibrate --dataset: give --data DIR");
    std::string command = "tilesim calibrate --dataset " + o.dataset;
    if (!o.devices.only.empty()) command += fmt::format(" --devices {}", fmt::join(o.devices.only, ","));
    if (!o.devices.except.empty()) command += fmt::format(" --exclude-devices {}", fmt::join(o.devices.except, ","));
    if (o.dataset == "tophub") {  // layer rows
      const LayerRuns runs = layer_runs(tophub_traces(o.data_dir, o.devices, notes), "", notes);
      if (runs.runs.empty()) throw ConfigError("calibrate --dataset tophub: no layer row of these devices");
      calibrate_layers(runs, "tvm-arm", command, "AutoTVM tophub (../shared/validation-data/tvm_tophub)", o, notes, out);
    } else {  // whole-network rows
      // The CPU rows calibrate ncnn, the GPU rows (--device gpu) its Vulkan backend.
      SocFilter filter = o.devices;
      if (filter.device.empty()) filter.device = "cpu";
      if (filter.device == "gpu") command += " --device gpu";
      calibrate_networks(ncnn_rows(o.data_dir, filter, notes), command, "the ncnn benchmark (../shared/validation-data/ncnn)",
                         o, notes, out);
    }
  } else {
    if (o.traces_in.empty()) throw ConfigError("calibrate: give --trace F.h5 ... or --dataset ncnn --data DIR --devices ...");
    std::vector<Trace> traces;
    std::vector<NetworkMeasurement> network_rows;
    bool layer_rows = false;
    std::string names;
    for (const auto& path : o.traces_in) {
      traces.push_back(read_trace(path));
      const Trace& t = traces.back();
      layer_rows |= !t.layers.empty();
      network_rows.insert(network_rows.end(), t.networks.begin(), t.networks.end());
      std::string origin = t.source == path ? "" : t.source;  // a CSV is its own source
      if (!t.recorded_at.empty()) origin += (origin.empty() ? "" : ", ") + t.recorded_at;
      names += (names.empty() ? "" : ", ") + std::filesystem::path(path).filename().string() +
               (origin.empty() ? "" : " (" + origin + ")");
    }
    const std::string command = "tilesim calibrate --trace " + fmt::format("{}", fmt::join(o.traces_in, " --trace "));
    if (!layer_rows) {  // whole networks only: as for a dataset
      calibrate_networks(network_rows, command, names, o, notes, out);
    } else {
      const std::string engine =
          o.engine.empty() && !traces.front().engine.empty() ? traces.front().engine : o.engine;
      const LayerRuns runs = layer_runs(traces, o.soc, notes);
      if (runs.runs.empty()) throw ConfigError("calibrate: no layer row of these traces can be simulated alone");
      calibrate_layers(runs, engine, command, names, o, notes, out);
    }
  }
  for (const auto& n : notes) fmt::print(std::cerr, "tilesim: note: {}\n", n);
  return 0;
}

// The ncnn benchmark's rows of both models measured as the runs ran (SoC, engine, device, threads,
// cores), where the dataset has them.
std::optional<MeasuredPair> measured_pair(const Options& o, const RunResult& a, const RunResult& b,
                                          std::vector<std::string>& notes) {
  if (o.data_dir.empty()) {
    notes.push_back("no measured ratio: give --data DIR (a tree laid out as ../shared/validation-data)");
    return std::nullopt;
  }
  std::vector<std::string> ignored;
  const auto rows = ncnn_rows(o.data_dir, SocFilter{}, ignored);
  const NetworkMeasurement* found[2] = {nullptr, nullptr};
  for (const auto& r : rows) {
    if (r.soc != a.soc || r.device != a.device || r.engine != a.engine || r.threads != a.threads ||
        (a.device == "cpu" && r.cores != a.cores))
      continue;
    // Rows of ncnn's own graphs carry ncnn's network name: the built-in model it is.
    const std::string model = r.model_file.empty() ? r.model : ncnn_model(r.model).zoo_name;
    for (int i = 0; i < 2; ++i)
      if (!found[i] && model == (i == 0 ? a.model : b.model)) found[i] = &r;
  }
  if (!found[0] || !found[1]) {
    notes.push_back(fmt::format("no measured ratio: the ncnn benchmark has no rows of both models on {} ({}, {}, {} "
                                "threads on {} cores)", a.soc, a.engine, a.device, a.threads, a.cores));
    return std::nullopt;
  }
  if (!found[0]->soc_overrides.empty())
    notes.push_back(fmt::format("the measured device ran with {}; the simulation uses the SoC as described (add them "
                                "with --set to match)", fmt::join(found[0]->soc_overrides, ", ")));
  return MeasuredPair{compared_time_ms(found[0]->time), compared_time_ms(found[1]->time),
                      fmt::format("ncnn benchmark, fastest of its loops: {}; {}", found[0]->source, found[1]->source)};
}

int cmd_compare(const Options& o, std::ostream& out, std::ostream& err) {
  if (o.compare_models.size() != 2) throw ConfigError("compare: give --model twice: --model A --model B");
  const SocSpec soc = load_soc(soc_or_default(o), o.sets);
  const EngineProfile engine = engine_of(o);
  const RunRequest run = run_request_of(o);
  RunResult runs[2];
  for (int i = 0; i < 2; ++i) {
    Options one = o;
    one.model = o.compare_models[static_cast<size_t>(i)];
    runs[i] = simulate_run(model_of(one, err), soc, engine, run);
  }
  SpeedupAttribution s = attribute_speedup(runs[0], runs[1]);
  s.measured = measured_pair(o, s.a, s.b, s.notes);
  if (o.format == "json") out << speedup_json(s).dump(2) << '\n';
  else print_speedup(s, out);
  return 0;
}

int cmd_report(const Options& o, std::ostream& out) {
  const int given = !o.report_validation.empty() + !o.report_sweep.empty() + !o.report_compare.empty();
  if (given != 1) throw ConfigError("report: give one of --validation F.json, --sweep F.h5, --compare F.json");
  std::string html, from;
  if (!o.report_validation.empty()) {
    from = o.report_validation;
    html = validation_report_html(read_json_file(from), from);
  } else if (!o.report_sweep.empty()) {
    from = o.report_sweep;
    html = sweep_report_html(summarize_sweep(from), from);
  } else {
    from = o.report_compare;
    html = compare_report_html(read_json_file(from), from);
  }
  write_file_atomically(o.out_file, html);
  out << fmt::format("{}: report of {} ({} KiB, self-contained)\n", o.out_file, from, (html.size() + 1023) / 1024);
  return 0;
}

int cmd_sweep(const Options& o, std::ostream& out, std::ostream& err) {
  const SweepConfig config = load_sweep_config(o.sweep_config);
  SweepRunOptions run;
  run.out = o.out_file;
  run.resume = o.resume;
  run.batch = o.batch;
  const MpiShare share = mpi_share_from_environment();
  run.rank = share.rank;
  run.ranks = share.ranks;
  const SweepRunStats s = run_sweep(config, run);
  out << fmt::format("{}: {} points of {} ({}{}); {} simulated, {} duplicates, {} failed{}\n", s.path, s.share, s.planned,
                     sampling_name(config.sampling), run.ranks > 1 ? fmt::format(", rank {} of {}", run.rank, run.ranks) : "",
                     s.simulated, s.duplicates, s.failed, s.already_done ? fmt::format(", {} already done", s.already_done) : "");
  // The rate, on a terminal only: what is printed elsewhere stays the same from run to run.
  if (::isatty(STDERR_FILENO) == 1 && s.seconds > 0)
    fmt::print(err, "tilesim: sweep: {:.1f} s, {:.0f} points/s, {:.2f} M simulated events/s\n", s.seconds,
               static_cast<double>(s.simulated + s.duplicates + s.failed) / s.seconds,
               static_cast<double>(s.events) / s.seconds / 1e6);
  return 0;
}

int cmd_sweep_summary(const Options& o, std::ostream& out) {
  const SweepSummary s = summarize_sweep(o.trace_in);
  if (o.format == "json") out << sweep_summary_json(s).dump(2) << '\n';
  else if (o.format == "csv") print_sweep_points_csv(s, out);
  else print_sweep_summary(s, out);
  return 0;
}

int cmd_probe_host(const Options& o, std::ostream& out) {
  const std::string path = o.out_file.empty() ? fmt::format("{}/configs/socs/host.yaml", data_root()) : o.out_file;
  const HostProbe p = probe_host();
  write_file_atomically(path, host_yaml(p));
  out << fmt::format("{}: {} cores, clock {:.2f}-{:.2f} GHz, FP32 {:.1f} GFLOP/s per core (AVX2 {:.1f}, AVX-512 {:.1f}), "
                     "DRAM read {:.1f} GB/s (1 thread) / {:.1f} GB/s (all)\n",
                     path, p.cores, p.frequency_before / 1e9, p.frequency_after / 1e9,
                     std::max(p.fp32_flops_avx2, p.fp32_flops_avx512) / 1e9, p.fp32_flops_avx2 / 1e9,
                     p.fp32_flops_avx512 / 1e9, p.dram_bandwidth_1t / 1e9, p.dram_bandwidth_all / 1e9);
  for (const auto& c : p.caches)
    out << fmt::format("  L{} {:>8}: read {:.1f} GB/s by one core, {:.1f} GB/s by all\n", c.level,
                       format_quantity(c.size, Unit::bytes), c.bandwidth_1t / 1e9, c.bandwidth_all / 1e9);
  return 0;
}

// The flag that sets a run setting the simulator names in an error (ConfigError::about).
std::string flag_of_setting(const std::string& setting) {
  static const std::pair<const char*, const char*> flags[] = {
      {"threads", "--threads"}, {"cores", "--cores"}, {"precision", "--precision"},
      {"device", "--device"},   {"input", "--input"}, {"set", "--set"}};
  for (const auto& [name, flag] : flags)
    if (setting == name) return flag;
  return setting;
}

int run_commands(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"tilesim: simulation-based performance model of CNN inference on mobile SoCs"};
  app.require_subcommand(1);
  Options o;

  auto* models = app.add_subcommand("models", "list the built-in models");
  add_format(models, o, {"table", "json"});
  auto* socs = app.add_subcommand("socs", "list the built-in SoCs");
  add_format(socs, o, {"table", "json"});

  auto* soc = app.add_subcommand("soc", "inspect SoC descriptions");
  soc->require_subcommand(1);
  auto* show = soc->add_subcommand("show", "print the fully resolved description with units and sources");
  show->add_option("soc", o.soc_name, "built-in SoC name or YAML file")->required();
  show->add_option("--set", o.sets, "override one value: dotted.key=VALUE");
  add_format(show, o, {"yaml", "json"});
  auto* format_ref = soc->add_subcommand("format", "print the description format reference (docs/soc-format.md)");

  auto* probe = app.add_subcommand("probe-host", "measure this machine and write configs/socs/host.yaml");
  probe->add_option("--out", o.out_file, "write the description here instead")->check(kOutputFile);

  auto* info = app.add_subcommand("info", "per-layer shapes, MACs and parameters of a model");
  add_model_options(info, o, true);
  info->add_flag("--kernels", o.kernels, "lower each layer and show algorithm, layout, tiles");
  info->add_option("--engine", o.engine, "engine profile")->check(kName);
  info->add_option("--soc", o.soc, "SoC the kernels are planned for")->check(kName);
  info->add_option("--threads", o.threads, "threads the kernels are planned for")->check(CLI::Range(1, 1024));
  info->add_option("--device", o.device, "cpu or gpu")->check(CLI::IsMember({"cpu", "gpu"}));
  info->add_option("--set", o.sets, "override one SoC value: dotted.key=VALUE");
  add_format(info, o, {"table", "json"});

  auto* record = app.add_subcommand("record", "time every conv, fully-connected and pooling layer on this machine (oneDNN or XNNPACK)");
  add_model_options(record, o, true);
  record->add_option("--out", o.out_file, "trace file to write (HDF5)")->check(kOutputFile)->required();
  record->add_option("--engine", o.engine, "onednn (default) or xnnpack")->check(CLI::IsMember({"onednn", "xnnpack"}));
  record->add_option("--threads", o.threads, "threads the engine runs with (default 1)")->check(CLI::Range(1, 1024));

  auto* calibrate = app.add_subcommand("calibrate", "fit an engine profile's kernel efficiencies to per-layer traces");
  calibrate->add_option("--jobs", o.jobs, "threads tilesim simulates rows on (default: every core); the result is the same")
      ->check(CLI::Range(1, 1024));
  calibrate->add_option("--trace", o.traces_in, "calibration traces, HDF5 or CSV (not the ones accuracy is reported on)");
  calibrate->add_option("--dataset", o.dataset, "or a public dataset: ncnn (whole networks) or tophub (layers)")
      ->check(CLI::IsMember({"ncnn", "tophub"}));
  calibrate->add_option("--data", o.data_dir, "root of a tree laid out as ../shared/validation-data");
  calibrate->add_option("--devices", o.devices.only, "--dataset: only rows of these SoCs (default: all)")->delimiter(',');
  calibrate->add_option("--exclude-devices", o.devices.except, "--dataset: not rows of these SoCs")->delimiter(',');
  calibrate->add_option("--device", o.devices.device, "whole-network rows measured on the cpu (default) or the gpu (ncnn: its Vulkan backend)")
      ->check(CLI::IsMember({"cpu", "gpu"}));
  calibrate->add_option("--fits", o.fits, "--dataset: fits, each after simulating the rows at the last (default 1)")
      ->check(CLI::Range(1, 10));
  calibrate->add_option("--out", o.out_file, "--dataset: the calibration file to write (default: print it)")->check(kOutputFile);
  calibrate->add_option("--soc", o.soc, "SoC (default: the traces')")->check(kName);
  calibrate->add_option("--engine", o.engine, "engine profile (default: the traces')")->check(kName);

  auto* trace_cmd = app.add_subcommand("trace", "measured traces (docs/trace-format.md)");
  trace_cmd->require_subcommand(1);
  auto* convert = trace_cmd->add_subcommand("convert", "check a CSV trace and write its HDF5 form");
  convert->add_option("in", o.trace_in, "trace to read (.csv, or HDF5)")->required();
  convert->add_option("out", o.trace_out, "HDF5 file to write")->check(kOutputFile)->required();

  auto* validate = app.add_subcommand("validate", "compare simulated with measured latency, beside the baselines");
  validate->add_option("--jobs", o.jobs, "threads tilesim simulates rows on (default: every core); the result is the same")
      ->check(CLI::Range(1, 1024));
  auto* trace_opt = validate->add_option("--trace", o.trace_in, "a trace: HDF5, or the generic CSV (docs/trace-format.md)");
  auto* dataset_opt = validate->add_option("--dataset", o.dataset, "a public dataset")
                          ->check(CLI::IsMember({"ncnn", "tophub", "tflite-profile"}));
  validate->add_option("--data", o.data_dir, "root of a tree laid out as ../shared/validation-data");
  validate->add_option("--soc", o.soc, "SoC to simulate (default: the trace's)")->check(kName);
  validate->add_option("--engine", o.engine, "engine profile (default: the trace's)")->check(kName);
  validate->add_option("--model", o.model, "model (built-in, .onnx or .param) whose layers rows without shapes are matched to")->check(kName);
  validate->add_flag("--allow-unknown", o.allow_unknown, "--model: its unmodelled operators as stand-ins");
  validate->add_option("--set", o.sets, "override one SoC value: dotted.key=VALUE");
  validate->add_option("--devices", o.devices.only, "--dataset: only rows of these SoCs (comma-separated)")->delimiter(',');
  validate->add_option("--exclude-devices", o.devices.except, "--dataset: not rows of these SoCs")->delimiter(',');
  validate->add_option("--device", o.devices.device, "--dataset ncnn: only the rows measured on the cpu or the gpu")
      ->check(CLI::IsMember({"cpu", "gpu"}));
  validate->add_option("--cv", o.cv, "--dataset ncnn (device or network) or tophub (device): leave one out, calibrating on the rest")
      ->check(CLI::IsMember({"device", "network"}));
  validate->add_option("--fits", o.fits, "--cv: calibration fits per fold (default 1)")->check(CLI::Range(1, 10));
  trace_opt->excludes(dataset_opt);
  add_format(validate, o, {"table", "json"});

  auto* sweep = app.add_subcommand("sweep", "simulate every point of a design-space sweep (docs/sweep-format.md)");
  sweep->add_option("--config", o.sweep_config, "sweep description (YAML; examples in configs/sweeps/)")->required();
  sweep->add_option("--out", o.out_file, "results file (HDF5), rewritten after each batch")->check(kOutputFile)->required();
  sweep->add_flag("--resume", o.resume, "continue the results file: only points not yet in it are simulated");
  sweep->add_option("--batch", o.batch, "points between two writes of the results (default 256)")->check(CLI::Range(1, 1000000));
  sweep->add_option("--jobs", o.jobs, "threads tilesim simulates points on (default: every core); the result is the same")
      ->check(CLI::Range(1, 1024));
  auto* sweep_summary = app.add_subcommand("sweep-summary", "points, failures, Pareto front and sensitivity of a sweep");
  sweep_summary->add_option("--in", o.trace_in, "a sweep's results file (its --out; parts of several ranks are merged)")->required();
  add_format(sweep_summary, o, {"table", "json", "csv"});

  auto* compare = app.add_subcommand("compare", "why model A's speedup over B differs from their FLOP ratio, factor by factor");
  compare->add_option("--model", o.compare_models, "the two models, A then B (built-in, .onnx or .param)")
      ->required()->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  compare->add_option("--input", o.input, "input shape of both, e.g. 1x3x224x224");
  compare->add_flag("--allow-unknown", o.allow_unknown, "operators tilesim does not model as stand-ins");
  add_run_options(compare, o);
  compare->add_option("--data", o.data_dir, "root of a tree laid out as ../shared/validation-data: the measured ratio");
  add_format(compare, o, {"table", "json"});

  auto* report = app.add_subcommand("report", "one self-contained HTML page of charts: a validation, a sweep or a comparison");
  report->add_option("--validation", o.report_validation, "`tilesim validate --format json` output");
  report->add_option("--sweep", o.report_sweep, "a sweep's results (its --out)");
  report->add_option("--compare", o.report_compare, "`tilesim compare --format json` output");
  report->add_option("--out", o.out_file, "the HTML file to write")->check(kOutputFile)->required();

  auto* run = app.add_subcommand("run", "simulate one inference");
  add_model_options(run, o, false);
  add_run_options(run, o);
  run->add_option("--warmup", o.warmup, "unreported inferences first, to warm the caches as benchmarks do")
      ->check(CLI::Range(0, 100));
  run->add_option("--out", o.out_file, "write results to an HDF5 file")->check(kOutputFile);
  run->add_option("--trace", o.trace_file, "write a Perfetto/Chrome trace")->check(kOutputFile);
  add_format(run, o, {"table", "json", "csv"});
  auto* run_format = run->add_subcommand("format", "print the output format reference (docs/output-format.md)");

  if (argc >= 2 && argv[1][0] != '-') {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
    if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
      fmt::print(err, "tilesim: error: unknown command '{}'; commands: {}\n", argv[1], fmt::join(commands, ", "));
      return kBadInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      app.exit(e, out, err);
      return 0;
    }
    fmt::print(err, "tilesim: error: {}\n", e.what());
    return kBadInput;
  }
  try {
    std::optional<tbb::global_control> jobs;
    if (o.jobs > 0) jobs.emplace(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(o.jobs));
    if (*models) return cmd_models(o, out);
    if (*socs) return cmd_socs(o, out);
    if (*show) return cmd_soc_show(o, out);
    if (*format_ref) {
      print_soc_format_reference(out);
      return 0;
    }
    if (*info) return cmd_info(o, out, err);
    if (*probe) return cmd_probe_host(o, out);
    if (*record) return cmd_record(o, out, err);
    if (*convert) return cmd_trace_convert(o, out);
    if (*calibrate) return cmd_calibrate(o, out);
    if (*validate) {
      if (o.trace_in.empty() && o.dataset.empty()) throw ConfigError("validate: give --trace F.h5|F.csv or --dataset NAME --data DIR");
      if (!o.dataset.empty() && o.data_dir.empty()) throw ConfigError("validate --dataset: give --data DIR");
      return cmd_validate(o, out);
    }
    if (*compare) return cmd_compare(o, out, err);
    if (*report) return cmd_report(o, out);
    if (*sweep) return cmd_sweep(o, out, err);
    if (*sweep_summary) return cmd_sweep_summary(o, out);
    if (*run_format) {
      print_run_format_reference(out);
      return 0;
    }
    if (*run) return cmd_run(o, out, err);
  } catch (const ConfigError& e) {
    if (e.setting().empty())
      fmt::print(err, "tilesim: error: {}\n", e.what());
    else
      fmt::print(err, "tilesim: error: {}: {}\n", flag_of_setting(e.setting()), e.what());
    return kBadInput;
  } catch (const GraphError& e) {
    fmt::print(err, "tilesim: error: {}\n", e.what());
    return kBadInput;
  }
  return kBadInput;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  const auto internal = [&](const std::string& what) {
    fmt::print(err, "tilesim: internal error: {}\nThis is a bug in tilesim: please report it with the command line "
                    "and input files that caused it.\n", what);
    return kInternalError;
  };
  try {
    return run_commands(argc, argv, out, err);
  } catch (const std::filesystem::filesystem_error& e) {
    // A path the user gave that the system refuses (too long, not permitted, a directory).
    fmt::print(err, "tilesim: error: {}: {}\n", e.path1().string(), e.code().message());
    return kBadInput;
  } catch (const std::bad_alloc&) {
    return internal("out of memory");
  } catch (const std::exception& e) {
    return internal(e.what());
  } catch (...) {
    return internal("an exception of unknown type");
  }
}

}  // namespace tilesim
