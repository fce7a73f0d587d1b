#pragma once
// The `tilesim` command line (CONTRACT.md), callable in-process so tests can drive it.
#include <ostream>

namespace tilesim {

// Returns the process exit status: 0 on success, 2 on bad input (after one clear message on err),
// 3 on an internal error (an exception no input should cause; the message asks for a report).
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace tilesim
