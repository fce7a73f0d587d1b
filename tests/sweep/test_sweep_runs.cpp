// Running sweeps end to end: results, duplicates, failures, resuming after a kill, ranks, and
// results that do not depend on how many threads ran them.
#include <doctest/doctest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/sweep/sweep_results.hpp"
#include "tests/cli/cli_harness.hpp"
#include "tests/test_support.hpp"

extern char** environ;

using namespace tilesim;
using test::TempFile;
using test::tilesim_cli;

namespace {

// A results path in the temp folder, removed (with any rank's parts) when the test ends.
struct TempResults {
  std::string path;
  explicit TempResults(const std::string& tag) {
    static int counter = 0;
    path = (std::filesystem::temp_directory_path() /
            fmt::format("tilesim_sweep_{}_{}_{}.h5", ::getpid(), counter++, tag)).string();
  }
  ~TempResults() {
    std::error_code ec;
    const std::filesystem::path p(path);
    for (const auto& e : std::filesystem::directory_iterator(p.parent_path(), ec))
      if (e.path().filename().string().rfind(p.stem().string(), 0) == 0) std::filesystem::remove(e.path(), ec);
  }
};

// The points as CSV: every value a sweep stores, in index order.
std::string points_csv(const std::string& results) {
  const auto r = tilesim_cli({"sweep-summary", "--in", results, "--format", "csv"});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  return r.out;
}

const char* kSmall =
    "base: {soc: rk3588, model: squeezenet1_1}\n"
    "parameters:\n  cpu.clusters.big.count: [1, 2, 4]\n  memory.data_rate: {min: 2000MT/s, max: 4000MT/s, steps: 3}\n";

}  // namespace

TEST_CASE("a_sweep_stores_every_point_with_its_statistics") {
  TempFile config("sweep.yaml", kSmall);
  TempResults out("results");
  const auto r = tilesim_cli({"sweep", "--config", config.str(), "--out", out.path});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(r.out.find("9 points of 9 (grid); 9 simulated, 0 duplicates, 0 failed") != std::string::npos);
  const SweepResults s = read_sweep_results(out.path);
  REQUIRE(s.rows.size() == 9);
  CHECK(s.parameters == std::vector<std::string>{"cpu.clusters.big.count", "memory.data_rate"});
  for (size_t i = 0; i < 9; ++i) {
    CHECK(s.rows[i].index == static_cast<int64_t>(i));
    CHECK(s.rows[i].status == "ok");
    CHECK(s.rows[i].latency_ms > 0);
    CHECK(s.rows[i].energy_mj > 0);
    CHECK(s.rows[i].area_mm2 > 0);
  }
  // More big cores at the same DRAM rate: faster, and larger.
  CHECK(s.rows[6].latency_ms < s.rows[0].latency_ms);
  CHECK(s.rows[6].area_mm2 > s.rows[0].area_mm2);
  // The same point as `tilesim run` gives it.
  const auto run = tilesim_cli({"run", "--soc", "rk3588", "--model", "squeezenet1_1", "--set", "cpu.clusters.big.count=2",
                                "--set", "memory.data_rate=3000MT/s", "--format", "json"});
  REQUIRE(run.status == 0);
  const auto json = nlohmann::json::parse(run.out);
  CHECK(s.rows[4].latency_ms == doctest::Approx(json["total"]["latency_ms"].get<double>()).epsilon(1e-12));
}

TEST_CASE("points_of_the_same_configuration_are_simulated_once_and_counted_as_duplicates") {
  TempFile config("sweep.yaml",
                  "sampling: random\nsamples: 30\nseed: 5\nbase: {model: squeezenet1_1}\n"
                  "parameters:\n  cpu.clusters.big.count: {min: 1, max: 3}\n");
  TempResults out("results");
  const auto r = tilesim_cli({"sweep", "--config", config.str(), "--out", out.path});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(r.out.find("3 simulated, 27 duplicates") != std::string::npos);
  const auto summary = nlohmann::json::parse(tilesim_cli({"sweep-summary", "--in", out.path, "--format", "json"}).out);
  CHECK(summary["points"] == 30);
  CHECK(summary["duplicates"] == 27);
  CHECK(summary["failures"].empty());
  const SweepResults s = read_sweep_results(out.path);
  for (const auto& row : s.rows)
    for (const auto& other : s.rows)
      if (row.hash == other.hash) CHECK(row.latency_ms == other.latency_ms);
}

TEST_CASE("a_point_the_model_refuses_is_a_failure_with_its_reason_and_the_rest_run") {
  TempFile config("sweep.yaml", "base: {model: squeezenet1_1, precision: fp16}\nparameters:\n  soc: [snapdragon855, bcm2837]\n");
  TempResults out("results");
  const auto r = tilesim_cli({"sweep", "--config", config.str(), "--out", out.path});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto summary = nlohmann::json::parse(tilesim_cli({"sweep-summary", "--in", out.path, "--format", "json"}).out);
  REQUIRE(summary["failures"].size() == 1);
  CHECK(summary["failures"][0]["parameters"]["soc"] == "bcm2837");
  CHECK(summary["failures"][0]["error"] == "precision: fp16: core 'cortex-a53' has no fp16 arithmetic");
  CHECK(summary["pareto"].size() == 1);
}

TEST_CASE("results_do_not_depend_on_the_threads_or_the_batch_size_that_ran_them") {
  TempFile config("sweep.yaml", kSmall);
  TempResults one("one"), two("two");
  REQUIRE(tilesim_cli({"sweep", "--config", config.str(), "--out", one.path, "--jobs", "1", "--batch", "2"}).status == 0);
  REQUIRE(tilesim_cli({"sweep", "--config", config.str(), "--out", two.path, "--jobs", "2"}).status == 0);
  CHECK(points_csv(one.path) == points_csv(two.path));
}

TEST_CASE("an_existing_results_file_is_continued_only_with_resume_and_only_by_the_same_config") {
  TempFile config("sweep.yaml", kSmall);
  TempResults out("results");
  REQUIRE(tilesim_cli({"sweep", "--config", config.str(), "--out", out.path}).status == 0);
  const auto again = tilesim_cli({"sweep", "--config", config.str(), "--out", out.path});
  CHECK(again.status == 2);
  CHECK(again.err.find("exists; --resume continues that sweep") != std::string::npos);
  const auto resumed = tilesim_cli({"sweep", "--config", config.str(), "--out", out.path, "--resume"});
  CHECK(resumed.out.find("0 simulated, 0 duplicates, 0 failed, 9 already done") != std::string::npos);
  TempFile other("sweep.yaml", std::string(kSmall) + "  model: [squeezenet1_1, resnet18]\n");
  const auto wrong = tilesim_cli({"sweep", "--config", other.str(), "--out", out.path, "--resume"});
  CHECK(wrong.status == 2);
  CHECK(wrong.err.find("holds the results of another sweep config") != std::string::npos);
}

TEST_CASE("a_sweep_killed_mid_run_resumes_with_no_point_repeated_or_lost") {
  TempFile config("sweep.yaml",
                  "base: {soc: rk3588}\nparameters:\n  model: [squeezenet1_1, mobilenet_v2]\n"
                  "  cpu.clusters.big.count: [1, 2, 3, 4]\n  memory.data_rate: {min: 1600MT/s, max: 4266MT/s, steps: 8}\n");
  TempResults killed("killed"), whole("whole");
  const std::string program = TILESIM_BINARY;
  std::vector<std::string> args{program, "sweep", "--config", config.str(), "--out", killed.path, "--batch", "4", "--jobs", "1"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  REQUIRE(posix_spawn(&child, program.c_str(), nullptr, nullptr, argv.data(), environ) == 0);
  // Killed once the first batches are on disk and before the last.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int64_t stored = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!std::filesystem::exists(killed.path)) continue;
    try {
      stored = static_cast<int64_t>(read_sweep_results(killed.path).rows.size());
    } catch (const ConfigError&) {
      continue;
    }
    if (stored >= 8) break;
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(stored >= 8);
  const int64_t kept = static_cast<int64_t>(read_sweep_results(killed.path).rows.size());
  CHECK(kept < 64);
  const auto resumed = tilesim_cli({"sweep", "--config", config.str(), "--out", killed.path, "--resume"});
  REQUIRE_MESSAGE(resumed.status == 0, resumed.err);
  CHECK(resumed.out.find(fmt::format("{} already done", kept)) != std::string::npos);
  REQUIRE(tilesim_cli({"sweep", "--config", config.str(), "--out", whole.path}).status == 0);
  CHECK(points_csv(killed.path) == points_csv(whole.path));
}

TEST_CASE("ranks_each_take_their_share_and_the_summary_merges_their_parts") {
  TempFile config("sweep.yaml", kSmall);
  TempResults split("split"), whole("whole");
  for (const char* rank : {"0", "1"}) {
    setenv("OMPI_COMM_WORLD_RANK", rank, 1);
    setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
    const auto r = tilesim_cli({"sweep", "--config", config.str(), "--out", split.path});
    unsetenv("OMPI_COMM_WORLD_RANK");
    unsetenv("OMPI_COMM_WORLD_SIZE");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find(fmt::format("rank {} of 2", rank)) != std::string::npos);
  }
  CHECK(read_sweep_results(sweep_part_path(split.path, 0, 2)).rows.size() == 5);
  CHECK(read_sweep_results(sweep_part_path(split.path, 1, 2)).rows.size() == 4);
  REQUIRE(tilesim_cli({"sweep", "--config", config.str(), "--out", whole.path}).status == 0);
  CHECK(points_csv(split.path) == points_csv(whole.path));
  std::filesystem::remove(sweep_part_path(split.path, 1, 2));
  const auto missing = tilesim_cli({"sweep-summary", "--in", split.path});
  CHECK(missing.status == 2);
  CHECK(missing.err.find("rank 1's part of 2 is missing") != std::string::npos);
}

TEST_CASE("mpirun_runs_a_sweep_over_two_ranks_whose_merged_parts_equal_one_run") {
  const char* mpirun = "/usr/bin/mpirun";
  if (!std::filesystem::exists(mpirun)) {
    MESSAGE("skipped: Open MPI's mpirun is not installed (scripts/setup.sh installs openmpi-bin)");
    return;
  }
  TempFile config("sweep.yaml", kSmall);
  TempResults split("mpi"), whole("whole");
  // As root (CI containers), Open MPI asks for --allow-run-as-root; --oversubscribe lets two
  // ranks start on a machine whose slots Open MPI counts as fewer.
  const std::string command = fmt::format("{} --allow-run-as-root --oversubscribe -n 2 {} sweep --config {} --out {} --jobs 1 2>&1",
                                          mpirun, TILESIM_BINARY, config.str(), split.path);
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string output;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, n);
  REQUIRE_MESSAGE(pclose(pipe) == 0, output);
  CHECK(output.find("rank 0 of 2") != std::string::npos);
  CHECK(output.find("rank 1 of 2") != std::string::npos);
  REQUIRE(tilesim_cli({"sweep", "--config", config.str(), "--out", whole.path}).status == 0);
  CHECK(points_csv(split.path) == points_csv(whole.path));
}
