#pragma once
// Running library code that may crash or hang on a crafted file (libhdf5 1.10 in its global heap
// and metadata cache; libonnx's shape inference dividing by zero) in a forked child, with a time
// limit (and, outside sanitizer builds, an address-space limit). The child's answer comes back as
// bytes through a pipe; a child that dies, overruns or throws becomes a ConfigError naming the
// file, so a hostile file costs one exit status 2, never the process.
#include <functional>
#include <string>

namespace tilesim {

// The wall-clock limit a child gets unless its caller says otherwise: 20 s, where a real file reads
// in well under 1 s. A fuzzer lowers it, since every hang the child contains costs the whole limit.
int default_child_seconds();
void set_default_child_seconds(int seconds);

struct ChildLimits {
  int seconds = default_child_seconds();  // wall clock before the child is killed
  long long address_space_bytes = 8LL << 30;
};

// `work` runs in the child only; what it returns is returned here. An exception it throws comes
// back as a ConfigError with its message. `library` names what crashed in the message, which
// begins with `path` unless it is empty.
std::string run_in_child(const std::string& path, const std::string& library, const std::function<std::string()>& work,
                         const ChildLimits& limits = {});

}  // namespace tilesim
