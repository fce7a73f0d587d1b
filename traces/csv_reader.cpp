#include "traces/csv_reader.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"

namespace tilesim {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A line break at t[i]: "\n" or "\r\n" (a lone "\r" is an ordinary character). Returns its length.
size_t line_break(std::string_view t, size_t i) {
  if (i >= t.size()) return 0;
  if (t[i] == '\n') return 1;
  if (t[i] == '\r' && i + 1 < t.size() && t[i + 1] == '\n') return 2;
  return 0;
}

std::vector<CsvRecord> parse_records(std::string_view t, const std::string& origin, int first_line) {
  std::vector<CsvRecord> out;
  int line = first_line;
  size_t i = 0;
  while (i < t.size()) {
    CsvRecord rec;
    rec.line = line;
    bool blank = true;  // the record is an empty line
    for (;;) {
      std::string field;
      if (i < t.size() && t[i] == '"') {
        blank = false;
        const int opened = line;
        ++i;
        for (;;) {
          if (i >= t.size())
            throw ConfigError(fmt::format("{}:{}: field {} opens a quote that is never closed", origin, opened,
                                          rec.fields.size() + 1));
          if (t[i] == '"') {
            if (i + 1 < t.size() && t[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (t[i] == '\n') ++line;
          field += t[i++];
        }
        if (i < t.size() && t[i] != ',' && line_break(t, i) == 0)
          throw ConfigError(
              fmt::format("{}:{}: field {}: text after the closing quote (a quote inside a quoted "
                          "field is written \"\")",
                          origin, line, rec.fields.size() + 1));
      } else {
        while (i < t.size() && t[i] != ',' && line_break(t, i) == 0) {
          field += t[i++];
          blank = false;
        }
      }
      rec.fields.push_back(std::move(field));
      if (i < t.size() && t[i] == ',') {
        blank = false;
        ++i;
        continue;
      }
      i += line_break(t, i);  // 0 at the end of the text
      ++line;
      break;
    }
    if (!blank) out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& origin) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return parse_records(text, origin, 1);
}

std::optional<double> parse_double(std::string_view text) {
  text = trim(text);
  if (text.starts_with('+')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int64_t> parse_int(std::string_view text) {
  text = trim(text);
  if (text.starts_with('+')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

CsvTable CsvTable::read(const std::string& path, std::optional<char> comment) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot open the file", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ConfigError(fmt::format("{}: cannot read the file", path));
  return from_text(ss.str(), path, comment);
}

CsvTable CsvTable::from_text(std::string_view text, const std::string& origin, std::optional<char> comment) {
  CsvTable t;
  t.path_ = origin;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  // Leading comment and blank lines, before the header.
  int line = 1;
  for (;;) {
    const size_t nl = text.find('\n');
    std::string_view first = text.substr(0, nl);
    if (first.ends_with('\r')) first.remove_suffix(1);
    const bool is_comment = comment && first.starts_with(*comment);
    if (!is_comment && !trim(first).empty()) break;
    if (is_comment) t.comments_.emplace_back(line, std::string(first.substr(1)));
    if (nl == std::string_view::npos) {
      text = {};
      break;
    }
    text.remove_prefix(nl + 1);
    ++line;
  }
  std::vector<CsvRecord> records = parse_records(text, origin, line);
  if (records.empty()) throw ConfigError(fmt::format("{}: no header line (the file holds no CSV records)", origin));
  t.header_line_ = records.front().line;
  for (auto& name : records.front().fields) {
    std::string n(trim(name));
    if (n.empty())
      throw ConfigError(
          fmt::format("{}:{}: column {} of the header has no name", origin, t.header_line_, t.header_.size() + 1));
    for (const auto& seen : t.header_)
      if (seen == n)
        throw ConfigError(fmt::format("{}:{}: column '{}' appears twice in the header", origin, t.header_line_, n));
    t.header_.push_back(std::move(n));
  }
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].fields.size() != t.header_.size())
      throw ConfigError(fmt::format("{}:{}: {} fields, but the header (line {}) has {} columns", origin,
                                    records[r].line, records[r].fields.size(), t.header_line_, t.header_.size()));
    t.rows_.push_back(std::move(records[r]));
  }
  return t;
}

std::optional<size_t> CsvTable::find_column(const std::string& name) const {
  for (size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  return std::nullopt;
}

size_t CsvTable::column(const std::string& name) const {
  if (auto i = find_column(name)) return *i;
  const std::string hint = nearest(name, header_);
  throw ConfigError(fmt::format("{}:{}: missing column '{}'{}", path_, header_line_, name,
                                hint.empty() ? "" : fmt::format(" (is '{}' meant?)", hint)));
}

std::string CsvTable::where(const CsvRecord& row, size_t column) const {
  return fmt::format("{}:{}: column '{}'", path_, row.line, column < header_.size() ? header_[column] : "?");
}

const std::string& CsvTable::text(const CsvRecord& row, size_t column) const {
  if (column >= row.fields.size()) throw ConfigError(fmt::format("{}: no such field", where(row, column)));
  return row.fields[column];
}

double CsvTable::number(const CsvRecord& row, size_t column) const {
  const std::string& s = text(row, column);
  if (auto v = parse_double(s)) return *v;
  if (trim(s).empty()) throw ConfigError(fmt::format("{}: empty, a number is needed", where(row, column)));
  throw ConfigError(fmt::format("{}: '{}' is not a number", where(row, column), s));
}

int64_t CsvTable::integer(const CsvRecord& row, size_t column) const {
  const std::string& s = text(row, column);
  if (auto v = parse_int(s)) return *v;
  if (trim(s).empty()) throw ConfigError(fmt::format("{}: empty, an integer is needed", where(row, column)));
  throw ConfigError(fmt::format("{}: '{}' is not an integer", where(row, column), s));
}

}  // namespace tilesim
