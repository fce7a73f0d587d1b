#pragma once
// Internal to the ncnn importer (ncnn_*.cpp): the .param text as checked layer lines.
//
// The file (ncnn's src/net.cpp, Net::load_param): line 1 the magic 7767517, line 2
// "layer_count blob_count", then a layer a line: type name bottom_count top_count bottoms... tops...
// and k=v parameters (arrays as -233xx=n,v1,...,vn for key xx).
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tilesim::ncnn_import {

struct Param {
  bool array = false;
  std::vector<double> values;
};

struct LayerLine {
  int line0 = 0;
  std::string type, name;
  std::vector<std::string> bottoms, tops;
  std::map<int, Param> params;
};

// Printable, bounded rendering of a name or token taken from the file (it may be garbage).
std::string quoted(std::string_view s);

// The layers of the .param file at `path`, every bottom produced by an earlier layer, every blob
// produced once, and as many layers and blobs as the file declares. Throws ConfigError
// "file:line: message" on anything malformed or hostile; lines past the declared layers are
// ignored with a warning (as ncnn does).
std::vector<LayerLine> read_param_file(const std::string& path, std::vector<std::string>* warnings);

}  // namespace tilesim::ncnn_import
