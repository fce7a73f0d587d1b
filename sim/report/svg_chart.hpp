#pragma once
// Charts drawn as inline SVG, so that a report is one file that opens anywhere without a network:
// a scatter plot on linear or log axes (points with tooltips, lines, shaded bands), and a chart of
// horizontal bars (a waterfall, or one bar per category).
#include <string>
#include <utility>
#include <vector>

namespace tilesim {

struct ChartAxis {
  std::string label;
  bool log = false;
  double lo = 0, hi = 1;  // data range shown
};

// The i-th colour of the reports' palette (distinct for ten series, then repeating).
const char* series_colour(size_t i);

// Text safe inside HTML and SVG elements and attributes.
std::string html_escape(const std::string& text);

class ScatterChart {
 public:
  ScatterChart(std::string id, std::string title, ChartAxis x, ChartAxis y);
  void line(const std::vector<std::pair<double, double>>& points, const std::string& colour, bool dashed = false);
  void band(const std::vector<std::pair<double, double>>& lower, const std::vector<std::pair<double, double>>& upper,
            const std::string& colour);
  void point(double x, double y, const std::string& colour, const std::string& tooltip, double radius = 3.5,
             bool outlined = false);
  void legend(const std::string& label, const std::string& colour);
  std::string svg() const;

 private:
  double px(double x) const;
  double py(double y) const;
  std::string id_, title_;
  ChartAxis x_, y_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> legend_;
};

struct Bar {
  std::string label;
  double from = 0, to = 0;  // along the value axis
  std::string colour;
  std::string tooltip;
};

// Horizontal bars, one row each, on a shared linear (or log) value axis.
std::string bar_chart(const std::string& id, const std::string& title, const ChartAxis& value, const std::vector<Bar>& bars);

}  // namespace tilesim
