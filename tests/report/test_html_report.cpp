// tilesim report: self-contained pages with their charts, rendered by a real browser without errors.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/report/html_report.hpp"
#include "tests/cli/cli_harness.hpp"
#include "tests/test_support.hpp"

using namespace tilesim;
using test::TempFile;
using test::tilesim_cli;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The three reports, each from what its command writes.
struct Reports {
  TempFile validation{"validation.json", ""}, compare{"compare.json", ""}, sweep_config{"sweep.yaml",
      "base: {soc: rk3588}\nparameters:\n  model: [squeezenet1_1, mobilenet_v2]\n  cpu.clusters.big.count: [1, 2, 4]\n"};
  std::string sweep = TempFile("sweep.h5", "").path;
  TempFile validation_html{"v.html", ""}, sweep_html{"s.html", ""}, compare_html{"c.html", ""};

  Reports() {
    std::ofstream(validation.str()) << tilesim_cli({"validate", "--trace", "examples/runs.csv", "--format", "json"}).out;
    std::ofstream(compare.str()) << tilesim_cli({"compare", "--model", "mobilenet_v2", "--model", "shufflenet_v2_x1_0",
                                                 "--format", "json"}).out;
    std::filesystem::remove(sweep);
    REQUIRE(tilesim_cli({"sweep", "--config", sweep_config.str(), "--out", sweep}).status == 0);
    REQUIRE(tilesim_cli({"report", "--validation", validation.str(), "--out", validation_html.str()}).status == 0);
    REQUIRE(tilesim_cli({"report", "--sweep", sweep, "--out", sweep_html.str()}).status == 0);
    REQUIRE(tilesim_cli({"report", "--compare", compare.str(), "--out", compare_html.str()}).status == 0);
  }
  ~Reports() { std::filesystem::remove(sweep); }
};

}  // namespace

TEST_CASE("each_report_holds_its_charts_and_asks_the_network_for_nothing") {
  Reports r;
  const std::string v = read(r.validation_html.str()), s = read(r.sweep_html.str()), c = read(r.compare_html.str());
  CHECK(v.find("<svg id=\"validation-simulated\"") != std::string::npos);
  CHECK(v.find("<svg id=\"validation-flops\"") != std::string::npos);
  CHECK(v.find("class=\"band\"") != std::string::npos);  // the ±20% band
  CHECK(v.find("oracle FLOP") != std::string::npos);
  CHECK(v.find("<h2>Per device</h2>") != std::string::npos);
  CHECK(s.find("<svg id=\"pareto-0\"") != std::string::npos);
  CHECK(s.find("<svg id=\"pareto-1\"") != std::string::npos);
  CHECK(s.find("<svg id=\"sensitivity\"") != std::string::npos);
  CHECK(c.find("<svg id=\"waterfall\"") != std::string::npos);
  CHECK(count(s, "class=\"point\"") == 6);  // every point of the sweep
  for (const std::string* page : {&v, &s, &c}) {
    // Self-contained: no script, style, font or image from anywhere else.
    CHECK(page->find("src=") == std::string::npos);
    CHECK(page->find("<link") == std::string::npos);
    CHECK(page->find("@import") == std::string::npos);
    CHECK(page->find("url(http") == std::string::npos);
  }
}

TEST_CASE("a_browser_renders_every_chart_of_every_report_and_logs_no_error") {
  const char* chromium = "/usr/bin/chromium";
  if (!std::filesystem::exists(chromium)) {
    MESSAGE("skipped: Debian's chromium is not installed (scripts/setup.sh installs it)");
    return;
  }
  Reports r;
  for (const std::string* html : {&r.validation_html.path, &r.sweep_html.path, &r.compare_html.path}) {
    CAPTURE(*html);
    TempFile log("chromium.log", "");
    const std::string command = fmt::format(
        "timeout 120 {} --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir={}.profile "
        "--enable-logging=stderr --v=0 --dump-dom file://{} 2>{}",
        chromium, log.str(), *html, log.str());
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe);
    std::string dom;
    char buf[65536];
    for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) dom.append(buf, n);
    const int status = pclose(pipe);
    std::filesystem::remove_all(log.str() + ".profile");
    REQUIRE_MESSAGE(status == 0, read(log.str()));
    // The page's script counted the charts the browser built.
    std::smatch m;
    REQUIRE(std::regex_search(dom, m, std::regex("data-charts=\"([0-9]+)\"")));
    CHECK(std::stoul(m[1]) == count(read(*html), "class=\"chart\""));
    CHECK(std::stoul(m[1]) >= 1);
    // Console messages (errors of the page's script among them) are logged as CONSOLE.
    CHECK(read(log.str()).find("CONSOLE") == std::string::npos);
  }
}

TEST_CASE("text_from_the_inputs_is_escaped") {
  const nlohmann::json v = {
      {"metrics", {{"mape", 1}, {"rmspe", 1}, {"within_10pct", 1}, {"within_20pct", 1}, {"spearman", 1}, {"kendall", 1}, {"n", 1}}},
      {"baselines",
       {{"flops", {{"mape", 1}, {"rmspe", 1}, {"within_10pct", 1}, {"within_20pct", 1}, {"spearman", 1}, {"kendall", 1}, {"n", 1}}},
        {"roofline", {{"mape", 1}, {"rmspe", 1}, {"within_10pct", 1}, {"within_20pct", 1}, {"spearman", 1}, {"kendall", 1}, {"n", 1}}}}},
      {"rows", {{{"device", "<script>alert(1)</script>"}, {"name", "a&b"}, {"measured_ms", 1.0}, {"simulated_ms", 1.1},
                 {"flops_ms", 1.2}, {"roofline_ms", 0.9}}}}};
  const std::string html = validation_report_html(v, "x.json");
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("a&amp;b") != std::string::npos);
}

TEST_CASE("a_report_of_a_file_that_is_not_what_it_should_be_names_the_file_and_the_key") {
  TempFile not_json("v.json", "{\"rows\": [1, 2");
  TempFile out("r.html", "");
  const auto a = tilesim_cli({"report", "--validation", not_json.str(), "--out", out.str()});
  CHECK(a.status == 2);
  CHECK(a.err.find(not_json.str() + ": not JSON") != std::string::npos);
  TempFile no_rows("v.json", "{\"metrics\": {}}");
  const auto b = tilesim_cli({"report", "--validation", no_rows.str(), "--out", out.str()});
  CHECK(b.status == 2);
  CHECK(b.err.find("'rows' is missing or not a list") != std::string::npos);
  TempFile compare("c.json", "{\"models\": [\"a\"], \"factors\": []}");
  CHECK(tilesim_cli({"report", "--compare", compare.str(), "--out", out.str()}).err.find("'models' is not a list of two names") !=
        std::string::npos);
  const auto both = tilesim_cli({"report", "--validation", no_rows.str(), "--compare", compare.str(), "--out", out.str()});
  CHECK(both.status == 2);
  CHECK(both.err.find("give one of") != std::string::npos);
}
