#pragma once
// Reading an untrusted file with a library that may crash or hang on a crafted one (libhdf5 1.10
// does, in its global heap and metadata cache): the read runs in a forked child with a time limit
// (and, outside sanitizer builds, an address-space limit), and its result comes back through a pipe.
// A child that dies, overruns or fails becomes a ConfigError naming the file, so a hostile file
// costs one exit status 2, never the process.
#include <functional>
#include <string>

#include "traces/hdf5_table.hpp"

namespace tilesim {

struct ChildLimits {
  int seconds = 20;                      // wall clock before the child is killed (a real trace reads in well under 1 s)
  long long address_space_bytes = 8LL << 30;
};

// `read` fills the file or returns false with an error message; it runs in the child only.
Hdf5File read_in_child(const std::string& path, const std::function<bool(Hdf5File&, std::string&)>& read,
                       const ChildLimits& limits = {});

}  // namespace tilesim
