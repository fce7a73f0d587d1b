#pragma once
// Reading an HDF5 file in a child process (traces/child_process.hpp): libhdf5 1.10 crashes or hangs
// on crafted files. The tables come back encoded through the child's pipe.
#include <functional>
#include <string>

#include "traces/child_process.hpp"
#include "traces/hdf5_table.hpp"

namespace tilesim {

// `read` fills the file or returns false with an error message; it runs in the child only.
Hdf5File read_in_child(const std::string& path, const std::function<bool(Hdf5File&, std::string&)>& read,
                       const ChildLimits& limits = {});

}  // namespace tilesim
