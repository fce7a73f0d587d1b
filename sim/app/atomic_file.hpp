#pragma once
// Results are written atomically: to a temporary file beside the target, then renamed over it,
// so a reader never sees half a file and an interrupted run leaves the old one intact.
#include <string>

namespace tilesim {

void write_file_atomically(const std::string& path, const std::string& content);

// Why `path` cannot be written (a directory, a folder that does not exist or is not writable),
// or "": checked when the command line is read, so that a long run never ends in a refusal.
std::string output_path_problem(const std::string& path);

}  // namespace tilesim
