#include "sim/report/svg_chart.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace tilesim {
namespace {

constexpr double kWidth = 720, kHeight = 460;
constexpr double kLeft = 78, kRight = 24, kTop = 40, kBottom = 56;

// Tick positions: powers of ten (and 2 and 5 times them) on a log axis, round steps on a linear one.
std::vector<double> ticks(const ChartAxis& a) {
  std::vector<double> t;
  if (a.log) {
    // Within a decade or so, finer steps, so that a narrow axis still has labels.
    const std::vector<double> steps = a.hi / a.lo < 12 ? std::vector<double>{1, 1.5, 2, 3, 4, 5, 6, 8}
                                                       : std::vector<double>{1, 2, 5};
    for (int e = static_cast<int>(std::floor(std::log10(a.lo))); e <= static_cast<int>(std::ceil(std::log10(a.hi))); ++e)
      for (double m : steps) {
        const double v = m * std::pow(10.0, e);
        if (v >= a.lo * 0.999 && v <= a.hi * 1.001) t.push_back(v);
      }
    return t;
  }
  const double span = a.hi - a.lo;
  const double raw = span / 6, mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
  for (double v = std::ceil(a.lo / step) * step; v <= a.hi + step * 1e-9; v += step) t.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  return t;
}

double position(const ChartAxis& a, double v, double from, double to) {
  const double f = a.log ? (std::log(v) - std::log(a.lo)) / (std::log(a.hi) - std::log(a.lo)) : (v - a.lo) / (a.hi - a.lo);
  return from + f * (to - from);
}

std::string tick_text(double v) { return fmt::format("{:g}", v); }

}  // namespace

const char* series_colour(size_t i) {
  static const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                  "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
  return palette[i % 10];
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

ScatterChart::ScatterChart(std::string id, std::string title, ChartAxis x, ChartAxis y)
    : id_(std::move(id)), title_(std::move(title)), x_(std::move(x)), y_(std::move(y)) {}

double ScatterChart::px(double x) const { return position(x_, x, kLeft, kWidth - kRight); }
double ScatterChart::py(double y) const { return position(y_, y, kHeight - kBottom, kTop); }

void ScatterChart::line(const std::vector<std::pair<double, double>>& points, const std::string& colour, bool dashed) {
  std::string d;
  for (const auto& [x, y] : points) d += fmt::format("{:.1f},{:.1f} ", px(x), py(y));
  body_ += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\"{}/>\n", d, colour,
                       dashed ? " stroke-dasharray=\"5,4\"" : "");
}

void ScatterChart::band(const std::vector<std::pair<double, double>>& lower,
                        const std::vector<std::pair<double, double>>& upper, const std::string& colour) {
  std::string d;
  for (const auto& [x, y] : lower) d += fmt::format("{:.1f},{:.1f} ", px(x), py(y));
  for (auto it = upper.rbegin(); it != upper.rend(); ++it) d += fmt::format("{:.1f},{:.1f} ", px(it->first), py(it->second));
  body_ += fmt::format("<polygon class=\"band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.15\" stroke=\"none\"/>\n", d, colour);
}

void ScatterChart::point(double x, double y, const std::string& colour, const std::string& tooltip, double radius,
                         bool outlined) {
  body_ += fmt::format("<circle class=\"point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" fill-opacity=\"{}\"{}>"
                       "<title>{}</title></circle>\n",
                       px(x), py(y), radius, colour, outlined ? 0.95 : 0.55,
                       outlined ? " stroke=\"black\" stroke-width=\"1\"" : "", html_escape(tooltip));
}

void ScatterChart::legend(const std::string& label, const std::string& colour) { legend_.emplace_back(label, colour); }

std::string ScatterChart::svg() const {
  std::string s = fmt::format(
      "<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\">\n"
      "<text x=\"{}\" y=\"22\" class=\"title\">{}</text>\n",
      html_escape(id_), kWidth, kHeight, kWidth, kHeight, kLeft, html_escape(title_));
  s += "<defs><clipPath id=\"" + html_escape(id_) + "-plot\">" +
       fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath></defs>\n", kLeft, kTop,
                   kWidth - kLeft - kRight, kHeight - kTop - kBottom);
  for (double t : ticks(x_)) {
    const double x = px(t);
    s += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"grid\"/><text x=\"{0:.1f}\" y=\"{3}\" "
                     "class=\"tick\" text-anchor=\"middle\">{4}</text>\n",
                     x, kTop, kHeight - kBottom, kHeight - kBottom + 16, tick_text(t));
  }
  for (double t : ticks(y_)) {
    const double y = py(t);
    s += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" class=\"grid\"/><text x=\"{3}\" y=\"{4:.1f}\" "
                     "class=\"tick\" text-anchor=\"end\">{5}</text>\n",
                     kLeft, kWidth - kRight, y, kLeft - 6, y + 4, tick_text(t));
  }
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"frame\"/>\n", kLeft, kTop,
                   kWidth - kLeft - kRight, kHeight - kTop - kBottom);
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"label\" text-anchor=\"middle\">{}{}</text>\n", (kLeft + kWidth - kRight) / 2,
                   kHeight - 14, html_escape(x_.label), x_.log ? " (log)" : "");
  s += fmt::format("<text transform=\"translate(18,{}) rotate(-90)\" class=\"label\" text-anchor=\"middle\">{}{}</text>\n",
                   (kTop + kHeight - kBottom) / 2, html_escape(y_.label), y_.log ? " (log)" : "");
  s += "<g clip-path=\"url(#" + html_escape(id_) + "-plot)\">\n" + body_ + "</g>\n";
  for (size_t i = 0; i < legend_.size(); ++i)
    s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" class=\"tick\">{}</text>\n",
                     kLeft + 12, kTop + 14 + 16 * static_cast<double>(i), legend_[i].second, kLeft + 22,
                     kTop + 18 + 16 * static_cast<double>(i), html_escape(legend_[i].first));
  return s + "</svg>\n";
}

std::string bar_chart(const std::string& id, const std::string& title, const ChartAxis& value, const std::vector<Bar>& bars) {
  const double row = 24, left = 300, right = 30, top = 40;
  const double height = top + row * static_cast<double>(bars.size()) + 50;
  const auto x = [&](double v) { return position(value, v, left, kWidth - right); };
  std::string s = fmt::format(
      "<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\">\n"
      "<text x=\"12\" y=\"22\" class=\"title\">{}</text>\n",
      html_escape(id), kWidth, height, kWidth, height, html_escape(title));
  const double bottom = top + row * static_cast<double>(bars.size());
  for (double t : ticks(value))
    s += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"grid\"/><text x=\"{0:.1f}\" y=\"{3}\" "
                     "class=\"tick\" text-anchor=\"middle\">{4}</text>\n",
                     x(t), top, bottom, bottom + 16, tick_text(t));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double y = top + row * static_cast<double>(i);
    const double x0 = x(std::min(b.from, b.to)), x1 = x(std::max(b.from, b.to));
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>\n", left - 8, y + row * 0.65,
                     html_escape(b.label));
    s += fmt::format("<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}</title></rect>\n",
                     x0, y + 3, std::max(1.0, x1 - x0), row - 6, b.colour, html_escape(b.tooltip));
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"label\" text-anchor=\"middle\">{}{}</text>\n", (left + kWidth - right) / 2,
                   bottom + 38, html_escape(value.label), value.log ? " (log)" : "");
  return s + "</svg>\n";
}

}  // namespace tilesim
