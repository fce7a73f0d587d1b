// validate and calibrate simulate rows in parallel; what they print and write must not depend on
// how many threads did it, nor differ from one run to the next.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <doctest/doctest.h>

#include "tests/cli/cli_harness.hpp"

using tilesim::test::tilesim_cli;

namespace {

const std::string kData = TILESIM_SOURCE_DIR "/../shared/validation-data";

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("validate_prints_the_same_bytes_at_any_thread_count_and_on_every_run") {
  if (!std::filesystem::is_directory(kData)) {
    MESSAGE("../shared/validation-data absent: skipped");
    return;
  }
  auto validate = [](const char* jobs) {
    const auto r = tilesim_cli({"validate", "--dataset", "ncnn", "--data", kData, "--devices", "snapdragon410",
                                "--format", "json", "--jobs", jobs});
    REQUIRE(r.status == 0);
    return r.out;
  };
  const std::string one = validate("1"), two = validate("2");
  CHECK(one.size() > 10000);
  CHECK(one == two);
  CHECK(validate("2") == two);
}

TEST_CASE("calibrate_writes_the_same_file_at_any_thread_count") {
  if (!std::filesystem::is_directory(kData)) {
    MESSAGE("../shared/validation-data absent: skipped");
    return;
  }
  auto calibrate = [](const char* jobs) {
    const std::string out =
        (std::filesystem::temp_directory_path() / ("tilesim_determinism_" + std::string(jobs) + ".yaml")).string();
    const auto r = tilesim_cli({"calibrate", "--dataset", "ncnn", "--data", kData, "--devices",
                                "snapdragon410,kirin970", "--jobs", jobs, "--out", out});
    REQUIRE(r.status == 0);
    const std::string text = file_text(out);
    std::filesystem::remove(out);
    return text;
  };
  const std::string one = calibrate("1");
  CHECK(one.find("gemm_fp32") != std::string::npos);
  CHECK(one == calibrate("2"));
}
