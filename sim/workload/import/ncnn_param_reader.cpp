// The ncnn .param lexer and reader: lines, counts, layer lines and their k=v parameters, and the
// checks that the layers form a graph (ncnn_param_reader.hpp).
#include "sim/workload/import/ncnn_param_reader.hpp"

#include <sys/stat.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <unordered_map>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

namespace tilesim::ncnn_import {
namespace {

constexpr int kMagic = 7767517;
constexpr int64_t kMaxFileBytes = int64_t{64} << 20;  // the largest real .param is ~200 KB
constexpr int kMaxParamId = 32;                       // ncnn's NCNN_MAX_PARAM_COUNT

bool parse_int(std::string_view s, int64_t& out) {
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e && b != e;
}

bool parse_number(std::string_view s, double& out) {
  if (s.find_first_of(".eE") == std::string_view::npos) {
    int64_t i = 0;
    if (!parse_int(s, i)) return false;
    out = static_cast<double>(i);
    return true;
  }
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e && b != e && std::isfinite(out);
}

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\v' || line[i] == '\f')) ++i;
    size_t j = i;
    while (j < line.size() && !(line[j] == ' ' || line[j] == '\t' || line[j] == '\r' || line[j] == '\v' || line[j] == '\f')) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

class Reader {
 public:
  Reader(const std::string& path, std::vector<std::string>* warnings) : path_(path), warnings_(warnings) {}

  [[noreturn]] void fail_at(int line0, const std::string& msg) const {
    throw ConfigError(located(path_, line0, 0, "", msg));
  }

  std::vector<LayerLine> read_file() {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) throw ConfigError(path_ + ": cannot open the ncnn .param file");
    if (!S_ISREG(st.st_mode)) throw ConfigError(path_ + ": not a regular file");
    if (st.st_size > kMaxFileBytes)
      throw ConfigError(fmt::format("{}: {} bytes is far too large for an ncnn .param file", path_, st.st_size));
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw ConfigError(path_ + ": cannot open the ncnn .param file");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.empty()) throw ConfigError(path_ + ": empty file (not an ncnn .param)");

    std::vector<std::pair<int, std::string_view>> lines;  // non-blank lines with their 0-based number
    {
      std::string_view all(text);
      int n = 0;
      size_t pos = 0;
      while (pos <= all.size()) {
        size_t nl = all.find('\n', pos);
        if (nl == std::string_view::npos) nl = all.size();
        std::string_view l = all.substr(pos, nl - pos);
        if (!split_ws(l).empty()) lines.emplace_back(n, l);
        ++n;
        pos = nl + 1;
      }
    }
    if (lines.empty()) throw ConfigError(path_ + ": empty file (not an ncnn .param)");
    {
      auto t = split_ws(lines[0].second);
      int64_t magic = 0;
      if (t.size() != 1 || !parse_int(t[0], magic) || magic != kMagic)
        fail_at(lines[0].first, fmt::format("not an ncnn .param file: the first line must be the magic number {}", kMagic));
    }
    if (lines.size() < 2) fail_at(lines[0].first, "truncated: no \"layer_count blob_count\" line");
    {
      auto t = split_ws(lines[1].second);
      if (t.size() != 2 || !parse_int(t[0], layer_count_) || !parse_int(t[1], blob_count_) || layer_count_ < 1 ||
          blob_count_ < 1)
        fail_at(lines[1].first, "the second line must be two positive numbers \"layer_count blob_count\"");
      counts_line0_ = lines[1].first;
    }
    std::vector<LayerLine> layers;
    const size_t available = lines.size() - 2;
    if (static_cast<int64_t>(available) < layer_count_)
      fail_at(lines.back().first, fmt::format("truncated: the file declares {} layers but has {}", layer_count_, available));
    for (size_t i = 2; i < lines.size(); ++i) {
      if (static_cast<int64_t>(layers.size()) == layer_count_) {
        // ncnn reads layer_count layers and ignores what follows; so does this importer.
        if (warnings_)
          warnings_->push_back(fmt::format("{}:{}: {} line(s) after the {} declared layers ignored (as ncnn does)",
                                               path_, lines[i].first + 1, lines.size() - i, layer_count_));
        break;
      }
      layers.push_back(parse_layer(lines[i].first, lines[i].second));
    }
    return layers;
  }

  LayerLine parse_layer(int line0, std::string_view text) {
    auto t = split_ws(text);
    LayerLine l;
    l.line0 = line0;
    if (t.size() < 4) fail_at(line0, "truncated layer line: needs \"type name bottom_count top_count ...\"");
    l.type = std::string(t[0]);
    l.name = std::string(t[1]);
    int64_t nb = 0, nt = 0;
    if (!parse_int(t[2], nb) || !parse_int(t[3], nt) || nb < 0 || nt < 0)
      fail_at(line0, fmt::format("{} {}: bottom and top counts must be non-negative numbers", l.type, quoted(l.name)));
    const auto rest = static_cast<int64_t>(t.size()) - 4;
    if (nb > rest || nt > rest - nb)
      fail_at(line0, fmt::format("{} {}: declares {} bottoms and {} tops but the line has only {} more fields", l.type,
                                 quoted(l.name), nb, nt, rest));
    size_t k = 4;
    for (int64_t i = 0; i < nb; ++i) l.bottoms.emplace_back(t[k++]);
    for (int64_t i = 0; i < nt; ++i) l.tops.emplace_back(t[k++]);
    for (; k < t.size(); ++k) {
      const std::string_view tok = t[k];
      const size_t eq = tok.find('=');
      int64_t key = 0;
      if (eq == std::string_view::npos || !parse_int(tok.substr(0, eq), key))
        fail_at(line0, fmt::format("{} {}: parameter {} is not key=value", l.type, quoted(l.name), quoted(tok)));
      Param p;
      int id = 0;
      std::string_view value = tok.substr(eq + 1);
      if (key <= -23300) {
        if (key < -23300 - (kMaxParamId - 1))
          fail_at(line0, fmt::format("{} {}: array parameter key {} out of range", l.type, quoted(l.name), key));
        id = static_cast<int>(-key - 23300);
        p.array = true;
        size_t comma = value.find(',');
        int64_t n = 0;
        if (!parse_int(value.substr(0, comma), n) || n < 0)
          fail_at(line0, fmt::format("{} {}: array parameter {} needs a count: {}", l.type, quoted(l.name), key, quoted(tok)));
        std::string_view items = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
        while (!items.empty() || (comma != std::string_view::npos && static_cast<int64_t>(p.values.size()) < n)) {
          const size_t c = items.find(',');
          double v = 0;
          if (!parse_number(items.substr(0, c), v))
            fail_at(line0, fmt::format("{} {}: array parameter {} has a non-numeric value in {}", l.type, quoted(l.name),
                                       key, quoted(tok)));
          p.values.push_back(v);
          if (static_cast<int64_t>(p.values.size()) > n) break;
          if (c == std::string_view::npos) break;
          items = items.substr(c + 1);
        }
        if (static_cast<int64_t>(p.values.size()) != n)
          fail_at(line0, fmt::format("{} {}: array parameter {} says {} values but has {}", l.type, quoted(l.name), key,
                                     n, p.values.size()));
      } else {
        if (key < 0 || key >= kMaxParamId)
          fail_at(line0, fmt::format("{} {}: parameter key {} out of range", l.type, quoted(l.name), key));
        id = static_cast<int>(key);
        double v = 0;
        if (!parse_number(value, v))
          fail_at(line0, fmt::format("{} {}: parameter {} is not a number: {}", l.type, quoted(l.name), key, quoted(tok)));
        p.values.push_back(v);
      }
      l.params[id] = std::move(p);
    }
    return l;
  }

  // Every bottom produced by an earlier layer, every blob produced once, and blob_count blobs.
  void check_graph(const std::vector<LayerLine>& layers) {
    std::unordered_map<std::string, size_t> producer;  // blob -> layer index
    for (size_t i = 0; i < layers.size(); ++i)
      for (const auto& t : layers[i].tops) {
        auto [it, fresh] = producer.emplace(t, i);
        if (!fresh)
          fail_at(layers[i].line0, fmt::format("{} {}: blob {} is already produced by layer {} (line {})", layers[i].type,
                                               quoted(layers[i].name), quoted(t), quoted(layers[it->second].name),
                                               layers[it->second].line0 + 1));
      }
    for (size_t i = 0; i < layers.size(); ++i)
      for (const auto& b : layers[i].bottoms) {
        auto it = producer.find(b);
        if (it == producer.end())
          fail_at(layers[i].line0, fmt::format("{} {}: bottom blob {} is produced by no layer", layers[i].type,
                                               quoted(layers[i].name), quoted(b)));
        if (it->second >= i)
          fail_at(layers[i].line0,
                  fmt::format("{} {}: bottom blob {} is produced by {} (line {}), not by an earlier layer (a cycle)",
                              layers[i].type, quoted(layers[i].name), quoted(b), quoted(layers[it->second].name),
                              layers[it->second].line0 + 1));
      }
    if (static_cast<int64_t>(producer.size()) != blob_count_)
      fail_at(counts_line0_, fmt::format("the file declares {} blobs but its layers produce {}", blob_count_, producer.size()));
  }

 private:
  const std::string& path_;
  std::vector<std::string>* warnings_;
  int64_t layer_count_ = 0, blob_count_ = 0;
  int counts_line0_ = 1;
};

}  // namespace

std::string quoted(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) ? '?' : c;
  if (s.size() > 80) out += "...";
  return "'" + out + "'";
}

std::vector<LayerLine> read_param_file(const std::string& path, std::vector<std::string>* warnings) {
  Reader reader(path, warnings);
  std::vector<LayerLine> layers = reader.read_file();
  reader.check_graph(layers);
  return layers;
}

}  // namespace tilesim::ncnn_import
