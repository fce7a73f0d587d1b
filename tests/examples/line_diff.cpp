#include "tests/examples/line_diff.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace tilesim::test {
namespace {

constexpr size_t kContext = 3;

// Lines without their '\n'; a text whose last line lacks one says so, as diff does.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  if (!text.empty() && text.back() != '\n') lines.back() += "\n\\ No newline at end of file";
  return lines;
}

struct Edit {
  char kind;  // ' ' both, '-' expected only, '+' actual only
  size_t a, b;  // line indices in expected and actual before this edit
  std::string line;
};

// A shortest edit script by longest common subsequence, after the common head and tail are set
// aside (outputs differ in a few lines, so the table stays small).
std::vector<Edit> edits(const std::vector<std::string>& x, const std::vector<std::string>& y) {
  size_t head = 0;
  while (head < x.size() && head < y.size() && x[head] == y[head]) ++head;
  size_t tail = 0;
  while (tail < x.size() - head && tail < y.size() - head && x[x.size() - 1 - tail] == y[y.size() - 1 - tail]) ++tail;
  const size_t n = x.size() - head - tail, m = y.size() - head - tail;
  // common[i][j]: length of the LCS of x[head+i..] and y[head+j..] within the middle.
  std::vector<std::vector<unsigned>> common(n + 1, std::vector<unsigned>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      common[i][j] = x[head + i] == y[head + j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
  std::vector<Edit> script;
  for (size_t k = 0; k < head; ++k) script.push_back({' ', k, k, x[k]});
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[head + i] == y[head + j]) {
      script.push_back({' ', head + i, head + j, x[head + i]});
      ++i, ++j;
    } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {  // removals first, as diff
      script.push_back({'-', head + i, head + j, x[head + i]});
      ++i;
    } else {
      script.push_back({'+', head + i, head + j, y[head + j]});
      ++j;
    }
  }
  for (size_t k = 0; k < tail; ++k) script.push_back({' ', head + n + k, head + m + k, x[head + n + k]});
  return script;
}

}  // namespace

std::string unified_diff(const std::string& expected, const std::string& actual, const std::string& expected_label,
                         const std::string& actual_label) {
  if (expected == actual) return "";
  const std::vector<Edit> script = edits(lines_of(expected), lines_of(actual));
  std::string out = fmt::format("--- {}\n+++ {}\n", expected_label, actual_label);
  std::vector<size_t> changes;
  for (size_t k = 0; k < script.size(); ++k)
    if (script[k].kind != ' ') changes.push_back(k);
  // One hunk per run of changes at most 2*kContext unchanged lines apart, with kContext lines of
  // context each side.
  for (size_t first = 0; first < changes.size();) {
    size_t last = first;
    while (last + 1 < changes.size() && changes[last + 1] - changes[last] <= 2 * kContext + 1) ++last;
    const size_t begin = changes[first] - std::min(changes[first], kContext);
    const size_t end = std::min(script.size(), changes[last] + 1 + kContext);
    size_t a_lines = 0, b_lines = 0;
    std::string body;
    for (size_t t = begin; t < end; ++t) {
      a_lines += script[t].kind != '+';
      b_lines += script[t].kind != '-';
      body += script[t].kind + script[t].line + '\n';
    }
    // Lines count from 1; an empty side names the line before it, as diff does.
    out += fmt::format("@@ -{},{} +{},{} @@\n", script[begin].a + (a_lines > 0), a_lines,
                       script[begin].b + (b_lines > 0), b_lines) +
           body;
    first = last + 1;
  }
  return out;
}

}  // namespace tilesim::test
