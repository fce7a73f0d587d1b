#include "hwmodels/units.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace tilesim {
namespace {

struct Suffix {
  std::string_view text;
  double scale;
};

const std::vector<Suffix>& suffixes(Unit u) {
  static const std::vector<Suffix> none{{"", 1}};
  static const std::vector<Suffix> ratio{{"", 1}, {"%", 0.01}};
  static const std::vector<Suffix> hertz{{"GHz", 1e9}, {"MHz", 1e6}, {"kHz", 1e3}, {"Hz", 1}};
  static const std::vector<Suffix> bytes{{"GiB", 1073741824.0}, {"MiB", 1048576.0}, {"KiB", 1024.0},
                                         {"GB", 1e9}, {"MB", 1e6}, {"kB", 1e3}, {"B", 1}};
  static const std::vector<Suffix> bandwidth{{"GiB/s", 1073741824.0}, {"MiB/s", 1048576.0},
                                             {"GB/s", 1e9}, {"MB/s", 1e6}, {"kB/s", 1e3}, {"B/s", 1}};
  static const std::vector<Suffix> transfers{{"GT/s", 1e9}, {"MT/s", 1e6}};
  static const std::vector<Suffix> joules{{"mJ", 1e-3}, {"uJ", 1e-6}, {"nJ", 1e-9}, {"pJ", 1e-12},
                                          {"fJ", 1e-15}, {"J", 1}};
  static const std::vector<Suffix> watts{{"mW", 1e-3}, {"W", 1}};
  static const std::vector<Suffix> seconds{{"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"s", 1}};
  static const std::vector<Suffix> volts{{"mV", 1e-3}, {"V", 1}};
  static const std::vector<Suffix> cycles{{"cycles", 1}, {"cycle", 1}};
  static const std::vector<Suffix> bits{{"bit", 1}, {"bits", 1}};
  static const std::vector<Suffix> area{{"mm2", 1e-6}, {"um2", 1e-12}};
  switch (u) {
    case Unit::count: return none;
    case Unit::ratio: return ratio;
    case Unit::hertz: return hertz;
    case Unit::bytes: return bytes;
    case Unit::bandwidth: return bandwidth;
    case Unit::transfers: return transfers;
    case Unit::joules: return joules;
    case Unit::watts: return watts;
    case Unit::seconds: return seconds;
    case Unit::volts: return volts;
    case Unit::cycles: return cycles;
    case Unit::bits: return bits;
    case Unit::area: return area;
  }
  return none;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view unit_symbol(Unit u) {
  switch (u) {
    case Unit::count: return "";
    case Unit::ratio: return "";
    case Unit::hertz: return "Hz";
    case Unit::bytes: return "B";
    case Unit::bandwidth: return "B/s";
    case Unit::transfers: return "T/s";
    case Unit::joules: return "J";
    case Unit::watts: return "W";
    case Unit::seconds: return "s";
    case Unit::volts: return "V";
    case Unit::cycles: return "cycles";
    case Unit::bits: return "bit";
    case Unit::area: return "m2";
  }
  return "";
}

std::optional<double> parse_quantity(std::string_view text, Unit unit, std::string* error) {
  text = trim(text);
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) {
    if (error) *error = fmt::format("'{}' does not start with a number", text);
    return std::nullopt;
  }
  const std::string_view rest = trim(std::string_view(end, static_cast<size_t>(text.data() + text.size() - end)));
  std::string expected;
  for (const Suffix& s : suffixes(unit)) {
    if (rest == s.text && std::isfinite(number)) return number * s.scale;
    if (!s.text.empty()) expected += (expected.empty() ? "" : ", ") + std::string(s.text);
  }
  if (error)
    *error = expected.empty()
                 ? fmt::format("'{}' must be a plain number", text)
                 : fmt::format("'{}' has unit '{}'; expected one of {}", text, rest, expected);
  return std::nullopt;
}

std::string format_quantity(double value, Unit unit) {
  std::vector<Suffix> by_scale = suffixes(unit);
  std::stable_sort(by_scale.begin(), by_scale.end(), [](const Suffix& a, const Suffix& b) { return a.scale > b.scale; });
  for (const Suffix& s : by_scale) {
    if (s.text == "%") continue;
    // The largest suffix that keeps the number >= 1; binary suffixes only for whole multiples.
    if (std::fabs(value) >= s.scale || s.scale == by_scale.back().scale) {
      const double v = value / s.scale;
      if (s.text.find('i') != std::string_view::npos && std::fabs(v - std::round(v)) > 1e-9) continue;
      return fmt::format("{:g}{}", v, s.text);
    }
  }
  return fmt::format("{:g}", value);
}

}  // namespace tilesim
