#pragma once
// Physical quantities written with their unit ("2.84GHz", "512KiB", "34.1GB/s", "0.8pJ").
// Every value is converted to its SI base (Hz, bytes, bytes/s, J, W, s, V, m2) on parsing.
#include <optional>
#include <string>
#include <string_view>

namespace tilesim {

enum class Unit {
  count,      // a plain number (cores, ways, channels); no unit suffix
  ratio,      // a dimensionless fraction or factor; may be written "85%"
  hertz,      // Hz, kHz, MHz, GHz
  bytes,      // B, KiB, MiB, GiB (binary), kB, MB, GB (decimal)
  bandwidth,  // B/s, kB/s, MB/s, GB/s, GiB/s
  transfers,  // MT/s (DRAM data rate), stored as transfers per second
  joules,     // J, mJ, uJ, nJ, pJ, fJ
  watts,      // W, mW
  seconds,    // s, ms, us, ns
  volts,      // V, mV
  cycles,     // cycles (a count of clock cycles)
  bits,       // bit (a width)
  area,       // mm2, um2 (silicon area), stored in square metres
};

std::string_view unit_symbol(Unit u);  // the base symbol: "Hz", "B", "B/s", ...

// Parses "2.84GHz" as 2.84e9 for Unit::hertz. Returns nullopt and sets `error` when the text is not
// a number followed by one of the unit's suffixes.
std::optional<double> parse_quantity(std::string_view text, Unit unit, std::string* error = nullptr);

// Writes a value in the most readable suffix of its unit ("2.84GHz", "512KiB").
std::string format_quantity(double value, Unit unit);

}  // namespace tilesim
