#pragma once
// What every fuzz target shares. The readers take paths, so a target writes the fuzzer's bytes to a
// file of its own and reads that; the errors bad input is meant to give (those the command line
// turns into exit status 2) are accepted, and anything else escapes for libFuzzer to report: a
// crash, a sanitizer report, an uncaught exception, a hang or an allocation past the RSS limit.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "hwmodels/config_error.hpp"
#include "sim/workload/network.hpp"

namespace tilesim::fuzz {

// The fuzzer's bytes in <temp>/tilesim-fuzz-PID/NAME (NAME's extension is what readers go by).
inline std::string input_file(const uint8_t* data, size_t size, const std::string& name) {
  static const std::filesystem::path dir = [] {
    const auto d = std::filesystem::temp_directory_path() / ("tilesim-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                static_cast<std::streamsize>(size));
  return path;
}

// Runs `read`, accepting the errors of bad input.
template <class F>
void accept_bad_input(F&& read) {
  try {
    read();
  } catch (const ConfigError&) {
  } catch (const GraphError&) {
  } catch (const std::filesystem::filesystem_error&) {
  }
}

}  // namespace tilesim::fuzz
