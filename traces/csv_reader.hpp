#pragma once
// Reading CSV files (RFC 4180): fields separated by commas; a field in double quotes may hold
// commas, line breaks and doubled quotes (""). LF and CRLF line ends, a UTF-8 byte-order mark and
// blank lines are accepted. Every record keeps the line it starts on, so that errors can name
// file:line and the column, as ConfigError.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tilesim {

struct CsvRecord {
  std::vector<std::string> fields;
  int line = 0;  // 1-based line of the file on which the record starts
};

// Splits CSV text into records (the header is the first). `origin` names the text in errors.
// Throws ConfigError on an unterminated quoted field or on text after a closing quote.
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& origin);

class CsvTable {
 public:
  // Reads `path`; the first record (after leading lines starting with `comment`, if given) is
  // the header. Every record must have as many fields as the header. Throws ConfigError.
  static CsvTable read(const std::string& path, std::optional<char> comment = std::nullopt);
  static CsvTable from_text(std::string_view text, const std::string& origin,
                            std::optional<char> comment = std::nullopt);

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  int header_line() const { return header_line_; }
  const std::vector<CsvRecord>& rows() const { return rows_; }
  // The leading comment lines without the comment character, in order.
  const std::vector<std::pair<int, std::string>>& comments() const { return comments_; }

  std::optional<size_t> find_column(const std::string& name) const;
  // The index of a column; throws ConfigError "file:line: missing column 'name'" when absent.
  size_t column(const std::string& name) const;

  // Typed access to one cell; errors read "file:line: column 'name': message".
  const std::string& text(const CsvRecord& row, size_t column) const;
  double number(const CsvRecord& row, size_t column) const;  // a finite decimal number
  int64_t integer(const CsvRecord& row, size_t column) const;
  // "file:line: column 'name'" for messages of the caller's own.
  std::string where(const CsvRecord& row, size_t column) const;

 private:
  std::string path_;
  std::vector<std::string> header_;
  int header_line_ = 0;
  std::vector<CsvRecord> rows_;
  std::vector<std::pair<int, std::string>> comments_;
};

// Parses a whole field (surrounding spaces allowed) as a finite double / an integer.
std::optional<double> parse_double(std::string_view text);
std::optional<int64_t> parse_int(std::string_view text);

}  // namespace tilesim
