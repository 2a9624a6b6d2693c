// SVG rendering of chart data: bars (bar, histogram), a line or area, pie slices,
// points (scatter), or a table (pivot_table). The first measure is drawn; labels
// and values are escaped as XML text.
#include <algorithm>
#include <cmath>

#include "charts/chart_numbers.h"
#include "mortar/charts/chart.h"
#include "mortar/core/markup_escape.h"

namespace mortar::charts {

namespace {

constexpr double kWidth = 720;
constexpr double kHeight = 420;
constexpr double kLeft = 70;
constexpr double kRight = 20;
constexpr double kTop = 40;
constexpr double kBottom = 80;
constexpr const char* kColors[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                   "#59a14f", "#edc948", "#b07aa1", "#ff9da7"};

std::string Label(const config::Json& value) {
  if (value.is_null()) return "(empty)";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return PlainNumber(value.get<double>());
  return value.dump();
}

double Number(const config::Json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    char* end = nullptr;
    double parsed = std::strtod(value.get<std::string>().c_str(), &end);
    if (end != value.get<std::string>().c_str()) return parsed;
  }
  return 0;
}

std::string Format(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

std::string Text(double x, double y, const std::string& text, const std::string& extra = "") {
  return "<text x=\"" + Format(x) + "\" y=\"" + Format(y) + "\"" + extra + ">" +
         EscapeMarkup(text) + "</text>\n";
}

}  // namespace

std::string RenderSvg(const ChartSpec& spec, const ChartData& data) {
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Format(kWidth) +
                    "\" height=\"" + Format(kHeight) + "\" font-family=\"sans-serif\" " +
                    "font-size=\"11\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += Text(kLeft, 22, spec.name, " font-size=\"15\" font-weight=\"bold\"");
  const std::size_t dimensions = spec.dimensions.size();
  const std::size_t value_column = dimensions;  // the first measure
  if (data.rows.empty()) return svg + Text(kLeft, kHeight / 2, "no data") + "</svg>\n";

  if (spec.type == ChartType::kPivotTable) {
    double y = kTop + 10;
    double column_width = (kWidth - 2 * kRight) / static_cast<double>(data.columns.size());
    for (std::size_t c = 0; c < data.columns.size(); ++c) {
      svg += Text(kRight + column_width * static_cast<double>(c), y, data.columns[c],
                  " font-weight=\"bold\"");
    }
    for (const auto& row : data.rows) {
      y += 16;
      if (y > kHeight - 10) break;
      for (std::size_t c = 0; c < row.size(); ++c) {
        svg += Text(kRight + column_width * static_cast<double>(c), y, Label(row[c]));
      }
    }
    return svg + "</svg>\n";
  }

  std::vector<double> values;
  for (const auto& row : data.rows) values.push_back(Number(row[value_column]));
  if (spec.type == ChartType::kPie) {
    double total = 0;
    for (double value : values) total += std::max(0.0, value);
    double cx = kWidth / 2 - 100;
    double cy = (kHeight + kTop) / 2;
    double radius = std::min(kWidth, kHeight) / 2 - kTop;
    double angle = -M_PI / 2;
    for (std::size_t i = 0; i < values.size(); ++i) {
      double share = total > 0 ? std::max(0.0, values[i]) / total : 0;
      double end = angle + share * 2 * M_PI;
      std::string color = kColors[i % std::size(kColors)];
      svg += "<path d=\"M" + Format(cx) + "," + Format(cy) + " L" +
             Format(cx + radius * std::cos(angle)) + "," + Format(cy + radius * std::sin(angle)) +
             " A" + Format(radius) + "," + Format(radius) + " 0 " + (share > 0.5 ? "1" : "0") +
             ",1 " + Format(cx + radius * std::cos(end)) + "," +
             Format(cy + radius * std::sin(end)) + " Z\" fill=\"" + color + "\"/>\n";
      svg += "<rect x=\"" + Format(kWidth - 240) + "\" y=\"" +
             Format(kTop + 16 * static_cast<double>(i)) + "\" width=\"10\" height=\"10\" fill=\"" +
             color + "\"/>\n";
      svg += Text(kWidth - 224, kTop + 9 + 16 * static_cast<double>(i),
                  Label(data.rows[i][0]) + ": " + ReadableNumber(values[i]));
      angle = end;
    }
    return svg + "</svg>\n";
  }

  // Axes for bars, lines, areas and points.
  // Round ticks (1, 2 or 5 x 10^k) from zero or below to the highest value or above.
  const ValueAxis axis = RoundAxis(std::min(0.0, *std::min_element(values.begin(), values.end())),
                                   std::max(0.0, *std::max_element(values.begin(), values.end())));
  const double low = axis.low;
  const double high = axis.high;
  const double plot_width = kWidth - kLeft - kRight;
  const double plot_height = kHeight - kTop - kBottom;
  auto y_of = [&](double value) { return kTop + plot_height * (high - value) / (high - low); };
  svg += "<line x1=\"" + Format(kLeft) + "\" y1=\"" + Format(y_of(0)) + "\" x2=\"" +
         Format(kWidth - kRight) + "\" y2=\"" + Format(y_of(0)) + "\" stroke=\"#333\"/>\n";
  svg += "<line x1=\"" + Format(kLeft) + "\" y1=\"" + Format(kTop) + "\" x2=\"" + Format(kLeft) +
         "\" y2=\"" + Format(kTop + plot_height) + "\" stroke=\"#333\"/>\n";
  const auto steps = static_cast<int>(std::lround((high - low) / axis.step));
  for (int tick = 0; tick <= steps; ++tick) {
    double value = low + axis.step * tick;
    svg += Text(kLeft - 6, y_of(value) + 4, ReadableNumber(value, axis.decimals),
                " text-anchor=\"end\"");
  }
  svg += Text(kLeft, kHeight - 8, data.columns[0] + " / " + data.columns[value_column]);

  std::vector<double> xs;
  const double n = static_cast<double>(values.size());
  if (spec.type == ChartType::kScatter) {
    std::vector<double> raw;
    for (const auto& row : data.rows) raw.push_back(Number(row[0]));
    double x_low = *std::min_element(raw.begin(), raw.end());
    double x_high = *std::max_element(raw.begin(), raw.end());
    if (x_high == x_low) x_high = x_low + 1;
    for (double x : raw) xs.push_back(kLeft + plot_width * (x - x_low) / (x_high - x_low));
  } else {
    for (std::size_t i = 0; i < values.size(); ++i) {
      xs.push_back(kLeft + plot_width * (static_cast<double>(i) + 0.5) / n);
    }
  }
  // Category labels, thinned to fit.
  std::size_t every = std::max<std::size_t>(1, values.size() / 20);
  for (std::size_t i = 0; i < values.size(); i += every) {
    svg += Text(xs[i], kTop + plot_height + 14, Label(data.rows[i][0]),
                " text-anchor=\"end\" transform=\"rotate(-45 " + Format(xs[i]) + " " +
                    Format(kTop + plot_height + 14) + ")\"");
  }
  if (spec.type == ChartType::kBar || spec.type == ChartType::kHistogram) {
    double bar = plot_width / n * (spec.type == ChartType::kHistogram ? 1.0 : 0.8);
    for (std::size_t i = 0; i < values.size(); ++i) {
      double top = std::min(y_of(values[i]), y_of(0));
      svg += "<rect x=\"" + Format(xs[i] - bar / 2) + "\" y=\"" + Format(top) + "\" width=\"" +
             Format(bar) + "\" height=\"" + Format(std::fabs(y_of(values[i]) - y_of(0))) +
             "\" fill=\"" + kColors[0] + "\"><title>" + EscapeMarkup(Label(data.rows[i][0])) +
             ": " + ReadableNumber(values[i]) + "</title></rect>\n";
    }
  } else if (spec.type == ChartType::kScatter) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      svg += "<circle cx=\"" + Format(xs[i]) + "\" cy=\"" + Format(y_of(values[i])) +
             "\" r=\"3\" fill=\"" + kColors[0] + "\"/>\n";
    }
  } else {
    std::string points;
    for (std::size_t i = 0; i < values.size(); ++i) {
      points += (i > 0 ? " " : "") + Format(xs[i]) + "," + Format(y_of(values[i]));
    }
    if (spec.type == ChartType::kArea) {
      std::string area = Format(xs.front()) + "," + Format(y_of(0)) + " " + points + " " +
                         Format(xs.back()) + "," + Format(y_of(0));
      svg += "<polygon points=\"" + area + "\" fill=\"" + kColors[0] + "\" opacity=\"0.4\"/>\n";
    }
    svg += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + kColors[0] +
           "\" stroke-width=\"2\"/>\n";
  }
  return svg + "</svg>\n";
}

}  // namespace mortar::charts
