#pragma once
// Results are written atomically: to a temporary file beside the target, then renamed over it,
// so a reader never sees half a file and an interrupted run leaves the old one intact.
#include <string>

namespace tilesim {

void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace tilesim
