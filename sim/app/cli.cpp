#include "sim/app/cli.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/host_probe.hpp"
#include "hwmodels/soc_loader.hpp"
#include "kernels/engine_profile.hpp"
#include "sim/app/atomic_file.hpp"
#include "sim/app/model_source.hpp"
#include "sim/workload/import/model_loader.hpp"
#include "sim/app/reports.hpp"
#include "sim/app/run_outputs.hpp"
#include "sim/app/validation_datasets.hpp"
#include "traces/host_recorder.hpp"
#include "validation/calibration.hpp"
#include "traces/trace.hpp"
#include "sim/app/text_table.hpp"
#include "sim/engine/cpu_simulator.hpp"
#include "sim/engine/gpu_simulator.hpp"
#include "sim/workload/fusion.hpp"
#include "sim/workload/zoo/zoo.hpp"

namespace tilesim {
namespace {

constexpr int kBadInput = 2;

// Default simulation target (CONTRACT.md: `tilesim run` with no arguments).
const char* const kDefaultModel = "mobilenet_v2";
const char* const kDefaultSoc = "snapdragon855";
const char* const kDefaultEngine = "ncnn";

struct Options {
  std::string format = "table";
  std::string model = kDefaultModel, soc = kDefaultSoc, engine = kDefaultEngine;
  std::string device = "cpu", cores = "big", precision = "auto", input, out_file, trace_file;
  std::optional<int> threads;
  int warmup = 1;
  std::vector<std::string> sets;
  bool kernels = false;
  bool allow_unknown = false;
  std::string soc_name;
  std::string trace_in, trace_out, dataset, data_dir;
  std::vector<std::string> traces_in;
  SocFilter devices;
};

void add_format(CLI::App* cmd, Options& o, std::vector<std::string> formats) {
  cmd->add_option("--format", o.format, "output format")->check(CLI::IsMember(std::move(formats)));
}

std::optional<Shape> input_of(const Options& o) {
  if (o.input.empty()) return std::nullopt;
  return parse_input_shape(o.input);
}

// The --model network; what --allow-unknown stood in for is said on the error stream.
Network model_of(const Options& o, std::ostream& err) {
  std::vector<std::string> warnings;
  Network net = load_model(o.model, input_of(o), ImportOptions{std::nullopt, o.allow_unknown, &warnings});
  for (const auto& w : warnings) fmt::print(err, "tilesim: warning: {}\n", w);
  return net;
}

void add_model_options(CLI::App* cmd, Options& o, bool required) {
  auto* model = cmd->add_option("--model", o.model, "built-in model name, or an .onnx or ncnn .param file");
  if (required) model->required();
  cmd->add_option("--input", o.input, "input shape, e.g. 1x3x224x224");
  cmd->add_flag("--allow-unknown", o.allow_unknown,
                "simulate operators tilesim does not model as memory-bound stand-ins (marked approximate)");
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
    engine = load_engine(o.engine);
    soc = load_soc(o.soc, o.sets);
    rules = engine->fusion();
    int big_cores = 0;
    for (const ClusterSpec* c : soc->clusters_of("big")) big_cores += static_cast<int>(c->count);
    kernels = KernelContext{&*engine, &*soc, o.threads.value_or(big_cores), o.device == "gpu"};
  } else if (o.engine != kDefaultEngine) {
    rules = load_engine(o.engine).fusion();
  }
  const Network fused = fuse(net, rules);
  const Shape input = net.tensor(net.graph_inputs().front()).shape;
  const nlohmann::json info = info_json(fused, input, kernels);
  if (o.format == "json") out << info.dump() << '\n';
  else print_info_table(info, o.kernels, out);
  return 0;
}

int cmd_run(const Options& o, std::ostream& out, std::ostream& err) {
  const Network net = model_of(o, err);
  const SocSpec soc = load_soc(o.soc, o.sets);
  const bool record = !o.out_file.empty() || !o.trace_file.empty();
  RunResult result;
  if (o.device == "gpu") {
    // Without --engine, the GPU runs ncnn's Vulkan backend (the default engine is ncnn's CPU one).
    const EngineProfile engine = load_engine(o.engine == kDefaultEngine ? "ncnn-vulkan" : o.engine);
    result = simulate_gpu(net, soc, engine, GpuRunOptions{o.precision, record, o.warmup});
  } else {
    const EngineProfile engine = load_engine(o.engine);
    CpuRunOptions run;
    run.cores = o.cores;
    run.precision = o.precision;
    int cores_available = 0;
    for (const ClusterSpec* c : soc.clusters_of(o.cores)) cores_available += static_cast<int>(c->count);
    if (cores_available == 0)
      for (const ClusterSpec* c : soc.clusters_of("all")) cores_available += static_cast<int>(c->count);
    run.threads = o.threads.value_or(cores_available);  // ncnn's default: one thread per selected core
    run.record_timeline = record;
    run.warmup_runs = o.warmup;
    result = simulate_cpu(net, soc, engine, run);
  }
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

int cmd_validate(const Options& o, std::ostream& out) {
  std::vector<std::string> notes;
  std::vector<ValidationRow> rows;
  if (!o.trace_in.empty()) {
    const Trace trace = read_trace(o.trace_in);
    LayerValidationOptions v;
    v.soc = o.soc == kDefaultSoc ? "" : o.soc;
    v.engine = o.engine == kDefaultEngine ? "" : o.engine;
    v.soc_overrides = o.sets;
    v.model = o.model == kDefaultModel ? "" : o.model;
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
  } else {
    rows = validate_dataset(o.dataset, o.data_dir, o.devices, notes);
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
  if (o.engine != kDefaultEngine) r.engine = o.engine;  // the recorder's own default: oneDNN
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

// Prints the fitted efficiencies as profile lines that say what fitted them.
// Whole-network rows: one scale per engine for all its kernel efficiencies, fitted on `rows`.
void print_network_scale_fits(const std::vector<NetworkMeasurement>& rows, const std::string& fitted_by,
                              const std::string& on, std::ostream& out) {
  std::vector<std::string> engines;
  for (const auto& r : rows)
    if (std::find(engines.begin(), engines.end(), r.engine) == engines.end()) engines.push_back(r.engine);
  bool any = false;
  for (const auto& engine : engines) {
    const auto fits = fit_efficiency_scale(rows, engine);
    if (fits.empty()) continue;
    any = true;
    out << fmt::format("# {}: fitted by `{}`\n", engine, fitted_by);
    for (const auto& f : fits)
      out << fmt::format("{}: {{value: {:.3f}, source: \"fitted: one scale for all efficiencies, median simulated/"
                         "measured = 1 over {} rows of {}; not fitted on other rows\"}}\n",
                         f.key, f.value, f.layers, on);
  }
  if (!any) throw ConfigError("calibrate: no network row of these traces could be simulated to fit a scale");
}

int cmd_calibrate(const Options& o, std::ostream& out) {
  if (!o.dataset.empty()) {  // whole-network rows: one scale per engine
    if (o.data_dir.empty()) throw ConfigError("calibrate --dataset: give --data DIR");
    if (o.devices.only.empty()) throw ConfigError("calibrate --dataset: give --devices (the calibration SoCs)");
    std::vector<std::string> notes;
    std::vector<NetworkMeasurement> rows;
    for (auto& r : ncnn_rows(o.data_dir, o.devices, notes))
      if (r.engine == "ncnn" || r.engine == "ncnn-vulkan") rows.push_back(std::move(r));
    const std::string socs = fmt::format("{}", fmt::join(o.devices.only, ", "));
    print_network_scale_fits(rows, "tilesim calibrate --dataset ncnn --devices " + socs,
                             "the ncnn benchmark on " + socs, out);
    return 0;
  }
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
  if (!layer_rows) {  // whole networks only: a scale per engine, as for a dataset
    print_network_scale_fits(network_rows, "tilesim calibrate --trace " + fmt::format("{}", fmt::join(o.traces_in, " --trace ")),
                             names, out);
    return 0;
  }
  const std::string engine = o.engine == kDefaultEngine && !traces.front().engine.empty() ? traces.front().engine : o.engine;
  const auto fits = fit_efficiencies(traces, o.soc == kDefaultSoc ? "" : o.soc, engine);
  if (fits.empty()) throw ConfigError("calibrate: no layer of these traces determines an efficiency");
  out << fmt::format("# {} fitted to {} by `tilesim calibrate`\n", engine, names);
  for (const auto& f : fits)
    out << fmt::format("{}: {{value: {:.3f}, source: \"fitted: median over {} layers of {}; interquartile {:.3f}-{:.3f}\"}}\n",
                       f.key, f.value, f.layers, names, f.low, f.high);
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

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
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
  probe->add_option("--out", o.out_file, "write the description here instead");

  auto* info = app.add_subcommand("info", "per-layer shapes, MACs and parameters of a model");
  add_model_options(info, o, true);
  info->add_flag("--kernels", o.kernels, "lower each layer and show algorithm, layout, tiles");
  info->add_option("--engine", o.engine, "engine profile");
  info->add_option("--soc", o.soc, "SoC the kernels are planned for");
  info->add_option("--threads", o.threads, "threads the kernels are planned for");
  info->add_option("--device", o.device, "cpu or gpu")->check(CLI::IsMember({"cpu", "gpu"}));
  info->add_option("--set", o.sets, "override one SoC value: dotted.key=VALUE");
  add_format(info, o, {"table", "json"});

  auto* record = app.add_subcommand("record", "time every conv, fully-connected and pooling layer on this machine (oneDNN or XNNPACK)");
  add_model_options(record, o, true);
  record->add_option("--out", o.out_file, "trace file to write (HDF5)")->required();
  record->add_option("--engine", o.engine, "onednn (default) or xnnpack")->check(CLI::IsMember({"onednn", "xnnpack"}));
  record->add_option("--threads", o.threads, "threads the engine runs with (default 1)")->check(CLI::Range(1, 1024));

  auto* calibrate = app.add_subcommand("calibrate", "fit an engine profile's kernel efficiencies to per-layer traces");
  calibrate->add_option("--trace", o.traces_in, "calibration traces, HDF5 or CSV (not the ones accuracy is reported on)");
  calibrate->add_option("--dataset", o.dataset, "or a public dataset of whole-network rows")->check(CLI::IsMember({"ncnn"}));
  calibrate->add_option("--data", o.data_dir, "root of a tree laid out as ../shared/validation-data");
  calibrate->add_option("--devices", o.devices.only, "the SoCs whose rows calibrate (comma-separated)")->delimiter(',');
  calibrate->add_option("--soc", o.soc, "SoC (default: the traces')");
  calibrate->add_option("--engine", o.engine, "engine profile (default: the traces')");

  auto* trace_cmd = app.add_subcommand("trace", "measured traces (docs/trace-format.md)");
  trace_cmd->require_subcommand(1);
  auto* convert = trace_cmd->add_subcommand("convert", "check a CSV trace and write its HDF5 form");
  convert->add_option("in", o.trace_in, "trace to read (.csv, or HDF5)")->required();
  convert->add_option("out", o.trace_out, "HDF5 file to write")->required();

  auto* validate = app.add_subcommand("validate", "compare simulated with measured latency, beside the baselines");
  auto* trace_opt = validate->add_option("--trace", o.trace_in, "a trace: HDF5, or the generic CSV (docs/trace-format.md)");
  auto* dataset_opt = validate->add_option("--dataset", o.dataset, "a public dataset")
                          ->check(CLI::IsMember({"ncnn", "tophub", "tflite-profile"}));
  validate->add_option("--data", o.data_dir, "root of a tree laid out as ../shared/validation-data");
  validate->add_option("--soc", o.soc, "SoC to simulate (default: the trace's)");
  validate->add_option("--engine", o.engine, "engine profile (default: the trace's)");
  validate->add_option("--model", o.model, "model (built-in, .onnx or .param) whose layers rows without shapes are matched to");
  validate->add_flag("--allow-unknown", o.allow_unknown, "--model: its unmodelled operators as stand-ins");
  validate->add_option("--set", o.sets, "override one SoC value: dotted.key=VALUE");
  validate->add_option("--devices", o.devices.only, "--dataset: only rows of these SoCs (comma-separated)")->delimiter(',');
  validate->add_option("--exclude-devices", o.devices.except, "--dataset: not rows of these SoCs")->delimiter(',');
  trace_opt->excludes(dataset_opt);
  add_format(validate, o, {"table", "json"});

  auto* run = app.add_subcommand("run", "simulate one inference");
  add_model_options(run, o, false);
  run->add_option("--soc", o.soc, "built-in SoC name or YAML file");
  run->add_option("--engine", o.engine, "engine profile");
  run->add_option("--device", o.device, "cpu or gpu")->check(CLI::IsMember({"cpu", "gpu"}));
  run->add_option("--threads", o.threads, "worker threads")->check(CLI::Range(1, 1024));
  run->add_option("--cores", o.cores, "cluster the threads are bound to")->check(CLI::IsMember({"all", "big", "little"}));
  run->add_option("--precision", o.precision, "arithmetic precision")
      ->check(CLI::IsMember({"auto", "fp32", "fp16", "int8"}));
  run->add_option("--set", o.sets, "override one SoC value: dotted.key=VALUE");
  run->add_option("--warmup", o.warmup, "unreported inferences first, to warm the caches as benchmarks do")
      ->check(CLI::Range(0, 100));
  run->add_option("--out", o.out_file, "write results to an HDF5 file");
  run->add_option("--trace", o.trace_file, "write a Perfetto/Chrome trace");
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

}  // namespace tilesim
