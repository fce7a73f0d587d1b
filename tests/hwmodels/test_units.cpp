#include <doctest/doctest.h>

#include "hwmodels/units.hpp"

using namespace tilesim;

TEST_CASE("quantities_convert_to_si_units") {
  CHECK(*parse_quantity("2.84GHz", Unit::hertz) == doctest::Approx(2.84e9));
  CHECK(*parse_quantity("512KiB", Unit::bytes) == 524288.0);
  CHECK(*parse_quantity("3MB", Unit::bytes) == 3e6);
  CHECK(*parse_quantity("34.1GB/s", Unit::bandwidth) == doctest::Approx(34.1e9));
  CHECK(*parse_quantity("0.8pJ", Unit::joules) == doctest::Approx(0.8e-12));
  CHECK(*parse_quantity("1.2W", Unit::watts) == doctest::Approx(1.2));
  CHECK(*parse_quantity("110ns", Unit::seconds) == doctest::Approx(110e-9));
  CHECK(*parse_quantity("4266MT/s", Unit::transfers) == doctest::Approx(4.266e9));
  CHECK(*parse_quantity("85%", Unit::ratio) == doctest::Approx(0.85));
  CHECK(*parse_quantity(" 4 ", Unit::count) == 4.0);
}

TEST_CASE("a_wrong_or_missing_unit_is_rejected_with_the_expected_units") {
  std::string error;
  CHECK_FALSE(parse_quantity("2.84GB", Unit::hertz, &error));
  CHECK(error.find("GHz") != std::string::npos);
  CHECK_FALSE(parse_quantity("2.84", Unit::hertz, &error));
  CHECK_FALSE(parse_quantity("fast", Unit::hertz, &error));
  CHECK(error.find("number") != std::string::npos);
  CHECK_FALSE(parse_quantity("4 cores", Unit::count, &error));
}

TEST_CASE("formatting_picks_a_readable_suffix_and_round_trips") {
  CHECK(format_quantity(2.84e9, Unit::hertz) == "2.84GHz");
  CHECK(format_quantity(524288, Unit::bytes) == "512KiB");
  for (const char* text : {"2.84GHz", "512KiB", "40pJ", "110ns"}) {
    const Unit u = text[std::string(text).size() - 1] == 'z'   ? Unit::hertz
                   : text[std::string(text).size() - 1] == 'B' ? Unit::bytes
                   : text[std::string(text).size() - 1] == 'J' ? Unit::joules
                                                               : Unit::seconds;
    CHECK(*parse_quantity(format_quantity(*parse_quantity(text, u), u), u) == doctest::Approx(*parse_quantity(text, u)));
  }
}
