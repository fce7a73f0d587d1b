#pragma once
// Modules the program loads only when a command needs them (HDF5, oneDNN), so that their shared
// libraries cost no other run its start-up. Looked for in TILESIM_PLUGIN_DIR (environment), beside
// the executable, then in the build tree they were built in.
#include <string>

namespace tilesim {

// The loaded module; throws ConfigError saying what is missing and `remedy`. A failed load is not
// remembered: the next call tries again.
void* load_plugin(const std::string& file_name, const std::string& needed_for, const std::string& remedy);

// A function of a loaded module; throws ConfigError when it lacks it.
void* plugin_symbol(void* module, const std::string& file_name, const char* symbol);

}  // namespace tilesim
