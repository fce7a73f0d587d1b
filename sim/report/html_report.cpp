#include "sim/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwmodels/config_error.hpp"
#include "sim/report/svg_chart.hpp"

namespace tilesim {
namespace {

using nlohmann::json;

const char* kStyle = R"(body{font-family:sans-serif;margin:24px auto;max-width:1100px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:32px}table{border-collapse:collapse;margin:8px 0;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}td.l,th.l{text-align:left}
.chart{display:block;margin:12px 0}.chart .title{font-size:14px;font-weight:bold}.chart .tick{font-size:11px;fill:#444}
.chart .label{font-size:12px}.chart .grid{stroke:#e4e4e4}.chart .frame{fill:none;stroke:#888}.note{color:#555;font-size:13px})";

// Every chart is an <svg class="chart">: the script counts them, so a test of the rendered page
// can check that the browser built each one.
const char* kScript = R"(<script>document.body.dataset.charts=document.querySelectorAll("svg.chart").length;</script>)";

std::string page(const std::string& title, const std::string& body) {
  return fmt::format("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style>"
                     "</head>\n<body>\n<h1>{}</h1>\n{}{}\n</body></html>\n",
                     html_escape(title), kStyle, html_escape(title), body, kScript);
}

// A value the page needs, checked: the file and the key where it is missing or of another type.
const json& need(const json& j, const std::string& key, const std::string& source, json::value_t type) {
  const auto it = j.find(key);
  const bool numeric = type == json::value_t::number_float;
  if (it == j.end() || (numeric ? !it->is_number() : it->type() != type))
    throw ConfigError(fmt::format("{}: '{}' is missing or not {}", source, key,
                                  numeric ? "a number" : type == json::value_t::array ? "a list"
                                                     : type == json::value_t::object ? "a map" : "text"));
  return *it;
}
double number(const json& j, const std::string& key, const std::string& source) {
  return need(j, key, source, json::value_t::number_float).get<double>();
}
std::string text(const json& j, const std::string& key, const std::string& source) {
  return need(j, key, source, json::value_t::string).get<std::string>();
}

std::string notes_html(const json& j) {
  std::string s;
  if (const auto it = j.find("notes"); it != j.end() && it->is_array())
    for (const auto& n : *it)
      if (n.is_string()) s += "<p class=\"note\">" + html_escape(n.get<std::string>()) + "</p>\n";
  return s;
}

// A log axis around the positive values given, padded by 20% each way.
ChartAxis log_axis(const std::string& label, const std::vector<double>& values) {
  double lo = INFINITY, hi = 0;
  for (double v : values)
    if (v > 0 && std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!(lo < INFINITY)) lo = hi = 1;
  if (lo == hi) hi = lo * 10;
  return ChartAxis{label, true, lo / 1.2, hi * 1.2};
}

ChartAxis linear_axis(const std::string& label, double lo, double hi) {
  if (lo == hi) hi = lo + 1;
  const double pad = (hi - lo) * 0.05;
  return ChartAxis{label, false, lo - pad, hi + pad};
}

std::string metrics_row(const std::string& name, const json& m, const std::string& source) {
  return fmt::format("<tr><td class=\"l\">{}</td><td>{}</td><td>{:.1f}</td><td>{:.1f}</td><td>{:.1f}</td><td>{:.1f}</td>"
                     "<td>{:.3f}</td><td>{:.3f}</td></tr>\n",
                     html_escape(name), static_cast<int64_t>(number(m, "n", source)), number(m, "mape", source),
                     number(m, "rmspe", source), number(m, "within_10pct", source), number(m, "within_20pct", source),
                     number(m, "spearman", source), number(m, "kendall", source));
}

const char* kMetricsHeader =
    "<tr><th class=\"l\">predictor</th><th>n</th><th>MAPE %</th><th>RMSPE %</th><th>within 10%</th><th>within 20%</th>"
    "<th>Spearman</th><th>Kendall</th></tr>\n";

// Measured against one predictor's ms, per device, with y = x and the ±20% band.
std::string measured_scatter(const std::string& id, const std::string& title, const json& rows, const std::string& key,
                             const std::map<std::string, size_t>& device_colour, const std::string& source) {
  std::vector<double> all;
  for (const auto& r : rows) {
    all.push_back(number(r, "measured_ms", source));
    all.push_back(number(r, key, source));
  }
  const ChartAxis x = log_axis("measured ms", all), y = log_axis(title + " ms", all);
  ScatterChart c(id, "measured against " + title, x, y);
  const std::vector<std::pair<double, double>> diagonal{{x.lo, x.lo}, {x.hi, x.hi}};
  c.band({{x.lo, x.lo * 0.8}, {x.hi, x.hi * 0.8}}, {{x.lo, x.lo * 1.2}, {x.hi, x.hi * 1.2}}, "#2ca02c");
  c.line(diagonal, "#555", true);
  for (const auto& r : rows) {
    const std::string device = text(r, "device", source);
    const double m = number(r, "measured_ms", source), p = number(r, key, source);
    if (!(m > 0) || !(p > 0)) continue;
    c.point(m, p, series_colour(device_colour.at(device)),
            fmt::format("{} {} ({}): measured {:.4g} ms, {} {:.4g} ms ({:+.1f}%)", device, text(r, "name", source),
                        r.value("conditions", ""), m, title, p, 100 * (p - m) / m));
  }
  size_t shown = 0;
  for (const auto& [device, colour] : device_colour)
    if (shown++ < 10) c.legend(device, series_colour(colour));
  if (device_colour.size() > 10) c.legend(fmt::format("... {} more devices (colours repeat)", device_colour.size() - 10), "#fff");
  return c.svg();
}

}  // namespace

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot be read", path));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw ConfigError(fmt::format("{}: not JSON (at byte {}): {}", path, e.byte, e.what()));
  }
}

std::string validation_report_html(const json& v, const std::string& source) {
  const json& rows = need(v, "rows", source, json::value_t::array);
  const json& baselines = need(v, "baselines", source, json::value_t::object);
  if (rows.empty()) throw ConfigError(fmt::format("{}: 'rows' is empty", source));
  std::map<std::string, size_t> device_colour;
  for (const auto& r : rows) device_colour.emplace(text(r, "device", source), 0);
  size_t i = 0;
  for (auto& [d, c] : device_colour) c = i++;
  std::string body = fmt::format("<p>{} rows from <code>{}</code>; measured: {}.</p>\n", rows.size(), html_escape(source),
                                 html_escape(v.value("compared", std::string("the rows' latency"))));
  body += notes_html(v);
  body += std::string("<h2>All rows</h2>\n<table>") + kMetricsHeader +
          metrics_row("tilesim", need(v, "metrics", source, json::value_t::object), source) +
          metrics_row("FLOP-proportional", need(baselines, "flops", source, json::value_t::object), source) +
          metrics_row("roofline", need(baselines, "roofline", source, json::value_t::object), source);
  if (baselines.contains("oracle_flops")) body += metrics_row("oracle FLOP (own device's other rows)", baselines["oracle_flops"], source);
  body += "</table>\n";
  body += measured_scatter("validation-simulated", "tilesim", rows, "simulated_ms", device_colour, source);
  body += measured_scatter("validation-flops", "FLOP-proportional", rows, "flops_ms", device_colour, source);
  if (const auto it = v.find("devices"); it != v.end() && it->is_object() && !it->empty()) {
    body += "<h2>Per device</h2>\n<table><tr><th class=\"l\">device</th><th>n</th><th>tilesim MAPE %</th>"
            "<th>FLOP MAPE %</th><th>roofline MAPE %</th><th>oracle FLOP MAPE %</th><th>tilesim within 20%</th>"
            "<th>Spearman</th></tr>\n";
    for (const auto& [device, d] : it->items()) {
      const json& m = need(d, "metrics", source, json::value_t::object);
      const json& b = need(d, "baselines", source, json::value_t::object);
      body += fmt::format("<tr><td class=\"l\">{}</td><td>{}</td><td>{:.1f}</td><td>{:.1f}</td><td>{:.1f}</td><td>{}</td>"
                          "<td>{:.1f}</td><td>{:.3f}</td></tr>\n",
                          html_escape(device), static_cast<int64_t>(number(m, "n", source)), number(m, "mape", source),
                          number(need(b, "flops", source, json::value_t::object), "mape", source),
                          number(need(b, "roofline", source, json::value_t::object), "mape", source),
                          b.contains("oracle_flops") ? fmt::format("{:.1f}", number(b["oracle_flops"], "mape", source)) : "-",
                          number(m, "within_20pct", source), number(m, "spearman", source));
    }
    body += "</table>\n";
  }
  body += "<h2>Rows</h2>\n<table><tr><th class=\"l\">device</th><th class=\"l\">name</th><th class=\"l\">conditions</th>"
          "<th>measured ms</th><th>simulated ms</th><th>error</th><th>FLOP-prop ms</th><th>roofline ms</th></tr>\n";
  for (const auto& r : rows) {
    const double m = number(r, "measured_ms", source), p = number(r, "simulated_ms", source);
    body += fmt::format("<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{:.4g}</td><td>{:.4g}</td>"
                        "<td>{:+.1f}%</td><td>{:.4g}</td><td>{:.4g}</td></tr>\n",
                        html_escape(text(r, "device", source)), html_escape(text(r, "name", source)),
                        html_escape(r.value("conditions", "")), m, p, 100 * (p - m) / m, number(r, "flops_ms", source),
                        number(r, "roofline_ms", source));
  }
  return page("tilesim validation", body + "</table>\n");
}

std::string sweep_report_html(const SweepSummary& s, const std::string& source) {
  const auto& params = s.results.parameters;
  std::string body = fmt::format(
      "<p>Sweep of <code>{}</code> ({}, config digest {}) from <code>{}</code>: {} of {} planned points, {} duplicates, "
      "{} failures.</p>\n",
      html_escape(s.results.config_file), html_escape(s.results.sampling), html_escape(s.results.config_hash),
      html_escape(source), s.points, s.results.planned, s.duplicates, s.failures.size());
  for (const auto& n : s.notes) body += "<p class=\"note\">" + html_escape(n) + "</p>\n";
  std::map<std::string, std::vector<const PointResult*>> by_model;
  std::set<std::string> seen;
  for (const auto& r : s.results.rows)
    if (r.status == "ok" && seen.insert(r.hash).second) by_model[r.model].push_back(&r);
  std::set<std::string> on_front;
  for (const auto& p : s.pareto) on_front.insert(p.hash);
  const auto describe = [&](const PointResult& r) {
    std::string t = fmt::format("point {}: {:.4g} ms, {:.4g} mJ, {:.4g} mm2", r.index, r.latency_ms, r.energy_mj, r.area_mm2);
    for (size_t i = 0; i < params.size(); ++i) t += fmt::format("; {} = {}", params[i], r.values[i]);
    return t;
  };
  body += fmt::format("<h2>Pareto fronts over {}</h2>\n<p class=\"note\">Every distinct point of each model, the front "
                      "outlined; hover a point for its parameters. The front is over all the objectives, so a point on it may look "
                      "dominated in this view by one of larger area.</p>\n", html_escape(fmt::format("{}", fmt::join(s.objectives, ", "))));
  size_t chart = 0;
  for (const auto& [model, rows] : by_model) {
    std::vector<double> lat, en;
    for (const auto* r : rows) {
      lat.push_back(r->latency_ms);
      en.push_back(r->energy_mj);
    }
    ScatterChart c(fmt::format("pareto-{}", chart), model + ": energy against latency", log_axis("latency ms", lat),
                   log_axis("energy mJ", en));
    for (const auto* r : rows)
      if (!on_front.count(r->hash)) c.point(r->latency_ms, r->energy_mj, "#9aa", describe(*r), 3);
    for (const auto* r : rows)
      if (on_front.count(r->hash)) c.point(r->latency_ms, r->energy_mj, series_colour(chart), describe(*r), 4.5, true);
    c.legend("on the Pareto front", series_colour(chart));
    c.legend("dominated", "#9aa");
    body += c.svg();
    ++chart;
  }
  if (!s.sensitivity.empty()) {
    double hi = 1;
    for (const auto& e : s.sensitivity) hi = std::max({hi, e.latency_ratio, e.energy_ratio});
    std::vector<Bar> bars;
    for (const auto& e : s.sensitivity) {
      bars.push_back({e.key + " (latency)", 1, e.latency_ratio, series_colour(0),
                      fmt::format("{}: latency {:.3f}x between its worst and best value (best: {})", e.key, e.latency_ratio,
                                  e.best_latency_value)});
      bars.push_back({e.key + " (energy)", 1, e.energy_ratio, series_colour(3),
                      fmt::format("{}: energy {:.3f}x between its worst and best value (best: {})", e.key, e.energy_ratio,
                                  e.best_energy_value)});
    }
    body += "<h2>Sensitivity</h2>\n<p class=\"note\">Geometric-mean latency and energy at a parameter's worst value over "
            "its best, each point first divided by its model's geometric mean.</p>\n";
    body += bar_chart("sensitivity", "each parameter's effect (worst over best)", ChartAxis{"ratio", true, 1, hi * 1.1}, bars);
  }
  body += "<h2>Pareto points</h2>\n<table><tr><th>point</th><th class=\"l\">model</th><th>latency ms</th><th>energy mJ</th>"
          "<th>area mm2</th>";
  for (const auto& p : params) body += "<th class=\"l\">" + html_escape(p) + "</th>";
  body += "</tr>\n";
  for (const auto& r : s.pareto) {
    body += fmt::format("<tr><td>{}</td><td class=\"l\">{}</td><td>{:.4g}</td><td>{:.4g}</td><td>{:.4g}</td>", r.index,
                        html_escape(r.model), r.latency_ms, r.energy_mj, r.area_mm2);
    for (const auto& v : r.values) body += "<td class=\"l\">" + html_escape(v) + "</td>";
    body += "</tr>\n";
  }
  body += "</table>\n";
  if (!s.failures.empty()) {
    body += "<h2>Failures</h2>\n<table><tr><th>point</th><th class=\"l\">error</th></tr>\n";
    for (const auto& f : s.failures) body += fmt::format("<tr><td>{}</td><td class=\"l\">{}</td></tr>\n", f.index, html_escape(f.error));
    body += "</table>\n";
  }
  return page("tilesim sweep", body);
}

std::string compare_report_html(const json& c, const std::string& source) {
  const json& models = need(c, "models", source, json::value_t::array);
  const json& factors = need(c, "factors", source, json::value_t::array);
  if (models.size() != 2 || !models[0].is_string() || !models[1].is_string())
    throw ConfigError(fmt::format("{}: 'models' is not a list of two names", source));
  const std::string a = models[0], b = models[1];
  const json& latency = need(c, "latency_ms", source, json::value_t::array);
  if (latency.size() != 2 || !latency[1].is_number()) throw ConfigError(fmt::format("{}: 'latency_ms' is not two numbers", source));
  const double expected = number(c, "expected_b_ms", source), b_ms = latency[1].get<double>();
  std::string body = fmt::format("<p>{} against {} on {} ({}, {}), from <code>{}</code>.</p>\n", html_escape(a), html_escape(b),
                                 html_escape(c.value("soc", "")), html_escape(c.value("engine", "")),
                                 html_escape(c.value("device", "")), html_escape(source));
  body += "<table><tr><th class=\"l\"></th><th>A / B</th></tr>\n";
  body += fmt::format("<tr><td class=\"l\">FLOP ratio</td><td>{:.3f}</td></tr>\n", number(c, "flops_ratio", source));
  body += fmt::format("<tr><td class=\"l\">simulated latency ratio</td><td>{:.3f}</td></tr>\n", number(c, "latency_ratio", source));
  const auto mr = c.find("measured_ratio");
  body += fmt::format("<tr><td class=\"l\">measured latency ratio</td><td>{}</td></tr>\n</table>\n",
                      mr != c.end() && mr->is_number() ? fmt::format("{:.3f}", mr->get<double>()) : "not measured");
  body += notes_html(c);
  std::vector<Bar> bars{{fmt::format("{} at {}'s time per MAC", b, a), 0, expected, "#7f7f7f",
                         fmt::format("{:.4g} ms: what the FLOP ratio predicts", expected)}};
  double at = expected, lo = 0, hi = std::max(expected, b_ms);
  for (const auto& f : factors) {
    const double d = number(f, "contribution_ms", source);
    const std::string label = text(f, "group", source) + ": " + text(f, "factor", source);
    bars.push_back({label, at, at + d, d > 0 ? "#d62728" : "#2ca02c",
                    fmt::format("{}: {:+.4g} ms ({} {:.4g} ms, {} {:.4g} ms)", label, d, a, number(f, "a_ms", source), b,
                                number(f, "b_ms", source))});
    at += d;
    lo = std::min(lo, at);
    hi = std::max(hi, at);
  }
  bars.push_back({b + " simulated", 0, b_ms, series_colour(0), fmt::format("{:.4g} ms", b_ms)});
  body += "<h2>From the FLOP-predicted time to the simulated one</h2>\n<p class=\"note\">Each factor is B's time in it "
          "less A's time in it divided by the FLOP ratio; red adds time, green saves it.</p>\n";
  body += bar_chart("waterfall", "factor waterfall (ms of " + b + ")", linear_axis("ms", lo, hi), bars);
  body += "<table><tr><th class=\"l\">layer group</th><th class=\"l\">factor</th><th>A ms</th><th>B ms</th><th>B - A / r</th></tr>\n";
  for (const auto& f : factors)
    body += fmt::format("<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{:.4f}</td><td>{:.4f}</td><td>{:+.4f}</td></tr>\n",
                        html_escape(text(f, "group", source)), html_escape(text(f, "factor", source)), number(f, "a_ms", source),
                        number(f, "b_ms", source), number(f, "contribution_ms", source));
  return page(fmt::format("tilesim compare: {} against {}", a, b), body + "</table>\n");
}

}  // namespace tilesim
