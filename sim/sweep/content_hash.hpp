#pragma once
// A short stable digest of text (64-bit FNV-1a, as 16 hex digits): the key of a sweep point's
// resolved configuration and of a sweep config. The same on every platform and run.
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace tilesim {

inline std::string content_hash(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace tilesim
