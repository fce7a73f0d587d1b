#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <limits>
#include <string>

#include <doctest/doctest.h>

#include "tests/test_support.hpp"
#include "traces/child_reader.hpp"

using namespace tilesim;
using tilesim::test::error_of;

TEST_CASE("a_read_that_crashes_its_child_is_a_config_error_naming_the_file") {
  const std::string e = error_of([] {
    read_in_child("crafted.h5", [](Hdf5File&, std::string&) -> bool { std::abort(); });
  });
  CHECK(e.find("crafted.h5: the HDF5 library crashed reading it (signal 6") != std::string::npos);
}

TEST_CASE("a_read_that_hangs_is_killed_at_its_time_limit") {
  const std::string e = error_of([] {
    read_in_child("endless.h5", [](Hdf5File&, std::string&) {
      for (;;) ::pause();
      return true;
    }, ChildLimits{.seconds = 1});
  });
  CHECK(e == "endless.h5: reading it did not finish in 1 s: the file is malformed");
}

TEST_CASE("a_read_that_fails_passes_its_own_message_through") {
  CHECK(error_of([] {
          read_in_child("bad.h5", [](Hdf5File&, std::string& error) {
            error = "bad.h5: no table 'layers'";
            return false;
          });
        }) == "bad.h5: no table 'layers'");
}

TEST_CASE("what_the_child_reads_reaches_the_parent_unchanged") {
  Hdf5File sent;
  sent.attributes = {{"device", std::string("host\0with nul", 13)}, {"threads", int64_t{-7}}, {"clock", 2.5e9}};
  Table t;
  t.attributes["source"] = std::string(100000, 'x');
  t.columns.emplace_back("name", std::vector<std::string>{"conv1", "", "fc"});
  t.columns.emplace_back("ms", std::vector<double>{1.5, std::numeric_limits<double>::quiet_NaN(), -0.0});
  t.columns.emplace_back("count", std::vector<int64_t>{std::numeric_limits<int64_t>::min(), 0, 1});
  sent.tables.emplace_back("layers", t);
  sent.tables.emplace_back("empty", Table{});
  const Hdf5File got = read_in_child("ok.h5", [&](Hdf5File& f, std::string&) {
    f = sent;
    return true;
  });
  CHECK(got.attributes == sent.attributes);
  REQUIRE(got.tables.size() == 2);
  CHECK(got.tables[0].first == "layers");
  CHECK(got.tables[0].second.attributes == t.attributes);
  REQUIRE(got.tables[0].second.columns.size() == 3);
  CHECK(std::get<std::vector<std::string>>(got.tables[0].second.columns[0].second) ==
        std::vector<std::string>{"conv1", "", "fc"});
  const auto& ms = std::get<std::vector<double>>(got.tables[0].second.columns[1].second);
  CHECK(ms[0] == 1.5);
  CHECK(std::isnan(ms[1]));
  CHECK(std::signbit(ms[2]));
  CHECK(got.tables[0].second.columns[2].second == t.columns[2].second);
  CHECK(got.tables[1].first == "empty");
  CHECK(got.tables[1].second.columns.empty());
}
