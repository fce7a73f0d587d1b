#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "tests/test_support.hpp"
#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "hwmodels/soc_loader.hpp"
#include "sim/workload/zoo/zoo.hpp"
#include "traces/csv_reader.hpp"
#include "traces/import_ncnn.hpp"
#include "traces/trace.hpp"

namespace fs = std::filesystem;
using namespace tilesim;

namespace {

using test::error_of;

// A file in the temp folder, unique to this process, removed at the end of the test.
using test::TempFile;

const char* kHeader =
    "run_id,readme_line,device_section,command,loop_count,num_threads,powersave,gpu_device,cooling_down,"
    "vulkan_devices_listed,model,min_ms,max_ms,avg_ms,blame_commit,blame_date\n";

const char* kMap = R"(devices:
  - match: "Qualcomm SM8150-AC Snapdragon 855+, quoted"
    soc: snapdragon855
    set: ["cpu.clusters.prime.frequency=2.96GHz"]
    note: "855+"
  - match: "Rockchip RK3588"
    soc: rk3588
  - match: "Qualcomm MSM8916 Snapdragon 410"
    soc: snapdragon410
)";

}  // namespace

TEST_CASE("csv_quoted_fields_keep_commas_doubled_quotes_and_line_breaks_and_records_keep_their_first_line") {
  const auto records = parse_csv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n", "t.csv");
  REQUIRE(records.size() == 3);
  CHECK(records[1].fields == std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"});
  CHECK(records[1].line == 2);
  CHECK(records[2].line == 5);  // the record after the quoted line break and a blank line
  CHECK(records[2].fields == std::vector<std::string>{"last", "", ""});
}

TEST_CASE("csv_unclosed_quote_text_after_closing_quote_and_short_row_are_errors_naming_file_and_line") {
  CHECK(error_of([] { parse_csv("a,b\n1,\"open\n", "t.csv"); }).starts_with("t.csv:2:"));
  CHECK(error_of([] { parse_csv("a,b\n\"x\"y,2\n", "t.csv"); }).starts_with("t.csv:2:"));
  CHECK(error_of([] { CsvTable::from_text("a,b\n1,2\n3\n", "t.csv"); }).starts_with("t.csv:3:"));
  const CsvTable t = CsvTable::from_text("a,b\n1,zz\n", "t.csv");
  const std::string e = error_of([&] { t.number(t.rows()[0], 1); });
  CHECK(e.find("t.csv:2: column 'b'") == 0);
  CHECK(e.find("zz") != std::string::npos);
  CHECK(error_of([&] { t.column("c"); }).find("missing column 'c'") != std::string::npos);
}

TEST_CASE("ncnn_rows_take_threads_cores_from_powersave_engine_from_gpu_device_and_227_input_for_squeezenet") {
  const TempFile map("map.yaml", kMap);
  const TempFile csv("rows.csv",
                     std::string(kHeader) +
                         // quoted section with a comma, matched exactly; powersave 2 -> big; squeezenet -> 227
                         "1,100,\"Qualcomm SM8150-AC Snapdragon 855+, quoted\",\"./benchncnn 8 4 2 -1 "
                         "0\",8,4,2,-1,0,,squeezenet,10.5,12.5,11.0,abc,2022-06-01\n"
                         // same device, GPU: gpu_device 0 -> gpu, ncnn-vulkan; alexnet -> 227
                         "2,101,\"Qualcomm SM8150-AC Snapdragon 855+, quoted\",,8,1,2,0,0,\"0:Adreno (TM) "
                         "640\",alexnet,3,4,3.5,abc,2022-06-01\n"
                         // substring match; powersave 1 -> little, 0 -> all; mobilenet_v3 -> large at 224
                         "3,200,\"Rockchip RK3588 (Cortex-A76 2.4GHz x 4 + Cortex-A55 1.8GHz x "
                         "4)\",,8,4,1,-1,0,,mobilenet_v3,20,22,21,abc,2022-05-01\n"
                         "3,201,Rockchip RK3588 board,,10,8,0,-1,0,,regnety_400m,5,6,5.5,abc,2022-05-01\n");
  ImportReport report;
  const auto rows = import_ncnn_benchmark(csv.path, map.path, &report);
  REQUIRE(rows.size() == 4);
  CHECK(report.rows_read == 4);
  CHECK(report.rows_imported == 4);

  const auto& a = rows[0];
  CHECK(a.model == "squeezenet1_1");
  CHECK(a.soc == "snapdragon855");
  CHECK(a.soc_overrides == std::vector<std::string>{"cpu.clusters.prime.frequency=2.96GHz"});
  CHECK(a.device == "cpu");
  CHECK(a.engine == "ncnn");
  CHECK(a.threads == 4);
  CHECK(a.cores == "big");
  CHECK(a.precision == "auto");
  CHECK(a.input == Shape{1, 3, 227, 227});
  CHECK(a.time.min_ms == 10.5);
  CHECK(a.time.max_ms == 12.5);
  CHECK(a.time.mean_ms == 11.0);
  CHECK(a.time.median_ms == 0);  // the source gives no median
  CHECK(a.time.count == 8);
  CHECK(a.source == fs::path(csv.path).filename().string() + ":100");

  CHECK(rows[1].model == "alexnet");
  CHECK(rows[1].input == Shape{1, 3, 227, 227});
  CHECK(rows[1].device == "gpu");
  CHECK(rows[1].engine == "ncnn-vulkan");
  CHECK(rows[1].threads == 1);

  CHECK(rows[2].model == "mobilenet_v3_large");
  CHECK(rows[2].soc == "rk3588");
  CHECK(rows[2].soc_overrides.empty());
  CHECK(rows[2].cores == "little");
  CHECK(rows[2].input == Shape{1, 3, 224, 224});
  CHECK(rows[3].model == "regnet_y_400mf");
  CHECK(rows[3].cores == "all");
  CHECK(rows[3].threads == 8);
  CHECK(rows[3].time.count == 10);
}

TEST_CASE("ncnn_skips_unmapped_int8_detector_unknown_model_gpuless_soc_and_foreign_vulkan_rows_by_reason") {
  const TempFile map("map.yaml", kMap);
  const TempFile csv("skip.csv",
                     std::string(kHeader) +
                         "1,10,Apple iPhone 5S (A7),,8,2,0,-1,0,,mobilenet,1,2,1.5,c,d\n"
                         "1,11,Apple iPhone 5S (A7),,8,2,0,-1,0,,resnet18,1,2,1.5,c,d\n"
                         "2,20,Rockchip RK3588,,8,4,0,-1,0,,mobilenet_int8,1,2,1.5,c,d\n"
                         "2,21,Rockchip RK3588,,8,4,0,-1,0,,squeezenet-int8,1,2,1.5,c,d\n"
                         "2,22,Rockchip RK3588,,8,4,0,-1,0,,mobilenet_ssd,1,2,1.5,c,d\n"
                         "2,23,Rockchip RK3588,,8,4,0,-1,0,,yolov4-tiny,1,2,1.5,c,d\n"
                         "2,24,Rockchip RK3588,,8,4,0,-1,0,,FastestDet,1,2,1.5,c,d\n"
                         "2,25,Rockchip RK3588,,8,4,0,-1,0,,vision_transformer,1,2,1.5,c,d\n"
                         "3,30,Qualcomm MSM8916 Snapdragon 410,,8,1,0,0,0,0:Adreno 306,mobilenet,1,2,1.5,c,d\n"
                         "4,40,Rockchip RK3588,,8,1,0,1,0,0:Mali-G610,mobilenet,1,2,1.5,c,d\n"
                         "4,41,Rockchip RK3588,,8,1,0,0,0,0:llvmpipe (LLVM 15.0.6),mobilenet,1,2,1.5,c,d\n"
                         "5,50,Rockchip RK3588,,8,4,0,-1,0,,mobilenet,3,2,2.5,c,d\n"
                         "6,60,Rockchip RK3588,,8,4,0,,0,,mobilenet,1,2,1.5,c,d\n");  // empty gpu_device: CPU
  ImportReport report;
  const auto rows = import_ncnn_benchmark(csv.path, map.path, &report);
  CHECK(report.rows_read == 13);
  CHECK(report.rows_imported == 1);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].device == "cpu");
  CHECK(rows[0].source.ends_with(":60"));
  CHECK(report.skipped_for("device not mapped") == 2);
  CHECK(report.skipped_for("int8 model") == 2);
  CHECK(report.skipped_for("detector, not a classifier") == 3);
  CHECK(report.skipped_for("model not built in") == 1);
  CHECK(report.skipped_for("GPU run, the SoC has no GPU model") == 1);
  CHECK(report.skipped_for("Vulkan device not the SoC's GPU") == 2);
  CHECK(report.skipped_for("inconsistent times (need 0 < min <= avg <= max)") == 1);
  CHECK(report.rows_skipped() + report.rows_imported == report.rows_read);
}

TEST_CASE("ncnn_malformed_input_is_a_config_error_naming_file_line_and_column") {
  const TempFile map("map.yaml", kMap);
  CHECK(error_of([&] {
          import_ncnn_benchmark("/nonexistent/ncnn.csv", map.path, nullptr);
        }).starts_with("/nonexistent/ncnn.csv"));

  const TempFile no_column("nocol.csv", "run_id,readme_line,device_section\n1,2,x\n");
  const std::string e1 = error_of([&] { import_ncnn_benchmark(no_column.path, map.path, nullptr); });
  CHECK(e1.starts_with(no_column.path + ":1:"));
  CHECK(e1.find("missing column 'loop_count'") != std::string::npos);

  // An unparsable number fails the import even on a row whose device is not mapped.
  const TempFile bad_number("badnum.csv", std::string(kHeader) +
                                              "1,10,Rockchip RK3588,,8,4,0,-1,0,,mobilenet,1,2,1.5,c,d\n"
                                              "1,11,\"Somewhere, else\",,8,4,0,-1,0,,mobilenet,1.2.3,2,1.5,c,d\n");
  const std::string e2 = error_of([&] { import_ncnn_benchmark(bad_number.path, map.path, nullptr); });
  CHECK(e2.starts_with(bad_number.path + ":3: column 'min_ms'"));
  CHECK(e2.find("1.2.3") != std::string::npos);

  const TempFile bad_powersave("badps.csv",
                               std::string(kHeader) + "1,10,Rockchip RK3588,,8,4,3,-1,0,,mobilenet,1,2,1.5,c,d\n");
  CHECK(error_of([&] {
          import_ncnn_benchmark(bad_powersave.path, map.path, nullptr);
        }).starts_with(bad_powersave.path + ":2: column 'powersave'"));
}

TEST_CASE("ncnn_device_map_must_name_built_in_socs_whose_overrides_resolve_and_errors_name_map_file_and_line") {
  const TempFile csv("empty.csv", kHeader);
  const TempFile unknown("unknown.yaml", "devices:\n  - match: x\n    soc: snapdragon856\n");
  const std::string e1 = error_of([&] { import_ncnn_benchmark(csv.path, unknown.path, nullptr); });
  CHECK(e1.starts_with(unknown.path + ":3:"));
  CHECK(e1.find("snapdragon855") != std::string::npos);  // the suggestion

  const TempFile bad_key("badkey.yaml",
                         "devices:\n  - match: x\n    soc: rk3588\n    set: [\"cpu.clusters.prime.frequency=3GHz\"]\n");
  CHECK(error_of([&] { import_ncnn_benchmark(csv.path, bad_key.path, nullptr); }).starts_with(bad_key.path + ":4:"));

  const TempFile typo("typo.yaml", "devices:\n  - match: x\n    soc: rk3588\n    nots: y\n");
  CHECK(error_of([&] { import_ncnn_benchmark(csv.path, typo.path, nullptr); }).starts_with(typo.path + ":4:"));

  const TempFile twice("twice.yaml",
                       "devices:\n  - match: Rockchip\n    soc: rk3588\n  - match: RK3588\n    soc: rk3588\n");
  const TempFile rows("twice.csv", std::string(kHeader) + "1,10,Rockchip RK3588,,8,4,0,-1,0,,mobilenet,1,2,1.5,c,d\n");
  CHECK(error_of([&] { import_ncnn_benchmark(rows.path, twice.path, nullptr); }).find("lines 2 and 4") !=
        std::string::npos);
}

TEST_CASE("ncnn_every_mapped_model_is_in_the_zoo_and_builds_at_benchncnn_input_size") {
  for (const char* name :
       {"mobilenet", "mobilenet_v2", "mobilenet_v3", "shufflenet", "shufflenet_v2", "squeezenet", "googlenet",
        "resnet18", "resnet50", "vgg16", "alexnet", "mnasnet", "efficientnet_b0", "regnety_400m", "proxylessnasnet"}) {
    CAPTURE(name);
    const NcnnModel m = ncnn_model(name);
    REQUIRE(!m.zoo_name.empty());
    const ModelEntry* entry = find_model(m.zoo_name);
    REQUIRE(entry != nullptr);
    CHECK_NOTHROW(entry->build(ncnn_input_shape(name)));
  }
  CHECK(ncnn_model("squeezenet").zoo_name == "squeezenet1_1");
  CHECK(ncnn_model("mobilenet_v3").zoo_name == "mobilenet_v3_large");
  CHECK(ncnn_model("resnet50_int8").skip_reason == "int8 model");
  CHECK(ncnn_model("efficientnetv2_b0").skip_reason == "model not built in");
}

TEST_CASE("ncnn_param_files_behind_the_model_table_are_squeezenet_v1_1_and_mobilenet_v3_large") {
  const std::string dir = TILESIM_SOURCE_DIR "/../shared/validation-data/ncnn/models/";
  if (!fs::is_regular_file(dir + "squeezenet.param")) {
    MESSAGE("ncnn .param files not present; skipped");
    return;
  }
  auto line_of = [](const std::string& path, const std::string& prefix) {
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);)
      if (l.starts_with(prefix)) return l;
    return std::string();
  };
  // v1.1: conv1 has 64 3x3 filters (v1.0: 96 7x7).
  const std::string conv1 = line_of(dir + "squeezenet.param", "Convolution              conv1 ");
  CHECK(conv1.find(" 0=64 1=3 ") != std::string::npos);
  // Large ends in a 960-channel 1x1 convolution (Small: 576).
  std::ifstream in(dir + "mobilenet_v3.param");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find(" 0=960 ") != std::string::npos);
  CHECK(text.find(" 0=576 ") == std::string::npos);
}

TEST_CASE("trace_soc_overrides_survive_write_and_read_stored_joined_with_semicolons") {
  Trace t;
  NetworkMeasurement m;
  m.model = "mobilenet";
  m.soc = "snapdragon855";
  m.soc_overrides = {"cpu.clusters.prime.frequency=2.96GHz", "gpu.frequency=675MHz"};
  m.device = "cpu";
  m.engine = "ncnn";
  m.threads = 4;
  m.cores = "big";
  m.precision = "auto";
  m.input = {1, 3, 224, 224};
  m.time = {1, 0, 1.5, 2, 8};
  t.networks = {m, m};
  t.networks[1].soc_overrides.clear();
  const std::string path = (fs::temp_directory_path() / fmt::format("tilesim_test_ncnn_{}.h5", ::getpid())).string();
  write_trace(path, t);
  const Trace back = read_trace(path);
  fs::remove(path);
  REQUIRE(back.networks.size() == 2);
  CHECK(back.networks[0].soc_overrides == m.soc_overrides);
  CHECK(back.networks[1].soc_overrides.empty());
}

TEST_CASE("ncnn_shipped_device_map_loads_and_every_soc_in_it_resolves_with_its_overrides") {
  const auto map = load_ncnn_device_map(TILESIM_SOURCE_DIR "/configs/validation/ncnn_devices.yaml");
  CHECK(map.size() >= 10);
  std::set<std::string> matches;
  for (const auto& m : map) {
    CAPTURE(m.match);
    CHECK(matches.insert(m.match).second);
    CHECK(!m.note.empty());
  }
}

TEST_CASE("ncnn_real_data_imports_rows_of_at_least_10_built_in_socs_that_resolve_with_models_in_the_zoo") {
  const std::string csv = TILESIM_SOURCE_DIR "/../shared/validation-data/ncnn/ncnn_benchmark_readme_parsed.csv";
  if (!fs::is_regular_file(csv)) {
    MESSAGE("the ncnn benchmark CSV is not present (", csv, "); skipped");
    return;
  }
  ImportReport report;
  const auto rows = import_ncnn_benchmark(csv, TILESIM_SOURCE_DIR "/configs/validation/ncnn_devices.yaml", &report);
  CHECK(report.rows_imported == static_cast<int64_t>(rows.size()));
  CHECK(report.rows_imported + report.rows_skipped() == report.rows_read);

  std::map<std::string, int> per_soc;
  std::map<std::string, bool> resolved;  // soc + overrides
  for (const auto& r : rows) {
    CAPTURE(r.source);
    ++per_soc[r.soc];
    std::string key = r.soc;
    for (const auto& o : r.soc_overrides) key += " --set " + o;
    if (!resolved.count(key)) {
      CHECK_NOTHROW(load_soc(r.soc, r.soc_overrides));
      resolved[key] = true;
    }
    CHECK(find_model(r.model) != nullptr);
    CHECK(r.time.min_ms > 0);
    CHECK(r.time.min_ms <= r.time.mean_ms);
    CHECK(r.time.mean_ms <= r.time.max_ms);
  }
  CHECK(per_soc.size() >= 10);

  std::string summary = fmt::format("{} rows read, {} imported\n", report.rows_read, report.rows_imported);
  for (const auto& [soc, n] : per_soc) summary += fmt::format("  {:18} {}\n", soc, n);
  for (const auto& [reason, n] : report.skipped) summary += fmt::format("  skipped: {}: {}\n", reason, n);
  MESSAGE(summary);
}
